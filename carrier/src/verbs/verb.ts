// The contract every verb implements. A verb runs against the call, honours the call's signal
// (hangup, or a REST update replacing the document), and returns what happens next; only the
// runner swaps documents.
//
// Verbs reach the rest of the carrier only through `CallControl`, which the engine implements: no
// verb (nor a helper a verb calls) imports the engine module, so the engine → registry → verb
// imports never come back round to the engine.
import type { Call, CallApp, CallStatus, Direction, StatusCallbackConfig } from "../calls/call.js";
import type { Clock } from "../clock.js";
import type { Store } from "../store.js";
import type { VerbName, VerbNode } from "../twiml/nodes.js";
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
  phoneNumberSid?: string;
}

/** What verbs may do to calls beyond their own: implemented by the engine (calls/engine.ts). */
export interface CallControl {
  readonly store: Store;
  readonly clock: Clock;
  /** Creates and registers a call (a <Dial> leg). */
  newCall(fields: NewCallFields): Call;
  /** Moves a call's status, with its status callbacks. */
  setStatus(call: Call, status: CallStatus): void;
  /** Marks the call answered (in-progress) if it is not yet. */
  answer(call: Call): void;
  /** Ends the call: every wait stops. */
  end(call: Call, status?: CallStatus): void;
  /** Sends a signed request and records it on the call's timeline. */
  webhook(call: Call | undefined, request: WebhookRequest, purpose: string): Promise<WebhookResponse>;
  /** Fetches and parses a TwiML document. */
  fetchDocument(call: Call, url: string, method: "GET" | "POST", params: FormParams): Promise<Document | DocumentFailure>;
  /** Runs a document's verbs until one moves the call elsewhere or `signal` aborts (a waitUrl document). */
  runVerbs(call: Call, doc: Document, signal: AbortSignal): Promise<Outcome>;
}

export interface VerbContext {
  call: Call;
  control: CallControl;
  /** Aborts on hangup or when the document is replaced. */
  signal: AbortSignal;
  /** The URL of the running document; undefined for TwiML given inline. */
  documentUrl: string | undefined;
  documentMethod: "GET" | "POST";
  /** Resolves a relative URL against the document's URL. */
  resolve(url: string): string;
}

export interface Verb<N extends VerbNode> {
  /**
   * Whether the call must be answered before this verb runs: not for <Reject>, nor for a first
   * <Pause>, nor for a <Dial answerOnBridge> (answered when the callee answers).
   */
  answers: boolean | ((node: N) => boolean);
  run(node: N, ctx: VerbContext): Promise<Outcome>;
}

export type VerbRegistry = { [K in VerbName]: Verb<Extract<VerbNode, { verb: K }>> };

export const NEXT: Outcome = { type: "next" };
