import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isTimeZone,
  localDate,
  nextOccurrence,
  parseTimeOfDay,
  zonedInstant,
  zoneOffsetMinutes,
} from "../../src/sms/schedule.js";

// The 2026 transitions these tests rely on (IANA tzdata):
// - Australia/Sydney: AEDT (+11) → AEST (+10) on Sun 5 April, 03:00 → 02:00;
//   AEST → AEDT on Sun 4 October, 02:00 → 03:00.
// - America/New_York: EST (−5) → EDT (−4) on Sun 8 March, 02:00 → 03:00; back on Sun 1 November, 02:00 → 01:00.
// - Europe/London: GMT → BST (+1) on Sun 29 March, 01:00 → 02:00; back on Sun 25 October, 02:00 → 01:00.
// - Pacific/Chatham: +13:45 → +12:45 on Sun 5 April, 03:45 → 02:45; back on Sun 27 September, 02:45 → 03:45.
// - Asia/Kolkata: +05:30 all year. UTC: +00:00.

const at = (iso: string) => new Date(iso);

/** The wall clock in a zone, read with Intl directly rather than through the module under test. */
function wallClock(instant: Date, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

test("parseTimeOfDay reads the times people text", () => {
  const cases: [string, string | undefined][] = [
    ["7", "07:00"],
    ["0", "00:00"],
    ["7am", "07:00"],
    ["7 AM", "07:00"],
    ["7 pm", "19:00"],
    ["7:30", "07:30"],
    ["07:30", "07:30"],
    [" 7:30 ", "07:30"],
    ["7h30", "07:30"],
    ["7.30pm", "19:30"],
    ["7.30 p.m.", "19:30"],
    ["12am", "00:00"],
    ["12:30am", "00:30"],
    ["12pm", "12:00"],
    ["noon", "12:00"],
    ["Midday", "12:00"],
    ["19:00", "19:00"],
    ["00:00", "00:00"],
    ["23:59", "23:59"],
    ["24:00", undefined],
    ["25:00", undefined],
    ["7:60", undefined],
    ["7:5", undefined],
    ["13pm", undefined],
    ["0am", undefined],
    ["123", undefined],
    ["-1", undefined],
    ["abc", undefined],
    ["", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseTimeOfDay(text), expected, JSON.stringify(text));
});

test("zoneOffsetMinutes is the offset in force at the instant", () => {
  const cases: [string, string, number][] = [
    ["Australia/Sydney", "2026-01-15T00:00:00Z", 660],
    ["Australia/Sydney", "2026-07-15T00:00:00Z", 600],
    // The October change is at 2026-10-03T16:00:00Z (02:00 AEST → 03:00 AEDT).
    ["Australia/Sydney", "2026-10-03T15:59:59Z", 600],
    ["Australia/Sydney", "2026-10-03T16:00:00Z", 660],
    // The April change is at 2026-04-04T16:00:00Z (03:00 AEDT → 02:00 AEST).
    ["Australia/Sydney", "2026-04-04T15:59:59Z", 660],
    ["Australia/Sydney", "2026-04-04T16:00:00Z", 600],
    ["America/New_York", "2026-01-15T00:00:00Z", -300],
    ["America/New_York", "2026-07-15T00:00:00Z", -240],
    ["America/New_York", "2026-03-08T06:59:59Z", -300],
    ["America/New_York", "2026-03-08T07:00:00Z", -240],
    ["America/New_York", "2026-11-01T05:59:59Z", -240],
    ["America/New_York", "2026-11-01T06:00:00Z", -300],
    ["Europe/London", "2026-01-15T00:00:00Z", 0],
    ["Europe/London", "2026-07-15T00:00:00Z", 60],
    ["Asia/Kolkata", "2026-01-15T00:00:00Z", 330],
    ["Asia/Kolkata", "2026-07-15T00:00:00Z", 330],
    ["Pacific/Chatham", "2026-01-15T00:00:00Z", 825],
    ["Pacific/Chatham", "2026-07-15T00:00:00Z", 765],
    ["UTC", "2026-07-15T00:00:00Z", 0],
    // Milliseconds do not disturb the reading.
    ["Asia/Kolkata", "2026-07-15T00:00:00.999Z", 330],
  ];
  for (const [zone, iso, expected] of cases) assert.equal(zoneOffsetMinutes(zone, at(iso)), expected, `${zone} at ${iso}`);
});

test("zonedInstant is the instant the zone's wall clock shows that date and time", () => {
  const cases: [string, string, string, string, string][] = [
    // [why, date, time, zone, instant]
    ["Sydney, AEST", "2026-10-03", "07:00", "Australia/Sydney", "2026-10-02T21:00:00.000Z"],
    ["Sydney, first day of AEDT", "2026-10-04", "07:00", "Australia/Sydney", "2026-10-03T20:00:00.000Z"],
    ["Sydney, AEDT in summer", "2026-01-15", "07:00", "Australia/Sydney", "2026-01-14T20:00:00.000Z"],
    ["Sydney, last day of AEDT, before the change", "2026-04-05", "01:00", "Australia/Sydney", "2026-04-04T14:00:00.000Z"],
    ["Sydney, first day of AEST, after the change", "2026-04-05", "07:00", "Australia/Sydney", "2026-04-04T21:00:00.000Z"],
    ["Sydney, local midnight", "2026-07-01", "00:00", "Australia/Sydney", "2026-06-30T14:00:00.000Z"],
    ["New York, EST", "2026-01-15", "07:00", "America/New_York", "2026-01-15T12:00:00.000Z"],
    ["New York, EDT", "2026-07-15", "07:00", "America/New_York", "2026-07-15T11:00:00.000Z"],
    ["New York, just before the spring gap", "2026-03-08", "01:59", "America/New_York", "2026-03-08T06:59:00.000Z"],
    ["New York, just after the spring gap", "2026-03-08", "03:00", "America/New_York", "2026-03-08T07:00:00.000Z"],
    ["New York, late evening is the next UTC day", "2026-07-15", "21:00", "America/New_York", "2026-07-16T01:00:00.000Z"],
    ["London, GMT", "2026-03-28", "07:00", "Europe/London", "2026-03-28T07:00:00.000Z"],
    ["London, first day of BST", "2026-03-29", "07:00", "Europe/London", "2026-03-29T06:00:00.000Z"],
    ["London, last day of BST", "2026-10-25", "07:00", "Europe/London", "2026-10-25T07:00:00.000Z"],
    ["Kolkata in January", "2026-01-15", "07:00", "Asia/Kolkata", "2026-01-15T01:30:00.000Z"],
    ["Kolkata in July", "2026-07-15", "07:00", "Asia/Kolkata", "2026-07-15T01:30:00.000Z"],
    ["Kolkata, early morning is the previous UTC day", "2026-07-15", "05:00", "Asia/Kolkata", "2026-07-14T23:30:00.000Z"],
    ["Chatham, +13:45", "2026-01-15", "07:00", "Pacific/Chatham", "2026-01-14T17:15:00.000Z"],
    ["Chatham, +12:45", "2026-07-15", "07:00", "Pacific/Chatham", "2026-07-14T18:15:00.000Z"],
    ["UTC", "2026-07-15", "07:00", "UTC", "2026-07-15T07:00:00.000Z"],
    ["UTC, midnight", "2026-01-01", "00:00", "UTC", "2026-01-01T00:00:00.000Z"],
    ["UTC, leap day", "2028-02-29", "23:59", "UTC", "2028-02-29T23:59:00.000Z"],
  ];
  for (const [why, date, time, zone, expected] of cases) {
    const instant = zonedInstant(date, time, zone);
    assert.equal(instant.toISOString(), expected, why);
    assert.deepEqual(wallClock(instant, zone), { date, time }, `${why}: reads back`);
  }
});

test("zonedInstant: a time skipped by spring-forward is sent as far past the gap", () => {
  const cases: [string, string, string, string, string, string][] = [
    // [why, date, time, zone, instant, wall clock then]
    ["New York 02:30 on 8 March 2026 is 03:30 EDT", "2026-03-08", "02:30", "America/New_York", "2026-03-08T07:30:00.000Z", "03:30"],
    ["New York 02:00 on 8 March 2026 is 03:00 EDT", "2026-03-08", "02:00", "America/New_York", "2026-03-08T07:00:00.000Z", "03:00"],
    ["New York 02:59 on 8 March 2026 is 03:59 EDT", "2026-03-08", "02:59", "America/New_York", "2026-03-08T07:59:00.000Z", "03:59"],
    ["Sydney 02:30 on 4 October 2026 is 03:30 AEDT", "2026-10-04", "02:30", "Australia/Sydney", "2026-10-03T16:30:00.000Z", "03:30"],
    ["London 01:30 on 29 March 2026 is 02:30 BST", "2026-03-29", "01:30", "Europe/London", "2026-03-29T01:30:00.000Z", "02:30"],
    ["Chatham 03:00 on 27 September 2026 is 04:00 +13:45", "2026-09-27", "03:00", "Pacific/Chatham", "2026-09-26T14:15:00.000Z", "04:00"],
  ];
  for (const [why, date, time, zone, expected, wall] of cases) {
    const instant = zonedInstant(date, time, zone);
    assert.equal(instant.toISOString(), expected, why);
    assert.deepEqual(wallClock(instant, zone), { date, time: wall }, `${why}: reads back`);
  }
});

test("zonedInstant: a time that happens twice at fall-back is its first occurrence", () => {
  const cases: [string, string, string, string, string, string][] = [
    // [why, date, time, zone, first occurrence, second occurrence (not chosen)]
    ["New York 01:30 on 1 November 2026 (EDT, not EST)", "2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30:00.000Z", "2026-11-01T06:30:00.000Z"],
    ["New York 01:00 on 1 November 2026", "2026-11-01", "01:00", "America/New_York", "2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z"],
    ["Sydney 02:30 on 5 April 2026 (AEDT, not AEST)", "2026-04-05", "02:30", "Australia/Sydney", "2026-04-04T15:30:00.000Z", "2026-04-04T16:30:00.000Z"],
    ["London 01:30 on 25 October 2026 (BST, not GMT)", "2026-10-25", "01:30", "Europe/London", "2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"],
    ["Chatham 03:00 on 5 April 2026 (+13:45, not +12:45)", "2026-04-05", "03:00", "Pacific/Chatham", "2026-04-04T13:15:00.000Z", "2026-04-04T14:15:00.000Z"],
  ];
  for (const [why, date, time, zone, first, second] of cases) {
    // Both really do read as that wall time: the time is ambiguous.
    assert.deepEqual(wallClock(at(first), zone), { date, time }, `${why}: first`);
    assert.deepEqual(wallClock(at(second), zone), { date, time }, `${why}: second`);
    assert.equal(zonedInstant(date, time, zone).toISOString(), first, why);
  }
});

test("localDate is the calendar date on the zone's wall clock", () => {
  const cases: [string, string, string][] = [
    ["2026-10-02T21:00:00Z", "Australia/Sydney", "2026-10-03"],
    ["2026-10-02T13:59:59Z", "Australia/Sydney", "2026-10-02"],
    ["2026-10-02T14:00:00Z", "Australia/Sydney", "2026-10-03"],
    ["2026-01-15T04:59:59Z", "America/New_York", "2026-01-14"],
    ["2026-01-15T05:00:00Z", "America/New_York", "2026-01-15"],
    ["2026-07-14T18:29:59Z", "Asia/Kolkata", "2026-07-14"],
    ["2026-07-14T18:30:00Z", "Asia/Kolkata", "2026-07-15"],
    ["2026-07-14T11:14:59Z", "Pacific/Chatham", "2026-07-14"],
    ["2026-07-14T11:15:00Z", "Pacific/Chatham", "2026-07-15"],
    ["2026-12-31T23:59:59Z", "UTC", "2026-12-31"],
    ["2026-12-31T23:00:00Z", "Europe/London", "2026-12-31"],
    ["2026-06-30T23:00:00Z", "Europe/London", "2026-07-01"],
  ];
  for (const [iso, zone, expected] of cases) assert.equal(localDate(at(iso), zone), expected, `${iso} in ${zone}`);
});

test("nextOccurrence is the first instant strictly after `after`", () => {
  const cases: [string, string, string, string, string][] = [
    // [why, time, zone, after, expected]
    ["Sydney, after an AEST send: the first AEDT one", "07:00", "Australia/Sydney", "2026-10-02T21:00:00.000Z", "2026-10-03T20:00:00.000Z"],
    ["Sydney, a millisecond before: that same send", "07:00", "Australia/Sydney", "2026-10-02T20:59:59.999Z", "2026-10-02T21:00:00.000Z"],
    ["Sydney, at exactly the instant: the next day", "07:00", "Australia/Sydney", "2026-10-03T20:00:00.000Z", "2026-10-04T20:00:00.000Z"],
    ["Sydney, a millisecond after: the next day", "07:00", "Australia/Sydney", "2026-10-03T20:00:00.001Z", "2026-10-04T20:00:00.000Z"],
    ["Sydney, in the evening: tomorrow morning", "07:00", "Australia/Sydney", "2026-10-03T10:00:00.000Z", "2026-10-03T20:00:00.000Z"],
    ["Sydney, the local day is ahead of UTC's", "07:00", "Australia/Sydney", "2026-06-30T22:00:00.000Z", "2026-07-01T21:00:00.000Z"],
    ["Sydney, the first AEST day", "07:00", "Australia/Sydney", "2026-04-04T12:00:00.000Z", "2026-04-04T21:00:00.000Z"],
    ["New York, the local day is behind UTC's", "07:00", "America/New_York", "2026-01-15T03:00:00.000Z", "2026-01-15T12:00:00.000Z"],
    ["New York, into the gap", "02:30", "America/New_York", "2026-03-07T07:30:00.000Z", "2026-03-08T07:30:00.000Z"],
    ["New York, out of the gap", "02:30", "America/New_York", "2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"],
    ["New York, the repeated hour: its first occurrence", "01:30", "America/New_York", "2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z"],
    ["New York, the repeated hour: not again at its second", "01:30", "America/New_York", "2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"],
    ["New York, from between the two: the next day", "01:30", "America/New_York", "2026-11-01T06:00:00.000Z", "2026-11-02T06:30:00.000Z"],
    ["Kolkata", "07:00", "Asia/Kolkata", "2026-07-15T01:30:00.000Z", "2026-07-16T01:30:00.000Z"],
    ["Chatham", "07:00", "Pacific/Chatham", "2026-01-14T17:15:00.000Z", "2026-01-15T17:15:00.000Z"],
    ["London, into BST", "07:00", "Europe/London", "2026-03-28T07:00:00.000Z", "2026-03-29T06:00:00.000Z"],
    ["UTC, year end", "07:00", "UTC", "2026-12-31T07:00:00.000Z", "2027-01-01T07:00:00.000Z"],
  ];
  for (const [why, time, zone, after, expected] of cases) {
    const next = nextOccurrence(time, zone, at(after));
    assert.equal(next.toISOString(), expected, why);
    assert.ok(next.getTime() > at(after).getTime(), `${why}: strictly after`);
  }
});

test("a daily time over a year: one send a day, at that wall time except when the clock skips it", () => {
  // [zone, time, the days on which the wall clock cannot show it, and what it shows instead]
  const cases: [string, string, Record<string, string>][] = [
    ["Australia/Sydney", "07:00", {}],
    ["Australia/Sydney", "02:30", { "2026-10-04": "03:30" }],
    ["America/New_York", "07:00", {}],
    ["America/New_York", "02:30", { "2026-03-08": "03:30" }],
    ["America/New_York", "01:30", {}],
    ["Europe/London", "01:30", { "2026-03-29": "02:30" }],
    ["Europe/London", "21:00", {}],
    ["Asia/Kolkata", "07:00", {}],
    ["Pacific/Chatham", "03:00", { "2026-09-27": "04:00" }],
    ["Pacific/Chatham", "06:00", {}],
    ["UTC", "00:00", {}],
  ];
  for (const [zone, time, gaps] of cases) {
    let previous = zonedInstant("2025-12-31", time, zone);
    let expectedDate = "2026-01-01";
    const gapDays: string[] = [];
    for (let day = 0; day < 365; day += 1) {
      const next = nextOccurrence(time, zone, previous);
      const why = `${time} in ${zone} on ${expectedDate}`;
      assert.ok(next.getTime() > previous.getTime(), `${why}: after the previous send`);
      assert.equal(localDate(next, zone), expectedDate, `${why}: localDate`);
      const wall = wallClock(next, zone);
      assert.deepEqual(wall, { date: expectedDate, time: gaps[expectedDate] ?? time }, `${why}: wall clock`);
      if (gaps[expectedDate]) gapDays.push(expectedDate);
      previous = next;
      expectedDate = addDays(expectedDate, 1);
    }
    assert.equal(expectedDate, "2027-01-01", `${time} in ${zone}: the whole year`);
    assert.deepEqual(gapDays, Object.keys(gaps), `${time} in ${zone}: gap days met`);
  }
});

test("a daily time in a zone without daylight saving is the same UTC time every day", () => {
  const cases: [string, string, string][] = [
    ["Asia/Kolkata", "07:00", "01:30"],
    ["UTC", "07:00", "07:00"],
  ];
  for (const [zone, time, utc] of cases) {
    let previous = zonedInstant("2025-12-31", time, zone);
    for (let day = 0; day < 365; day += 1) {
      const next = nextOccurrence(time, zone, previous);
      assert.equal(next.toISOString().slice(11, 16), utc, `${zone} ${next.toISOString()}`);
      assert.equal(next.getTime() - previous.getTime(), 86_400_000, `${zone} ${next.toISOString()}: a day apart`);
      previous = next;
    }
  }
});

test("isTimeZone knows the runtime's IANA zones", () => {
  const cases: [string, boolean][] = [
    ["Australia/Sydney", true],
    ["America/New_York", true],
    ["Europe/London", true],
    ["Asia/Kolkata", true],
    ["Pacific/Chatham", true],
    ["UTC", true],
    ["Etc/GMT+10", true],
    ["Mars/Olympus", false],
    ["Sydney", false],
    ["", false],
  ];
  for (const [zone, expected] of cases) assert.equal(isTimeZone(zone), expected, JSON.stringify(zone));
});
