// Group commit for small writes: items that arrive while a write is in flight are written together
// by the next one, in one statement. A lone item is written at once (no timer, no added latency);
// under load the batches grow by themselves, and round trips and commits per item fall.
export interface BatcherOptions<T> {
  /** Writes the items (in arrival order) in one go; all or nothing. */
  write: (items: T[]) => Promise<void>;
  /** Most items per write. */
  maxBatch: number;
  /** Items with the same key never share a write, and are written in arrival order. */
  key: (item: T) => string;
  /** Whether a failed batch's error is the database's (all fail) or may be one item's (each is retried alone). */
  sharedFailure: (error: unknown) => boolean;
  /**
   * Writes in flight at once (default 1). With 2, a batch is written while the previous one waits for
   * its commit, so a commit's latency no longer idles the process; an item never shares a write with,
   * nor overtakes, an item of the same key that is still being written.
   */
  concurrency?: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Given up on by its caller: it is dropped if its write has not started. */
  expired: boolean;
}

export class Batcher<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  /** Keys of the items being written. */
  private readonly writing = new Set<string>();

  constructor(private readonly options: BatcherOptions<T>) {}

  /**
   * Resolves once the item is written (committed), or rejects with the write's error. With a
   * timeout, rejects with `timeoutError()` after that long; an item whose write has not started by
   * then is never written.
   */
  add(item: T, timeout?: { ms: number; error: () => Error }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const pending: Pending<T> = {
        item,
        expired: false,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (timeout) {
        timer = setTimeout(() => {
          pending.expired = true;
          reject(timeout.error());
        }, timeout.ms);
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Starts writes while fewer than `concurrency` are in flight and something can be written. */
  private pump(): void {
    while (this.inFlight < (this.options.concurrency ?? 1) && this.queue.length > 0) {
      const batch = this.nextBatch();
      // Everything left waits for a key being written (or was given up on).
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Pending<T>[]): Promise<void> {
    const keys = batch.map((p) => this.options.key(p.item));
    for (const key of keys) this.writing.add(key);
    try {
      await this.options.write(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1 || this.options.sharedFailure(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One item may be at fault: write each alone, so that only that one fails.
      for (const p of batch) await this.options.write([p.item]).then(p.resolve, p.reject);
    } finally {
      for (const key of keys) this.writing.delete(key);
    }
  }

  /** The oldest items, at most one per key and none of a key being written; the rest stay queued, in order. */
  private nextBatch(): Pending<T>[] {
    const batch: Pending<T>[] = [];
    const keys = new Set<string>(this.writing);
    const rest: Pending<T>[] = [];
    for (const p of this.queue) {
      if (p.expired) continue;
      const key = this.options.key(p.item);
      if (batch.length < this.options.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(p);
      } else {
        // Once an item of a key waits, later ones of that key wait too (they must not overtake it).
        keys.add(key);
        rest.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }
}
