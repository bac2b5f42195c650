// The seam between the engine and the verbs: the contract every verb implements, and the narrow
// ports of its context. A verb runs against its call, honours the signal (hangup, or a REST update
// replacing the document), and returns what happens next; only the runner (runner.ts) fetches,
// parses and swaps documents.
//
// A verb reaches the rest of the carrier only through the ports of its context: its call, the
// clock, the URL resolver of its document, legs, rooms, queues, recordings, webhooks, messages and
// `runSubDocument`. The contract lives here, below the verbs (verbs/verb.ts re-exports it), and the
// runner is handed the verb registry (app.ts): nothing in calls/ imports verbs/, so the imports run
// one way, verbs → calls.
import type { Call, CallApp, CallStatus, Direction, StatusCallbackConfig } from "./call.js";
import type { Clock } from "../clock.js";
import type { Recording } from "../store.js";
import type { ConferenceNoun, DialNode, EnqueueNode, QueueNoun, RecordNode, VerbName, VerbNode } from "../twiml/nodes.js";
import type { TwilioError } from "../twilio-error.js";
import type { WebhookRequest, WebhookResponse } from "../webhooks/http.js";
import type { FormParams } from "../webhooks/signature.js";

export type Outcome =
  /** Go on with the next verb of this document. */
  | { type: "next" }
  /** Request this URL; its document replaces the current one. */
  | { type: "request"; url: string; method: "GET" | "POST"; params?: FormParams }
  /** End the call. */
  | { type: "end"; status?: "completed" | "busy" | "no-answer" | "failed" };

/** A parsed TwiML document, with the URL it came from (undefined for TwiML given inline). */
export interface Document {
  verbs: VerbNode[];
  url: string | undefined;
  method: "GET" | "POST";
}

/** A document that could not be had, as Twilio's error code (112xx fetch, 12100/12102/12300 content). */
export interface DocumentFailure {
  error: number;
  message: string;
}

export interface NewCallFields {
  from: string;
  to: string;
  direction: Direction;
  app: CallApp;
  statusCallback?: StatusCallbackConfig | undefined;
  parentCallSid?: string;
  phoneNumberSid?: string | undefined;
  /** A <Client>'s custom <Parameter>s, shown to the client the leg rings on. */
  customParameters?: Record<string, string> | undefined;
}

export type RingResult = "answered" | "busy" | "failed" | "no-answer" | "canceled";

/** Calls other than the verb's own: <Dial> legs. Implemented by the engine, which owns calls. */
export interface LegsPort {
  /** Creates and registers a child call. */
  create(fields: NewCallFields): Call;
  /** Rings a leg on its handset until it answers, refuses, times out or `signal` aborts. */
  ring(leg: Call, timeoutMs: number, signal: AbortSignal): Promise<RingResult>;
  /** Marks a call answered (in-progress) if it is not yet. */
  answer(call: Call): void;
  /** Ends a call: every wait of it stops. */
  end(call: Call, status?: CallStatus): void;
}

export interface BridgeOptions {
  /** The bridge ends after this many seconds (<Dial timeLimit>). */
  timeLimitSeconds: number;
  /** A party whose * key ends the bridge (<Dial hangupOnStar>: the caller). */
  hangupOnStar?: Call | undefined;
  /** The bridge ends when this aborts (the dialling call's document signal). */
  signal: AbortSignal;
  /** Bridging from this queue (shown on the timeline). */
  queue?: string | undefined;
}

export interface BridgeResult {
  durationSeconds: number;
  reason: "hangup" | "time-limit" | "star" | "aborted";
}

/** N-party bridges (calls/rooms.ts): every bridge is a room. */
export interface RoomsPort {
  /** Bridges the parties until one leaves, the time limit, * or the signal; then unbridges them. */
  bridge(parties: Call[], options: BridgeOptions): Promise<BridgeResult>;
}

/** Call queues (calls/queues.ts): the one owner of every queue. */
export interface QueuesPort {
  /** <Enqueue>: waits in the queue, running the waitUrl document, until bridged, <Leave> or hangup. */
  enqueue(node: EnqueueNode, ctx: VerbContext): Promise<Outcome>;
  /** <Leave>: takes the caller out of its queue; false when it is in none. */
  leave(call: Call): boolean;
  /** <Dial><Queue>: bridges the dialling call with the first caller waiting. */
  dequeue(node: DialNode, noun: QueueNoun, ctx: VerbContext): Promise<Outcome>;
}

/** Conferences (calls/conferences.ts): the one owner of every conference. */
export interface ConferencesPort {
  /** <Dial><Conference>: the call is a participant until it leaves, is removed or the conference ends. */
  join(node: DialNode, noun: ConferenceNoun, ctx: VerbContext): Promise<Outcome>;
}

/** How a continuous recording (<Dial record>, REST, <Start><Recording>) is made. */
export interface RecordingOptions {
  source: "DialVerb" | "StartCallRecordingAPI" | "Conference";
  channels: 1 | 2;
  /** A conference's recording: the conference, and the call its recording is kept under. */
  conference?: { sid: string; callSid: string } | undefined;
  track?: "inbound" | "outbound" | "both" | undefined;
  trim: "trim-silence" | "do-not-trim";
  /** The recording status callback, already resolved, and the events it asked for. */
  callback?: { url: string; method: "GET" | "POST"; events: string[] } | undefined;
  /** <Start><Recording name>: what <Stop><Recording name> stops. */
  name?: string | undefined;
}

/** Recordings (calls/recordings.ts): kept for REST, with their callbacks. */
export interface RecordingsPort {
  /** Keeps a finished <Record>ing. */
  finish(call: Call, node: RecordNode, resolve: (url: string) => string, transcript: string, durationSeconds: number): Recording;
  /** Starts a continuous recording of `call`; it stops on `stop` or when the call ends. */
  start(call: Pick<Call, "sid" | "accountSid" | "ended" | "isEnded" | "timeline">, options: RecordingOptions): Recording;
  /** Stops and finishes a continuous recording (completed, or absent when nothing was recorded). */
  stop(sid: string): Recording | undefined;
  /** The recordings of a call being made now, oldest first. */
  activeOn(callSid: string): Recording[];
  /** The recording started by <Start><Recording name>, while it is being made. */
  named(callSid: string, name: string): Recording | undefined;
  url(recordingSid: string): string;
}

/** The webhook client (webhooks/client.ts), recording on the verb's call. */
export interface WebhooksPort {
  send(request: WebhookRequest, purpose: string): Promise<WebhookResponse>;
}

/** Messages a voice call sends (<Sms>). */
export interface MessagesPort {
  send(message: { to: string; from: string; body: string; statusCallback?: string | undefined }): { sid: string } | { error: TwilioError };
}

export interface SubDocumentOptions {
  method: "GET" | "POST";
  /** Parameters beyond the call's own. */
  params?: FormParams;
  /** Verbs Twilio runs in this kind of document; any other is a 12200 warning and skipped. */
  allowedVerbs: readonly VerbName[];
  /** The warning code for a verb not allowed there: 12200 unless given (a conference's waitUrl: 13238). */
  notAllowedCode?: number;
  signal: AbortSignal;
  /** The call it runs on, when not the verb's own (a <Number url> runs on the dialled leg). */
  on?: Call;
}

/**
 * How a sub-document (a waitUrl, <Number url> or <Queue url> document) ended: it ran out of verbs,
 * a <Hangup> ended it (the call is ended), it could not be had, or its signal aborted.
 */
export type SubDocumentResult = "done" | "hangup" | "failed" | "aborted";

export interface VerbContext {
  call: Call;
  clock: Clock;
  /** Aborts on hangup or when the document is replaced. */
  signal: AbortSignal;
  /** The URL of the running document; undefined for TwiML given inline. */
  documentUrl: string | undefined;
  documentMethod: "GET" | "POST";
  /** Resolves a relative URL against the document's URL. */
  resolve(url: string): string;
  legs: LegsPort;
  rooms: RoomsPort;
  queues: QueuesPort;
  conferences: ConferencesPort;
  recordings: RecordingsPort;
  webhooks: WebhooksPort;
  messages: MessagesPort;
  /** Fetches, parses and runs a document on a call, following its <Redirect>s and actions: the one runner. */
  runSubDocument(url: string, options: SubDocumentOptions): Promise<SubDocumentResult>;
}

export interface Verb<N extends VerbNode> {
  /**
   * Whether the call must be answered before this verb runs: not for <Reject>, nor for a first
   * <Pause>, nor for a <Dial answerOnBridge> (answered when the callee answers).
   */
  answers: boolean | ((node: N) => boolean);
  /**
   * Attributes of `node` the carrier parses but does not act on: the runner records a 12200
   * warning for each, so an app is never silently misled.
   */
  unhonoured?: (node: N) => string[];
  run(node: N, ctx: VerbContext): Promise<Outcome>;
}

export type VerbRegistry = { [K in VerbName]: Verb<Extract<VerbNode, { verb: K }>> };

export const NEXT: Outcome = { type: "next" };
