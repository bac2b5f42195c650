import type { Call } from "../calls/call.js";
import { dialActionParams, type DialCallStatus, type DialResult } from "../calls/twilio-params.js";
import type { ClientNoun, DialNode, NumberNoun, VerbName } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";
import { startDialRecording, stopDialRecording } from "./dial-recording.js";
import { digitsMs } from "./media.js";
import { NEXT, type Outcome, type RingResult, type Verb, type VerbContext } from "./verb.js";

/** A noun that rings a handset: a phone number, or a browser client (`client:<identity>`). */
type Callee = NumberNoun | ClientNoun;

/** The address a callee's leg rings: its number, or `client:<identity>`. */
function addressOf(noun: Callee): string {
  return noun.noun === "Client" ? `client:${noun.identity}` : noun.number;
}

/** The verbs a <Number url> document (the whisper to the called party) may hold. */
export const WHISPER_VERBS: readonly VerbName[] = ["Say", "Play", "Pause", "Gather", "Redirect", "Hangup"];

/**
 * <Dial> (docs/twilio-contract.md §2.5–2.6): every <Number> and <Client> rings at once on its handset
 * (each a child call, outbound-dial; a client's To is `client:<identity>`, carrying its <Parameter>s). A leg that answers first gets its sendDigits tones, then hears its
 * <Number url> document, if any (a whisper:
 * "press 1 to accept"); if it is still there when that document runs out, it is bridged with the
 * caller in a room and the other legs are cancelled; if it hung up, the Dial waits for the others.
 * When the bridge ends, or nobody takes the call within `timeout`, the action gets the Dial
 * parameters (twilio-params.ts); without an action the call falls through to the next verb.
 */
export const dialVerb: Verb<DialNode> = {
  // With answerOnBridge the caller keeps hearing ringing until the callee answers.
  answers: (node) => !node.answerOnBridge,
  unhonoured: (node) => (node.sequential ? ['sequential="true"'] : []),
  async run(node, ctx) {
    const queue = node.nouns.find((noun) => noun.noun === "Queue");
    if (queue) return ctx.queues.dequeue(node, queue, ctx);
    const conference = node.nouns.find((noun) => noun.noun === "Conference");
    if (conference) return ctx.conferences.join(node, conference, ctx);
    const numbers = node.nouns.filter((noun): noun is Callee => noun.noun === "Number" || noun.noun === "Client");
    const { call, signal } = ctx;
    if (numbers.length === 0) {
      call.timeline.add("error", { code: 13224, message: "<Dial> has no number to call" });
      return finish(node, ctx, { status: "failed" });
    }
    call.setActivity("dialing");
    call.timeline.add("dial", { numbers: numbers.map(addressOf), timeout: node.timeout, ...(node.callerId ? { callerId: node.callerId } : {}) });
    const legs = numbers.map((noun) => ({
      noun,
      leg: ctx.legs.create({
        from: node.callerId ?? call.from,
        to: addressOf(noun),
        direction: "outbound-dial",
        customParameters: noun.noun === "Client" && Object.keys(noun.parameters).length > 0 ? noun.parameters : undefined,
        app: { method: "POST", fallbackMethod: "POST" },
        statusCallback: noun.statusCallback
          ? { url: ctx.resolve(noun.statusCallback), method: noun.statusCallbackMethod, events: new Set(noun.statusCallbackEvent) }
          : undefined,
        parentCallSid: call.sid,
      }),
    }));
    let recording = startDialRecording(node, ctx, "ringing");
    const ringing = new AbortController();
    const chosen = await firstAccepted(ctx, legs, node.timeout * 1000, AbortSignal.any([signal, ringing.signal]));
    ringing.abort();
    for (const { leg } of legs) if (leg !== chosen.leg && !leg.isEnded) ctx.legs.end(leg, leg.answeredAt ? "completed" : "canceled");
    if (call.isEnded || signal.aborted) {
      stopDialRecording(recording, ctx);
      if (chosen.leg && !chosen.leg.isEnded) ctx.legs.end(chosen.leg, "completed");
      return NEXT;
    }
    if (!chosen.leg) {
      const status = chosen.status;
      call.timeline.add("dial.result", { status });
      return finish(node, ctx, { status, legSid: legs.length === 1 ? legs[0]?.leg.sid : undefined }, stopDialRecording(recording, ctx));
    }
    const leg = chosen.leg;
    ctx.legs.answer(call);
    recording ??= startDialRecording(node, ctx, "answer");
    const bridge = await ctx.rooms.bridge([call, leg], { timeLimitSeconds: node.timeLimit, hangupOnStar: node.hangupOnStar ? call : undefined, signal });
    const recorded = stopDialRecording(recording, ctx);
    if (!leg.isEnded) ctx.legs.end(leg, "completed");
    if (call.isEnded) return NEXT;
    call.timeline.add("dial.result", { status: "completed", dialCallSid: leg.sid, duration: bridge.durationSeconds });
    return finish(node, ctx, { status: "completed", legSid: leg.sid, durationSeconds: bridge.durationSeconds }, recorded);
  },
};

/**
 * Rings every leg; each that answers runs its whisper in turn. Resolves with the first leg still
 * there after its whisper, or, when every leg is over, the Dial status: busy if a handset declined,
 * failed if one failed, no-answer otherwise (a leg that hung up in its whisper did not answer).
 */
async function firstAccepted(
  ctx: VerbContext,
  legs: { noun: Callee; leg: Call }[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ leg: Call; status?: undefined } | { leg?: undefined; status: DialCallStatus }> {
  const results = new Map<Call, RingResult>();
  const answered: { noun: Callee; leg: Call }[] = [];
  let wake: (() => void) | undefined;
  for (const entry of legs) {
    void ctx.legs.ring(entry.leg, timeoutMs, signal).then((result) => {
      results.set(entry.leg, result);
      if (result === "answered") answered.push(entry);
      wake?.();
    });
  }
  for (;;) {
    const next = answered.shift();
    if (!next) {
      if (results.size === legs.length) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    if (next.noun.noun === "Number" && next.noun.sendDigits && !signal.aborted) await sendDigits(ctx, next.noun.sendDigits, next.leg, signal);
    if (signal.aborted || !next.noun.url) return { leg: next.leg };
    if (await whisper(ctx, next.noun, next.leg, signal)) return { leg: next.leg };
    results.set(next.leg, "no-answer");
  }
  const outcomes = [...results.values()];
  return { status: outcomes.includes("busy") ? "busy" : outcomes.includes("failed") ? "failed" : "no-answer" };
}

/** <Number sendDigits>: the tones are played to the answered leg (an extension, say) before anything else. */
async function sendDigits(ctx: VerbContext, digits: string, leg: Call, signal: AbortSignal): Promise<void> {
  leg.timeline.add("play", { digits, loop: 1 });
  await ctx.clock.sleep(digitsMs(digits), AbortSignal.any([signal, leg.ended.signal]));
}

/** Runs the <Number url> (<Client url>) document on the answered leg; true when the leg is still there after it. */
async function whisper(ctx: VerbContext, noun: Callee, leg: Call, signal: AbortSignal): Promise<boolean> {
  const url = ctx.resolve(noun.url as string);
  leg.timeline.add("whisper", { url, on: leg.sid });
  const ran = await ctx.runSubDocument(url, { on: leg, method: noun.method, allowedVerbs: WHISPER_VERBS, signal });
  const accepted = ran === "done" && !leg.isEnded;
  leg.timeline.add("whisper.result", { on: leg.sid, result: accepted ? "accepted" : ran === "failed" ? "failed" : "hung-up" });
  if (!accepted && !leg.isEnded) ctx.legs.end(leg, "completed");
  return accepted;
}

function finish(node: DialNode, ctx: VerbContext, result: DialResult, recording: FormParams = {}): Outcome {
  if (node.action === undefined) return NEXT;
  return { type: "request", url: ctx.resolve(node.action), method: node.method, params: { ...dialActionParams(result), ...recording } };
}
