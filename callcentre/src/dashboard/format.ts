// How the dashboard shows times, durations and rates. Times are shown to the second in the centre's
// zone (the flow's `timezone`), which is also where its "today" begins (docs/callcentre-domain.md §1).
import type { Flow } from "../flows/flow-schema.js";
import { perZoneFormat } from "../lib/zone-format.js";
import { addDays, zonedInstant } from "../sms/schedule.js";

export const centreZone = (flow: Flow): string => flow.timezone;

const secondsFormat = perZoneFormat("en-US", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function local(at: Date, zone: string): { date: string; time: string } {
  const parts = secondsFormat(zone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}:${get("second")}` };
}

/** "2026-11-24 14:05:07" in `zone`. */
export function localDateTime(at: Date | null | undefined, zone: string): string {
  if (!at) return "—";
  const { date, time } = local(at, zone);
  return `${date} ${time}`;
}

/** "14:05:07" in `zone`: for times whose day is plain from the page (a call's steps, calls now). */
export function localClock(at: Date | null | undefined, zone: string): string {
  return at ? local(at, zone).time : "—";
}

/** The local day `date` (YYYY-MM-DD) in `zone` as [from, to): midnight to midnight, DST included. */
export function localDayRange(date: string, zone: string): { from: Date; to: Date } {
  return { from: zonedInstant(date, "00:00", zone), to: zonedInstant(addDays(date, 1), "00:00", zone) };
}

/** "0:07", "1:02:03" */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** A rate, or "—" when its denominator is empty (never 0 % or 100 % for no calls). */
export const percent = (value: number | null): string => (value === null ? "—" : `${value.toFixed(1)} %`);
export const secondsText = (value: number | null): string => (value === null ? "—" : `${value.toFixed(1)} s`);
