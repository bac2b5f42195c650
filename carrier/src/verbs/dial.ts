import { ring, type RingResult } from "../calls/handsets.js";
import type { Call } from "../calls/call.js";
import type { DialNode, NumberNoun } from "../twiml/nodes.js";
import { dequeueFor } from "../calls/queues.js";
import { NEXT, type Outcome, type Verb, type VerbContext } from "./verb.js";

/**
 * <Dial> (docs/twilio-contract.md §2.5–2.6): every <Number> rings at once on its handset (each a child
 * call, outbound-dial); the first to answer is bridged and the rest are cancelled. When the
 * bridge ends, or nobody answers within `timeout`, the action gets DialCallStatus, DialCallSid and
 * DialCallDuration; without an action the call falls through to the next verb.
 */
export const dialVerb: Verb<DialNode> = {
  // With answerOnBridge the caller keeps hearing ringing until the callee answers.
  answers: (node) => !node.answerOnBridge,
  async run(node, ctx) {
    const queue = node.nouns.find((noun) => noun.noun === "Queue");
    if (queue) return dequeueFor(node, queue, ctx);
    const numbers = node.nouns.filter((noun): noun is NumberNoun => noun.noun === "Number");
    const { call, control, signal } = ctx;
    if (numbers.length === 0) {
      call.timeline.add("error", { code: 13224, message: "<Dial> has no number to call" });
      return finish(node, ctx, { status: "failed" });
    }
    call.setActivity("dialing");
    call.timeline.add("dial", { numbers: numbers.map((n) => n.number), timeout: node.timeout, ...(node.callerId ? { callerId: node.callerId } : {}) });
    const legs = numbers.map((noun) =>
      control.newCall({
        from: node.callerId ?? call.from,
        to: noun.number,
        direction: "outbound-dial",
        app: { method: "POST", fallbackMethod: "POST" },
        statusCallback: noun.statusCallback
          ? { url: ctx.resolve(noun.statusCallback), method: noun.statusCallbackMethod, events: new Set(noun.statusCallbackEvent) }
          : undefined,
        parentCallSid: call.sid,
      }),
    );
    const ringing = new AbortController();
    const results = legs.map((leg) => ring(control, leg, node.timeout * 1000, AbortSignal.any([signal, ringing.signal])).then((result) => ({ leg, result })));
    const answered = await firstAnswer(results);
    ringing.abort();
    for (const leg of legs) if (leg !== answered?.leg && !leg.isEnded) control.end(leg, "canceled");
    if (call.isEnded || signal.aborted) {
      if (answered && !answered.leg.isEnded) control.end(answered.leg, "completed");
      return NEXT;
    }
    if (!answered) {
      const outcomes = (await Promise.all(results)).map((r) => r.result);
      const status: RingResult = outcomes.includes("busy") ? "busy" : outcomes.includes("failed") ? "failed" : "no-answer";
      call.timeline.add("dial.result", { status });
      return finish(node, ctx, { status, legSid: legs.length === 1 ? legs[0]?.sid : undefined });
    }
    control.answer(call);
    const duration = await bridge(ctx, node, answered.leg);
    if (call.isEnded) return NEXT;
    call.timeline.add("dial.result", { status: "completed", dialCallSid: answered.leg.sid, duration });
    return finish(node, ctx, { status: "completed", legSid: answered.leg.sid, duration });
  },
};

async function firstAnswer(results: Promise<{ leg: Call; result: RingResult }>[]): Promise<{ leg: Call } | undefined> {
  return new Promise((resolve) => {
    let pending = results.length;
    for (const result of results) {
      void result.then((r) => {
        pending -= 1;
        if (r.result === "answered") resolve({ leg: r.leg });
        else if (pending === 0) resolve(undefined);
      });
    }
  });
}

/** Caller and callee talk until either hangs up, the time limit passes, or * with hangupOnStar. */
async function bridge(ctx: VerbContext, node: DialNode, leg: Call): Promise<number> {
  const { call, control, signal } = ctx;
  const started = control.clock.now().getTime();
  call.bridgedWith = leg;
  leg.bridgedWith = call;
  call.timeline.add("bridged", { with: leg.sid, to: leg.to });
  leg.timeline.add("bridged", { with: call.sid, to: call.from });
  call.setActivity("bridged");
  leg.setActivity("bridged");
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal, leg.ended.signal]);
  const waits: Promise<unknown>[] = [
    new Promise((resolve) => (both.aborted ? resolve(undefined) : both.addEventListener("abort", resolve, { once: true }))),
    control.clock.sleep(node.timeLimit * 1000, both),
  ];
  if (node.hangupOnStar) {
    call.input.arm();
    waits.push(
      (async () => {
        for (;;) {
          await call.input.waitForInput(both);
          if (both.aborted) return;
          const input = call.input.take();
          if (input?.kind === "digit" && input.key === "*") return;
        }
      })(),
    );
  }
  await Promise.race(waits);
  stop.abort();
  call.input.disarm();
  call.bridgedWith = undefined;
  leg.bridgedWith = undefined;
  if (!leg.isEnded) control.end(leg, "completed");
  return Math.round((control.clock.now().getTime() - started) / 1000);
}

function finish(node: DialNode, ctx: VerbContext, result: { status: string; legSid?: string | undefined; duration?: number }): Outcome {
  if (node.action === undefined) return NEXT;
  return {
    type: "request",
    url: ctx.resolve(node.action),
    method: node.method,
    params: {
      DialCallStatus: result.status,
      ...(result.legSid ? { DialCallSid: result.legSid } : {}),
      ...(result.duration !== undefined ? { DialCallDuration: String(result.duration), DialBridged: "true" } : { DialBridged: "false" }),
    },
  };
}
