// The contract every verb implements. A verb runs against the call, honours the call's signal
// (hangup, or a REST update replacing the document), and returns what happens next; only the
// runner swaps documents.
import type { Call } from "../calls/call.js";
import type { Engine } from "../calls/engine.js";
import type { VerbName, VerbNode } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";

export type Outcome =
  /** Go on with the next verb of this document. */
  | { type: "next" }
  /** Request this URL; its document replaces the current one. */
  | { type: "request"; url: string; method: "GET" | "POST"; params?: FormParams }
  /** End the call. */
  | { type: "end"; status?: "completed" | "busy" | "no-answer" | "failed" };

export interface VerbContext {
  call: Call;
  engine: Engine;
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
