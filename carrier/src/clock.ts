// Time is injected. The real clock uses timers; the manual clock moves only when told to
// (POST /_carrier/clock/advance), firing due timers in order, so tests never sleep.

export type SleepResult = "elapsed" | "aborted";

export interface Clock {
  readonly mode: "real" | "manual";
  now(): Date;
  /** Waits `ms` of clock time; resolves "aborted" at once if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<SleepResult>;
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
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

export class ManualClock implements Clock {
  readonly mode = "manual" as const;
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  constructor(start = new Date("2026-01-05T09:00:00Z")) {
    this.current = start.getTime();
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

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): Date | undefined {
    const next = this.timers[0];
    return next ? new Date(next.at) : undefined;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way, each at its own time. Work that
   * a timer starts asynchronously (a webhook, say) continues after this returns, at the new time.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.fire();
      // Let the woken work run up to its next wait before firing the next timer.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.current = target;
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
