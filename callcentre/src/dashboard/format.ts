// How the dashboard shows times, durations and rates. Times are shown in the centre's zone (the
// flow's business-hours zone), which is also where its "today" begins (callcentre-domain.md §1).
import type { Flow } from "../flows/flow-schema.js";
import { localTime } from "../flows/hours.js";
import { addDays, zonedInstant } from "../sms/schedule.js";

export const centreZone = (flow: Flow): string => flow.timezone;

/** "2026-11-24 14:05" in `zone`. */
export function localDateTime(at: Date | null | undefined, zone: string): string {
  if (!at) return "—";
  const local = localTime(at, zone);
  return `${local.date} ${local.time}`;
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
