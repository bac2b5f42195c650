// Every call keeps an ordered timeline of what happened: what was said, played, gathered, dialled,
// recorded, each webhook and each status change (GET /_carrier/calls/{sid}). It is a record to show,
// never read by the engine, so URL credentials are redacted as events are added: no view of it
// (control API, event streams, softphone, calls page) can show them.
import { redactCredentials } from "./redact.js";

export interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  [field: string]: unknown;
}

export class Timeline {
  private readonly events: TimelineEvent[] = [];
  private readonly listeners = new Set<(event: TimelineEvent) => void>();

  constructor(private readonly now: () => Date) {}

  add(type: string, fields: Record<string, unknown> = {}): TimelineEvent {
    const event = { seq: this.events.length, at: this.now().toISOString(), type, ...redactCredentials(fields) };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Calls `listener` with every event added from now on; returns the unsubscribe function. */
  subscribe(listener: (event: TimelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): readonly TimelineEvent[] {
    return this.events;
  }
}
