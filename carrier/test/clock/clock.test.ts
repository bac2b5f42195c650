// Both clocks hold any wait they are handed: setTimeout fires at once past 2^31-1 ms, so the real
// clock never hands it more; the manual clock never makes a date out of range.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_TIMER_MS, ManualClock, RealClock } from "../../src/clock.js";

test("the real clock never hands setTimeout more than 2^31-1 ms, nor a negative or NaN delay", (t) => {
  const delays: unknown[] = [];
  const original = globalThis.setTimeout;
  t.mock.method(globalThis, "setTimeout", (fn: () => void, ms?: number) => {
    delays.push(ms);
    return original(fn, 0);
  });
  const stop = new AbortController();
  const clock = new RealClock();
  for (const ms of [2 ** 31 + 1000, Number.MAX_VALUE, Infinity, -5, NaN]) void clock.sleep(ms, stop.signal);
  stop.abort();
  assert.deepEqual(delays, [MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS, 0, 0]);
});

test("the manual clock holds a huge wait as the longest timer, with a valid date", async () => {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  const stop = new AbortController();
  const waited = clock.sleep(Number.MAX_VALUE, stop.signal);
  assert.equal(clock.nextTimerAt()?.toISOString(), new Date(start + MAX_TIMER_MS).toISOString());
  stop.abort();
  assert.equal(await waited, "aborted");
});
