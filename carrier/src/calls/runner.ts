// The one runner: it fetches, parses and runs every document of a call — the application's, each
// action's, a REST update's, and the sub-documents a verb asks for (a waitUrl, a <Number url>, a
// <Queue url>) — with Twilio's fallback, error and allowed-verb rules. Verbs get a context of
// narrow ports (ports.ts) and return an outcome; only the runner swaps documents, and a
// replaced document never resumes.
import type { Clock } from "../clock.js";
import { parseVoiceTwiml } from "../twiml/parse-voice.js";
import type { VerbName, VerbNode } from "../twiml/nodes.js";
import { schemaWarning } from "../twilio-error.js";
import type { WebhookClient } from "../webhooks/client.js";
import type { FormParams } from "../webhooks/signature.js";
import type {
  ConferencesPort,
  Document,
  DocumentFailure,
  LegsPort,
  MessagesPort,
  Outcome,
  QueuesPort,
  RecordingsPort,
  RoomsPort,
  SubDocumentOptions,
  SubDocumentResult,
  VerbContext,
  VerbRegistry,
} from "./ports.js";
import type { Call, PendingUpdate } from "./call.js";

/** The Content-Types Twilio runs as TwiML (docs/twilio-contract.md §1). */
const TWIML_TYPES = new Set(["text/xml", "application/xml", "text/html"]);

const APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye.";

/** The ports the runner hands verbs, and what it needs itself: implemented by the engine. */
export interface RunnerHost {
  readonly clock: Clock;
  readonly webhooks: WebhookClient;
  readonly legs: LegsPort;
  readonly rooms: RoomsPort;
  readonly queues: QueuesPort;
  readonly conferences: ConferencesPort;
  readonly recordings: RecordingsPort;
  readonly messages: MessagesPort;
  /** Documents one call may run before it ends with the application error. */
  readonly maxDocuments: number;
}

type Next = { url?: string | undefined; method: "GET" | "POST"; twiml?: string | undefined; params?: FormParams; fallback: boolean };

export class Runner {
  constructor(
    private readonly host: RunnerHost,
    /** Every verb, by name (verbs/registry.ts, handed in by app.ts: calls/ does not import verbs/). */
    private readonly verbs: VerbRegistry,
  ) {}

  /**
   * Runs the call's application from its first document to the end. An action's document replaces
   * the current one; a replaced document never resumes; a document that runs out ends the call.
   */
  async run(call: Call, first: { url?: string | undefined; method: "GET" | "POST"; twiml?: string | undefined; params?: FormParams }): Promise<void> {
    const { legs } = this.host;
    let next: Next | undefined = { ...first, fallback: true };
    let documents = 0;
    try {
      while (next && !call.isEnded) {
        if (++documents > this.host.maxDocuments) {
          // An application that redirects to itself forever: the call ends as a failed document does.
          call.timeline.add("error", { message: `more than ${this.host.maxDocuments} documents in one call: the carrier ends it` });
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
          next = this.failed(call, doc, next);
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
          legs.end(call, outcome.status);
        } else {
          // The document ran out of verbs: the call is hung up (answered first, if it was not yet,
          // as for an empty <Response/>).
          call.timeline.add("document.end");
          legs.answer(call);
          legs.end(call, "completed");
        }
      }
    } catch (error) {
      call.timeline.add("engine.error", { message: (error as Error).message });
      legs.end(call, call.answeredAt ? "completed" : "failed");
    }
  }

  /**
   * Runs a sub-document on a call: fetches it, runs the verbs `allowedVerbs` allows (any other is a
   * 12200 warning and skipped, as Twilio skips it), and follows its <Redirect>s and actions, until
   * it runs out, a <Hangup> ends the call, a document cannot be had (no fallback: that is the main
   * document's), or `signal` aborts.
   */
  async runSubDocument(owner: Call, url: string, options: SubDocumentOptions): Promise<SubDocumentResult> {
    const call = options.on ?? owner;
    const signal = AbortSignal.any([options.signal, call.ended.signal]);
    let next: { url: string; method: "GET" | "POST"; params: FormParams } = { url, method: options.method, params: options.params ?? {} };
    for (let documents = 1; ; documents++) {
      if (call.isEnded) return "hangup";
      if (signal.aborted) return "aborted";
      if (documents > this.host.maxDocuments) {
        call.timeline.add("error", { message: `more than ${this.host.maxDocuments} documents in one sub-document run: the carrier stops it` });
        return "failed";
      }
      const doc = await this.fetchDocument(call, next.url, next.method, { ...call.params(), ...next.params }, options.allowedVerbs);
      if (call.isEnded) return "hangup";
      if (signal.aborted) return "aborted";
      if ("error" in doc) {
        call.timeline.add("error", { code: doc.error, message: doc.message, url: next.url });
        return "failed";
      }
      const outcome = await this.runVerbs(call, doc, signal, options.allowedVerbs, options.notAllowedCode);
      if (call.isEnded) return "hangup";
      if (signal.aborted) return "aborted";
      if (outcome.type === "end") {
        this.host.legs.end(call, outcome.status);
        return "hangup";
      }
      if (outcome.type === "next") return "done";
      next = { url: outcome.url, method: outcome.method, params: outcome.params ?? {} };
    }
  }

  /** The REST update waiting to replace the running document, if any. */
  private takeUpdate(call: Call): PendingUpdate | undefined {
    const update = call.takeUpdate();
    if (update) call.timeline.add("redirected", { by: "rest", ...(update.url ? { url: update.url } : { twiml: true }) });
    return update;
  }

  /**
   * Fetches and parses a TwiML document. Failures (unreachable, 4xx/5xx, bad content type,
   * invalid XML) are returned as Twilio error codes and recorded on the timeline.
   */
  private async fetchDocument(
    call: Call,
    url: string,
    method: "GET" | "POST",
    params: FormParams,
    allowedVerbs?: readonly VerbName[],
  ): Promise<Document | DocumentFailure> {
    call.setActivity("requesting", { url });
    const response = await this.host.webhooks.send({ url, method, params, kind: "voice" }, "twiml", call);
    if (!response.ok) return { error: response.errorCode ?? 11200, message: response.error ?? "request failed" };
    // What Twilio does with each type (docs/twilio-contract.md §1): text/xml, application/xml and
    // text/html are TwiML (Flask's and Express's default answer is text/html); an audio type is played
    // and text/plain is spoken, each then the call hangs up (no verbs remain); anything else is 12300.
    const type = response.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (TWIML_TYPES.has(type)) return this.parse(call, response.body, url, method, allowedVerbs);
    if (type.startsWith("audio/")) return { verbs: [{ verb: "Play", url, loop: 1 }], url, method };
    if (type === "text/plain") return { verbs: [{ verb: "Say", text: response.body, voice: "man", language: "en-US", loop: 1 }], url, method };
    return { error: 12300, message: `invalid Content-Type "${response.contentType}"` };
  }

  private parse(call: Call, xml: string, url: string | undefined, method: "GET" | "POST", allowedVerbs?: readonly VerbName[]): Document | DocumentFailure {
    const parsed = parseVoiceTwiml(xml);
    if (!parsed.ok) {
      call.timeline.add("twiml.error", { code: parsed.code, message: parsed.message });
      return { error: parsed.code, message: parsed.message };
    }
    for (const warning of parsed.warnings) call.timeline.add("twiml.warning", { ...warning });
    call.timeline.add("twiml", { verbs: parsed.verbs.map((v) => v.verb), ...(url ? { url } : {}), ...(allowedVerbs ? { sub: allowedVerbs.join(" ") } : {}) });
    return { verbs: parsed.verbs, url, method };
  }

  /** Runs a document's verbs in order until one moves the call elsewhere or `signal` aborts. */
  private async runVerbs(
    call: Call,
    doc: Document,
    signal: AbortSignal,
    allowedVerbs?: readonly VerbName[],
    notAllowedCode?: number,
  ): Promise<Outcome> {
    const ctx = this.context(call, doc, signal);
    for (const node of doc.verbs) {
      if (signal.aborted) return { type: "next" };
      if (allowedVerbs && !allowedVerbs.includes(node.verb)) {
        const warning = schemaWarning(`<${node.verb}> is not allowed in this document (only ${allowedVerbs.join(", ")}); it was ignored`);
        call.timeline.add("warning", { ...warning, code: notAllowedCode ?? warning.code });
        continue;
      }
      const verb = this.verbs[node.verb] as {
        answers: boolean | ((node: VerbNode) => boolean);
        unhonoured?: (node: VerbNode) => string[];
        run(node: VerbNode, ctx: VerbContext): Promise<Outcome>;
      };
      if (typeof verb.answers === "function" ? verb.answers(node) : verb.answers) this.host.legs.answer(call);
      call.timeline.add("verb", { verb: node.verb });
      for (const attribute of verb.unhonoured?.(node) ?? []) {
        call.timeline.add("warning", schemaWarning(`<${node.verb}> ${attribute} is read but not acted on by the carrier`));
      }
      const outcome = await verb.run(node, ctx);
      if (outcome.type !== "next") return outcome;
    }
    return { type: "next" };
  }

  /** The ports a verb of `doc` on `call` gets. */
  private context(call: Call, doc: Document, signal: AbortSignal): VerbContext {
    const host = this.host;
    return {
      call,
      clock: host.clock,
      signal,
      documentUrl: doc.url,
      documentMethod: doc.method,
      resolve: (url) => (doc.url ? new URL(url, doc.url).toString() : url),
      legs: host.legs,
      rooms: host.rooms,
      queues: host.queues,
      conferences: host.conferences,
      recordings: host.recordings,
      webhooks: { send: (request, purpose) => host.webhooks.send(request, purpose, call) },
      messages: host.messages,
      runSubDocument: (url, options) => this.runSubDocument(call, url, options),
    };
  }

  /** A document could not be had: the fallback URL once, then Twilio's application error. */
  private failed(call: Call, doc: DocumentFailure, attempt: { url?: string | undefined; fallback: boolean }): Next | undefined {
    call.timeline.add("error", { code: doc.error, message: doc.message, ...(attempt.url ? { url: attempt.url } : {}) });
    const fallback = call.app.fallbackUrl;
    if (attempt.fallback && fallback && attempt.url !== fallback) {
      return { url: fallback, method: call.app.fallbackMethod, params: { ErrorCode: String(doc.error), ErrorUrl: attempt.url ?? "" }, fallback: false };
    }
    this.applicationError(call);
    return undefined;
  }

  /** Twilio's generic "application error" message, then the call ends (docs/twilio-contract.md §3). */
  private applicationError(call: Call): void {
    this.host.legs.answer(call);
    call.timeline.add("say", { text: APPLICATION_ERROR, voice: "woman", language: "en-US", loop: 1, applicationError: true });
    this.host.legs.end(call);
  }
}
