// Time is injected. The real clock uses timers; the manual clock moves only when told to
// (POST /_carrier/clock/advance), firing due timers in order, so tests never sleep. Work the
// carrier does over the network (a webhook, a <Play> fetch) takes real time, not clock time: the
// manual clock is told about it (track) and does not move while it is in flight.

export type SleepResult = "elapsed" | "aborted";

export interface Clock {
  readonly mode: "real" | "manual";
  now(): Date;
  /** Waits `ms` of clock time; resolves "aborted" at once if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<SleepResult>;
  /**
   * Tells the clock that `work` (a request to the application) is in flight; returns it unchanged.
   * The manual clock does not move on while tracked work is in flight; the real clock ignores it.
   */
  track<T>(work: Promise<T>): Promise<T>;
}

/** setTimeout holds a signed 32-bit delay; a longer one fires at once (Node warns, then uses 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A wait either clock can hold: 0 to MAX_TIMER_MS (about 24.8 days). Verbs keep their waits within
 * Twilio's limits first (limits.ts), so this only stops a computed wait that escaped them from
 * firing at once (RealClock) or from making a date out of range (ManualClock's nextTimerAt).
 */
export function timerMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

export class RealClock implements Clock {
  readonly mode = "real" as const;

  now(): Date {
    return new Date();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<SleepResult> {
    if (signal?.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve("elapsed");
      }, timerMs(ms));
      const onAbort = () => {
        clearTimeout(timer);
        resolve("aborted");
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    return work;
  }
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * Real time an advance waits for work in flight before it leaves it behind. Applications answer in
 * milliseconds; one that has not answered after this long is most likely waiting on the advance
 * itself (its webhook asked for it). Shorter than the webhook limit (15 s), so that webhook still
 * gets its answer through.
 */
export const SETTLE_LIMIT_MS = 5_000;

export interface ManualClockOptions {
  /** Real time an advance waits for a webhook in flight (SETTLE_LIMIT_MS); lowered by tests. */
  settleLimitMs?: number;
}

export interface AdvanceResult {
  /** Timers fired, each at its own time. */
  fired: number;
  /** Webhooks the advance stopped waiting for after the settle limit (still in flight, or late). */
  leftBehind: number;
}

export class ManualClock implements Clock {
  readonly mode = "manual" as const;
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private readonly listeners = new Set<() => void>();
  /** Tracked work not yet done and not yet left behind by an advance. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly quiet = new Set<() => void>();
  private readonly settleLimitMs: number;
  /** Advances run one after another: a second one asked for meanwhile starts when the first ends. */
  private advancing: Promise<unknown> = Promise.resolve();

  constructor(start = new Date("2026-01-05T09:00:00Z"), options: ManualClockOptions = {}) {
    this.current = start.getTime();
    this.settleLimitMs = options.settleLimitMs ?? SETTLE_LIMIT_MS;
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<SleepResult> {
    if (signal?.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const timer: Timer = {
        at: this.current + timerMs(ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve("elapsed");
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve("aborted");
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      for (const listener of this.listeners) listener();
    });
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => {
      this.inFlight.delete(work);
      if (this.inFlight.size > 0) return;
      for (const resolve of [...this.quiet]) resolve();
      this.quiet.clear();
    };
    work.then(done, done);
    return work;
  }

  /** Tracked work in flight (webhooks and media fetches an advance would wait for). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): Date | undefined {
    const next = this.timers[0];
    return next ? new Date(next.at) : undefined;
  }

  /**
   * Moves time forward by `ms`, step by step: it waits until nothing tracked is in flight, moves
   * to the next due timer, fires it, waits again, and so on up to the target. A webhook that a
   * timer starts is answered, and what its document does is timed, before time moves on (an
   * advance of 200 s does not skip past a webhook, so a <Gather> after it times out when it
   * should). Each wait is bounded by the settle limit in real time: work still in flight after it
   * is left behind, and no advance waits for it again. That is what keeps an advance asked for
   * from inside a webhook (the app calls the control API before it answers) from waiting on
   * itself. Advances asked for meanwhile run after this one.
   */
  advance(ms: number): Promise<AdvanceResult> {
    const run = this.advancing.then(() => this.step(Math.max(0, ms)));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async step(ms: number): Promise<AdvanceResult> {
    const result: AdvanceResult = { fired: 0, leftBehind: 0 };
    await this.settle(result);
    const target = this.current + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.fire();
      result.fired += 1;
      await this.settle(result);
    }
    this.current = target;
    return result;
  }

  /**
   * Lets woken work run up to its next wait (its next timer, or a request in flight), then waits
   * for the requests in flight, and again for the work their answers wake, until all is quiet.
   */
  private async settle(result: AdvanceResult): Promise<void> {
    const deadline = Date.now() + this.settleLimitMs;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inFlight.size === 0) return;
      const left = deadline - Date.now();
      const quiet = left > 0 && (await this.quietWithin(left));
      if (!quiet) {
        result.leftBehind += this.inFlight.size;
        this.inFlight.clear();
        return;
      }
    }
  }

  /** Resolves true when nothing tracked is in flight, false after `ms` of real time. */
  private quietWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onQuiet = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.quiet.delete(onQuiet);
        resolve(false);
      }, ms);
      this.quiet.add(onQuiet);
    });
  }

  /** Called whenever a timer is added (the call engine re-checks "settled"). */
  onTimer(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** RFC 2822 in UTC, as Twilio writes dates: "Tue, 31 Aug 2010 20:36:28 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}
