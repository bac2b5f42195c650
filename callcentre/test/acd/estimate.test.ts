// estimateWait: the formula, each rule that withholds the wait, and the boundaries of the rounding.
import assert from "node:assert/strict";
import { test } from "node:test";
import { estimateWait, type WaitInput } from "../../src/acd/estimate.js";

/** Five calls whose median is 360 s (6 minutes) and whose spread is small. */
const STEADY = [300, 330, 360, 390, 420];

const input = (overrides: Partial<WaitInput> = {}): WaitInput => ({
  position: 2,
  agentsWorking: 4,
  agentsAvailable: 0,
  recentHandleSeconds: STEADY,
  ...overrides,
});

test("the wait: (position − available) × median handle time ÷ agents working, rounded up to minutes", () => {
  // 2 × 360 ÷ 4 = 180 s.
  const result = estimateWait(input());
  assert.equal(result.phrase, "You are number 2 in line. Your wait is about 3 minutes.");
  assert.equal(result.minutes, 3);
  assert.equal(result.position, 2);
  assert.deepEqual(result.basis, { calls: 5, ahtSeconds: 360, iqrSeconds: 60, callsAhead: 2, ewtSeconds: 180 });
  // 5 × 360 ÷ 4 = 450 s: 7.5 minutes, said as 8.
  assert.equal(estimateWait(input({ position: 5 })).phrase, "You are number 5 in line. Your wait is about 8 minutes.");
});

test("position words: 1 is next in line, the rest are numbered", () => {
  assert.equal(estimateWait(input({ position: 1, recentHandleSeconds: [] })).phrase, "You are next in line.");
  assert.equal(estimateWait(input({ position: 12, recentHandleSeconds: [] })).phrase, "You are number 12 in line.");
  // 1 × 360 ÷ 4 = 90 s.
  assert.equal(estimateWait(input({ position: 1 })).phrase, "You are next in line. Your wait is about 2 minutes.");
});

test("callers covered by the agents available now wait less than a minute; the next one waits for a call to end", () => {
  for (const position of [1, 2]) {
    const result = estimateWait(input({ position, agentsAvailable: 2 }));
    assert.equal(result.minutes, 0);
    assert.match(result.phrase, /Your wait is less than a minute\.$/);
    assert.equal(result.basis.callsAhead, 0);
  }
  // Position 3 with 2 agents free: one call of 4 must end, 360 ÷ 4 = 90 s.
  const third = estimateWait(input({ position: 3, agentsAvailable: 2 }));
  assert.equal(third.basis.ewtSeconds, 90);
  assert.equal(third.phrase, "You are number 3 in line. Your wait is about 2 minutes.");
});

test("rounding up: 1 s to 60 s is about 1 minute, 61 s is about 2", () => {
  const aht = (seconds: number) => [seconds, seconds, seconds, seconds, seconds];
  // One agent, next in line: the wait is one handle time.
  const wait = (seconds: number) => estimateWait(input({ position: 1, agentsWorking: 1, recentHandleSeconds: aht(seconds) }));
  assert.equal(wait(1).phrase, "You are next in line. Your wait is about 1 minute.");
  assert.equal(wait(60).minutes, 1);
  assert.equal(wait(60).phrase, "You are next in line. Your wait is about 1 minute.");
  assert.equal(wait(61).minutes, 2);
  assert.equal(wait(61).phrase, "You are next in line. Your wait is about 2 minutes.");
});

test("above 60 minutes the wait is more than an hour", () => {
  const aht = (seconds: number) => [seconds, seconds, seconds, seconds, seconds];
  const wait = (seconds: number) => estimateWait(input({ position: 1, agentsWorking: 1, recentHandleSeconds: aht(seconds) }));
  assert.equal(wait(3600).minutes, 60);
  assert.equal(wait(3600).phrase, "You are next in line. Your wait is about 60 minutes.");
  assert.equal(wait(3601).minutes, 61);
  assert.equal(wait(3601).phrase, "You are next in line. Your wait is more than an hour.");
});

test("fewer than 5 handle times: the position only", () => {
  const four = estimateWait(input({ recentHandleSeconds: STEADY.slice(0, 4) }));
  assert.equal(four.phrase, "You are number 2 in line.");
  assert.equal(four.minutes, undefined);
  assert.equal(four.basis.withheld, "too-few-calls");
  const none = estimateWait(input({ recentHandleSeconds: [] }));
  assert.deepEqual(none.basis, { calls: 0, withheld: "too-few-calls" });
  assert.equal(estimateWait(input()).basis.withheld, undefined, "5 are enough");
});

test("no agent working: the position only, whatever the handle times", () => {
  const result = estimateWait(input({ agentsWorking: 0, agentsAvailable: 0 }));
  assert.equal(result.phrase, "You are number 2 in line.");
  assert.equal(result.minutes, undefined);
  assert.equal(result.basis.withheld, "no-agents-working");
});

test("a median handle time of 0 s says nothing about the wait: the position only", () => {
  const result = estimateWait(input({ recentHandleSeconds: [0, 0, 0, 5, 9] }));
  assert.equal(result.phrase, "You are number 2 in line.");
  assert.equal(result.basis.withheld, "no-handle-time");
});

test("a spread (interquartile range) of more than twice the median: the position only; exactly twice is announced", () => {
  // Sorted, five values: Q1 is the 2nd, the median the 3rd, Q3 the 4th.
  const atLimit = estimateWait(input({ position: 4, recentHandleSeconds: [400, 20, 100, 220, 10] }));
  assert.equal(atLimit.basis.iqrSeconds, 200);
  assert.equal(atLimit.basis.ahtSeconds, 100);
  assert.equal(atLimit.phrase, "You are number 4 in line. Your wait is about 2 minutes.");
  const over = estimateWait(input({ position: 4, recentHandleSeconds: [10, 20, 100, 221, 400] }));
  assert.equal(over.basis.iqrSeconds, 201);
  assert.equal(over.phrase, "You are number 4 in line.");
  assert.equal(over.basis.withheld, "too-variable");
});

test("the median resists one very long call; an even count takes the mean of the middle two", () => {
  const outlier = estimateWait(input({ recentHandleSeconds: [360, 360, 360, 360, 360, 360, 7200] }));
  assert.equal(outlier.basis.ahtSeconds, 360);
  assert.equal(outlier.minutes, 3);
  const even = estimateWait(input({ recentHandleSeconds: [300, 300, 300, 420, 420, 420] }));
  assert.equal(even.basis.ahtSeconds, 360);
  assert.equal(even.basis.iqrSeconds, 120);
});

test("AvgQueueTime is kept in the basis and changes nothing that is said", () => {
  const without = estimateWait(input());
  const withIt = estimateWait(input({ avgQueueSeconds: 900 }));
  assert.equal(withIt.phrase, without.phrase);
  assert.equal(withIt.minutes, without.minutes);
  assert.equal(withIt.basis.avgQueueSeconds, 900);
  assert.equal(estimateWait(input({ avgQueueSeconds: 900, recentHandleSeconds: [] })).basis.avgQueueSeconds, 900);
});

test("the handle times passed in are not reordered", () => {
  const handle = [420, 300, 390, 330, 360];
  estimateWait(input({ recentHandleSeconds: handle }));
  assert.deepEqual(handle, [420, 300, 390, 330, 360]);
});

test("figures that cannot happen are RangeErrors", () => {
  for (const bad of [
    { position: 0 },
    { position: 1.5 },
    { position: Number.NaN },
    { agentsWorking: -1 },
    { agentsAvailable: 0.5 },
    { agentsWorking: 2, agentsAvailable: 3 },
    { recentHandleSeconds: [...STEADY, -1] },
    { recentHandleSeconds: [...STEADY, Number.POSITIVE_INFINITY] },
  ]) {
    assert.throws(() => estimateWait(input(bad)), RangeError, JSON.stringify(bad));
  }
});
