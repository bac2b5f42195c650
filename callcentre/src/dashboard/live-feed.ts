// What is happening now, pushed to every open dashboard (server-sent events). Webhooks call
// changed() after they commit; a slow poll also catches changes made by other instances sharing the
// database. A snapshot is sent only when it differs from the last one sent.
import type { FastifyBaseLogger } from "fastify";

export type Listener = (snapshot: string) => void;

export interface LiveFeedOptions {
  /** Builds the current snapshot (JSON-serialisable). */
  snapshot: () => Promise<unknown>;
  log: FastifyBaseLogger;
  /** Coalesces bursts of changes (a webhook and its status callback) into one snapshot. */
  debounceMs?: number;
  /** How often to look for changes nobody told us about (another instance's webhooks). */
  pollMs?: number;
}

export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private last: string | undefined;
  private pending: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private building: Promise<void> | undefined;

  constructor(private readonly options: LiveFeedOptions) {}

  /** Adds a listener and sends it the current snapshot. Returns the function that removes it. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    if (!this.poll) {
      this.poll = setInterval(() => this.changed(), this.options.pollMs ?? 5_000);
      this.poll.unref();
    }
    // The newcomer's own snapshot; what the others were last sent stays the reference for changes.
    listener(JSON.stringify(await this.options.snapshot()));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Something changed: send a new snapshot soon (once for a burst). */
  changed(): void {
    if (this.listeners.size === 0 || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.building ??= this.publish().finally(() => (this.building = undefined));
    }, this.options.debounceMs ?? 150);
    this.pending.unref();
  }

  stop(): void {
    clearInterval(this.poll);
    clearTimeout(this.pending);
    this.poll = undefined;
    this.pending = undefined;
  }

  private async publish(): Promise<void> {
    try {
      const next = JSON.stringify(await this.options.snapshot());
      if (next === this.last) return;
      this.last = next;
      for (const listener of this.listeners) listener(next);
    } catch (error) {
      this.options.log.warn({ err: error }, "live snapshot failed");
    }
  }
}
