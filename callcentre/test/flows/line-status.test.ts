// The start banner's sentence about the line (open or closed now, until when, how to open it), and the
// next change of the hours it rests on, at instants chosen by the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeLine, nextChange } from "../../src/flows/line-status.js";
import { parseFlow } from "../../src/flows/load-flow.js";
import { BUSINESS_HOURS_FLOW_FILE, businessHoursFlow, shippedFlow } from "../helpers.js";
import { DEFAULT_FLOW_FILE } from "../../src/config.js";

const hoursFile = { flowFile: BUSINESS_HOURS_FLOW_FILE, shipped: false };
const CLOSED_ADVICE = `To answer at any hour, remove \`hours\` from ${BUSINESS_HOURS_FLOW_FILE}, or unset FLOW_FILE to use the shipped flow, which is open at all hours.`;

test("the shipped flow is open at all hours, whatever the time", () => {
  for (const at of ["2026-11-28T16:00:00Z", "2026-12-24T23:00:00Z", "2026-11-24T01:00:00Z"]) {
    assert.deepEqual(describeLine(shippedFlow(), new Date(at), { flowFile: DEFAULT_FLOW_FILE, shipped: true }), {
      open: true,
      text: "The line is open at all hours (the flow has no business hours): callers hear the greeting and the menu.",
    });
  }
});

test("open now: until when the line stays open, in the hours' zone", () => {
  // Thursday 3 December 2026, 14:20 in Sydney (UTC+11): open until 20:00 on Thursdays.
  assert.deepEqual(describeLine(businessHoursFlow(), new Date("2026-12-03T03:20:00Z"), hoursFile), {
    open: true,
    text: "The line is open now, until Thursday 2026-12-03 at 20:00 (Australia/Sydney): callers hear the greeting and the menu.",
  });
});

test("closed now: until when, and how to open the line", () => {
  // Sunday 29 November, 03:00 in Sydney: closed until Monday 08:00.
  assert.deepEqual(describeLine(businessHoursFlow(), new Date("2026-11-28T16:00:00Z"), hoursFile), {
    open: false,
    text: `The line is closed now, until Monday 2026-11-30 at 08:00 (Australia/Sydney): callers hear the closed message, not the menu. ${CLOSED_ADVICE}`,
  });
  // Tuesday 24 November, 12:40: the lunch break of a split day ends at 13:00.
  assert.match(describeLine(businessHoursFlow(), new Date("2026-11-24T01:40:00Z"), hoursFile).text, /^The line is closed now, until Tuesday 2026-11-24 at 13:00 \(Australia\/Sydney\)/);
  // A flow file that is the shipped one is told to drop its hours, not to unset FLOW_FILE.
  assert.match(describeLine(businessHoursFlow(), new Date("2026-11-28T16:00:00Z"), { flowFile: "/srv/flow.yaml", shipped: true }).text, /To answer at any hour, remove `hours` from \/srv\/flow\.yaml\.$/);
});

test("closed for a holiday: named, and open again on the next open day", () => {
  // Christmas Day, a Friday, 10:00 in Sydney; Saturday 26 December opens at 09:00.
  const line = describeLine(businessHoursFlow(), new Date("2026-12-24T23:00:00Z"), hoursFile);
  assert.equal(line.open, false);
  assert.match(line.text, /^The line is closed now for Christmas Day, until Saturday 2026-12-26 at 09:00 \(Australia\/Sydney\): /);
});

test("hours that never open say so", () => {
  const flow = parseFlow(`
company: Acme
greeting: Hello.
start: bye
timezone: Europe/London
hours:
  weekly: {}
  closed: { prompt: Closed. }
nodes:
  bye: { type: hangup }
`);
  assert.match(describeLine(flow, new Date("2026-11-24T12:00:00Z"), { flowFile: "/srv/flow.yaml", shipped: false }).text, /^The line is closed now, and its hours never open it again \(Europe\/London\): /);
});

test("the next change is found across holidays and a change of daylight saving time", () => {
  const hours = businessHoursFlow().hours;
  assert.ok(hours);
  // Saturday 3 October 2026, 14:00 in Sydney (UTC+10). Clocks go forward on Sunday; Monday 08:00 is UTC+11.
  assert.equal(nextChange(hours, new Date("2026-10-03T04:00:00Z"))?.toISOString(), "2026-10-04T21:00:00.000Z");
  // Christmas Eve, open 08:00-12:00: it closes at noon, not at the weekday's 12:30.
  assert.equal(nextChange(hours, new Date("2026-12-23T22:00:00Z"))?.toISOString(), "2026-12-24T01:00:00.000Z");
  // A Friday evening before a Monday holiday (Boxing Day observed, 28 December): Saturday 09:00.
  assert.equal(nextChange(hours, new Date("2026-12-25T09:00:00Z"))?.toISOString(), "2026-12-25T22:00:00.000Z");
  // Saturday 26 December after 13:00: Sunday closed, Monday 28th a holiday, so Tuesday 08:00.
  assert.equal(nextChange(hours, new Date("2026-12-26T03:00:00Z"))?.toISOString(), "2026-12-28T21:00:00.000Z");
});
