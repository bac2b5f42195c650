// One call leg: its identity, status, timeline and what it is doing now. The runner drives it;
// the control API and REST act on it (input, hangup, answer, redirect).
import { EventEmitter } from "node:events";
import type { Clock } from "../clock.js";
import { Timeline } from "../timeline.js";
import type { FormParams } from "../webhooks/signature.js";
import { InputChannel } from "./input.js";
import { callParams } from "./twilio-params.js";

export type CallStatus = "queued" | "initiated" | "ringing" | "in-progress" | "completed" | "busy" | "failed" | "no-answer" | "canceled";
export const FINAL: readonly CallStatus[] = ["completed", "busy", "failed", "no-answer", "canceled"];
export type Direction = "inbound" | "outbound-api" | "outbound-dial";

/**
 * What the call is doing. "Settled" states wait on someone outside the carrier: the caller
 * (gathering, recording, bridged, queued), a handset (ringing, dialing) — or the call has ended.
 */
export type CallActivity =
  | "starting"
  | "requesting"
  | "media"
  | "gathering"
  | "recording"
  | "ringing"
  | "dialing"
  | "bridged"
  | "queued"
  | "ended";

const SETTLED: readonly CallActivity[] = ["gathering", "recording", "ringing", "dialing", "bridged", "queued", "ended"];

export interface StatusCallbackConfig {
  url: string;
  method: "GET" | "POST";
  events: Set<string>;
}

export interface CallApp {
  url?: string | undefined;
  method: "GET" | "POST";
  twiml?: string | undefined;
  fallbackUrl?: string | undefined;
  fallbackMethod: "GET" | "POST";
}

/** A REST update (Url or Twiml) waiting to replace the running document. */
export interface PendingUpdate {
  url?: string;
  method: "GET" | "POST";
  twiml?: string;
}

/** What a call can be bridged in (calls/rooms.ts): those `heardBy` names hear what a party says. */
export interface RoomView {
  readonly parties: readonly Call[];
  heardBy(speaker: Call): readonly Call[];
  /** `speaker` was heard saying something lasting `ms` on the clock (a conference's speaker events). */
  spoke?(speaker: Call, ms: number): void;
}

/**
 * The call owns its state: other modules read it and ask for changes through its methods
 * (`transition`, `requestUpdate`, `joinRoom`…), never by writing its fields.
 */
export class Call extends EventEmitter {
  readonly timeline: Timeline;
  readonly input = new InputChannel();
  private currentStatus: CallStatus;
  private currentActivity: CallActivity = "starting";
  readonly dateCreated: Date;
  private updated: Date;
  private started: Date | null = null;
  private answered: Date | null = null;
  private endedAt: Date | null = null;
  /** Aborted when the call ends: every wait of every verb stops. */
  readonly ended = new AbortController();
  /** Aborted when a REST update replaces the running document. */
  private documentAbort = new AbortController();
  private pendingUpdate: PendingUpdate | undefined;
  private currentRoom: RoomView | undefined;
  private callback: StatusCallbackConfig | undefined;
  private sequence = 0;

  constructor(
    readonly sid: string,
    readonly accountSid: string,
    readonly from: string,
    readonly to: string,
    readonly direction: Direction,
    readonly clock: Clock,
    readonly app: CallApp,
    /** Replaceable by a REST update (`replaceStatusCallback`). */
    statusCallback: StatusCallbackConfig | undefined,
    readonly parentCallSid?: string,
    readonly phoneNumberSid?: string,
    /** Custom parameters the call carries to a client (<Client><Parameter>, or a client's own call). */
    readonly customParameters?: Readonly<Record<string, string>>,
  ) {
    super();
    this.setMaxListeners(100);
    this.timeline = new Timeline(() => clock.now());
    // Dialled legs never show "queued" to anyone: ring() moves them to initiated at once.
    this.currentStatus = direction === "inbound" ? "ringing" : "queued";
    this.dateCreated = clock.now();
    this.updated = this.dateCreated;
    // An inbound call rings from the moment it exists.
    if (direction === "inbound") this.started = this.dateCreated;
    this.callback = statusCallback;
  }

  get status(): CallStatus {
    return this.currentStatus;
  }
  get activity(): CallActivity {
    return this.currentActivity;
  }
  get dateUpdated(): Date {
    return this.updated;
  }
  get startTime(): Date | null {
    return this.started;
  }
  get answeredAt(): Date | null {
    return this.answered;
  }
  get endTime(): Date | null {
    return this.endedAt;
  }
  get statusCallback(): StatusCallbackConfig | undefined {
    return this.callback;
  }

  /** A REST update's StatusCallback replaces the call's; the events asked for at creation stay. */
  replaceStatusCallback(config: StatusCallbackConfig): void {
    this.callback = { ...config, events: this.callback?.events ?? config.events };
  }

  /**
   * Moves the call to `status`, with its times and a timeline event; returns the status it had, or
   * undefined when nothing changed (the same status, or the call already ended). Final statuses
   * are final. Status callbacks are the engine's (calls/engine.ts), which calls this.
   */
  transition(status: CallStatus): CallStatus | undefined {
    if (this.currentStatus === status || FINAL.includes(this.currentStatus)) return undefined;
    const previous = this.currentStatus;
    const now = this.clock.now();
    this.currentStatus = status;
    this.updated = now;
    if (status === "in-progress") {
      this.answered ??= now;
      this.started ??= now;
    }
    if (status === "ringing" || status === "initiated") this.started ??= now;
    if (FINAL.includes(status)) this.endedAt = now;
    this.timeline.add("status", { status });
    this.emit("status", status);
    return previous;
  }

  /** The call is over: every wait of every verb stops. Call after the final `transition`. */
  finish(): void {
    if (this.isEnded) return;
    this.setActivity("ended");
    this.input.disarm();
    this.ended.abort();
    this.emit("ended");
  }

  /** A REST update replaces the running document: the document's waits stop now. */
  requestUpdate(update: PendingUpdate): void {
    this.pendingUpdate = update;
    this.documentAbort.abort();
  }

  /** The REST update waiting to replace the document, if any; the next document gets a fresh signal. */
  takeUpdate(): PendingUpdate | undefined {
    const update = this.pendingUpdate;
    if (!update) return undefined;
    this.pendingUpdate = undefined;
    this.documentAbort = new AbortController();
    return update;
  }

  /** The room the call is bridged in (calls/rooms.ts sets it), if any. */
  get room(): RoomView | undefined {
    return this.currentRoom;
  }
  joinRoom(room: RoomView): void {
    this.currentRoom = room;
  }
  leaveRoom(room: RoomView): void {
    if (this.currentRoom === room) this.currentRoom = undefined;
  }

  /** The other parties while bridged: they hear what this one says (speech.ts). */
  get others(): Call[] {
    return (this.currentRoom?.parties ?? []).filter((party) => party !== this);
  }

  /** The first other party while bridged (the control API's and calls page's `bridgedWith`). */
  get bridgedWith(): Call | undefined {
    return this.others[0];
  }

  get isEnded(): boolean {
    return this.ended.signal.aborted;
  }

  /** The signal a verb waits on: the call ending, or its document being replaced. */
  get signal(): AbortSignal {
    return AbortSignal.any([this.ended.signal, this.documentAbort.signal]);
  }

  setActivity(activity: CallActivity, detail: Record<string, unknown> = {}): void {
    if (this.currentActivity === "ended") return;
    this.currentActivity = activity;
    this.emit("activity", activity, detail);
  }

  isSettled(): boolean {
    if (SETTLED.includes(this.activity)) return true;
    // On the manual clock, playing media waits for time to be advanced.
    return this.clock.mode === "manual" && this.activity === "media";
  }

  /** Resolves true once settled, false after `timeoutMs` of real time. */
  waitSettled(timeoutMs: number): Promise<boolean> {
    if (this.isSettled()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!this.isSettled()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("activity", check);
      };
      this.on("activity", check);
    });
  }

  nextSequenceNumber(): number {
    return this.sequence++;
  }

  get durationSeconds(): number | null {
    if (!this.endTime) return null;
    if (!this.answeredAt) return 0;
    return Math.max(0, Math.round((this.endTime.getTime() - this.answeredAt.getTime()) / 1000));
  }

  /** The parameters Twilio sends with every voice request (built in twilio-params.ts). */
  params(): FormParams {
    return callParams(this);
  }
}
