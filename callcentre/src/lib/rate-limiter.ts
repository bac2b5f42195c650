// Paces outbound messages to a rate (messages per second) by spacing them evenly: Twilio queues what
// a number cannot send at once, but a burst far beyond its rate earns 429s and queue overflows.
// The limit is per process; with several instances, give each its share (docs: scale-out).
import { setTimeout as delay } from "node:timers/promises";

export class RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when the caller may send one message. */
  async take(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot - now >= 1) await delay(slot - now);
  }
}
