// Every call keeps an ordered timeline of what happened: what was said, played, gathered, dialled,
// recorded, each webhook and each status change (GET /_carrier/calls/{sid}). It is a record to show,
// never read by the engine, so URL credentials are redacted as events are added: no view of it
// (control API, event streams, softphone, calls page) can show them.
//
// The events are a typed map, name → payload: the compiler checks every `add`, and the browser
// pages take the names from public/timeline-events.js, which a test holds equal to TIMELINE_EVENTS.
import { redactCredentials } from "./redact.js";

type Method = "GET" | "POST";
/** A Twilio error or warning on the call (one shape: twilio-error.ts). */
interface Notice {
  code?: number;
  message: string;
  url?: string;
}

export interface TimelineEvents {
  status: { status: string };
  /** `parameters`: a <Client>'s custom <Parameter>s, as the ringing client sees them. */
  ringing: { handset: string; parameters?: Readonly<Record<string, string>> };
  answered: { by: "handset" };
  declined: { by: "handset"; reason?: string };
  hangup: { by: "handset" | "twiml" };
  webhook: {
    purpose: string;
    method: Method;
    url: string;
    status: number;
    durationMs: number;
    redirects?: { status: number; location: string }[];
    errorCode?: number;
    error?: string | undefined;
  };
  twiml: { verbs: string[]; url?: string; sub?: string };
  "twiml.error": { code: number; message: string };
  "twiml.warning": { code: number; message: string };
  warning: Notice;
  error: Notice;
  "engine.error": { message: string };
  "document.end": Record<string, never>;
  redirected: { by: "rest"; url?: string; twiml?: boolean };
  verb: { verb: string };
  say: { text: string; voice: string; language: string; loop: number; applicationError?: boolean };
  play: { url?: string; digits?: string | undefined; loop: number; durationMs?: number; errorCode?: number; error?: string };
  pause: { length: number };
  gather: {
    input: string;
    timeout: number;
    finishOnKey: string;
    numDigits?: number;
    action?: string;
    language?: string;
    hints?: string[];
    speechTimeout?: number | "auto";
  };
  "gather.barge-in": Record<string, never>;
  "gather.digits": { digits: string };
  "gather.speech": { text: string };
  "gather.timeout": Record<string, never>;
  "caller.digits": { digits: string; accepted: boolean };
  "caller.speech": { text: string; accepted: boolean; heardBy?: string };
  "caller.typing": { accepted: boolean };
  heard: { text: string; from: string; callSid: string };
  dial: { numbers?: string[]; queue?: string; timeout?: number; callerId?: string };
  "dial.result": { status: string; dialCallSid?: string; duration?: number; queue?: string; reason?: string };
  /** A <Number url> or <Queue url> document runs on a leg before the bridge. */
  whisper: { url: string; on: string };
  "whisper.result": { on: string; result: "accepted" | "hung-up" | "failed" };
  bridged: { with: string; to?: string; queue?: string; room: string };
  unbridged: { room: string; reason: string };
  record: { maxLength: number; timeout: number; finishOnKey: string; transcribe: boolean; trim: string; action?: string };
  beep: Record<string, never>;
  "record.empty": { finishedBy: string };
  recorded: { recordingSid: string; duration: number; finishedBy: string; transcript: string; trimmedSeconds: number };
  /** A continuous recording (<Dial record>, REST, <Start><Recording>) starts, pauses, resumes, stops. */
  "recording.started": { recordingSid: string; source: string; channels: number; name?: string };
  "recording.paused": { recordingSid: string };
  "recording.resumed": { recordingSid: string };
  "recording.stopped": { recordingSid: string; status: string; duration: number };
  redirect: { url: string; method?: Method; note?: string };
  reject: { reason: string };
  enqueue: { queue: string; position: number };
  "enqueue.result": { queue: string; result: string };
  sms: { to: string | null; status: string; messageSid?: string };
  "conference.join": { name: string; conferenceSid: string; status: string; muted: boolean; label?: string };
  /** What a participant hears while it waits for the start or is on hold. */
  "conference.wait": { conferenceSid: string; hold: boolean; music: string };
  "conference.status": { conferenceSid: string; status: string; reason?: string };
  "conference.update": { conferenceSid: string; muted: boolean; hold: boolean; coaching: boolean };
  "conference.leave": { conferenceSid: string; reason: string; duration: number };
  "conference.speech": { conferenceSid: string; speaking: boolean };
}

export type TimelineEventName = keyof TimelineEvents;

/** Every event name, for the browser pages (public/timeline-events.js is checked against it). */
export const TIMELINE_EVENTS = {
  status: "status",
  ringing: "ringing",
  answered: "answered",
  declined: "declined",
  hangup: "hangup",
  webhook: "webhook",
  twiml: "twiml",
  "twiml.error": "twiml.error",
  "twiml.warning": "twiml.warning",
  warning: "warning",
  error: "error",
  "engine.error": "engine.error",
  "document.end": "document.end",
  redirected: "redirected",
  verb: "verb",
  say: "say",
  play: "play",
  pause: "pause",
  gather: "gather",
  "gather.barge-in": "gather.barge-in",
  "gather.digits": "gather.digits",
  "gather.speech": "gather.speech",
  "gather.timeout": "gather.timeout",
  "caller.digits": "caller.digits",
  "caller.speech": "caller.speech",
  "caller.typing": "caller.typing",
  heard: "heard",
  dial: "dial",
  "dial.result": "dial.result",
  whisper: "whisper",
  "whisper.result": "whisper.result",
  bridged: "bridged",
  unbridged: "unbridged",
  record: "record",
  beep: "beep",
  "record.empty": "record.empty",
  recorded: "recorded",
  "recording.started": "recording.started",
  "recording.paused": "recording.paused",
  "recording.resumed": "recording.resumed",
  "recording.stopped": "recording.stopped",
  redirect: "redirect",
  reject: "reject",
  enqueue: "enqueue",
  "enqueue.result": "enqueue.result",
  sms: "sms",
  "conference.join": "conference.join",
  "conference.wait": "conference.wait",
  "conference.status": "conference.status",
  "conference.update": "conference.update",
  "conference.leave": "conference.leave",
  "conference.speech": "conference.speech",
} as const satisfies { [K in TimelineEventName]: K };

export type TimelineEvent = { seq: number; at: string; type: string } & Record<string, unknown>;

/** Events with no payload may be added without one. */
type Args<K extends TimelineEventName> = TimelineEvents[K] extends Record<string, never> ? [fields?: TimelineEvents[K]] : [fields: TimelineEvents[K]];

export class Timeline {
  private readonly events: TimelineEvent[] = [];
  private readonly listeners = new Set<(event: TimelineEvent) => void>();

  constructor(private readonly now: () => Date) {}

  add<K extends TimelineEventName>(type: K, ...[fields]: Args<K>): TimelineEvent {
    const event: TimelineEvent = { seq: this.events.length, at: this.now().toISOString(), type, ...redactCredentials((fields ?? {}) as Record<string, unknown>) };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Calls `listener` with every event added from now on; returns the unsubscribe function. */
  subscribe(listener: (event: TimelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): readonly TimelineEvent[] {
    return this.events;
  }
}
