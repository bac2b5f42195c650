// The voice IVR as pure functions: (flow, call facts, input) → TwiML + the steps to record.
// No I/O here; handlers load, call one of these, persist what it returns, and reply.
import type VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import { HANGUP, type Flow, type FlowNode, type MenuNode, type Prompt, type QueueDepartment, type RingGroupDepartment, type VoicemailNode } from "./flow-schema.js";
import { hoursStatus, type HoursStatus } from "./hours.js";
import { absoluteUrl, RECORDING_STATUS, voicePaths } from "./paths.js";
import { countryName, fill, properName, type TemplateValues } from "./templates.js";
import { matchOption, type MenuInput } from "./menu-match.js";
import { TwimlResponse, type PromptVerbs, type Twiml } from "./twiml.js";

export interface FlowContext {
  flow: Flow;
  /** Public base URL of this service: every URL in the TwiML is absolute. */
  baseUrl: string;
}

/** What Twilio told us about the call, as far as the flow needs it. */
export interface CallFacts {
  callSid: string;
  from: string;
  to: string;
  fromCity?: string | undefined;
  fromState?: string | undefined;
  fromCountry?: string | undefined;
  now: Date;
}

export interface FlowEvent {
  kind: string;
  node?: string;
  detail?: Record<string, unknown>;
}

export type Effect =
  | {
      type: "save-voicemail";
      recording: RecordingFacts;
      node: string;
      department?: string | undefined;
    }
  | { type: "notify"; kind: "voicemail"; subjectSid: string; to: string; from: string; body: string }
  | { type: "callback-request"; number: string; department?: string | undefined }
  /** The call starts waiting for a department's agents (a visit to its queue). */
  | { type: "transfer-start"; node: string; department: string }
  /** The visit ends: an agent answered (and the conversation is over), the caller gave up, or nobody answered. */
  | { type: "transfer-end"; result: TransferResult; agent?: string | undefined; talkSeconds?: number | undefined };

export type TransferResult = "answered" | "abandoned" | "deflected";

export interface FlowResult {
  /** Built by twilio's VoiceResponse (memoised: see twiml.ts). */
  twiml: Twiml;
  events: FlowEvent[];
  effects: Effect[];
  /** Changes to the call's summary row. */
  call: { department?: string; outcome?: string; answered?: boolean };
}

export interface RecordingFacts {
  sid: string;
  url: string;
  durationSeconds: number;
  digits?: string | undefined;
}

// twilio-node declares its attribute value types without exporting them; reach them through the attributes.
type SayVoice = NonNullable<VoiceResponse.SayAttributes["voice"]>;
type SayLanguage = NonNullable<VoiceResponse.SayAttributes["language"]>;
type GatherInput = NonNullable<VoiceResponse.GatherAttributes["input"]>[number];
type GatherLanguage = NonNullable<VoiceResponse.GatherAttributes["language"]>;
type GatherSpeechModel = NonNullable<VoiceResponse.GatherAttributes["speechModel"]>;

export type DialStatus = "completed" | "answered" | "busy" | "no-answer" | "failed" | "canceled";

/** Inline rendering follows `message` → `next` at most this deep, then continues through <Redirect>. */
const MAX_INLINE_DEPTH = 5;

export class Turn implements FlowResult {
  readonly twiml = new TwimlResponse();
  readonly events: FlowEvent[] = [];
  readonly effects: Effect[] = [];
  readonly call: FlowResult["call"] = {};
  private readonly values: TemplateValues;

  constructor(
    private readonly ctx: FlowContext,
    private readonly facts: CallFacts,
  ) {
    this.values = {
      "caller.city": properName(facts.fromCity),
      "caller.state": facts.fromState?.trim() || undefined,
      "caller.country": countryName(facts.fromCountry),
      company: ctx.flow.company,
    };
  }

  get flow() {
    return this.ctx.flow;
  }

  url(path: string) {
    return absoluteUrl(this.ctx.baseUrl, path);
  }

  event(kind: string, node?: string, detail?: Record<string, unknown>) {
    this.events.push({ kind, ...(node === undefined ? {} : { node }), ...(detail === undefined ? {} : { detail }) });
  }

  /** Says, plays and pauses a prompt into the response or into a <Gather>. */
  prompt(prompt: Prompt | undefined, into: PromptVerbs = this.twiml) {
    for (const step of prompt ?? []) {
      switch (step.kind) {
        case "say": {
          const text = fill(step.say, this.values) ?? (step.otherwise === undefined ? undefined : fill(step.otherwise, this.values));
          if (text === undefined) break;
          into.say(
            {
              voice: (step.voice ?? this.flow.voice) as SayVoice,
              language: (step.language ?? this.flow.language) as SayLanguage,
              ...(step.loop === undefined ? {} : { loop: step.loop }),
            },
            text,
          );
          break;
        }
        case "play":
          into.play(step.loop === undefined ? {} : { loop: step.loop }, this.url(step.url));
          break;
        case "pause":
          into.pause({ length: step.seconds });
          break;
      }
    }
  }

  goodbye() {
    this.prompt(this.flow.goodbye);
    this.twiml.hangup();
    this.event("call.hangup");
  }

  /** Renders `target` into this response (a node id or "hangup"). */
  enter(target: string, depth = 0): void {
    if (target === HANGUP) return this.goodbye();
    const node = this.flow.nodes[target];
    if (!node) throw new Error(`flow has no node "${target}"`);
    if (depth >= MAX_INLINE_DEPTH) {
      this.twiml.redirect({ method: "POST" }, this.url(voicePaths.node(target)));
      this.event("redirect", target, { to: target });
      return;
    }
    this.render(target, node, depth);
  }

  private render(id: string, node: FlowNode, depth: number) {
    switch (node.type) {
      case "menu":
        return this.menu(id, node, 1);
      case "department":
        if (node.queue) return this.queueDepartment(id, node);
        return this.department(id, node, node.ring === "sequential" ? 0 : undefined);
      case "voicemail":
        return this.voicemail(id, node);
      case "message":
        this.event("message", id);
        this.prompt(node.prompt);
        return this.enter(node.next, depth + 1);
      case "callback": {
        const department = node.department ? this.flow.nodes[node.department] : undefined;
        const name = department?.type === "department" ? department.name : undefined;
        this.event("callback.requested", id, { department: name ?? null });
        this.effects.push({ type: "callback-request", number: this.facts.from, department: name });
        this.call.outcome = "callback";
        this.prompt(node.prompt);
        this.twiml.hangup();
        return;
      }
      case "redirect": {
        const url = node.to !== undefined ? this.url(voicePaths.node(node.to)) : this.url(node.url ?? "");
        this.event("redirect", id, { url });
        this.twiml.redirect({ method: node.method }, url);
        return;
      }
      case "hangup":
        this.prompt(node.prompt);
        this.twiml.hangup();
        this.event("call.hangup", id);
        return;
    }
  }

  menu(id: string, node: MenuNode, attempt: number) {
    this.event("menu.entered", id, { attempt });
    const action = this.url(voicePaths.menu(id, attempt));
    const speech = node.input !== "dtmf";
    const keywords = node.options.flatMap((option) => option.keywords);
    const gather = this.twiml.gather({
      input: node.input.split(" ") as GatherInput[],
      action,
      method: "POST",
      timeout: node.timeout,
      ...(node.input !== "speech" ? { numDigits: 1 } : {}),
      // "#" as an option must reach us as a digit, not end the input (Twilio's finishOnKey default is "#").
      ...(node.options.some((option) => option.key === "#") ? { finishOnKey: "" } : {}),
      ...(speech
        ? {
            language: (node.language ?? this.flow.language) as GatherLanguage,
            hints: [...new Set([...keywords, ...node.hints])].join(", ") || undefined,
            speechTimeout: String(node.speechTimeout),
            speechModel: node.speechModel as GatherSpeechModel,
          }
        : {}),
    });
    this.prompt(node.prompt, gather);
    // No input: Twilio falls through to the next verb; come back to the same URL without input.
    this.twiml.redirect({ method: "POST" }, action);
  }

  /**
   * A department that queues: its prompt, then the line's own webhook, which knows who is signed in
   * and how long the line is (routes/twilio/queue-routes.ts, flows/queue-flow.ts).
   */
  queueDepartment(id: string, node: QueueDepartment) {
    this.prompt(node.prompt);
    this.call.department = node.name;
    this.twiml.redirect({ method: "POST" }, this.url(voicePaths.queue(id)));
  }

  department(id: string, node: RingGroupDepartment, agent: number | undefined) {
    const first = agent ?? 0;
    const agents = agent === undefined ? node.agents : node.agents.slice(agent, agent + 1);
    if (first === 0) {
      this.prompt(node.prompt);
      this.effects.push({ type: "transfer-start", node: id, department: node.name });
    }
    this.call.department = node.name;
    this.event("transfer.started", id, {
      department: node.name,
      ring: node.ring,
      agents: agents.map((a) => a.name),
    });
    const dial = this.twiml.dial({
      action: this.url(voicePaths.dial(id, agent)),
      method: "POST",
      timeout: node.ringTimeout,
      ...(node.callerId ? { callerId: node.callerId } : {}),
    });
    // Twilio reports the agent's leg answering to its <Number statusCallback>: the moment the wait ends.
    agents.forEach((a, i) => {
      const answered = this.url(voicePaths.agentAnswered(id, first + i));
      dial.number({ statusCallback: answered, statusCallbackEvent: ["answered"], statusCallbackMethod: "POST" }, a.number);
    });
  }

  voicemail(id: string, node: VoicemailNode) {
    this.event("voicemail.started", id);
    this.call.outcome ??= "voicemail-offered";
    this.prompt(node.prompt);
    this.twiml.record({
      action: this.url(voicePaths.voicemailRecorded(id)),
      method: "POST",
      maxLength: node.maxLength,
      timeout: node.silenceTimeout,
      finishOnKey: node.finishOnKey,
      playBeep: node.beep,
      recordingStatusCallback: this.url(RECORDING_STATUS),
      ...(node.transcribe ? { transcribe: true, transcribeCallback: this.url(voicePaths.transcription(id)) } : {}),
    });
    // An empty recording makes no request: Twilio continues here.
    this.prompt(node.noMessage);
    this.twiml.hangup();
  }

  closed(status: Extract<HoursStatus, { isOpen: false }>) {
    const hours = this.flow.hours;
    if (!hours) return;
    const holiday = status.reason === "holiday" ? hours.holidays.find((h) => h.date === status.date) : undefined;
    this.event("hours.closed", undefined, { reason: status.reason, ...(holiday ? { holiday: holiday.name } : {}) });
    this.call.outcome = status.reason === "holiday" ? "closed-holiday" : "closed";
    this.prompt(holiday?.message ?? hours.closed.prompt);
    this.enter(hours.closed.then);
  }
}

const ANONYMOUS = /^(anonymous|unknown|private|restricted|unavailable)?$/i;

function isBlocked(flow: Flow, from: string): boolean {
  const list = flow.blocklist;
  if (list.anonymous && (ANONYMOUS.test(from.trim()) || !/\d/.test(from))) return true;
  return list.numbers.some((entry) => (entry.endsWith("*") ? from.startsWith(entry.slice(0, -1)) : from === entry));
}

/** A new call: blocklist, then business hours, then the greeting and the start node. */
export function answerIncoming(ctx: FlowContext, facts: CallFacts): FlowResult {
  const turn = new Turn(ctx, facts);
  turn.event("call.incoming");
  if (isBlocked(ctx.flow, facts.from)) {
    // <Reject> as the first verb: the call is never answered (and never billed).
    turn.twiml.reject({ reason: ctx.flow.blocklist.reason });
    turn.event("call.rejected", undefined, { reason: ctx.flow.blocklist.reason });
    turn.call.outcome = "rejected";
    return turn;
  }
  turn.call.answered = true;
  const status = hoursStatus(ctx.flow.hours, facts.now);
  if (!status.isOpen) {
    turn.closed(status);
    return turn;
  }
  turn.prompt(ctx.flow.greeting);
  turn.enter(ctx.flow.start);
  return turn;
}

/**
 * A call placed back to a customer from the dashboard was answered (the Url of the REST call): say
 * who is calling, then carry on at `node`, the department they wanted (or `callback.then`). None of
 * the inbound call's blocklist, hours or greeting: the centre is the one calling.
 */
export function returnCall(ctx: FlowContext, facts: CallFacts, node: string): FlowResult {
  const turn = new Turn(ctx, facts);
  turn.event("callback.answered", node);
  turn.call.answered = true;
  turn.prompt(ctx.flow.callback.greeting);
  turn.enter(node);
  return turn;
}

/** A <Redirect> to a node. */
export function enterNode(ctx: FlowContext, facts: CallFacts, node: string): FlowResult {
  const turn = new Turn(ctx, facts);
  turn.enter(node);
  return turn;
}

/** The menu's <Gather> came back: with digits or speech, or (via the fall-through <Redirect>) with nothing. */
export function menuInput(ctx: FlowContext, facts: CallFacts, id: string, attempt: number, input: MenuInput): FlowResult {
  const node = ctx.flow.nodes[id];
  if (node?.type !== "menu") throw new Error(`"${id}" is not a menu`);
  const turn = new Turn(ctx, facts);
  const given = input.digits ? { digits: input.digits } : input.speech ? { speech: input.speech, confidence: input.confidence } : undefined;
  if (given) turn.event("menu.input", id, { attempt, ...given });
  const option = matchOption(node, input);
  if (option) {
    turn.event("menu.option", id, { label: option.label, goto: option.goto, ...(option.key ? { key: option.key } : {}) });
    turn.enter(option.goto);
    return turn;
  }
  turn.event(given ? "menu.invalid" : "menu.no-input", id, { attempt });
  if (attempt > node.retries) {
    turn.event("menu.failed", id, { attempts: attempt });
    turn.enter(node.onFailure);
    return turn;
  }
  turn.prompt(given ? node.invalid : node.noInput);
  turn.menu(id, node, attempt + 1);
  return turn;
}

/** The <Dial> to a department ended: on to the next agent, or to the department's fallback. */
export function dialResult(
  ctx: FlowContext,
  facts: CallFacts,
  id: string,
  agent: number | undefined,
  result: { status: DialStatus; durationSeconds?: number | undefined },
): FlowResult {
  const node = ctx.flow.nodes[id];
  if (node?.type !== "department") throw new Error(`"${id}" is not a department`);
  if (node.queue) throw new Error(`"${id}" is a queue department: its calls are not <Dial>led by the flow`);
  const turn = new Turn(ctx, facts);
  const who = agent === undefined ? undefined : node.agents[agent]?.name;
  turn.event("transfer.result", id, {
    status: result.status,
    ...(who ? { agent: who } : {}),
    ...(result.durationSeconds === undefined ? {} : { durationSeconds: result.durationSeconds }),
  });
  switch (result.status) {
    case "completed":
    case "answered":
      turn.call.outcome = "answered";
      turn.effects.push({ type: "transfer-end", result: "answered", agent: who, talkSeconds: result.durationSeconds });
      turn.twiml.hangup();
      return turn;
    case "canceled":
      // The caller hung up while the agents' phones rang.
      turn.call.outcome = "abandoned";
      turn.effects.push({ type: "transfer-end", result: "abandoned" });
      turn.twiml.hangup();
      return turn;
    default: {
      const next = agent === undefined ? undefined : agent + 1;
      if (next !== undefined && next < node.agents.length) {
        turn.department(id, node, next);
        return turn;
      }
      turn.call.outcome = "unanswered";
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.enter(result.status === "no-answer" ? node.onNoAnswer : (node.onBusy ?? node.onNoAnswer));
      return turn;
    }
  }
}

/** A voicemail was recorded: keep it, tell the on-call agent, thank the caller. */
export function voicemailRecorded(ctx: FlowContext, facts: CallFacts, id: string, recording: RecordingFacts): FlowResult {
  const node = ctx.flow.nodes[id];
  if (node?.type !== "voicemail") throw new Error(`"${id}" is not a voicemail`);
  const turn = new Turn(ctx, facts);
  const department = node.department ? ctx.flow.nodes[node.department] : undefined;
  const departmentName = department?.type === "department" ? department.name : undefined;
  turn.event("voicemail.recorded", id, {
    recordingSid: recording.sid,
    durationSeconds: recording.durationSeconds,
    ...(recording.digits ? { finishedBy: recording.digits } : {}),
  });
  turn.call.outcome = "voicemail";
  turn.effects.push({ type: "save-voicemail", recording, node: id, department: departmentName });
  const recipients = new Set<string>();
  if (department?.type === "department" && department.onCall) {
    // A ring group's on-call agent is one of its agents, by name; a queue department's is a top-level agent, by id.
    const number = department.queue
      ? ctx.flow.agents[department.onCall]?.phone
      : department.agents.find((a) => a.name === department.onCall)?.number;
    if (number) recipients.add(number);
  }
  if (node.notify) recipients.add(node.notify);
  const body = voicemailNotice(departmentName ?? ctx.flow.company, facts.from, recording);
  for (const to of recipients) {
    turn.effects.push({ type: "notify", kind: "voicemail", subjectSid: recording.sid, to, from: facts.to, body });
  }
  turn.prompt(node.thanks);
  turn.twiml.hangup();
  return turn;
}

export function voicemailNotice(forWhom: string, from: string, recording: RecordingFacts): string {
  const minutes = Math.floor(recording.durationSeconds / 60);
  const seconds = String(recording.durationSeconds % 60).padStart(2, "0");
  return `New voicemail for ${forWhom} from ${from} (${minutes}:${seconds}). Listen: ${recording.url}`;
}

/**
 * The safe flow, used when the flow cannot run (the database is unavailable): it needs nothing but
 * the flow file. With a `fallback` number, an apology and a <Dial> to it; without one, the apology.
 */
export function safeFlow(ctx: FlowContext, facts: CallFacts): Twiml {
  const fallback = ctx.flow.fallback;
  if (!fallback) return apology(ctx.flow);
  const turn = new Turn(ctx, facts);
  turn.prompt(fallback.prompt);
  turn.twiml
    .dial({
      action: turn.url(voicePaths.fallbackDialled),
      method: "POST",
      timeout: fallback.ringTimeout,
      ...(fallback.callerId ? { callerId: fallback.callerId } : {}),
    })
    .number({}, fallback.number);
  return turn.twiml;
}

/** After the safe flow's <Dial>: goodbye after a conversation, the `unanswered` prompt otherwise. */
export function safeFlowDialled(ctx: FlowContext, facts: CallFacts, status: DialStatus): Twiml {
  const turn = new Turn(ctx, facts);
  if (status === "completed" || status === "answered") turn.prompt(ctx.flow.goodbye);
  else turn.prompt(ctx.flow.fallback?.unanswered);
  turn.twiml.hangup();
  return turn.twiml;
}

/** The TwiML returned when something inside a voice webhook fails: apologise and end the call. */
export function apology(flow: Flow | undefined): Twiml {
  const twiml = new TwimlResponse();
  twiml.say(
    flow ? { voice: flow.voice as SayVoice, language: flow.language as SayLanguage } : {},
    "We are sorry, something went wrong on our side. Please call again later. Goodbye.",
  );
  twiml.hangup();
  return twiml;
}
