// Calls ringing on simulated handsets (<Dial> legs and REST-created calls): answered, rejected or
// left ringing by the control API, or by the handset's fixed behaviour for tests.
import type { Clock } from "../clock.js";
import { isClientAddress, type Store } from "../store.js";
import type { RingResult } from "./ports.js";
import { FINAL, type Call, type CallStatus } from "./call.js";

export type { RingResult };

/** What ringing needs of the carrier: the engine, which owns calls and their status callbacks. */
export interface RingHost {
  readonly store: Store;
  readonly clock: Clock;
  /** Every call the carrier holds, by SID (a client's other calls tell whether it is busy). */
  readonly calls: ReadonlyMap<string, Call>;
  setStatus(call: Call, status: CallStatus): void;
  answer(call: Call): void;
  end(call: Call, status?: CallStatus): void;
}

/**
 * Rings `call` on its handset until it is answered, refused, times out (`timeoutMs` of clock time)
 * or is cancelled through `signal`. The call's status follows: ringing, then in-progress or a final one.
 */
export async function ring(control: RingHost, call: Call, timeoutMs: number, signal: AbortSignal): Promise<RingResult> {
  if (call.isEnded || signal.aborted) {
    control.end(call, "canceled");
    return "canceled";
  }
  if (call.status === "queued") control.setStatus(call, "initiated");
  const handset = control.store.handset(call.to);
  if (!handset.registered) {
    // An identity no Device is registered as: nothing rings, and the leg ends no-answer at once
    // (docs/carrier.md, "Choices where Twilio is silent").
    call.timeline.add("warning", { message: `${call.to} is not registered: no client to ring` });
    control.end(call, "no-answer");
    return "no-answer";
  }
  control.setStatus(call, "ringing");
  call.setActivity("ringing");
  call.timeline.add("ringing", { handset: call.to, ...(call.customParameters ? { parameters: call.customParameters } : {}) });
  // A Voice SDK Device already on a call rejects another incoming call: the caller sees busy.
  if (isClientAddress(call.to) && onAnotherCall(control, call)) {
    call.timeline.add("declined", { by: "handset", reason: "on another call" });
    control.end(call, "busy");
    return "busy";
  }
  const behaviour = handset.behaviour;
  if (behaviour === "busy" || behaviour === "fail") {
    const status = behaviour === "busy" ? "busy" : "failed";
    control.end(call, status);
    return status;
  }
  if (behaviour === "answer") {
    control.answer(call);
    return "answered";
  }
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal, call.ended.signal]);
  // What the leg's status says of the ringing: a handset that declined it left it busy.
  const outcome = (): RingResult =>
    call.status === "in-progress" ? "answered" : call.status === "busy" ? "busy" : call.status === "failed" ? "failed" : "canceled";
  const answered = new Promise<RingResult>((resolve) => {
    const onStatus = () => {
      if (call.status === "in-progress" || FINAL.includes(call.status)) resolve(outcome());
    };
    call.on("status", onStatus);
    both.addEventListener("abort", () => {
      call.off("status", onStatus);
      // The leg ended (declined, hung up), or the Dial gave up on it (caller hung up, another leg
      // answered, timeout).
      resolve(outcome());
    });
  });
  const timedOut = control.clock.sleep(timeoutMs, both).then((r) => (r === "elapsed" ? ("no-answer" as const) : undefined));
  const result = (await Promise.race([answered, timedOut.then((r) => r ?? answered)])) as RingResult;
  stop.abort();
  if (result === "no-answer") control.end(call, "no-answer");
  else if (result === "canceled" || (signal.aborted && result !== "answered")) {
    control.end(call, "canceled");
    return "canceled";
  }
  return result;
}

/** Whether the handset `call` rings on is in another answered call that has not ended. */
function onAnotherCall(control: RingHost, call: Call): boolean {
  return control.store
    .handset(call.to)
    .calls.some((sid) => {
      const other = control.calls.get(sid);
      return other !== undefined && other !== call && !other.isEnded && other.answeredAt !== null;
    });
}

/** The control API's "answer" for a call ringing on a handset. */
export function answerRinging(control: RingHost, call: Call): boolean {
  if (call.status !== "ringing" || call.isEnded) return false;
  call.timeline.add("answered", { by: "handset" });
  control.answer(call);
  return true;
}

/** The control API's "reject": the handset declines; the caller sees busy. */
export function rejectRinging(control: RingHost, call: Call): boolean {
  if (call.status !== "ringing" || call.isEnded) return false;
  call.timeline.add("declined", { by: "handset" });
  control.end(call, "busy");
  return true;
}
