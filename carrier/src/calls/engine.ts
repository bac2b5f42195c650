// The call engine: creates calls, moves their status (with status callbacks), fetches and runs
// their documents, and connects them to handsets. Verbs live in ../verbs, one file each.
import type { Clock } from "../clock.js";
import { rfc2822 } from "../clock.js";
import { newSid } from "../sids.js";
import type { Store } from "../store.js";
import { parseVoiceTwiml } from "../twiml/parse-voice.js";
import type { VerbNode } from "../twiml/nodes.js";
import { callCookies } from "../webhooks/cookies.js";
import { sendWebhook, type WebhookRequest, type WebhookResponse } from "../webhooks/http.js";
import type { FormParams } from "../webhooks/signature.js";
import { VERBS } from "../verbs/registry.js";
import type { CallControl, Document, DocumentFailure, NewCallFields, Outcome, VerbContext } from "../verbs/verb.js";
import { DEFAULT_CALL_HISTORY, MAX_DOCUMENTS_PER_CALL } from "../limits.js";
import { Call, FINAL, type CallStatus } from "./call.js";

/** The Content-Types Twilio runs as TwiML (docs/twilio-contract.md §1). */
const TWIML_TYPES = new Set(["text/xml", "application/xml", "text/html"]);

const APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye.";

export interface EngineLimits {
  /** Documents one call may run before it ends with the application error (limits.ts). */
  maxDocuments: number;
  /** Ended calls kept, with their timelines; the oldest ended is forgotten first. */
  callHistory: number;
}

export class Engine implements CallControl {
  /** Calls in progress, and the last `callHistory` ended ones. */
  readonly calls = new Map<string, Call>();
  readonly limits: EngineLimits;
  /** SIDs of the ended calls still kept, oldest ended first. */
  private readonly history: string[] = [];

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    limits: Partial<EngineLimits> = {},
  ) {
    this.limits = { maxDocuments: MAX_DOCUMENTS_PER_CALL, callHistory: DEFAULT_CALL_HISTORY, ...limits };
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
      ),
    );
  }

  // ---- status ---------------------------------------------------------------------------------

  setStatus(call: Call, status: CallStatus): void {
    if (call.status === status || FINAL.includes(call.status)) return;
    const previous = call.status;
    const now = this.clock.now();
    call.status = status;
    call.dateUpdated = now;
    if (status === "in-progress") {
      call.answeredAt ??= now;
      call.startTime ??= now;
    }
    if (status === "ringing" || status === "initiated") call.startTime ??= now;
    if (FINAL.includes(status)) call.endTime = now;
    call.timeline.add("status", { status });
    call.emit("status", status);
    this.store.emit("call-status", call);
    // A call canceled while still queued never reached the network: Twilio sends no callbacks (docs/twilio-contract.md §4.2).
    if (!(previous === "queued" && status === "canceled")) this.statusCallback(call, status);
  }

  private statusCallback(call: Call, status: CallStatus): void {
    const config = call.statusCallback;
    if (!config) return;
    const event = status === "in-progress" ? "answered" : FINAL.includes(status) ? "completed" : status;
    if (!config.events.has(event)) return;
    const params: FormParams = {
      ...call.params(),
      CallbackSource: "call-progress-events",
      Timestamp: rfc2822(this.clock.now()),
      SequenceNumber: String(call.nextSequenceNumber()),
    };
    if (FINAL.includes(status)) params.CallDuration = String(call.durationSeconds ?? 0);
    void this.webhook(call, { url: config.url, method: config.method, params, kind: "callback" }, "status-callback");
  }

  /** Marks the call answered (in-progress) if it is not yet. */
  answer(call: Call): void {
    if (call.status !== "in-progress" && !FINAL.includes(call.status)) this.setStatus(call, "in-progress");
  }

  /** Ends the call: every wait stops, the other leg of a bridge is released. */
  end(call: Call, status?: CallStatus): void {
    if (call.isEnded) return;
    this.setStatus(call, status ?? (call.answeredAt ? "completed" : "canceled"));
    call.setActivity("ended");
    call.input.disarm();
    call.ended.abort();
    call.emit("ended");
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

  // ---- webhooks -------------------------------------------------------------------------------

  async webhook(call: Call | undefined, request: WebhookRequest, purpose: string): Promise<WebhookResponse> {
    const response = await this.clock.track(sendWebhook(this.store.account.authToken, { cookies: call && callCookies(call, this.clock), ...request }));
    call?.timeline.add("webhook", {
      purpose,
      method: request.method,
      url: request.url,
      status: response.status,
      durationMs: response.durationMs,
      ...(response.redirects.length > 0 ? { redirects: response.redirects } : {}),
      ...(response.errorCode ? { errorCode: response.errorCode, error: response.error } : {}),
    });
    return response;
  }

  /**
   * Fetches and parses a TwiML document. Failures (unreachable, 4xx/5xx, bad content type,
   * invalid XML) are returned as Twilio error codes and recorded on the timeline.
   */
  async fetchDocument(call: Call, url: string, method: "GET" | "POST", params: FormParams): Promise<Document | DocumentFailure> {
    call.setActivity("requesting", { url });
    const response = await this.webhook(call, { url, method, params, kind: "voice" }, "twiml");
    if (!response.ok) return { error: response.errorCode ?? 11200, message: response.error ?? "request failed" };
    // What Twilio does with each type (docs/twilio-contract.md §1): text/xml, application/xml and
    // text/html are TwiML (Flask's and Express's default answer is text/html); an audio type is played
    // and text/plain is spoken, each then the call hangs up (no verbs remain); anything else is 12300.
    const type = response.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (TWIML_TYPES.has(type)) return this.parse(call, response.body, url, method);
    if (type.startsWith("audio/")) return { verbs: [{ verb: "Play", url, loop: 1 }], url, method };
    if (type === "text/plain") return { verbs: [{ verb: "Say", text: response.body, voice: "man", language: "en-US", loop: 1 }], url, method };
    return { error: 12300, message: `invalid Content-Type "${response.contentType}"` };
  }

  parse(call: Call, xml: string, url: string | undefined, method: "GET" | "POST"): Document | DocumentFailure {
    const parsed = parseVoiceTwiml(xml);
    if (!parsed.ok) {
      call.timeline.add("twiml.error", { code: parsed.code, message: parsed.message });
      return { error: parsed.code, message: parsed.message };
    }
    for (const warning of parsed.warnings) call.timeline.add("twiml.warning", { ...warning });
    call.timeline.add("twiml", { verbs: parsed.verbs.map((v) => v.verb), ...(url ? { url } : {}) });
    return { verbs: parsed.verbs, url, method };
  }

  // ---- running --------------------------------------------------------------------------------

  /**
   * Runs the call's application from its first document to the end. An action's document replaces
   * the current one; a replaced document never resumes; a document that runs out ends the call.
   */
  async run(call: Call, first: { url?: string | undefined; method: "GET" | "POST"; twiml?: string | undefined }): Promise<void> {
    let next: { url?: string | undefined; method: "GET" | "POST"; twiml?: string | undefined; params?: FormParams; fallback: boolean } | undefined = {
      ...first,
      fallback: true,
    };
    let documents = 0;
    try {
      while (next && !call.isEnded) {
        if (++documents > this.limits.maxDocuments) {
          // An application that redirects to itself forever: the call ends as a failed document does.
          call.timeline.add("error", { message: `more than ${this.limits.maxDocuments} documents in one call: the carrier ends it` });
          this.applicationError(call);
          return;
        }
        // A REST update that came before this document was fetched replaces it.
        const early = this.takeUpdate(call);
        if (early) next = { ...early, fallback: false };
        const doc: Document | DocumentFailure =
          next.twiml !== undefined
            ? this.parse(call, next.twiml, undefined, next.method)
            : await this.fetchDocument(call, next.url ?? "", next.method, { ...call.params(), ...(next.params ?? {}) });
        if (call.isEnded) return;
        if ("error" in doc) {
          next = await this.failed(call, doc, next);
          continue;
        }
        next = undefined;
        const outcome = await this.runVerbs(call, doc, call.signal);
        const update = this.takeUpdate(call);
        if (update) {
          next = { ...update, fallback: false };
          continue;
        }
        if (call.isEnded) return;
        if (outcome.type === "request") {
          // A failing action URL falls back too (docs/twilio-contract.md §3).
          next = { url: outcome.url, method: outcome.method, params: outcome.params ?? {}, fallback: true };
        } else if (outcome.type === "end") {
          this.end(call, outcome.status);
        } else {
          // The document ran out of verbs: the call is hung up (answered first, if it was not yet,
          // as for an empty <Response/>).
          call.timeline.add("document.end");
          this.answer(call);
          this.end(call, "completed");
        }
      }
    } catch (error) {
      call.timeline.add("engine.error", { message: (error as Error).message });
      this.end(call, call.answeredAt ? "completed" : "failed");
    }
  }

  /** The REST update waiting to replace the running document, if any; the call gets a fresh document signal. */
  private takeUpdate(call: Call): Call["pendingUpdate"] {
    const update = call.pendingUpdate;
    if (!update) return undefined;
    call.pendingUpdate = undefined;
    call.documentAbort = new AbortController();
    call.timeline.add("redirected", { by: "rest", ...(update.url ? { url: update.url } : { twiml: true }) });
    return update;
  }

  /** Runs a document's verbs in order until one moves the call elsewhere or `signal` aborts. */
  async runVerbs(call: Call, doc: Document, signal: AbortSignal): Promise<Outcome> {
    const ctx: VerbContext = {
      call,
      control: this,
      signal,
      documentUrl: doc.url,
      documentMethod: doc.method,
      resolve: (url) => (doc.url ? new URL(url, doc.url).toString() : url),
    };
    for (const node of doc.verbs) {
      if (signal.aborted) return { type: "next" };
      const verb = VERBS[node.verb] as { answers: boolean | ((node: VerbNode) => boolean); run(node: VerbNode, ctx: VerbContext): Promise<Outcome> };
      if (typeof verb.answers === "function" ? verb.answers(node) : verb.answers) this.answer(call);
      call.timeline.add("verb", { verb: node.verb });
      const outcome = await verb.run(node, ctx);
      if (outcome.type !== "next") return outcome;
    }
    return { type: "next" };
  }

  /** A document could not be had: the fallback URL once, then Twilio's application error. */
  private async failed(
    call: Call,
    doc: DocumentFailure,
    attempt: { url?: string | undefined; fallback: boolean },
  ): Promise<{ url: string; method: "GET" | "POST"; params: FormParams; fallback: boolean } | undefined> {
    call.timeline.add("error", { code: doc.error, message: doc.message, ...(attempt.url ? { url: attempt.url } : {}) });
    const fallback = call.app.fallbackUrl;
    if (attempt.fallback && fallback && attempt.url !== fallback) {
      return {
        url: fallback,
        method: call.app.fallbackMethod,
        params: { ErrorCode: String(doc.error), ErrorUrl: attempt.url ?? "" },
        fallback: false,
      };
    }
    this.applicationError(call);
    return undefined;
  }

  /** Twilio's generic "application error" message, then the call ends (docs/twilio-contract.md §3). */
  private applicationError(call: Call): void {
    this.answer(call);
    call.timeline.add("say", { text: APPLICATION_ERROR, voice: "woman", language: "en-US", loop: 1, applicationError: true });
    this.end(call);
  }

  // ---- REST updates ---------------------------------------------------------------------------

  /** Replaces the running document at once (REST `Url` or `Twiml`). */
  redirect(call: Call, update: { url?: string; method: "GET" | "POST"; twiml?: string }): void {
    call.pendingUpdate = update;
    call.documentAbort.abort();
  }
}
