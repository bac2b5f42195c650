// One call leg: its identity, status, timeline and what it is doing now. The runner drives it;
// the control API and REST act on it (input, hangup, answer, redirect).
import { EventEmitter } from "node:events";
import type { Clock } from "../clock.js";
import { geoOf } from "../numbering.js";
import { Timeline } from "../timeline.js";
import type { FormParams } from "../webhooks/signature.js";
import { InputChannel } from "./input.js";

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

export class Call extends EventEmitter {
  readonly timeline: Timeline;
  readonly input = new InputChannel();
  status: CallStatus;
  activity: CallActivity = "starting";
  readonly dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null = null;
  answeredAt: Date | null = null;
  endTime: Date | null = null;
  /** Aborted when the call ends: every wait of every verb stops. */
  readonly ended = new AbortController();
  /** Aborted when a REST update replaces the running document. */
  documentAbort = new AbortController();
  /** A REST update waiting to replace the running document. */
  pendingUpdate: { url?: string; method: "GET" | "POST"; twiml?: string } | undefined;
  /**
   * The other leg while bridged (<Dial><Number>, or <Dial><Queue> with a queued caller): it hears
   * what this one says (speech.ts).
   */
  bridgedWith: Call | undefined;
  private sequence = 0;

  constructor(
    readonly sid: string,
    readonly accountSid: string,
    readonly from: string,
    readonly to: string,
    readonly direction: Direction,
    readonly clock: Clock,
    readonly app: CallApp,
    /** Replaceable by a REST update. */
    public statusCallback: StatusCallbackConfig | undefined,
    readonly parentCallSid?: string,
    readonly phoneNumberSid?: string,
  ) {
    super();
    this.setMaxListeners(100);
    this.timeline = new Timeline(() => clock.now());
    // Dialled legs never show "queued" to anyone: ring() moves them to initiated at once.
    this.status = direction === "inbound" ? "ringing" : "queued";
    this.dateCreated = clock.now();
    this.dateUpdated = this.dateCreated;
  }

  get isEnded(): boolean {
    return this.ended.signal.aborted;
  }

  /** The signal a verb waits on: the call ending, or its document being replaced. */
  get signal(): AbortSignal {
    return AbortSignal.any([this.ended.signal, this.documentAbort.signal]);
  }

  setActivity(activity: CallActivity, detail: Record<string, unknown> = {}): void {
    if (this.activity === "ended") return;
    this.activity = activity;
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

  /** The parameters Twilio sends with every voice request (docs/twilio-contract.md §5.1). */
  params(): FormParams {
    const from = geoOf(this.from);
    const to = geoOf(this.to);
    const params: FormParams = {
      AccountSid: this.accountSid,
      ApiVersion: "2010-04-01",
      CallSid: this.sid,
      CallStatus: this.status,
      Called: this.to,
      CalledCity: to.city,
      CalledCountry: to.country,
      CalledState: to.state,
      CalledZip: to.zip,
      Caller: this.from,
      CallerCity: from.city,
      CallerCountry: from.country,
      CallerState: from.state,
      CallerZip: from.zip,
      Direction: this.direction,
      From: this.from,
      FromCity: from.city,
      FromCountry: from.country,
      FromState: from.state,
      FromZip: from.zip,
      To: this.to,
      ToCity: to.city,
      ToCountry: to.country,
      ToState: to.state,
      ToZip: to.zip,
    };
    if (this.parentCallSid) params.ParentCallSid = this.parentCallSid;
    return params;
  }
}
