// The wallboard's tiles and thresholds, pure (docs/wallboard.md): the windows (today in the centre's
// zone, the last 30 minutes, across midnight), the same formulas as the Metrics page's lines
// (docs/callcentre-domain.md §1, with its worked example), and each threshold's ok / near / breached.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ThresholdSettings } from "../../src/flows/flow-schema.js";
import { localDayRange } from "../../src/dashboard/format.js";
import { lineMetrics } from "../../src/dashboard/line-metrics.js";
import type { LiveAgent, LiveLine } from "../../src/dashboard/live-lines.js";
import { departmentBoard } from "../../src/dashboard/wallboard.js";
import { alertBreaches, checkThresholds, type ThresholdFigures } from "../../src/dashboard/wallboard-thresholds.js";
import type { EntryRow } from "../../src/repositories/queue-repository.js";

type Entry = Pick<EntryRow, "department" | "kind" | "status" | "enqueuedAt" | "connectedAt" | "endedAt">;

const ZONE = "Australia/Sydney";
/** 12:00 in Sydney on 24 November 2026 (UTC+11). */
const NOW = new Date("2026-11-24T01:00:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const at = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

const answered = (start: Date, wait: number): Entry => ({ department: "billing", kind: "call", status: "ended", enqueuedAt: start, connectedAt: at(start, wait), endedAt: at(start, wait + 60) });
const abandoned = (start: Date, wait: number): Entry => ({ department: "billing", kind: "call", status: "abandoned", enqueuedAt: start, connectedAt: null, endedAt: at(start, wait) });

const LINE: LiveLine = { department: "billing", name: "Billing", waiting: 0, callbacks: 0, longestWaitingSince: null, callers: [], agents: [] };
const THRESHOLDS: ThresholdSettings = { serviceLevelBelow: 80, longestWaitOver: 120, waitingOver: 10, abandonmentOver: 10, alert: "sms" };

test("tiles: the worked example of the domain reference gives the Metrics page's figures, today and in the last 30 minutes", () => {
  // Answered waits 3, 12, 19, 20, 40 s; abandoned 2, 5, 8, 30 s (docs/callcentre-domain.md §1.2), all in the last 30 minutes.
  const entries = [3, 12, 19, 20, 40].map((w, i) => answered(ago(1500 - i * 60), w)).concat([2, 5, 8, 30].map((w, i) => abandoned(ago(900 - i * 60), w)));
  const board = departmentBoard(LINE, [], entries, { day: localDayRange("2026-11-24", ZONE), now: NOW }, undefined);
  const metrics = lineMetrics(entries, { count: 0, averageScore: null }, NOW);
  assert.equal(board.today.serviceLevel, metrics.serviceLevel, "one computation: the Metrics page's");
  assert.equal(board.today.serviceLevel?.toFixed(1), "57.1");
  assert.equal(board.today.abandonmentRate?.toFixed(1), "28.6");
  assert.equal(board.today.averageSpeedOfAnswer, 18.8);
  assert.equal(board.today.shortAbandoned, 2);
  assert.deepEqual(board.last30Minutes, board.today);
  assert.deepEqual(board.checks, [], "no thresholds, no checks");
});

test("tiles: the last 30 minutes hold the places whose wait began in them; today starts at local midnight, not UTC's", () => {
  const entries = [
    answered(ago(31 * 60), 40), // today, not in the last 30 minutes
    answered(ago(29 * 60), 10), // both
    answered(new Date("2026-11-23T12:59:00Z"), 5), // 23:59 on the 23rd in Sydney: neither
  ];
  const board = departmentBoard(LINE, [], entries, { day: localDayRange("2026-11-24", ZONE), now: NOW }, THRESHOLDS);
  assert.equal(board.today.offered, 2);
  assert.equal(board.today.serviceLevel, 50);
  assert.equal(board.last30Minutes.offered, 1);
  assert.equal(board.last30Minutes.serviceLevel, 100);

  // Ten past midnight: the last 30 minutes reach into yesterday, today holds ten minutes.
  const justAfterMidnight = new Date("2026-11-24T13:10:00Z"); // 00:10 on the 25th in Sydney
  const late = [answered(at(justAfterMidnight, -20 * 60), 30), answered(at(justAfterMidnight, -5 * 60), 3)];
  const night = departmentBoard(LINE, [], late, { day: localDayRange("2026-11-25", ZONE), now: justAfterMidnight }, undefined);
  assert.equal(night.last30Minutes.offered, 2);
  assert.equal(night.last30Minutes.serviceLevel, 50);
  assert.equal(night.today.offered, 1);
  assert.equal(night.today.serviceLevel, 100);
});

test("tiles: waiting and the longest wait from the live line; agents by state; calls in progress and offers ringing of this line only", () => {
  const line: LiveLine = {
    ...LINE,
    waiting: 2,
    callbacks: 1,
    longestWaitingSince: ago(95).toISOString(),
    agents: [
      { id: "ava", name: "Ava", state: "busy", reason: null, since: ago(30).toISOString(), overflow: false },
      { id: "noah", name: "Noah", state: "break", reason: "lunch", since: ago(600).toISOString(), overflow: false },
      { id: "mia", name: "Mia", state: "available", reason: null, since: ago(5).toISOString(), overflow: true },
    ],
  };
  const call = (department: string, ringing: boolean) => ({ sid: "CA1", entryId: 1, department, kind: "call" as const, customer: "+61491570001", ringing, since: NOW.toISOString(), monitors: [] });
  const agents: LiveAgent[] = [
    { id: "ava", name: "Ava", state: "busy", reason: null, since: ago(30).toISOString(), departments: ["Billing"], call: call("Billing", false) },
    { id: "zoe", name: "Zoe", state: "busy", reason: null, since: ago(3).toISOString(), departments: ["Billing"], call: call("Billing", true) },
    { id: "sam", name: "Sam", state: "busy", reason: null, since: ago(3).toISOString(), departments: ["Sales"], call: call("Sales", false) },
  ];
  const board = departmentBoard(line, agents, [], { day: localDayRange("2026-11-24", ZONE), now: NOW }, undefined);
  assert.equal(board.waiting, 2);
  assert.equal(board.callbacks, 1);
  assert.equal(board.longestWaitSeconds, 95);
  assert.equal(board.callsInProgress, 1);
  assert.equal(board.offersRinging, 1);
  assert.deepEqual(
    Object.fromEntries(Object.entries(board.agents).map(([state, list]) => [state, list.map((a) => a.id)])),
    { available: ["mia"], busy: ["ava"], "wrap-up": [], break: ["noah"], offline: [] },
  );
  assert.equal(board.today.serviceLevel, null, "no calls: —, never 0 % or 100 %");
});

const figures = (f: Partial<ThresholdFigures>): ThresholdFigures => ({
  waiting: 0,
  longestWaitSeconds: 0,
  serviceLevelLast30Minutes: null,
  serviceLevelToday: null,
  abandonmentToday: null,
  ...f,
});
const levels = (f: Partial<ThresholdFigures>, t: ThresholdSettings = THRESHOLDS) => Object.fromEntries(checkThresholds(figures(f), t).map((c) => [c.measure, c.level]));

test("thresholds: over a limit is breached, exactly at it is not; near from 80 % of it", () => {
  assert.deepEqual(levels({ waiting: 10, longestWaitSeconds: 120, abandonmentToday: 10 }), {
    waiting: "near",
    "longest-wait": "near",
    "service-level": "ok",
    "service-level-today": "ok",
    abandonment: "near",
  });
  assert.deepEqual(levels({ waiting: 11, longestWaitSeconds: 121, abandonmentToday: 10.1 }), {
    waiting: "breached",
    "longest-wait": "breached",
    "service-level": "ok",
    "service-level-today": "ok",
    abandonment: "breached",
  });
  assert.deepEqual(levels({ waiting: 7, longestWaitSeconds: 95, abandonmentToday: 7.9 }), {
    waiting: "ok",
    "longest-wait": "ok",
    "service-level": "ok",
    "service-level-today": "ok",
    abandonment: "ok",
  });
  assert.equal(levels({ waiting: 8, longestWaitSeconds: 96 }).waiting, "near");
  assert.equal(levels({ longestWaitSeconds: 96 })["longest-wait"], "near");
  // A limit of 0 callers: anyone waiting is a breach, nobody is fine (no "near").
  assert.equal(levels({ waiting: 0 }, { waitingOver: 0, alert: "none" }).waiting, "ok");
  assert.equal(levels({ waiting: 1 }, { waitingOver: 0, alert: "none" }).waiting, "breached");
});

test("thresholds: a service level below its target is breached, exactly at it near, 5 points above it fine; — is never a breach", () => {
  assert.equal(levels({ serviceLevelLast30Minutes: 79.9 })["service-level"], "breached");
  assert.equal(levels({ serviceLevelLast30Minutes: 80 })["service-level"], "near");
  assert.equal(levels({ serviceLevelLast30Minutes: 84.9 })["service-level"], "near");
  assert.equal(levels({ serviceLevelLast30Minutes: 85 })["service-level"], "ok");
  assert.equal(levels({ serviceLevelLast30Minutes: null, serviceLevelToday: null })["service-level"], "ok");
  assert.equal(levels({ serviceLevelToday: 50 })["service-level-today"], "breached");
  assert.equal(levels({ abandonmentToday: null }).abandonment, "ok");
});

test("thresholds: the words say why; only the configured limits are checked; today's service level raises no alert of its own", () => {
  const checks = checkThresholds(figures({ waiting: 12, longestWaitSeconds: 100, serviceLevelLast30Minutes: 60, serviceLevelToday: 70, abandonmentToday: 12.5 }), THRESHOLDS);
  assert.deepEqual(
    checks.map((c) => [c.measure, c.text]),
    [
      ["waiting", "over the 10 callers limit"],
      ["longest-wait", "near the 2:00 limit"],
      ["service-level", "below the 80 % target"],
      ["service-level-today", "below the 80 % target"],
      ["abandonment", "over the 10 % limit"],
    ],
  );
  assert.deepEqual(
    alertBreaches(checks).map((c) => c.measure),
    ["waiting", "service-level", "abandonment"],
  );
  assert.deepEqual(checkThresholds(figures({ waiting: 99 }), { longestWaitOver: 60, alert: "none" }).map((c) => c.measure), ["longest-wait"]);
  assert.deepEqual(checkThresholds(figures({ waiting: 99 }), undefined), []);
  assert.equal(checkThresholds(figures({ waiting: 2 }), { waitingOver: 1, alert: "none" })[0]?.text, "over the 1 caller limit");
});
