// Every parameter set the carrier sends a voice application, each built here once, in Twilio's
// names (docs/twilio-contract.md §5): a call's standard parameters, status callbacks, the Dial
// action, a queue's waitUrl/action/url requests, the Record action, recording status and
// transcription callbacks. Our code passes facts in camelCase; the wire names live only here.
import { rfc2822 } from "../clock.js";
import { geoOf } from "../numbering.js";
import type { FormParams } from "../webhooks/signature.js";

/** What a call's parameters are made of (a Call satisfies it; this module does not import it). */
export interface CallFacts {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: string;
  status: string;
  parentCallSid?: string | undefined;
}

/** The parameters Twilio sends with every voice request (docs/twilio-contract.md §5.1). */
export function callParams(call: CallFacts): FormParams {
  const from = geoOf(call.from);
  const to = geoOf(call.to);
  const params: FormParams = {
    AccountSid: call.accountSid,
    ApiVersion: "2010-04-01",
    CallSid: call.sid,
    CallStatus: call.status,
    Called: call.to,
    CalledCity: to.city,
    CalledCountry: to.country,
    CalledState: to.state,
    CalledZip: to.zip,
    Caller: call.from,
    CallerCity: from.city,
    CallerCountry: from.country,
    CallerState: from.state,
    CallerZip: from.zip,
    Direction: call.direction,
    From: call.from,
    FromCity: from.city,
    FromCountry: from.country,
    FromState: from.state,
    FromZip: from.zip,
    To: call.to,
    ToCity: to.city,
    ToCountry: to.country,
    ToState: to.state,
    ToZip: to.zip,
  };
  if (call.parentCallSid) params.ParentCallSid = call.parentCallSid;
  return params;
}

/**
 * A call placed from a browser client (a Voice SDK `device.connect({params})`) requests its TwiML
 * app's VoiceUrl with the ApplicationSid and the custom parameters beside the call's own; a custom
 * parameter of a standard name (`To`, most often) takes its place, as on Twilio.
 */
export function clientCallParams(applicationSid: string, custom: Readonly<Record<string, string>>): FormParams {
  return { ApplicationSid: applicationSid, ...custom };
}

/** A call-progress status callback (docs/twilio-contract.md §4). */
export function statusCallbackParams(
  call: CallFacts,
  facts: { at: Date; sequenceNumber: number; durationSeconds?: number | undefined },
): FormParams {
  const params: FormParams = {
    ...callParams(call),
    CallbackSource: "call-progress-events",
    Timestamp: rfc2822(facts.at),
    SequenceNumber: String(facts.sequenceNumber),
  };
  if (facts.durationSeconds !== undefined) params.CallDuration = String(facts.durationSeconds);
  return params;
}

export type DialCallStatus = "completed" | "busy" | "no-answer" | "failed" | "canceled";

/** What a <Dial> ended with: to a number (a child leg) or to a queue (the dequeued caller). */
export interface DialResult {
  status: DialCallStatus;
  /** The leg bridged, or the only leg dialled. */
  legSid?: string | undefined;
  /** Seconds bridged; present only when the call was bridged. */
  durationSeconds?: number | undefined;
  /** Dialling a queue: its SID. */
  queueSid?: string | undefined;
}

/** The <Dial> action's parameters (docs/twilio-contract.md §2.5), for numbers and queues alike. */
export function dialActionParams(result: DialResult): FormParams {
  return {
    DialCallStatus: result.status,
    ...(result.legSid ? { DialCallSid: result.legSid } : {}),
    ...(result.durationSeconds !== undefined
      ? { DialCallDuration: String(result.durationSeconds), DialBridged: "true" }
      : { DialBridged: "false" }),
    ...(result.queueSid ? { QueueSid: result.queueSid } : {}),
  };
}

/** A queue as its requests describe it. */
export interface QueueFacts {
  sid: string;
  maxSize: number;
  size: number;
  averageWaitSeconds: number;
}

/** A waitUrl request's queue parameters (docs/twilio-contract.md §2.9). */
export function queueWaitParams(queue: QueueFacts, member: { position: number; waitedSeconds: number }): FormParams {
  return {
    QueueSid: queue.sid,
    QueuePosition: String(member.position),
    QueueTime: String(member.waitedSeconds),
    AvgQueueTime: String(queue.averageWaitSeconds),
    CurrentQueueSize: String(queue.size),
    MaxQueueSize: String(queue.maxSize),
  };
}

/** The <Enqueue> action's parameters. */
export function queueActionParams(result: string, queueSid: string, waitedSeconds: number): FormParams {
  return { QueueResult: result, QueueSid: queueSid, QueueTime: String(waitedSeconds) };
}

/** The <Queue url> request, run on the dequeued caller: Twilio's "about to connect" document. */
export function queueUrlParams(queueSid: string, waitedSeconds: number, dequeuingCallSid: string): FormParams {
  return { QueueSid: queueSid, QueueTime: String(waitedSeconds), DequeingCallSid: dequeuingCallSid };
}

/** A recording as its requests describe it. */
export interface RecordingFacts {
  sid: string;
  url: string;
  durationSeconds: number;
  startTime: Date;
}

/** The <Record> action's parameters (docs/twilio-contract.md §2.7). */
export function recordActionParams(recording: RecordingFacts, digits: string): FormParams {
  return {
    RecordingUrl: recording.url,
    RecordingDuration: String(recording.durationSeconds),
    RecordingSid: recording.sid,
    Digits: digits,
  };
}

/** What a recording status callback reports beyond the recording's facts. */
export interface RecordingStatusFacts {
  status: "in-progress" | "completed" | "absent";
  channels: number;
  source: string;
  /** inbound, outbound or both: sent for recordings started over REST or <Start><Recording>. */
  track?: string | undefined;
  /** A conference's recording: its callbacks name the conference (ConferenceSid), not a call. */
  conferenceSid?: string | undefined;
}

/**
 * A recording status callback (Twilio's RecordingStatusCallback parameters). `in-progress` carries
 * no RecordingDuration (the recording has none yet).
 */
export function recordingStatusParams(
  call: { accountSid: string; sid: string },
  recording: RecordingFacts,
  facts: RecordingStatusFacts = { status: "completed", channels: 1, source: "RecordVerb" },
): FormParams {
  return {
    AccountSid: call.accountSid,
    ...(facts.conferenceSid ? { ConferenceSid: facts.conferenceSid } : { CallSid: call.sid }),
    RecordingSid: recording.sid,
    RecordingUrl: recording.url,
    RecordingStatus: facts.status,
    ...(facts.status === "in-progress" ? {} : { RecordingDuration: String(recording.durationSeconds) }),
    RecordingChannels: String(facts.channels),
    RecordingSource: facts.source,
    ...(facts.track ? { RecordingTrack: facts.track } : {}),
    RecordingStartTime: recording.startTime.toUTCString().replace("GMT", "+0000"),
  };
}

/** The recording parameters a <Dial record> adds to the Dial action. */
export function dialRecordingParams(recording: RecordingFacts): FormParams {
  return { RecordingUrl: recording.url, RecordingSid: recording.sid, RecordingDuration: String(recording.durationSeconds) };
}

/** A transcription callback. */
export function transcriptionParams(call: CallFacts, transcription: { sid: string; text: string; url: string }, recording: RecordingFacts): FormParams {
  return {
    ...callParams(call),
    TranscriptionSid: transcription.sid,
    TranscriptionText: transcription.text,
    TranscriptionStatus: "completed",
    TranscriptionUrl: transcription.url,
    RecordingSid: recording.sid,
    RecordingUrl: recording.url,
  };
}

/** A conference participant as its callbacks describe it. */
export interface ParticipantFacts {
  callSid: string;
  label?: string | undefined;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  callSidToCoach?: string | undefined;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
}

/** What a conference status callback reports (Twilio's <Conference> statusCallback parameters). */
export interface ConferenceEventFacts {
  accountSid: string;
  conferenceSid: string;
  friendlyName: string;
  /** conference-start, conference-end, participant-join, participant-leave, participant-mute… */
  event: string;
  sequenceNumber: number;
  at: Date;
  participant?: ParticipantFacts | undefined;
  /** conference-end: why, and the participant who ended it, if one did. */
  reasonEnded?: string | undefined;
  endedBy?: { callSid: string; label?: string | undefined } | undefined;
  /** participant-leave: why, and the call's status then. */
  reasonLeft?: string | undefined;
  participantCallStatus?: string | undefined;
}

/** A conference status callback's parameters. */
export function conferenceEventParams(facts: ConferenceEventFacts): FormParams {
  const params: FormParams = {
    AccountSid: facts.accountSid,
    ConferenceSid: facts.conferenceSid,
    FriendlyName: facts.friendlyName,
    StatusCallbackEvent: facts.event,
    SequenceNumber: String(facts.sequenceNumber),
    Timestamp: rfc2822(facts.at),
  };
  const p = facts.participant;
  if (p) {
    Object.assign(params, {
      CallSid: p.callSid,
      Muted: String(p.muted),
      Hold: String(p.hold),
      Coaching: String(p.coaching),
      EndConferenceOnExit: String(p.endConferenceOnExit),
      StartConferenceOnEnter: String(p.startConferenceOnEnter),
    });
    if (p.label) params.ParticipantLabel = p.label;
    if (p.callSidToCoach) params.CallSidToCoach = p.callSidToCoach;
  }
  if (facts.reasonEnded) params.ReasonConferenceEnded = facts.reasonEnded;
  if (facts.endedBy) {
    params.CallSidEndingConference = facts.endedBy.callSid;
    if (facts.endedBy.label) params.ParticipantLabelEndingConference = facts.endedBy.label;
  }
  if (facts.reasonLeft) params.ReasonParticipantLeft = facts.reasonLeft;
  if (facts.participantCallStatus) params.ParticipantCallStatus = facts.participantCallStatus;
  return params;
}
