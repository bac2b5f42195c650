// Group commit: what arrives while a write is in flight goes out together in the next one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Batcher } from "../../src/lib/batcher.js";

interface Item {
  key: string;
  n: number;
}

/** A write the test finishes by hand, recording each batch it was given. */
function manualWriter(fail?: (items: Item[]) => Error | undefined) {
  const batches: number[][] = [];
  const waiting: (() => void)[] = [];
  const write = (items: Item[]) => {
    batches.push(items.map((i) => i.n));
    return new Promise<void>((resolve, reject) => {
      waiting.push(() => {
        const error = fail?.(items);
        if (error) reject(error);
        else resolve();
      });
    });
  };
  const finishNext = async () => {
    while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    waiting.shift()?.();
  };
  return { batches, write, finishNext };
}

const SHARED = new Error("database unavailable");

test("a lone item is written at once; items arriving meanwhile go together, one per key, in order", async () => {
  const w = manualWriter();
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 3, key: (i) => i.key, sharedFailure: (e) => e === SHARED });
  const done: number[] = [];
  const add = (key: string, n: number) => batcher.add({ key, n }).then(() => done.push(n));
  const all = [add("a", 1), add("b", 2), add("a", 3), add("c", 4), add("d", 5), add("e", 6)];
  await w.finishNext(); // [1] alone: it was written the moment it came
  await w.finishNext(); // then the rest, at most 3, never two of one key
  await w.finishNext();
  await Promise.all(all);
  assert.deepEqual(w.batches, [[1], [2, 3, 4], [5, 6]]);
  assert.deepEqual(done, [1, 2, 3, 4, 5, 6]);
});

test("a key's second item waits behind its first, even when the batch has room", async () => {
  const w = manualWriter();
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 10, key: (i) => i.key, sharedFailure: () => false });
  const first = batcher.add({ key: "x", n: 0 });
  const rest = [batcher.add({ key: "a", n: 1 }), batcher.add({ key: "a", n: 2 }), batcher.add({ key: "b", n: 3 })];
  await w.finishNext();
  await w.finishNext();
  await w.finishNext();
  await Promise.all([first, ...rest]);
  assert.deepEqual(w.batches, [[0], [1, 3], [2]]);
});

test("a batch that fails for one item's sake is retried item by item: only that one fails", async () => {
  const w = manualWriter((items) => (items.some((i) => i.n === 2) ? new Error("bad item") : undefined));
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 10, key: (i) => i.key, sharedFailure: (e) => e === SHARED });
  const first = batcher.add({ key: "x", n: 0 });
  const results = [1, 2, 3].map((n) => batcher.add({ key: String(n), n }).then(() => "ok", (e: Error) => e.message));
  for (let i = 0; i < 5; i++) await w.finishNext();
  await first;
  assert.deepEqual(await Promise.all(results), ["ok", "bad item", "ok"]);
  assert.deepEqual(w.batches, [[0], [1, 2, 3], [1], [2], [3]]);
});

test("the database failing fails the whole batch at once", async () => {
  const w = manualWriter(() => SHARED);
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 10, key: (i) => i.key, sharedFailure: (e) => e === SHARED });
  const results = [1, 2, 3].map((n) => batcher.add({ key: String(n), n }).then(() => "ok", (e: Error) => e.message));
  await w.finishNext();
  await w.finishNext();
  assert.deepEqual(await Promise.all(results), ["database unavailable", "database unavailable", "database unavailable"]);
  assert.deepEqual(w.batches, [[1], [2, 3]]);
});

test("an item given up on before its write starts is never written", async () => {
  const w = manualWriter();
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 10, key: (i) => i.key, sharedFailure: () => false });
  const first = batcher.add({ key: "x", n: 0 });
  const late = batcher.add({ key: "y", n: 1 }, { ms: 1, error: () => new Error("too late") });
  const kept = batcher.add({ key: "z", n: 2 });
  await assert.rejects(late, /too late/);
  await w.finishNext();
  await w.finishNext();
  await Promise.all([first, kept]);
  assert.deepEqual(w.batches, [[0], [2]]);
});

test("with concurrency 2, a second write starts while the first is in flight, but never with a key being written", async () => {
  const w = manualWriter();
  const batcher = new Batcher<Item>({ write: w.write, maxBatch: 10, key: (i) => i.key, sharedFailure: () => false, concurrency: 2 });
  const done: number[] = [];
  const add = (key: string, n: number) => batcher.add({ key, n }).then(() => done.push(n));
  const first = add("a", 1);
  // [2] is written at once, beside [1]; 3 and 4 wait: two writes are in flight, and 3's key is being written.
  const rest = [add("b", 2), add("a", 3), add("c", 4)];
  while (w.batches.length < 2) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(w.batches, [[1], [2]]);
  await w.finishNext(); // [1] committed: "a" is free again
  await first;
  while (w.batches.length < 3) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(w.batches, [[1], [2], [3, 4]]);
  await w.finishNext();
  await w.finishNext();
  await Promise.all(rest);
  assert.deepEqual(done, [1, 2, 3, 4]);
});
