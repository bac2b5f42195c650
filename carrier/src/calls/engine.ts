// The call engine: the one owner of calls. It creates them, moves their status (the call makes the
// change, the engine sends the status callbacks), ends and forgets them, and holds the other
// owners — the runner (calls/runner.ts), rooms, queues, recordings — and the webhook client. Verbs
// live in ../verbs, one file each, and see only the ports of their context (calls/ports.ts); the
// engine is handed their registry and never imports them.
import type { Clock } from "../clock.js";
import { sendMessage } from "../messages/messaging.js";
import { newSid } from "../sids.js";
import type { Store } from "../store.js";
import { WebhookClient } from "../webhooks/client.js";
import type { FormParams } from "../webhooks/signature.js";
import type { LegsPort, MessagesPort, NewCallFields, VerbRegistry } from "./ports.js";
import { DEFAULT_CALL_HISTORY, MAX_DOCUMENTS_PER_CALL } from "../limits.js";
import { Call, FINAL, type CallStatus, type PendingUpdate } from "./call.js";
import { ring } from "./handsets.js";
import { ConferenceRecording } from "./conference-recording.js";
import { Conferences } from "./conferences.js";
import { Queues } from "./queues.js";
import { Recordings } from "./recordings.js";
import { Rooms } from "./rooms.js";
import { Runner, type RunnerHost } from "./runner.js";
import { statusCallbackParams } from "./twilio-params.js";

export interface EngineLimits {
  /** Documents one call may run before it ends with the application error (limits.ts). */
  maxDocuments: number;
  /** Ended calls kept, with their timelines; the oldest ended is forgotten first. */
  callHistory: number;
}

export class Engine implements RunnerHost {
  /** Calls in progress, and the last `callHistory` ended ones. */
  readonly calls = new Map<string, Call>();
  readonly limits: EngineLimits;
  readonly webhooks: WebhookClient;
  readonly rooms: Rooms;
  readonly queues: Queues;
  readonly conferences: Conferences;
  readonly recordings: Recordings;
  readonly legs: LegsPort;
  readonly messages: MessagesPort;
  private readonly runner: Runner;
  /** SIDs of the ended calls still kept, oldest ended first. */
  private readonly history: string[] = [];

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    /** Every verb, by name: verbs/registry.ts's VERBS. */
    verbs: VerbRegistry,
    { recordingsDir, ...limits }: Partial<EngineLimits> & { recordingsDir?: string | undefined } = {},
  ) {
    this.limits = { maxDocuments: MAX_DOCUMENTS_PER_CALL, callHistory: DEFAULT_CALL_HISTORY, ...limits };
    this.webhooks = new WebhookClient(() => store.account.authToken, clock);
    this.rooms = new Rooms(clock);
    this.queues = new Queues(store, clock);
    // recordingsDir: DATA_DIR/recordings, where recordings' media outlives a restart (recording-media.ts).
    this.recordings = new Recordings(store, clock, this.webhooks, recordingsDir);
    this.conferences = new Conferences(store, clock, this.webhooks, new ConferenceRecording(this.recordings, clock));
    this.legs = {
      create: (fields) => this.newCall(fields),
      ring: (leg, timeoutMs, signal) => ring(this, leg, timeoutMs, signal),
      answer: (call) => this.answer(call),
      end: (call, status) => this.end(call, status),
    };
    this.messages = {
      send: (m) => {
        const result = sendMessage(store, this.webhooks, { ...m, direction: "outbound-call" });
        return "message" in result ? { sid: result.message.sid } : result;
      },
    };
    this.runner = new Runner(this, verbs);
  }

  get maxDocuments(): number {
    return this.limits.maxDocuments;
  }

  private register(call: Call): Call {
    this.calls.set(call.sid, call);
    this.store.handset(call.direction === "inbound" ? call.from : call.to).calls.push(call.sid);
    this.store.emit("call", call);
    return call;
  }

  newCall(fields: NewCallFields): Call {
    return this.register(
      new Call(
        newSid("CA"),
        this.store.account.sid,
        fields.from,
        fields.to,
        fields.direction,
        this.clock,
        fields.app,
        fields.statusCallback,
        fields.parentCallSid,
        fields.phoneNumberSid,
        fields.customParameters,
      ),
    );
  }

  /** Runs the call's application (calls/runner.ts). */
  /** `params`: beyond the call's own, on the first request only (a client's ApplicationSid and custom parameters). */
  run(call: Call, first: { url?: string | undefined; method: "GET" | "POST"; twiml?: string | undefined; params?: FormParams }): Promise<void> {
    return this.runner.run(call, first);
  }

  // ---- status ---------------------------------------------------------------------------------

  /** Moves a call's status (the call makes the change) and sends the status callback it asked for. */
  setStatus(call: Call, status: CallStatus): void {
    const previous = call.transition(status);
    if (previous === undefined) return;
    this.store.emit("call-status", call);
    // A call canceled while still queued never reached the network: Twilio sends no callbacks (docs/twilio-contract.md §4.2).
    if (!(previous === "queued" && status === "canceled")) this.statusCallback(call, status);
  }

  private statusCallback(call: Call, status: CallStatus): void {
    const config = call.statusCallback;
    if (!config) return;
    const event = status === "in-progress" ? "answered" : FINAL.includes(status) ? "completed" : status;
    if (!config.events.has(event)) return;
    const params = statusCallbackParams(call, {
      at: this.clock.now(),
      sequenceNumber: call.nextSequenceNumber(),
      durationSeconds: FINAL.includes(status) ? (call.durationSeconds ?? 0) : undefined,
    });
    void this.webhooks.send({ url: config.url, method: config.method, params, kind: "callback" }, "status-callback", call);
  }

  /** Marks the call answered (in-progress) if it is not yet. */
  answer(call: Call): void {
    if (call.status !== "in-progress" && !FINAL.includes(call.status)) this.setStatus(call, "in-progress");
  }

  /** Ends the call: every wait stops, the other parties of its room go on without it. */
  end(call: Call, status?: CallStatus): void {
    if (call.isEnded) return;
    this.setStatus(call, status ?? (call.answeredAt ? "completed" : "canceled"));
    call.finish();
    this.remember(call);
  }

  /**
   * Keeps an ended call (REST Calls/{Sid}, the control API, the calls page) until `callHistory` calls
   * have ended after it; then it is forgotten, timeline and all, and its SID answers 404. Twilio keeps
   * call logs for months; a simulator that ran for days would run out of memory instead.
   */
  private remember(call: Call): void {
    this.history.push(call.sid);
    while (this.history.length > this.limits.callHistory) {
      const sid = this.history.shift() as string;
      const forgotten = this.calls.get(sid);
      this.calls.delete(sid);
      if (!forgotten) continue;
      const handset = this.store.handsets.get(forgotten.direction === "inbound" ? forgotten.from : forgotten.to);
      const at = handset?.calls.indexOf(sid) ?? -1;
      if (at >= 0) handset?.calls.splice(at, 1);
    }
  }

  // ---- REST updates ---------------------------------------------------------------------------

  /** Replaces the running document at once (REST `Url` or `Twiml`). */
  redirect(call: Call, update: PendingUpdate): void {
    call.requestUpdate(update);
  }
}
