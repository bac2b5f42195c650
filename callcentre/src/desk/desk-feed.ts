// Each signed-in agent's desk, pushed to their open pages (server-sent events). The ACD tells us when
// something an agent's desk shows has changed (DeskPort.onChange); a slow poll also catches changes
// made by other instances sharing the database. A listener is sent a snapshot only when it differs
// from the last one it was sent.
import type { FastifyBaseLogger } from "fastify";
import type { DeskPort } from "../acd/desk-port.js";
import type { DeskSnapshot } from "./desk-service.js";

export type DeskListener = (snapshot: DeskSnapshot) => void;

export interface DeskFeedOptions {
  /** Builds an agent's snapshot. */
  snapshot: (agentId: string) => Promise<DeskSnapshot>;
  port: DeskPort;
  log: FastifyBaseLogger;
  /** Coalesces bursts of changes (an offer and its state change) into one snapshot. */
  debounceMs?: number;
  /** How often to look for changes nobody told us about (another instance's webhooks). */
  pollMs?: number;
}

interface Subscriber {
  agentId: string;
  listener: DeskListener;
  last: string | undefined;
}

export class DeskFeed {
  private readonly subscribers = new Set<Subscriber>();
  private readonly due = new Set<string>();
  private pending: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private building: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeskFeedOptions) {}

  /** Adds a listener for the agent's desk and sends it the snapshot now. Returns the function that removes it. */
  async subscribe(agentId: string, listener: DeskListener): Promise<() => void> {
    const subscriber: Subscriber = { agentId, listener, last: undefined };
    this.subscribers.add(subscriber);
    this.start();
    const snapshot = await this.options.snapshot(agentId);
    subscriber.last = JSON.stringify(snapshot);
    listener(snapshot);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Something changed for the agent (undefined: for all agents): send new snapshots soon. */
  changed(agentId?: string): void {
    if (this.subscribers.size === 0) return;
    for (const id of agentId === undefined ? this.agents() : [agentId]) this.due.add(id);
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const agents = [...this.due];
      this.due.clear();
      // One publication at a time, in order: a later snapshot is never overtaken by an earlier one.
      this.building = this.building.then(() => this.publish(agents));
    }, this.options.debounceMs ?? 100);
    this.pending.unref();
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    clearInterval(this.poll);
    clearTimeout(this.pending);
    this.poll = undefined;
    this.pending = undefined;
    this.due.clear();
  }

  private start(): void {
    this.unlisten ??= this.options.port.onChange((agentId) => this.changed(agentId));
    if (!this.poll) {
      this.poll = setInterval(() => this.changed(), this.options.pollMs ?? 5_000);
      this.poll.unref();
    }
  }

  private agents(): Set<string> {
    return new Set([...this.subscribers].map((s) => s.agentId));
  }

  private async publish(agents: readonly string[]): Promise<void> {
    for (const agentId of agents) {
      const listening = [...this.subscribers].filter((s) => s.agentId === agentId);
      if (listening.length === 0) continue;
      try {
        const snapshot = await this.options.snapshot(agentId);
        const text = JSON.stringify(snapshot);
        for (const subscriber of listening) {
          if (subscriber.last === text || !this.subscribers.has(subscriber)) continue;
          subscriber.last = text;
          subscriber.listener(snapshot);
        }
      } catch (error) {
        this.options.log.warn({ err: error, agentId }, "desk snapshot failed");
      }
    }
  }
}
