// People's words for what the call centre stores as identifiers (call statuses, outcomes, step kinds,
// message kinds…). Every page says them through here; the JSON API keeps the identifiers. An
// identifier with no entry yet (a new step kind, say) is still shown as words, never as "a.b-c".
import type { Flow } from "../flows/flow-schema.js";

export type Vocabulary = Readonly<Record<string, string>>;

/** Twilio's CallStatus. */
export const CALL_STATUS: Vocabulary = {
  queued: "queued",
  initiated: "dialling",
  ringing: "ringing",
  "in-progress": "in progress",
  completed: "ended",
  busy: "busy",
  failed: "failed",
  "no-answer": "not answered",
  canceled: "cancelled",
  // Not Twilio's: a call whose end was never reported, and that Twilio no longer knew (404).
  unknown: "end unknown",
};

/**
 * A live call that is neither waiting for nor talking to an agent. Twilio's status says little here
 * (the incoming webhook's "ringing" stays until the final status callback), so it is said as where
 * the caller is; the step column says which part of the flow.
 */
export function inFlowWords(status: string): string {
  return ["queued", "initiated", "ringing", "in-progress"].includes(status) ? "on the automated line" : say(CALL_STATUS, status);
}

/** How a call ended up (calls.outcome; "none" is a call without one). */
export const OUTCOME: Vocabulary = {
  answered: "answered by an agent",
  voicemail: "left a voicemail",
  "voicemail-offered": "reached voicemail, left no message",
  callback: "asked to be called back",
  closed: "office closed",
  "closed-holiday": "closed for a holiday",
  rejected: "blocked",
  unanswered: "nobody answered",
  abandoned: "hung up while waiting",
  unknown: "end unknown (never reported)",
  none: "no outcome (hung up in the menu, or still there)",
};

/** Twilio's Direction. */
export const DIRECTION: Vocabulary = {
  inbound: "incoming",
  "outbound-api": "outgoing, placed by the call centre",
  "outbound-dial": "outgoing, to an agent",
};

/** The steps of a call (call_events.kind). */
export const STEP: Vocabulary = {
  "call.incoming": "Call came in",
  "call.rejected": "Rejected: on the blocklist",
  "call.hangup": "Call ended by the flow",
  "hours.closed": "Office closed",
  "menu.entered": "Menu",
  "menu.input": "Caller answered",
  "menu.option": "Chose",
  "menu.invalid": "Not one of the options",
  "menu.no-input": "Nothing heard",
  "menu.failed": "Gave up on the menu",
  message: "Message",
  redirect: "Went on",
  "transfer.started": "Ringing the department",
  "transfer.answered": "Agent answered",
  "transfer.result": "Transfer ended",
  "voicemail.started": "Voicemail",
  "voicemail.recorded": "Voicemail recorded",
  "voicemail.transcribed": "Transcription",
  "callback.requested": "Asked to be called back",
  "callback.placed": "Called back from the dashboard",
  "callback.answered": "Answered the call-back",
  "call.reconciled": "End never reported; checked with Twilio",
  // A supervisor monitoring the conversation (docs/monitoring.md): started or changed to a mode, and ended.
  "monitor.listen": "Listen started",
  "monitor.whisper": "Whisper started",
  "monitor.barge": "Barge started",
  "monitor.left": "Monitoring ended",
};

/** <Dial>'s DialCallStatus, as the end of a transfer. */
export const DIAL_STATUS: Vocabulary = {
  completed: "talked",
  answered: "talked",
  busy: "busy",
  "no-answer": "no answer",
  failed: "could not be reached",
  canceled: "caller hung up",
};

/** A department visit's result (transfers.result), or where it stands. */
export const TRANSFER_RESULT: Vocabulary = {
  answered: "answered",
  abandoned: "caller hung up",
  deflected: "nobody answered",
  talking: "talking",
  waiting: "waiting",
};

export const HOURS_REASON: Vocabulary = { closed: "outside business hours", holiday: "holiday" };
export const REJECT_REASON: Vocabulary = { rejected: "not-in-service tone", busy: "busy signal" };
export const TRANSCRIPTION_STATUS: Vocabulary = { completed: "done", failed: "failed" };
export const CALLBACK_STATUS: Vocabulary = { pending: "waiting to be called back", "called-back": "called back" };
export const RECORDING_KIND: Vocabulary = { voicemail: "Voicemail", conversation: "Conversation with an agent" };
/** A recording's status (Twilio's RecordingStatus), said only when it is not simply done. */
export const RECORDING_STATUS: Vocabulary = {
  "in-progress": "still recording",
  paused: "paused",
  stopped: "stopped",
  completed: "done",
  absent: "no audio (absent)",
  failed: "failed",
};

/** What a text was (messages.kind). */
export const MESSAGE_KIND: Vocabulary = {
  inbox: "for an agent",
  ack: "automatic acknowledgement",
  "agent-reply": "reply from an agent",
  "daily-forecast": "daily forecast",
  weather: "forecast",
  place: "a place",
  subscribe: "daily forecast sign-up",
  unsubscribe: "daily forecast stopped",
  choice: "choice of place",
  help: "help",
  "help-keyword": "help",
  "opt-out": "opt-out (STOP)",
  "opt-in": "opt-in (START)",
  empty: "empty message",
  other: "other",
};

/** Twilio's MessageStatus. */
export const MESSAGE_STATUS: Vocabulary = {
  undelivered: "not delivered",
  canceled: "cancelled",
  partially_delivered: "partly delivered",
};

/** "menu.no-input" → "menu no input": the fallback for an identifier no vocabulary knows yet. */
export const humanise = (id: string): string => id.replace(/[._-]+/g, " ").trim();

export function say(vocabulary: Vocabulary, id: string | null | undefined): string {
  if (id === null || id === undefined || id === "") return "—";
  return Object.hasOwn(vocabulary, id) ? (vocabulary[id] ?? id) : humanise(id);
}

/** A node of the flow in words: a department by its name, any other by its id spelt out ("main menu"). */
export function nodeName(flow: Flow, id: string): string {
  const node = Object.hasOwn(flow.nodes, id) ? flow.nodes[id] : undefined;
  return node?.type === "department" ? node.name : humanise(id);
}

/** A step of a call in words: what happened, where in the flow, and what it carried. */
export function describeStep(flow: Flow, step: { kind: string; node: string | null; detail: Record<string, unknown> }): { what: string; where: string | undefined; details: string } {
  const d = step.detail;
  const text = (key: string) => (typeof d[key] === "string" || typeof d[key] === "number" ? String(d[key]) : undefined);
  const statusWords = step.kind === "transfer.result" ? DIAL_STATUS : step.kind === "voicemail.transcribed" ? TRANSCRIPTION_STATUS : step.kind === "call.reconciled" ? CALL_STATUS : {};
  const reasonWords = step.kind === "hours.closed" ? HOURS_REASON : step.kind === "call.rejected" ? REJECT_REASON : {};
  const parts = [
    text("label") && (text("key") ? `${text("label")} (key ${text("key")})` : text("label")),
    text("digits") && `pressed ${text("digits")}`,
    text("speech") && `said “${text("speech")}”`,
    step.kind === "transfer.started" ? undefined : text("department"),
    Array.isArray(d.agents) && d.agents.length > 0 ? `ringing ${d.agents.join(", ")}` : undefined,
    text("agent"),
    text("by") && `by ${text("by")}`,
    text("status") && say(statusWords, text("status")),
    text("reason") && say(reasonWords, text("reason")),
    text("holiday"),
    typeof d.durationSeconds === "number" ? `${d.durationSeconds} s` : undefined,
    typeof d.attempt === "number" && d.attempt > 1 ? `attempt ${d.attempt}` : undefined,
    typeof d.attempts === "number" ? `after ${d.attempts} attempts` : undefined,
  ];
  return {
    what: say(STEP, step.kind),
    where: step.node ? nodeName(flow, step.node) : undefined,
    details: parts.filter((part): part is string => Boolean(part)).join(" · "),
  };
}

/** A step in one line: "Ringing the department: Sales · ringing Isla Taylor, Jack Wilson". */
export function stepLine(flow: Flow, step: { kind: string; node: string | null; detail: Record<string, unknown> }): string {
  const { what, where, details } = describeStep(flow, step);
  return [where ? `${what}: ${where}` : what, details].filter(Boolean).join(" · ");
}
