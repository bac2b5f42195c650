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

/** Resolves after `rounds` turns of the event loop: longer than one turn, as a request takes. */
function turns(rounds: number): Promise<void> {
  let left = Promise.resolve();
  for (let i = 0; i < rounds; i += 1) left = left.then(() => new Promise((resolve) => setImmediate(resolve)));
  return left;
}

test("an advance waits for a webhook a timer started, and times the wait after it from when it was answered", async () => {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  let timedOutAt: number | undefined;
  // A <Say> of 3 s, then a webhook (a few turns of real time), then a <Gather> of 5 s.
  void clock.sleep(3000).then(async () => {
    await clock.track(turns(5));
    await clock.sleep(5000);
    timedOutAt = clock.now().getTime() - start;
  });
  const result = await clock.advance(200_000);
  assert.equal(timedOutAt, 8000, "the Gather timed out 5 s after the webhook answered at 3 s");
  assert.deepEqual(result, { fired: 2, leftBehind: 0 });
  assert.equal(clock.now().getTime() - start, 200_000);
});

test("an advance waits for work already in flight before it moves time at all", async () => {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  let firedAt: number | undefined;
  void clock.track(turns(5)).then(async () => {
    await clock.sleep(1000);
    firedAt = clock.now().getTime() - start;
  });
  assert.equal(clock.pending, 1);
  await clock.advance(10_000);
  assert.equal(firedAt, 1000, "the wait began at the start, when the answer came, not 10 s later");
  assert.equal(clock.pending, 0);
});

test("work still in flight after the settle limit is left behind, and no later advance waits for it", async () => {
  const clock = new ManualClock(undefined, { settleLimitMs: 50 });
  const start = clock.now().getTime();
  // A webhook that answers only after the advance (it asked for the advance itself).
  let answer: () => void = () => undefined;
  void clock.track(new Promise<void>((resolve) => (answer = resolve)));
  let fired = false;
  void clock.sleep(1000).then(() => (fired = true));
  assert.deepEqual(await clock.advance(2000), { fired: 1, leftBehind: 1 });
  assert.ok(fired);
  assert.equal(clock.now().getTime() - start, 2000);
  assert.equal(clock.pending, 0, "forgotten");
  const began = Date.now();
  assert.deepEqual(await clock.advance(1000), { fired: 0, leftBehind: 0 });
  assert.ok(Date.now() - began < 50, "the second advance did not wait for it again");
  answer();
});

test("advances asked for together run one after the other", async () => {
  const clock = new ManualClock();
  const start = clock.now().getTime();
  const seen: number[] = [];
  for (const at of [500, 1500, 2500]) void clock.sleep(at).then(() => seen.push(clock.now().getTime() - start));
  const [first, second] = await Promise.all([clock.advance(1000), clock.advance(1000)]);
  assert.deepEqual(seen, [500, 1500]);
  assert.deepEqual([first.fired, second.fired], [1, 1]);
  assert.equal(clock.now().getTime() - start, 2000);
});

test("the real clock takes tracked work as it is", async () => {
  const work = Promise.resolve(42);
  assert.equal(new RealClock().track(work), work);
  assert.equal(await work, 42);
});
