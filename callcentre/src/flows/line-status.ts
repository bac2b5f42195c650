// Whether the line is open at an instant and until when, in words: the start banner tells whoever
// starts the service what a caller will hear now, so that a closed line is never a surprise.
import { addDays, localDate, zonedInstant } from "../sms/schedule.js";
import { WEEKDAYS, type Flow, type Hours } from "./flow-schema.js";
import { hoursStatus, localTime } from "./hours.js";

export interface LineStatus {
  open: boolean;
  /** No business hours: open at every hour. */
  always: boolean;
  /** When the line next closes (open) or opens (closed); null when it never does within a year. */
  until: Date | null;
  /** The holiday that closes the line today. */
  holiday?: string | undefined;
}

/** Far enough to pass any run of holidays; a schedule that never changes in this long never will. */
const LOOKAHEAD_DAYS = 370;

const weekdayOf = (date: string) => WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()] ?? "sunday";

/**
 * The first instant after `now` at which the line changes between open and closed. It can change
 * only where a period of some day starts or ends, so those instants are tried in order, each judged
 * by hoursStatus itself (holidays, daylight saving and all).
 */
export function nextChange(hours: Hours, now: Date): Date | null {
  const openNow = hoursStatus(hours, now).isOpen;
  const today = localDate(now, hours.timezone);
  for (let day = 0; day < LOOKAHEAD_DAYS; day += 1) {
    const date = addDays(today, day);
    const periods = hours.holidays.find((h) => h.date === date)?.hours ?? hours.weekly[weekdayOf(date)] ?? [];
    const candidates = periods
      .flatMap((p) => [zonedInstant(date, p.start, hours.timezone), p.end === "24:00" ? zonedInstant(addDays(date, 1), "00:00", hours.timezone) : zonedInstant(date, p.end, hours.timezone)])
      .filter((at) => at.getTime() > now.getTime())
      .sort((a, b) => a.getTime() - b.getTime());
    const change = candidates.find((at) => hoursStatus(hours, at).isOpen !== openNow);
    if (change) return change;
  }
  return null;
}

export function lineStatus(hours: Hours | undefined, now: Date): LineStatus {
  if (!hours) return { open: true, always: true, until: null };
  const status = hoursStatus(hours, now);
  return { open: status.isOpen, always: false, until: nextChange(hours, now), holiday: status.isOpen ? undefined : status.reason === "holiday" ? status.holiday : undefined };
}

/** "Monday 2026-12-07 at 08:00" in `zone`. */
function when(at: Date, zone: string): string {
  const local = localTime(at, zone);
  return `${local.weekday.charAt(0).toUpperCase()}${local.weekday.slice(1)} ${local.date} at ${local.time}`;
}

/**
 * The banner's sentence: open or closed now, until when (in the hours' zone), and, when closed, how to
 * open the line. `shipped` says whether `flowFile` is the shipped flow (FLOW_FILE unset).
 */
export function describeLine(flow: Flow, now: Date, where: { flowFile: string; shipped: boolean }): { open: boolean; text: string } {
  const status = lineStatus(flow.hours, now);
  const zone = flow.hours?.timezone ?? flow.timezone;
  if (status.always) return { open: true, text: "The line is open at all hours (the flow has no business hours): callers hear the greeting and the menu." };
  if (status.open) {
    const until = status.until ? `, until ${when(status.until, zone)} (${zone})` : ` (${zone})`;
    return { open: true, text: `The line is open now${until}: callers hear the greeting and the menu.` };
  }
  const why = status.holiday ? ` for ${status.holiday}` : "";
  const until = status.until ? `until ${when(status.until, zone)} (${zone})` : `and its hours never open it again (${zone})`;
  const howToOpen = where.shipped
    ? `To answer at any hour, remove \`hours\` from ${where.flowFile}.`
    : `To answer at any hour, remove \`hours\` from ${where.flowFile}, or unset FLOW_FILE to use the shipped flow, which is open at all hours.`;
  return { open: false, text: `The line is closed now${why}, ${until}: callers hear the closed message, not the menu. ${howToOpen}` };
}
