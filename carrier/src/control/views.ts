// JSON views of calls and messages for the control API and the softphone.
import type { Call } from "../calls/call.js";
import { redactUrl } from "../redact.js";
import type { Message } from "../store.js";

/**
 * `timeline`: true for the whole timeline, false for none, or a number for the events from that
 * `seq` on (a poller asks only for what it has not seen).
 */
export function callView(call: Call, timeline: boolean | number = true) {
  return {
    sid: call.sid,
    from: call.from,
    to: call.to,
    direction: call.direction,
    status: call.status,
    activity: call.activity,
    settled: call.isSettled(),
    listening: call.input.listening,
    parentCallSid: call.parentCallSid ?? null,
    /** A <Client>'s custom parameters, as the ringing client sees them (the Voice SDK's customParameters). */
    parameters: call.customParameters ?? {},
    bridgedWith: call.bridgedWith?.sid ?? null,
    dateCreated: call.dateCreated.toISOString(),
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endTime: call.endTime?.toISOString() ?? null,
    duration: call.durationSeconds,
    ...(timeline === false ? {} : { timeline: timeline === true ? call.timeline.list() : call.timeline.list().slice(timeline) }),
  };
}

export function messageView(message: Message) {
  return {
    sid: message.sid,
    from: message.from,
    to: message.to,
    body: message.body,
    media: message.mediaUrls.map(redactUrl),
    status: message.status,
    direction: message.direction,
    segments: message.numSegments,
    errorCode: message.errorCode,
    dateCreated: message.dateCreated.toISOString(),
  };
}
