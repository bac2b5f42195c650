import { test } from "node:test";
import assert from "node:assert/strict";
import { hoursStatus, localTime } from "../../src/flows/hours.js";
import { parseFlow } from "../../src/flows/load-flow.js";

const hoursOf = (zone: string, weekly: string, holidays = "[]") =>
  parseFlow(`company: X
greeting: Hi.
start: h
hours:
  timezone: ${zone}
  weekly: ${weekly}
  holidays: ${holidays}
  closed: { prompt: Closed. }
nodes:
  h: { type: hangup }
`).hours;

const sydney = hoursOf(
  "Australia/Sydney",
  `{ monday: ["08:00-12:30", "13:00-18:00"], saturday: ["09:00-13:00"] }`,
  `[{ date: "2026-12-28", name: Boxing Day }, { date: "2026-12-24", name: Christmas Eve, hours: ["08:00-12:00"] }]`,
);

test("weekly periods are evaluated in the centre's own time zone, with split shifts", () => {
  const cases: [string, boolean, string][] = [
    ["2026-11-22T21:00:00Z", true, "Mon 08:00 Sydney (AEDT, UTC+11): opening minute"],
    ["2026-11-22T20:59:00Z", false, "Mon 07:59"],
    ["2026-11-23T01:29:00Z", true, "Mon 12:29"],
    ["2026-11-23T01:30:00Z", false, "Mon 12:30: lunch, the end is exclusive"],
    ["2026-11-23T02:00:00Z", true, "Mon 13:00"],
    ["2026-11-23T07:00:00Z", false, "Mon 18:00"],
    ["2026-11-23T21:00:00Z", false, "Tue 08:00: no hours on Tuesday"],
    ["2026-11-27T23:00:00Z", true, "Sat 10:00"],
  ];
  for (const [at, open, why] of cases) assert.equal(hoursStatus(sydney, new Date(at)).isOpen, open, why);
});

test("a holiday closes the whole day, special hours open part of it", () => {
  assert.deepEqual(hoursStatus(sydney, new Date("2026-12-27T23:00:00Z")), { isOpen: false, reason: "holiday", holiday: "Boxing Day", date: "2026-12-28" });
  assert.deepEqual(hoursStatus(sydney, new Date("2026-12-23T22:00:00Z")), { isOpen: true, reason: "open", holiday: "Christmas Eve" });
  assert.deepEqual(hoursStatus(sydney, new Date("2026-12-24T02:00:00Z")), { isOpen: false, reason: "holiday", holiday: "Christmas Eve", date: "2026-12-24" });
});

test("daylight saving moves the UTC opening time, not the local one", () => {
  const newYork = hoursOf("America/New_York", `{ sunday: ["01:00-04:00"], monday: ["09:00-17:00"] }`);
  // Monday 09:00 local is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
  assert.equal(hoursStatus(newYork, new Date("2026-03-02T14:00:00Z")).isOpen, true);
  assert.equal(hoursStatus(newYork, new Date("2026-03-02T13:30:00Z")).isOpen, false);
  assert.equal(hoursStatus(newYork, new Date("2026-03-09T13:00:00Z")).isOpen, true);
  // 8 March 2026: clocks jump from 02:00 to 03:00. 06:59 UTC is 01:59 EST (open); 07:00 UTC is 03:00 EDT.
  assert.deepEqual(localTime(new Date("2026-03-08T07:00:00Z"), "America/New_York"), { date: "2026-03-08", weekday: "sunday", time: "03:00" });
  assert.equal(hoursStatus(newYork, new Date("2026-03-08T07:30:00Z")).isOpen, true);
  assert.equal(hoursStatus(newYork, new Date("2026-03-08T08:00:00Z")).isOpen, false, "04:00 EDT");
});

test("the fall-back hour repeats local times and both are judged by the wall clock", () => {
  const newYork = hoursOf("America/New_York", `{ sunday: ["01:00-02:00"] }`);
  // 1 November 2026: 01:30 happens twice, at 05:30 UTC (EDT) and 06:30 UTC (EST).
  assert.equal(hoursStatus(newYork, new Date("2026-11-01T05:30:00Z")).isOpen, true);
  assert.equal(hoursStatus(newYork, new Date("2026-11-01T06:30:00Z")).isOpen, true);
  assert.equal(hoursStatus(newYork, new Date("2026-11-01T07:30:00Z")).isOpen, false);
});

test("no hours in the flow means always open", () => {
  assert.deepEqual(hoursStatus(undefined, new Date()), { isOpen: true, reason: "always-open" });
});

test("a period may run to midnight", () => {
  const late = hoursOf("UTC", `{ friday: ["20:00-24:00"] }`);
  assert.equal(hoursStatus(late, new Date("2026-11-27T23:59:00Z")).isOpen, true);
  assert.equal(hoursStatus(late, new Date("2026-11-28T00:00:00Z")).isOpen, false);
});
