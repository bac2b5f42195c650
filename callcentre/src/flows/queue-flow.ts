// What callers and agents hear around a department's line (docs/queue.md), as pure functions: the
// routes (routes/twilio/queue-routes.ts) read the ACD's state from the database, call one of these,
// and act on what it returns. Callers wait in Twilio's <Enqueue>, one queue per department, named after
// the department's node; agents are called by the ACD (acd/acd.ts) and hear a whisper first.
import type VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import { HOLD_MUSIC } from "./hold-music.js";
import { isQueueDepartment, type Prompt, type QueueDepartment } from "./flow-schema.js";
import { TwimlResponse, type Twiml } from "./twiml.js";
import { Turn, type CallFacts, type FlowContext, type FlowResult } from "./voice-flow.js";
import { voicePaths } from "./paths.js";

type SayVoice = NonNullable<VoiceResponse.SayAttributes["voice"]>;
type SayLanguage = NonNullable<VoiceResponse.SayAttributes["language"]>;

export function queueDepartment(ctx: FlowContext, id: string): QueueDepartment {
  const node = ctx.flow.nodes[id];
  if (!isQueueDepartment(node)) throw new Error(`"${id}" is not a queue department`);
  return node;
}

/** Why a caller left the line before an agent took them, as kept on their entry. */
export type LeftBecause = "nobody" | "full" | "max-wait" | "callback" | `option:${string}` | "error";

/**
 * A caller reaches a department that queues. Nobody of the department signed in: they are not queued
 * for nobody, and go where `whenNobody` says; the line full: `whenFull`; otherwise they join the line
 * (the route records their place before answering).
 */
export function queueArrival(ctx: FlowContext, facts: CallFacts, id: string, now: { signedIn: number; waiting: number }): FlowResult & { enqueued: boolean } {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.call.department = node.name;
  // Turned away, the caller still asked for the department: a visit, deflected (the metrics' demand).
  const turnAway = (event: string, target: string, detail: Record<string, unknown>) => {
    turn.event(event, id, { department: node.name, ...detail });
    turn.effects.push({ type: "transfer-start", node: id, department: node.name }, { type: "transfer-end", result: "deflected" });
    turn.enter(target);
    return Object.assign(turn, { enqueued: false });
  };
  if (now.signedIn === 0) return turnAway("queue.nobody", node.queue.whenNobody, {});
  if (now.waiting >= node.queue.maxSize) return turnAway("queue.full", node.queue.whenFull, { waiting: now.waiting });
  turn.event("queue.entered", id, { department: node.name, position: now.waiting + 1 });
  turn.effects.push({ type: "transfer-start", node: id, department: node.name });
  enqueue(turn, id);
  return Object.assign(turn, { enqueued: true });
}

/** Twilio's queue of the department's line, with the line's waitUrl and action. */
function enqueue(turn: Turn, id: string) {
  turn.twiml.enqueue(
    { waitUrl: turn.url(voicePaths.queueWait(id)), waitUrlMethod: "POST", action: turn.url(voicePaths.queueLeft(id)), method: "POST" },
    id,
  );
}

/**
 * A caller transferred from a conversation (cold) back into a line, at its front: another
 * department's, or their own for one named agent (`to`: the name said).
 */
export function requeued(ctx: FlowContext, facts: CallFacts, id: string, to: string): FlowResult {
  queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.event("queue.transferred", id, { to });
  turn.twiml.say(sayAttributes(ctx), `Please hold while I transfer you to ${to}.`);
  enqueue(turn, id);
  return turn;
}

/** The whisper of a warm transfer's consultation: "Ava Nguyen would like to consult you about a billing call. Press 1 to accept." */
export function consultWhisper(ctx: FlowContext, offerId: number, from: string, department: string): Twiml {
  const twiml = new TwimlResponse();
  const url = (path: string) => new URL(path, `${ctx.baseUrl}/`).toString();
  const gather = twiml.gather({ input: ["dtmf"], numDigits: 1, timeout: 8, action: url(voicePaths.offerAccept(offerId)), method: "POST" });
  gather.say(sayAttributes(ctx), `${from} would like to consult you about a ${department.toLowerCase()} call. Press 1 to accept.`);
  twiml.say(sayAttributes(ctx), "No key was pressed. Goodbye.");
  twiml.hangup();
  return twiml;
}

/**
 * The consulted agent joins the conversation's conference. Their leaving does not end it (the first
 * agent may go back to the caller), until the transfer completes and they have the call.
 */
export function consultJoins(ctx: FlowContext, entryId: number, conference: string): Twiml {
  const twiml = new TwimlResponse();
  const url = (path: string) => new URL(path, `${ctx.baseUrl}/`).toString();
  twiml
    .dial({ action: url(voicePaths.agentLeft(entryId)), method: "POST" })
    .conference(
      {
        startConferenceOnEnter: true,
        endConferenceOnExit: false,
        beep: "false",
        statusCallback: url(voicePaths.conferenceEvents(entryId)),
        statusCallbackEvent: CONFERENCE_EVENTS,
        statusCallbackMethod: "POST",
      },
      conference,
    );
  return twiml;
}

/** What one round of the waitUrl holds: the announcement, the in-queue menu, then hold music. */
export interface WaitRound {
  /** The caller's place: waiting (announced), or being connected (an offer rings: music only). */
  status: "queued" | "offered";
  /** "You are number 2 in line. Your wait is about 3 minutes." */
  announcement?: string | undefined;
}

/** How many plays of the hold music come closest to `announceEvery` seconds (at least one). */
export function musicLoops(announceEvery: number, musicSeconds: number): number {
  return Math.max(1, Math.round(announceEvery / musicSeconds));
}

/**
 * A round of waiting (Twilio requests the waitUrl again when it ends): the position and wait, the
 * menu's prompt, and the hold music, all inside a <Gather> so that a key pressed at any moment counts.
 */
export function queueWait(ctx: FlowContext, facts: CallFacts, id: string, round: WaitRound): Twiml {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  const music = turn.url(node.queue.holdMusic);
  const loop = node.queue.holdMusic === HOLD_MUSIC.path ? musicLoops(node.queue.announceEvery, HOLD_MUSIC.seconds) : 1;
  if (round.status === "offered") {
    turn.twiml.play({ loop: 1 }, music);
    return turn.twiml;
  }
  if (round.announcement) turn.twiml.say(sayAttributes(ctx), round.announcement);
  const menu = node.queue.menu;
  if (!menu) {
    turn.twiml.play({ loop }, music);
    return turn.twiml;
  }
  const gather = turn.twiml.gather({ input: ["dtmf"], numDigits: 1, action: turn.url(voicePaths.queueMenu(id)), method: "POST", timeout: 1 });
  turn.prompt(menu.prompt, gather);
  gather.play({ loop }, music);
  return turn.twiml;
}

/**
 * A key pressed in the line. The route has already tried what the option asks (a call back keeps the
 * place only while no offer rings); `done` says whether it could. Leaving: <Leave>, and the <Enqueue>
 * action then goes on (queueLeft).
 */
export function queueMenuChoice(ctx: FlowContext, facts: CallFacts, id: string, digits: string | undefined, done: boolean | "no-option"): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.event("queue.key", id, { digits: digits ?? null, result: done === "no-option" ? "invalid" : done ? "leaving" : "connecting" });
  if (done === "no-option") {
    turn.twiml.say(sayAttributes(ctx), "Sorry, that is not one of the options.");
    return turn;
  }
  if (!done) {
    turn.twiml.say(sayAttributes(ctx), "Please hold: we are connecting you now.");
    return turn;
  }
  void node;
  turn.twiml.leave();
  return turn;
}

/** The option of the in-queue menu a key chooses. */
export function queueOption(ctx: FlowContext, id: string, digits: string | undefined) {
  return queueDepartment(ctx, id).queue.menu?.options.find((option) => option.key === digits);
}

/** The caller left the line (<Leave>): on to where the reason they left says. */
export function queueLeft(ctx: FlowContext, facts: CallFacts, id: string, because: LeftBecause): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.event("queue.left", id, { because });
  switch (because) {
    case "callback":
      turn.call.outcome = "callback";
      turn.twiml.say(sayAttributes(ctx), `Thank you. You keep your place in line, and we will call you back on this number when it is your turn. Goodbye.`);
      turn.twiml.hangup();
      return turn;
    case "nobody":
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.enter(node.queue.whenNobody);
      return turn;
    case "full":
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.enter(node.queue.whenFull);
      return turn;
    case "max-wait":
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.enter(node.queue.afterMaxWait);
      return turn;
    case "error":
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.twiml.say(sayAttributes(ctx), "Sorry, we could not keep you in line.");
      turn.enter(node.queue.whenNobody);
      return turn;
    default: {
      const option = queueOption(ctx, id, because.slice("option:".length));
      turn.effects.push({ type: "transfer-end", result: "deflected" });
      turn.enter(option?.goto ?? node.queue.whenNobody);
      return turn;
    }
  }
}

export interface OfferFacts {
  department: string;
  kind: "call" | "callback";
  city?: string | null | undefined;
  waitedSeconds: number;
}

/** "2 minutes", "1 minute", "less than a minute". */
export function spokenMinutes(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "less than a minute";
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** What the agent hears when they answer an offer: "Billing call from Sydney, waiting 2 minutes. Press 1 to accept." */
export function offerWhisperText(offer: OfferFacts): string {
  const waited = spokenMinutes(offer.waitedSeconds);
  return offer.kind === "callback"
    ? `Call back to a ${offer.department.toLowerCase()} customer who waited ${waited}. Press 1 to accept.`
    : `${offer.department} call${offer.city ? ` from ${offer.city}` : ""}, waiting ${waited}. Press 1 to accept.`;
}

/**
 * The whisper on the agent's call: the offer, and a key to accept it, so that an agent's voicemail
 * never takes a customer's call. No key: the call ends and the offer is missed.
 */
export function offerWhisper(ctx: FlowContext, offerId: number, offer: OfferFacts): Twiml {
  const twiml = new TwimlResponse();
  const url = (path: string) => new URL(path, `${ctx.baseUrl}/`).toString();
  const gather = twiml.gather({ input: ["dtmf"], numDigits: 1, timeout: 8, action: url(voicePaths.offerAccept(offerId)), method: "POST" });
  gather.say(sayAttributes(ctx), offerWhisperText(offer));
  twiml.say(sayAttributes(ctx), "No key was pressed. The call will be offered to someone else.");
  twiml.hangup();
  return twiml;
}

/** Said to an agent whose offer is over before they took it, and the call ends. */
export function offerGone(ctx: FlowContext, why: "gone" | "declined"): Twiml {
  const twiml = new TwimlResponse();
  twiml.say(sayAttributes(ctx), why === "gone" ? "Sorry, the caller is no longer waiting." : "You declined the call. It will be offered to someone else.");
  twiml.hangup();
  return twiml;
}

/** Conference events the centre follows: who joined and left, and the end. */
const CONFERENCE_EVENTS: VoiceResponse.ConferenceAttributes["statusCallbackEvent"] = ["start", "end", "join", "leave"];

/**
 * The agent accepted: they join the caller's conference. The conversation starts when the caller
 * joins (after the recording notice, if any); an agent hanging up ends it for the caller, who then
 * hears the survey (the caller's <Dial action>).
 */
export function agentJoins(ctx: FlowContext, id: string, entryId: number, conference: string, customer: "caller" | "callback"): Twiml {
  const node = queueDepartment(ctx, id);
  const twiml = new TwimlResponse();
  const url = (path: string) => new URL(path, `${ctx.baseUrl}/`).toString();
  twiml.say(sayAttributes(ctx), customer === "callback" ? "Calling the customer now." : "Connecting.");
  twiml
    .dial({ action: url(voicePaths.agentLeft(entryId)), method: "POST" })
    .conference(
      {
        startConferenceOnEnter: false,
        endConferenceOnExit: true,
        beep: "false",
        waitUrl: customer === "callback" ? url(HOLD_MUSIC.path) : "",
        // Twilio takes a conference's recording settings from its first participant: the agent. It
        // starts with the conference, when the caller joins after the notice.
        ...recordAttributes(node, url, entryId),
        statusCallback: url(voicePaths.conferenceEvents(entryId)),
        statusCallbackEvent: CONFERENCE_EVENTS,
        statusCallbackMethod: "POST",
      },
      conference,
    );
  return twiml;
}

/**
 * The caller (or the customer of a call back, who has just answered) joins the conversation: the
 * recording notice first when the department records, then the conference.
 */
export function callerJoins(ctx: FlowContext, facts: CallFacts, id: string, entryId: number, conference: string, customer: "caller" | "callback"): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.event(customer === "callback" ? "callback.connected" : "queue.connected", id, { conference });
  turn.call.outcome = "answered";
  if (customer === "callback") turn.prompt(ctx.flow.callback.greeting);
  if (node.queue.record) turn.prompt(node.queue.record.notice);
  turn.twiml
    .dial({ action: turn.url(voicePaths.callerLeft(entryId)), method: "POST" })
    .conference(
      {
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        beep: "false",
        ...recordAttributes(node, (path) => turn.url(path), entryId),
        statusCallback: turn.url(voicePaths.conferenceEvents(entryId)),
        statusCallbackEvent: CONFERENCE_EVENTS,
        statusCallbackMethod: "POST",
      },
      conference,
    );
  return turn;
}

/**
 * The caller's conference ended and they are still on the line: the agent hung up first. The survey,
 * when the department has one; else goodbye.
 */
export function conversationOver(ctx: FlowContext, facts: CallFacts, id: string, entryId: number): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  const survey = node.queue.survey;
  if (!survey) {
    turn.goodbye();
    return turn;
  }
  turn.event("survey.offered", id);
  const gather = turn.twiml.gather({ input: ["dtmf"], numDigits: 1, timeout: 8, action: turn.url(voicePaths.surveyScore(entryId)), method: "POST" });
  turn.prompt(survey.prompt, gather);
  turn.goodbye();
  return turn;
}

/** The survey's score came back: thanks, or the comment to record first. */
export function surveyScored(ctx: FlowContext, facts: CallFacts, id: string, entryId: number, score: number | undefined): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  const survey = node.queue.survey;
  turn.event("survey.scored", id, { score: score ?? null });
  if (score === undefined) {
    turn.twiml.say(sayAttributes(ctx), "Sorry, that is not a score from 1 to 5.");
    turn.goodbye();
    return turn;
  }
  if (survey?.comment) {
    turn.prompt(survey.commentPrompt);
    turn.twiml.record({ action: turn.url(voicePaths.surveyComment(entryId)), method: "POST", maxLength: 60, timeout: 3, finishOnKey: "#", playBeep: true });
  }
  turn.prompt(survey?.thanks);
  turn.twiml.hangup();
  return turn;
}

/** After the survey's comment was recorded. */
export function surveyThanks(ctx: FlowContext, facts: CallFacts, id: string): FlowResult {
  const node = queueDepartment(ctx, id);
  const turn = new Turn(ctx, facts);
  turn.prompt(node.queue.survey?.thanks as Prompt | undefined);
  turn.twiml.hangup();
  return turn;
}

/** An agent's conference ended (the caller left, or the call back's customer never answered). */
export function agentDone(ctx: FlowContext, because: "ended" | "unanswered"): Twiml {
  const twiml = new TwimlResponse();
  if (because === "unanswered") twiml.say(sayAttributes(ctx), "The customer did not answer. We will try again later.");
  twiml.hangup();
  return twiml;
}

/** A recording department's conference is recorded from its start; its status comes to the entry's URL. */
function recordAttributes(node: QueueDepartment, url: (path: string) => string, entryId: number): Partial<VoiceResponse.ConferenceAttributes> {
  if (!node.queue.record) return {};
  return {
    record: "record-from-start",
    recordingStatusCallback: url(voicePaths.conferenceRecording(entryId)),
    recordingStatusCallbackMethod: "POST",
    recordingStatusCallbackEvent: ["in-progress", "completed", "absent"],
  };
}

function sayAttributes(ctx: FlowContext) {
  return { voice: ctx.flow.voice as SayVoice, language: ctx.flow.language as SayLanguage };
}
