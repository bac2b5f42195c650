// What a handset says, and its typing. Words go to the verb listening on the call (Gather, Record)
// or, while two legs are bridged, to the person on the other leg, whose timeline shows them as
// "heard". Typing is how a person at the softphone speaks: it is not silence to a verb listening
// for speech (input.ts), and the timeline notes each burst of it once.
import type { Call } from "./call.js";

/**
 * Speaking time for text: about 14 characters a second, at least half a second. <Say> takes this
 * long, and so does what a handset says (a conference's speaker events last it).
 */
export function sayMs(text: string): number {
  return Math.max(500, Math.round((text.length / 14) * 1000));
}

/** Typing reports closer together than this (clock time) are one burst: one timeline event. */
export const TYPING_BURST_MS = 5_000;

/** The handset a leg belongs to: the caller of an inbound call, the called handset otherwise. */
export function handsetOf(call: Call): string {
  return call.direction === "inbound" ? call.from : call.to;
}

/** When the call's current burst of typing was last reported; gone once its words are said. */
const lastTyping = new WeakMap<Call, number>();

/**
 * The handset on `call` says `text`. Bridged, the other parties hear it; otherwise it is input for the
 * listening verb. Returns whether anyone heard it (false: lost, as words said to nobody are).
 */
export function speak(call: Call, text: string): boolean {
  lastTyping.delete(call);
  const others = (call.room?.heardBy(call) ?? []).filter((other) => !other.isEnded);
  if (others.length > 0) {
    call.timeline.add("caller.speech", { text, accepted: true, heardBy: others.map((other) => other.sid).join(",") });
    for (const other of others) other.timeline.add("heard", { text, from: handsetOf(call), callSid: call.sid });
    call.room?.spoke?.(call, sayMs(text));
    return true;
  }
  const accepted = call.input.push({ kind: "speech", text });
  call.timeline.add("caller.speech", { text, accepted });
  return accepted;
}

/**
 * The handset on `call` is typing what it will say (the softphone reports this about once a second
 * while keys are pressed). A verb listening for speech hears it as not silent. Returns whether one did.
 */
export function typing(call: Call): boolean {
  const accepted = call.input.typing();
  const now = call.clock.now().getTime();
  const last = lastTyping.get(call);
  if (last === undefined || now - last > TYPING_BURST_MS) call.timeline.add("caller.typing", { accepted });
  lastTyping.set(call, now);
  return accepted;
}
