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
  private flushing = false;

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
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.nextBatch();
      if (batch.length === 0) continue;
      try {
        await this.options.write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        if (batch.length === 1 || this.options.sharedFailure(error)) {
          for (const p of batch) p.reject(error);
          continue;
        }
        // One item may be at fault: write each alone, so that only that one fails.
        for (const p of batch) await this.options.write([p.item]).then(p.resolve, p.reject);
      }
    }
    this.flushing = false;
  }

  /** The oldest items, at most one per key; the rest stay queued, in order. */
  private nextBatch(): Pending<T>[] {
    const batch: Pending<T>[] = [];
    const keys = new Set<string>();
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
