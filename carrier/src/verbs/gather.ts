import type { GatherNode } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";
import { playChild, waitForInputOrTimeout } from "./media.js";
import { NEXT, type Outcome, type Verb } from "./verb.js";

/**
 * <Gather> (docs/twilio-contract.md §2.4): nested Say/Play/Pause play until the first input; `timeout`
 * starts after them (or at the first key) and restarts after each key; input ends on finishOnKey
 * (not included), numDigits, or the timeout after a key. Speech is one utterance; with
 * input="dtmf speech" the first kind to arrive wins. No input: fall through, or request the
 * action anyway with actionOnEmptyResult. The action defaults to the current document's URL.
 * While speech is awaited, the caller typing at the softphone is the caller speaking: the wait
 * for them starts again (a person composing an answer has not gone silent).
 */
export const gatherVerb: Verb<GatherNode> = {
  answers: true,
  unhonoured: (node) => (node.partialResultCallback ? ["partialResultCallback"] : []),
  async run(node, ctx) {
    const { call, signal } = ctx;
    const dtmf = node.input.includes("dtmf");
    const speech = node.input.includes("speech");
    call.input.arm({ speech });
    call.timeline.add("gather", {
      input: node.input.join(" "),
      timeout: node.timeout,
      finishOnKey: node.finishOnKey,
      ...(node.numDigits ? { numDigits: node.numDigits } : {}),
      ...(node.action ? { action: node.action } : {}),
      ...(speech ? { language: node.language, hints: node.hints, speechTimeout: node.speechTimeout } : {}),
    });
    try {
      // Prompts, cut short by the first input.
      call.setActivity("gathering", { phase: "prompt" });
      const promptsOver = new AbortController();
      const bargeIn = new AbortController();
      void call.input.waitForInput(AbortSignal.any([signal, promptsOver.signal])).then(() => {
        if (call.input.pending) bargeIn.abort();
      });
      const promptSignal = AbortSignal.any([signal, bargeIn.signal]);
      for (const child of node.children) {
        if (promptSignal.aborted) break;
        await playChild(child, ctx, promptSignal);
      }
      promptsOver.abort();
      if (signal.aborted) return NEXT;
      if (bargeIn.signal.aborted) call.timeline.add("gather.barge-in");

      call.setActivity("gathering", { phase: "input" });
      let digits = "";
      let speechResult: string | undefined;
      for (;;) {
        const waitSeconds = digits === "" && speech && !dtmf && typeof node.speechTimeout === "number" ? node.speechTimeout : node.timeout;
        const waited = await waitForInputOrTimeout(ctx, waitSeconds * 1000, signal, { typing: speech && digits === "" });
        if (waited === "aborted") return NEXT;
        if (waited === "timeout") break;
        if (waited === "typing") continue;
        const input = call.input.take();
        if (!input) continue;
        if (input.kind === "speech") {
          if (speech && digits === "") {
            speechResult = input.text;
            break;
          }
          continue;
        }
        if (!dtmf) continue;
        if (node.finishOnKey !== "" && input.key === node.finishOnKey) break;
        digits += input.key;
        if (node.numDigits && digits.length >= node.numDigits) break;
      }

      const params: FormParams = {};
      if (speechResult !== undefined) {
        params.SpeechResult = speechResult;
        params.Confidence = "0.9";
        call.timeline.add("gather.speech", { text: speechResult });
      } else if (digits !== "") {
        params.Digits = digits;
        call.timeline.add("gather.digits", { digits });
      } else {
        call.timeline.add("gather.timeout");
        if (!node.actionOnEmptyResult) return NEXT;
      }
      return request(node, ctx, params);
    } finally {
      call.input.disarm();
    }
  },
};

function request(node: GatherNode, ctx: Parameters<Verb<GatherNode>["run"]>[1], params: FormParams): Outcome {
  const url = node.action !== undefined ? ctx.resolve(node.action) : ctx.documentUrl;
  if (!url) {
    // Inline TwiML has no document URL to fall back to (docs/twilio-contract.md §1).
    ctx.call.timeline.add("error", { code: 11100, message: "<Gather> without action in TwiML that has no URL" });
    return NEXT;
  }
  return { type: "request", url, method: node.action !== undefined ? node.method : ctx.documentMethod, params };
}
