// JSON views of calls and messages for the control API and the softphone.
import type { Call } from "../calls/call.js";
import type { Message } from "../store.js";

export function callView(call: Call, withTimeline = true) {
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
    bridgedWith: call.bridgedWith?.sid ?? null,
    dateCreated: call.dateCreated.toISOString(),
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endTime: call.endTime?.toISOString() ?? null,
    duration: call.durationSeconds,
    ...(withTimeline ? { timeline: call.timeline.list() } : {}),
  };
}

export function messageView(message: Message) {
  return {
    sid: message.sid,
    from: message.from,
    to: message.to,
    body: message.body,
    media: message.mediaUrls,
    status: message.status,
    direction: message.direction,
    segments: message.numSegments,
    errorCode: message.errorCode,
    dateCreated: message.dateCreated.toISOString(),
  };
}
