// TwiML parsed into one typed node per verb before anything runs (docs/twilio-contract.md §1–2).
// Attribute values are already converted and defaulted as Twilio documents them.

export type Method = "GET" | "POST";

export interface SayNode {
  verb: "Say";
  text: string;
  voice: string;
  language: string;
  /** 1 by default; 0 means repeat until hangup, capped at 1,000. */
  loop: number;
}

export interface PlayNode {
  verb: "Play";
  url: string;
  loop: number;
  digits?: string;
}

export interface PauseNode {
  verb: "Pause";
  length: number;
}

export type GatherChild = SayNode | PlayNode | PauseNode;

export interface GatherNode {
  verb: "Gather";
  /** Absent means the current document's URL (Twilio's default). */
  action?: string;
  method: Method;
  timeout: number;
  /** "" disables the finish key. */
  finishOnKey: string;
  numDigits?: number;
  input: ("dtmf" | "speech")[];
  speechTimeout: number | "auto";
  language: string;
  hints: string[];
  actionOnEmptyResult: boolean;
  partialResultCallback?: string;
  partialResultCallbackMethod: Method;
  children: GatherChild[];
}

export interface NumberNoun {
  noun: "Number";
  number: string;
  sendDigits?: string;
  url?: string;
  method: Method;
  statusCallback?: string;
  statusCallbackMethod: Method;
  statusCallbackEvent: string[];
}

export interface QueueNoun {
  noun: "Queue";
  name: string;
  url?: string;
  method: Method;
}

/** <Client>: a browser client, `client:<identity>`; its attributes are <Number>'s but sendDigits. */
export interface ClientNoun {
  noun: "Client";
  identity: string;
  /** <Parameter name value> children, in order; shown to the ringing client. */
  parameters: Record<string, string>;
  url?: string;
  method: Method;
  statusCallback?: string;
  statusCallbackMethod: Method;
  statusCallbackEvent: string[];
}

/** Twilio's statusCallbackEvent words for a conference (the <Conference> page). */
export type ConferenceEvent = "start" | "end" | "join" | "leave" | "mute" | "hold" | "modify" | "speaker" | "announcement";

export interface ConferenceNoun {
  noun: "Conference";
  name: string;
  muted: boolean;
  beep: "true" | "false" | "onEnter" | "onExit";
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** Absent: Twilio's default hold music; "": silence. */
  waitUrl?: string;
  waitMethod: Method;
  maxParticipants: number;
  /** record-from-start: the conference is recorded from its start to its end (calls/conference-recording.ts). */
  record: "do-not-record" | "record-from-start";
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: Method;
  /** in-progress, completed, absent; `completed` by default. */
  recordingStatusCallbackEvent: string[];
  /** Twilio's <Conference> default is trim-silence. */
  trim: "trim-silence" | "do-not-trim";
  /** The CallSid of the participant this one coaches. */
  coach?: string;
  statusCallback?: string;
  statusCallbackMethod: Method;
  statusCallbackEvent: ConferenceEvent[];
  participantLabel?: string;
}

export interface DialNode {
  verb: "Dial";
  action?: string;
  method: Method;
  timeout: number;
  timeLimit: number;
  callerId?: string;
  answerOnBridge: boolean;
  hangupOnStar: boolean;
  record: string;
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: Method;
  /** in-progress, completed, absent; `completed` by default. */
  recordingStatusCallbackEvent: string[];
  /** Twilio's <Dial> default is do-not-trim. */
  trim: "trim-silence" | "do-not-trim";
  sequential: boolean;
  /** A bare number in the body becomes one Number noun. */
  nouns: (NumberNoun | QueueNoun | ClientNoun | ConferenceNoun)[];
}

export interface RecordNode {
  verb: "Record";
  /** Absent means the current document's URL. */
  action?: string;
  method: Method;
  /** Seconds of silence that end the recording; 0 disables. */
  timeout: number;
  finishOnKey: string;
  /** 3600 by default, 120 when transcribing. */
  maxLength: number;
  playBeep: boolean;
  trim: "trim-silence" | "do-not-trim";
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: Method;
  recordingStatusCallbackEvent: string[];
  transcribe: boolean;
  transcribeCallback?: string;
}

/** <Recording>, the noun of <Start> (and, with only its name, of <Stop>). */
export interface RecordingNoun {
  noun: "Recording";
  /** What <Stop><Recording name> names to stop it. */
  name?: string;
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: Method;
  recordingStatusCallbackEvent: string[];
  trim: "trim-silence" | "do-not-trim";
  channels: "mono" | "dual";
  track: "inbound" | "outbound" | "both";
}

/** <Start>: begins something alongside the call and goes on at once; the carrier starts <Recording>. */
export interface StartNode {
  verb: "Start";
  recording?: RecordingNoun;
}

/** <Stop>: ends what a <Start> began, by name. */
export interface StopNode {
  verb: "Stop";
  recording?: { name?: string };
}

export interface HangupNode {
  verb: "Hangup";
}

export interface RedirectNode {
  verb: "Redirect";
  /** Empty means an empty <Redirect/>, which ends the call as compatible engines do. */
  url: string;
  method: Method;
}

export interface RejectNode {
  verb: "Reject";
  reason: "rejected" | "busy";
}

export interface EnqueueNode {
  verb: "Enqueue";
  name: string;
  action?: string;
  method: Method;
  /** Absent: Twilio's default hold music; "" means silence. */
  waitUrl?: string;
  waitUrlMethod: Method;
  /** TaskRouter's workflow: read, not acted on (a 12200 warning). */
  workflowSid?: string;
  /** twilio-node's attribute: read, not acted on (a 12200 warning). */
  maxQueueSize?: string;
}

export interface LeaveNode {
  verb: "Leave";
}

export interface SmsNode {
  verb: "Sms";
  text: string;
  to?: string;
  from?: string;
  action?: string;
  method: Method;
  statusCallback?: string;
}

export type VerbNode =
  | SayNode
  | PlayNode
  | PauseNode
  | GatherNode
  | DialNode
  | RecordNode
  | HangupNode
  | RedirectNode
  | RejectNode
  | EnqueueNode
  | LeaveNode
  | SmsNode
  | StartNode
  | StopNode;

export type VerbName = VerbNode["verb"];

/** A schema problem that does not stop the call: Twilio's warning 12200. */
export interface TwimlWarning {
  code: 12200;
  message: string;
}

export type ParseResult =
  | { ok: true; verbs: VerbNode[]; warnings: TwimlWarning[] }
  /** 12100 malformed XML, 12102 wrong root element. */
  | { ok: false; code: 12100 | 12102; message: string };

/** Messaging TwiML: the reply to an inbound SMS. */
export interface MessageNode {
  verb: "Message";
  body: string;
  media: string[];
  to?: string;
  from?: string;
  action?: string;
  method: Method;
  statusCallback?: string;
}

export interface MessagingRedirectNode {
  verb: "Redirect";
  url: string;
  method: Method;
}

export type MessagingVerb = MessageNode | MessagingRedirectNode;

export type MessagingParseResult =
  | { ok: true; verbs: MessagingVerb[]; warnings: TwimlWarning[] }
  | { ok: false; code: 12100 | 12102; message: string };
