// Business hours in an IANA time zone. "Now" is a parameter: the local wall-clock time is computed
// at every check (never a fixed UTC offset), so daylight saving moves nothing.
// Precedence (docs/callcentre-domain.md §3): a holiday's rule for the date > the weekly schedule > closed.
import { perZoneFormat } from "../lib/zone-format.js";
import { WEEKDAYS, type Hours, type Period, type Weekday } from "./flow-schema.js";

export type HoursStatus =
  | { isOpen: true; reason: "open" | "always-open"; holiday?: string }
  | { isOpen: false; reason: "holiday"; holiday: string; date: string }
  | { isOpen: false; reason: "closed" };

export interface LocalTime {
  date: string; // YYYY-MM-DD
  weekday: Weekday;
  time: string; // HH:MM
}

const localFormat = perZoneFormat("en-US", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  weekday: "long",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function localTime(now: Date, timeZone: string): LocalTime {
  const parts = localFormat(timeZone).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  return {
    date: `${get("year")}-${get("month")}-${get("day")}`,
    weekday: get("weekday").toLowerCase() as Weekday,
    time: `${get("hour")}:${get("minute")}`,
  };
}

const within = (time: string, periods: Period[]) => periods.some((p) => time >= p.start && time < p.end);

export function hoursStatus(hours: Hours | undefined, now: Date): HoursStatus {
  if (!hours) return { isOpen: true, reason: "always-open" };
  const local = localTime(now, hours.timezone);
  const holiday = hours.holidays.find((h) => h.date === local.date);
  if (holiday) {
    return within(local.time, holiday.hours)
      ? { isOpen: true, reason: "open", holiday: holiday.name }
      : { isOpen: false, reason: "holiday", holiday: holiday.name, date: holiday.date };
  }
  return within(local.time, hours.weekly[local.weekday] ?? []) ? { isOpen: true, reason: "open" } : { isOpen: false, reason: "closed" };
}

export { WEEKDAYS };
