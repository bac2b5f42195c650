// When a daily forecast is due: a wall-clock time in the place's IANA zone, turned into an instant for
// each day. Daylight saving is handled by asking the zone, never by a fixed offset:
// - a time skipped by spring-forward (02:30 on the night clocks jump 02:00 → 03:00) is sent as soon as
//   the clock has jumped, at the same distance past the gap (03:30);
// - a time that happens twice at fall-back is sent at its first occurrence only.
import { localTime } from "../flows/hours.js";
import { perZoneFormat } from "../lib/zone-format.js";

export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** Earliest and latest send times accepted: inside the quiet-hours guidance (docs/callcentre-domain.md §3). */
export const EARLIEST_SEND = "06:00";
export const LATEST_SEND = "21:00";
export const DEFAULT_SEND = "07:00";

/**
 * Reads what a person texts as a time: "7", "7am", "07:00", "7:30", "7.30pm", "19:00", "noon".
 * Returns "HH:MM", or undefined when it is not a time.
 */
export function parseTimeOfDay(text: string): string | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, "");
  if (t === "noon" || t === "midday") return "12:00";
  const match = /^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(t);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const meridiem = match[3]?.[0];
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === "p" ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return formatTime({ hour, minute });
}

export function formatTime({ hour, minute }: TimeOfDay): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function splitTime(hhmm: string): TimeOfDay {
  const [hour = 0, minute = 0] = hhmm.split(":").map(Number);
  return { hour, minute };
}

const offsetFormat = perZoneFormat("en-US", {
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

/** The zone's offset from UTC at an instant, in minutes (Sydney in January: +660). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = offsetFormat(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` first shows `date` `time`, or, when that local
 * time does not exist (spring-forward gap), the instant the same number of minutes past the gap.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [year = 1970, month = 1, day = 1] = date.split("-").map(Number);
  const { hour, minute } = splitTime(time);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Candidates from the offsets in force around that wall time; the earliest that reads back as the
  // wanted wall time wins (first occurrence at fall-back).
  const offsets = new Set([zoneOffsetMinutes(timeZone, new Date(wall - 86_400_000)), zoneOffsetMinutes(timeZone, new Date(wall + 86_400_000))]);
  const exact = [...offsets]
    .map((offset) => new Date(wall - offset * 60_000))
    .filter((instant) => {
      const local = localTime(instant, timeZone);
      return local.date === date && local.time === time;
    })
    .sort((a, b) => a.getTime() - b.getTime());
  if (exact[0]) return exact[0];
  // In a gap: read the wall time with the offset from before the jump, which lands past the gap.
  return new Date(wall - zoneOffsetMinutes(timeZone, new Date(wall - 86_400_000)) * 60_000);
}

/** The local calendar date at an instant ("2026-11-24"). */
export function localDate(at: Date, timeZone: string): string {
  return localTime(at, timeZone).date;
}

export function addDays(date: string, days: number): string {
  const [year = 1970, month = 1, day = 1] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The first instant strictly after `after` at which the daily `time` falls in `timeZone`. */
export function nextOccurrence(time: string, timeZone: string, after: Date): Date {
  let date = localDate(after, timeZone);
  for (let i = 0; i < 3; i += 1) {
    const candidate = zonedInstant(date, time, timeZone);
    if (candidate.getTime() > after.getTime()) return candidate;
    date = addDays(date, 1);
  }
  return zonedInstant(date, time, timeZone);
}

/** Whether an IANA zone name is known to this runtime. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
