// Voice TwiML → typed verb nodes (docs/twilio-contract.md §1–2). Schema problems are warnings (12200): the
// offending element or attribute is skipped, invalid values fall back to the default, parsing goes on.
import type {
  ClientNoun,
  ConferenceNoun,
  DialNode,
  GatherChild,
  GatherNode,
  NumberNoun,
  ParseResult,
  PauseNode,
  PlayNode,
  QueueNoun,
  RecordNode,
  RecordingNoun,
  SayNode,
  StartNode,
  StopNode,
  VerbNode,
} from "./nodes.js";
import {
  bool,
  caseHint,
  commaList,
  elementsOf,
  expectEmpty,
  int,
  loop,
  method,
  oneOf,
  ownText,
  parseInteger,
  parseResponse,
  pattern,
  readAttributes,
  seconds,
  text,
  textOnly,
  textOr,
  words,
  type Builder,
  type Field,
  type Warn,
  type XmlElement,
} from "./xml.js";
import { MAX_CALL_SECONDS, MAX_RING_SECONDS } from "../limits.js";
import { CLIENT_IDENTITY } from "../store.js";

const DIGITS = /^[0-9A-D#*wW]+$/;
const RECORDING_EVENTS = ["in-progress", "completed", "absent"] as const;
const CALL_EVENTS = ["initiated", "ringing", "answered", "completed"] as const;
const DIAL_RECORD = [
  "do-not-record",
  "record-from-answer",
  "record-from-ringing",
  "record-from-answer-dual",
  "record-from-ringing-dual",
  "true",
  "false",
] as const;

const speechTimeout: Field<number | "auto" | undefined> = {
  parse: (raw) => (raw === "auto" ? "auto" : parseInteger(raw, 1, Infinity)),
  fallback: undefined,
  expected: '"auto" or an integer ≥ 1',
  otherwise: "using the timeout",
  clamp: (value) => (typeof value === "number" ? Math.min(value, MAX_CALL_SECONDS) : value),
};

const SAY = { voice: textOr("man"), language: textOr("en-US"), loop: loop() };
const PLAY = { loop: loop(), digits: pattern(DIGITS, undefined, "digits 0-9, A-D, #, *, w, W") };
const PAUSE = { length: seconds(1, MAX_CALL_SECONDS) };
const GATHER = {
  action: text(),
  method: method(),
  timeout: seconds(5, MAX_CALL_SECONDS),
  finishOnKey: pattern(/^[0-9#*]?$/, "#", 'one of 0-9, #, * or ""'),
  numDigits: int(undefined),
  input: words(["dtmf", "speech"], ["dtmf"]),
  speechTimeout,
  language: textOr("en-US"),
  hints: commaList(),
  actionOnEmptyResult: bool(false),
  partialResultCallback: text(),
  partialResultCallbackMethod: method(),
};
const GATHER_IGNORED = ["profanityFilter", "speechModel", "enhanced", "bargeIn", "debug", "maxSpeechTime"];
const DIAL = {
  action: text(),
  method: method(),
  timeout: seconds(30, MAX_RING_SECONDS),
  timeLimit: seconds(14400, MAX_CALL_SECONDS),
  callerId: text(),
  answerOnBridge: bool(false),
  hangupOnStar: bool(false),
  record: oneOf(DIAL_RECORD, "do-not-record"),
  recordingStatusCallback: text(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: words(RECORDING_EVENTS, ["completed"]),
  trim: oneOf(["trim-silence", "do-not-trim"], "do-not-trim"),
  sequential: bool(false),
};
const DIAL_IGNORED = [
  "recordingTrack",
  "ringTone",
  "events",
  "passports",
  "recordingConfigurationId",
  "referUrl",
  "referMethod",
];
const NUMBER = {
  sendDigits: text(),
  url: text(),
  method: method(),
  statusCallback: text(),
  statusCallbackMethod: method(),
  statusCallbackEvent: words(CALL_EVENTS, ["completed"]),
};
const NUMBER_IGNORED = [
  "byoc",
  "machineDetection",
  "machineDetectionTimeout",
  "machineDetectionSpeechThreshold",
  "machineDetectionSpeechEndThreshold",
  "machineDetectionSilenceTimeout",
  "amdStatusCallback",
  "amdStatusCallbackMethod",
];
const QUEUE = { url: text(), method: method() };
const QUEUE_IGNORED = ["reservationSid", "postWorkActivitySid"];
const CLIENT = {
  url: text(),
  method: method(),
  statusCallback: text(),
  statusCallbackMethod: method(),
  statusCallbackEvent: words(CALL_EVENTS, ["completed"]),
};
const PARAMETER = { name: text(), value: text() };
const CONFERENCE_EVENTS = ["start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"] as const;
const CONFERENCE = {
  muted: bool(false),
  beep: oneOf(["true", "false", "onEnter", "onExit"], "true"),
  startConferenceOnEnter: bool(true),
  endConferenceOnExit: bool(false),
  waitUrl: text(),
  waitMethod: method(),
  maxParticipants: int(250, 2, 250),
  record: oneOf(["do-not-record", "record-from-start"], "do-not-record"),
  recordingStatusCallback: text(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: words(RECORDING_EVENTS, ["completed"]),
  // Twilio's <Conference> default (its <Dial> default is do-not-trim).
  trim: oneOf(["trim-silence", "do-not-trim"], "trim-silence"),
  coach: text(),
  statusCallback: text(),
  statusCallbackMethod: method(),
  statusCallbackEvent: words(CONFERENCE_EVENTS, []),
  participantLabel: text(),
};
// Valid Twilio attributes the carrier accepts without modelling (region, jitter buffer, recording details).
const CONFERENCE_IGNORED = [
  "region",
  "jitterBufferSize",
  "eventCallbackUrl",
  "recordingConfigurationId",
];
const RECORD = {
  action: text(),
  method: method(),
  timeout: seconds(5, MAX_CALL_SECONDS, 0),
  finishOnKey: pattern(/^[0-9#*]*$/, "1234567890*#", "keys from 0-9, #, *"),
  maxLength: { ...int(undefined, 2, 14400), otherwise: "using 3600, or 120 when transcribing" },
  playBeep: bool(true),
  trim: oneOf(["trim-silence", "do-not-trim"], "trim-silence"),
  recordingStatusCallback: text(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: words(RECORDING_EVENTS, ["completed"]),
  transcribe: bool(false),
  transcribeCallback: text(),
};
const RECORDING = {
  name: text(),
  recordingStatusCallback: text(),
  recordingStatusCallbackMethod: method(),
  recordingStatusCallbackEvent: words(RECORDING_EVENTS, ["completed"]),
  trim: oneOf(["trim-silence", "do-not-trim"], "do-not-trim"),
  channels: oneOf(["mono", "dual"], "mono"),
  track: oneOf(["inbound", "outbound", "both"], "both"),
};
/** <Start>'s and <Stop>'s own attributes (a <Stream>'s action) are accepted; the carrier has no streams. */
const START_IGNORED = ["action", "method"];
const REDIRECT = { method: method() };
const REJECT = { reason: oneOf(["rejected", "busy"], "rejected") };
// workflowSid (TaskRouter) and maxQueueSize (twilio-node's attribute) are read so that <Enqueue> can
// warn that it does not act on them (verbs/enqueue.ts).
const ENQUEUE = {
  action: text(),
  method: method(),
  waitUrl: text(),
  waitUrlMethod: method(),
  workflowSid: text(),
  maxQueueSize: text(),
};
const SMS = { to: text(), from: text(), action: text(), method: method(), statusCallback: text() };

/** SSML elements allowed inside <Say>; their text is spoken, their markup is dropped. */
const SSML = ["break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w", "amazon:domain", "amazon:effect"];

function sayText(el: XmlElement, warn: Warn): string {
  return el.children
    .map((child) => {
      if (typeof child === "string") return child;
      if (SSML.includes(child.name)) return sayText(child, warn);
      warn(`<${child.name}> is not allowed inside <Say>; it was ignored`);
      return "";
    })
    .join("");
}

function say(el: XmlElement, warn: Warn): SayNode {
  return { verb: "Say", ...readAttributes(el, SAY, warn), text: sayText(el, warn).trim() };
}

function play(el: XmlElement, warn: Warn): PlayNode {
  return { verb: "Play", ...readAttributes(el, PLAY, warn), url: textOnly(el, warn) };
}

function pause(el: XmlElement, warn: Warn): PauseNode {
  const attrs = readAttributes(el, PAUSE, warn);
  expectEmpty(el, warn);
  return { verb: "Pause", ...attrs };
}

function gatherChild(el: XmlElement, warn: Warn): GatherChild | undefined {
  if (el.name === "Say") return say(el, warn);
  if (el.name === "Pause") return pause(el, warn);
  if (el.name !== "Play") {
    warn(`<${el.name}> is not allowed inside <Gather> (only Say, Play, Pause); it was ignored`);
    return undefined;
  }
  const node = play(el, warn);
  if (node.digits !== undefined) {
    warn("<Play digits> is not allowed inside <Gather>; the digits were ignored");
    delete node.digits;
  }
  return node;
}

function gather(el: XmlElement, warn: Warn): GatherNode {
  const attrs = readAttributes(el, GATHER, warn, GATHER_IGNORED);
  if (ownText(el).trim() !== "") warn("Text is not allowed directly inside <Gather>; it was ignored");
  const children = elementsOf(el).flatMap((child) => gatherChild(child, warn) ?? []);
  return { verb: "Gather", ...attrs, speechTimeout: attrs.speechTimeout ?? attrs.timeout, children };
}

function numberNoun(el: XmlElement, warn: Warn): NumberNoun {
  return { noun: "Number", ...readAttributes(el, NUMBER, warn, NUMBER_IGNORED), number: textOnly(el, warn) };
}

function queueNoun(el: XmlElement, warn: Warn): QueueNoun {
  return { noun: "Queue", ...readAttributes(el, QUEUE, warn, QUEUE_IGNORED), name: textOnly(el, warn) };
}

/**
 * <Client>identity</Client>, or <Client><Identity>identity</Identity><Parameter name value/>…</Client>.
 * An identity outside Twilio's rule (letters, digits, underscore; at most 256) is a warning: it can
 * never be registered, so the leg ends as to an unregistered client.
 */
function clientNoun(el: XmlElement, warn: Warn): ClientNoun {
  const attrs = readAttributes(el, CLIENT, warn);
  let identity = ownText(el).trim();
  const parameters: Record<string, string> = {};
  for (const child of elementsOf(el)) {
    if (child.name === "Identity") identity = textOnly(child, warn).trim();
    else if (child.name === "Parameter") {
      const parameter = readAttributes(child, PARAMETER, warn);
      expectEmpty(child, warn);
      if (parameter.name === undefined || parameter.name === "") warn("<Parameter> without a name was ignored");
      else parameters[parameter.name] = parameter.value ?? "";
    } else warn(`<${child.name}> is not allowed inside <Client>; it was ignored`);
  }
  if (identity === "") warn("<Client> has no identity");
  else if (!CLIENT_IDENTITY.test(identity)) warn(`<Client> identity "${identity}" may hold only letters, digits and underscores, at most 256`);
  return { noun: "Client", ...attrs, identity, parameters };
}

function conferenceNoun(el: XmlElement, warn: Warn): ConferenceNoun {
  return { noun: "Conference", ...readAttributes(el, CONFERENCE, warn, CONFERENCE_IGNORED), name: textOnly(el, warn) };
}

const NOUNS = { Number: numberNoun, Queue: queueNoun, Client: clientNoun, Conference: conferenceNoun };

function dialNouns(el: XmlElement, warn: Warn): DialNode["nouns"] {
  const elements = elementsOf(el);
  const body = ownText(el).trim();
  if (elements.length === 0) {
    if (body === "") warn("<Dial> has no number or noun to dial");
    return body === "" ? [] : [numberNoun({ name: "Number", attrs: new Map(), children: [body] }, warn)];
  }
  if (body !== "") warn("Text next to nouns inside <Dial> was ignored");
  return elements.flatMap((child) => {
    if (Object.hasOwn(NOUNS, child.name)) return NOUNS[child.name as keyof typeof NOUNS](child, warn);
    const why = ["Sip"].includes(child.name) ? "is not supported" : "is not allowed";
    warn(`<${child.name}> ${why} inside <Dial>${caseHint(child.name, Object.keys(NOUNS))}; it was ignored`);
    return [];
  });
}

function dial(el: XmlElement, warn: Warn): DialNode {
  const attrs = readAttributes(el, DIAL, warn, DIAL_IGNORED);
  const record = attrs.record === "true" ? "record-from-answer" : attrs.record === "false" ? "do-not-record" : attrs.record;
  return { verb: "Dial", ...attrs, record, nouns: dialNouns(el, warn) };
}

function record(el: XmlElement, warn: Warn): RecordNode {
  const attrs = readAttributes(el, RECORD, warn, ["recordingConfigurationId"]);
  expectEmpty(el, warn);
  return { verb: "Record", ...attrs, maxLength: attrs.maxLength ?? (attrs.transcribe ? 120 : 3600) };
}

/**
 * <Start> and <Stop> hold one noun: <Recording> is run; <Stream>, <Siprec> and <Transcription> are
 * not supported (a 12200 warning) and anything else is not allowed.
 */
function startNoun(el: XmlElement, warn: Warn): XmlElement | undefined {
  readAttributes(el, {}, warn, START_IGNORED);
  if (ownText(el).trim() !== "") warn(`Text is not allowed directly inside <${el.name}>; it was ignored`);
  let recording: XmlElement | undefined;
  for (const child of elementsOf(el)) {
    if (child.name === "Recording" && !recording) recording = child;
    else if (["Stream", "Siprec", "Transcription"].includes(child.name)) warn(`<${child.name}> inside <${el.name}> is not supported; it was ignored`);
    else warn(`<${child.name}> is not allowed inside <${el.name}>${caseHint(child.name, ["Recording"])}; it was ignored`);
  }
  return recording;
}

function start(el: XmlElement, warn: Warn): StartNode {
  const child = startNoun(el, warn);
  if (!child) return { verb: "Start" };
  const attrs = readAttributes(child, RECORDING, warn, ["recordingConfigurationId"]);
  expectEmpty(child, warn);
  const recording: RecordingNoun = { noun: "Recording", ...attrs };
  return { verb: "Start", recording };
}

function stop(el: XmlElement, warn: Warn): StopNode {
  const child = startNoun(el, warn);
  if (!child) return { verb: "Stop" };
  const { name } = readAttributes(child, { name: text() }, warn, Object.keys(RECORDING));
  expectEmpty(child, warn);
  return { verb: "Stop", recording: name === undefined ? {} : { name } };
}

/** Verbs with no attributes and no content. */
function bare<V extends "Hangup" | "Leave">(verb: V): (el: XmlElement, warn: Warn) => { verb: V } {
  return (el, warn) => {
    readAttributes(el, {}, warn);
    expectEmpty(el, warn);
    return { verb };
  };
}

const VERBS: Record<VerbNode["verb"], Builder<VerbNode>> = {
  Say: say,
  Play: play,
  Pause: pause,
  Gather: gather,
  Dial: dial,
  Record: record,
  Hangup: bare("Hangup"),
  Redirect: (el, warn) => ({ verb: "Redirect", ...readAttributes(el, REDIRECT, warn), url: textOnly(el, warn) }),
  Reject: (el, warn) => {
    const attrs = readAttributes(el, REJECT, warn);
    expectEmpty(el, warn);
    return { verb: "Reject", ...attrs };
  },
  Enqueue: (el, warn) => ({
    verb: "Enqueue",
    ...readAttributes(el, ENQUEUE, warn),
    name: textOnly(el, warn),
  }),
  Leave: bare("Leave"),
  Sms: (el, warn) => ({ verb: "Sms", ...readAttributes(el, SMS, warn), text: textOnly(el, warn) }),
  Start: start,
  Stop: stop,
};

export function parseVoiceTwiml(xml: string): ParseResult {
  return parseResponse(xml, VERBS, "a supported voice verb");
}
