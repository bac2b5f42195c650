// Conferences, with one owner: <Dial><Conference> makes the call a participant of the named
// conference (created on first use), the REST Conferences and Participants resources read and change
// them. A conference is one more room (rooms.ts): its parties join and leave one by one, and its
// `heardBy` rule says who hears whom. Twilio's rules (the <Conference> page):
// - a conference exists while it has participants: `init` until a participant with
//   startConferenceOnEnter joins, then `in-progress`; `completed` when the last participant leaves,
//   a participant with endConferenceOnExit leaves, or REST ends it;
// - a participant waiting for the start hears the waitUrl document (only Say, Play, Pause and
//   Redirect run there, anything else is a 13238 warning), or Twilio's hold music (no waitUrl), or
//   silence (waitUrl=""); on hold it hears the holdUrl the same way;
// - in a started conference each participant is heard by the others not on hold, unless muted or on
//   hold; a coach is heard only by the participant it coaches (the room: calls/conference-room.ts);
// - the conference's status callback is the first participant's (statusCallback, events and method).
// The store emits "conference" on every change (a participant in or out, the start, an update).
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { Store } from "../store.js";
import type { ConferenceEvent, ConferenceNoun, DialNode, VerbName } from "../twiml/nodes.js";
import type { WebhookClient } from "../webhooks/client.js";
import type { Call } from "./call.js";
import { NEXT, type ConferencesPort, type Outcome, type VerbContext } from "./ports.js";
import { ConferenceRecording } from "./conference-recording.js";
import { ConferenceRoom, type Conference, type Participant, type ParticipantChange } from "./conference-room.js";
import { conferenceEventParams, dialActionParams, type DialResult } from "./twilio-params.js";

/** The verbs Twilio runs in a waitUrl, holdUrl or announceUrl document (error 13238 otherwise). */
export const CONFERENCE_WAIT_VERBS: readonly VerbName[] = ["Say", "Play", "Pause", "Redirect"];
/** Twilio's 13238: "Invalid Verb used in waitUrl, holdUrl, or announceUrl TwiML". */
export const WAIT_VERB_WARNING = 13238;
/** Twilio's default waitUrl and holdUrl: its hold music (not fetched: the carrier has no network). */
export const TWILIO_HOLD_MUSIC = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical";

/**
 * Completed conferences kept for REST; the oldest is forgotten first (Twilio keeps them for months,
 * a simulator running for days would run out of memory instead, as with calls).
 */
export const COMPLETED_KEPT = 1000;

export type { Conference, ConferenceStatus, Participant, ParticipantChange, ParticipantStatus, StatusCallback } from "./conference-room.js";

/** ReasonParticipantLeft for a participant removed over REST. */
export const KICKED = "participant-kicked";

/** ReasonParticipantLeft for a REST-added participant whose call ended before it joined (Twilio's spelling). */
export const ADD_FAILED = "participant_add_failed";

/** What a conference status callback says of a participant (one in it, or one that never joined). */
export type ParticipantSettings = Pick<
  Participant,
  "call" | "label" | "muted" | "hold" | "coaching" | "callSidToCoach" | "startConferenceOnEnter" | "endConferenceOnExit"
>;

/** The statusCallbackEvent word each callback event needs. */
const EVENT_WORD: Record<string, ConferenceEvent> = {
  "conference-start": "start",
  "conference-end": "end",
  "participant-join": "join",
  "participant-leave": "leave",
  "participant-mute": "mute",
  "participant-unmute": "mute",
  "participant-hold": "hold",
  "participant-unhold": "hold",
  "participant-modify": "modify",
  "participant-speech-start": "speaker",
  "participant-speech-stop": "speaker",
  "announcement-end": "announcement",
  "announcement-fail": "announcement",
};


export class Conferences implements ConferencesPort {
  /** Every conference, oldest first; completed ones are kept for REST. */
  private readonly all: Conference[] = [];
  /** Participants talking now, and when their current speech ends (clock ms). */
  private readonly talking = new WeakMap<Participant, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly webhooks: WebhookClient,
    /** Conference recording (record="record-from-start"): told of each start, join and end. */
    private readonly recording?: ConferenceRecording,
  ) {}

  /** Every conference, newest first (REST's list order). */
  list(): Conference[] {
    return [...this.all].reverse();
  }

  get(sid: string): Conference | undefined {
    return this.all.find((c) => c.sid === sid);
  }

  /** A participant by its CallSid or its label. */
  participant(conference: Conference, callSidOrLabel: string): Participant | undefined {
    return conference.participants.find((p) => p.call.sid === callSidOrLabel || p.label === callSidOrLabel);
  }

  /** The conference of that name still going (init or in-progress), or a new one. */
  private named(noun: ConferenceNoun, ctx: VerbContext): Conference {
    const going = this.all.find((c) => c.friendlyName === noun.name && c.status !== "completed");
    if (going) return going;
    const sid = newSid("CF");
    const now = this.clock.now();
    const conference: Conference = {
      sid,
      friendlyName: noun.name,
      status: "init",
      dateCreated: now,
      dateUpdated: now,
      maxParticipants: noun.maxParticipants,
      participants: [],
      room: new ConferenceRoom(
        sid,
        () => conference,
        (speaker, ms) => this.spoke(conference, speaker, ms),
      ),
      callback: noun.statusCallback
        ? { url: ctx.resolve(noun.statusCallback), method: noun.statusCallbackMethod, events: new Set(noun.statusCallbackEvent) }
        : undefined,
      sequence: 0,
    };
    this.all.push(conference);
    this.recording?.configure(conference, ConferenceRecording.settings(noun, ctx.resolve));
    return conference;
  }

  async join(node: DialNode, noun: ConferenceNoun, ctx: VerbContext): Promise<Outcome> {
    const { call, signal } = ctx;
    const finish = (result: DialResult): Outcome =>
      node.action === undefined ? NEXT : { type: "request", url: ctx.resolve(node.action), method: node.method, params: dialActionParams(result) };
    const conference = this.named(noun, ctx);
    if (conference.participants.length >= conference.maxParticipants) {
      call.timeline.add("dial.result", { status: "failed", reason: `conference ${noun.name} is full (${conference.maxParticipants} participants)` });
      return finish({ status: "failed" });
    }
    const now = this.clock.now();
    const participant: Participant = {
      call,
      label: noun.participantLabel,
      muted: noun.muted,
      hold: false,
      holdUrl: undefined,
      holdMethod: "GET",
      coaching: noun.coach !== undefined && noun.coach !== "",
      callSidToCoach: noun.coach || undefined,
      startConferenceOnEnter: noun.startConferenceOnEnter,
      endConferenceOnExit: noun.endConferenceOnExit,
      beep: noun.beep,
      status: "connected",
      dateCreated: now,
      dateUpdated: now,
      exit: new AbortController(),
      wake: new AbortController(),
      announce: (url, method) =>
        ctx.runSubDocument(url, {
          method,
          params: { ConferenceSid: conference.sid, FriendlyName: conference.friendlyName },
          allowedVerbs: CONFERENCE_WAIT_VERBS,
          notAllowedCode: WAIT_VERB_WARNING,
          signal: AbortSignal.any([participant.exit.signal, call.ended.signal]),
        }),
    };
    // Twilio's beep: the others hear it, never the participant joining.
    if (participant.beep === "true" || participant.beep === "onEnter") for (const p of conference.participants) p.call.timeline.add("beep");
    conference.participants.push(participant);
    conference.room.join(call);
    call.timeline.add("conference.join", {
      name: noun.name,
      conferenceSid: conference.sid,
      status: conference.status,
      muted: participant.muted,
      ...(participant.label ? { label: participant.label } : {}),
    });
    this.callback(conference, "participant-join", { participant });
    this.store.emit("conference", conference);
    this.recording?.joined(conference, participant);
    if (conference.status === "init" && participant.startConferenceOnEnter) this.start(conference, participant);

    const out = AbortSignal.any([signal, participant.exit.signal, call.ended.signal]);
    // <Dial timeLimit> holds in a conference too.
    void this.clock.sleep(node.timeLimit * 1000, out).then((r) => {
      if (r === "elapsed") this.remove(conference, participant, "time-limit");
    });
    // <Dial hangupOnStar>: the participant leaves the conference with *, its call going on.
    if (node.hangupOnStar) void this.leaveOnStar(conference, participant, out);
    while (!out.aborted) {
      participant.wake = new AbortController();
      const listening = AbortSignal.any([out, participant.wake.signal]);
      if (participant.hold) await this.hear(ctx, conference, participant, participant.holdUrl, participant.holdMethod, listening);
      else if (conference.status === "init") await this.hear(ctx, conference, participant, noun.waitUrl, noun.waitMethod, listening);
      else {
        call.setActivity("bridged");
        await untilAborted(listening);
      }
    }
    const seconds = Math.round((this.clock.now().getTime() - participant.dateCreated.getTime()) / 1000);
    // Still in: it hung up, or a REST update moved its call elsewhere.
    this.leave(conference, participant, call.isEnded ? "participant-hung-up" : "participant-updated-via-api");
    const reason = participant.exitReason ?? "participant-left";
    call.timeline.add("conference.leave", { conferenceSid: conference.sid, reason, duration: seconds });
    if (call.isEnded || signal.aborted) return NEXT;
    call.timeline.add("dial.result", { status: "completed", duration: seconds });
    return finish({ status: "completed", durationSeconds: seconds });
  }

  /**
   * What a waiting or held participant hears until `listening` aborts: the document at `url` (once:
   * a document that runs out leaves silence, as Twilio's own hold music loops by <Redirect>), Twilio's
   * hold music when there is none, or silence for "".
   */
  private async hear(
    ctx: VerbContext,
    conference: Conference,
    participant: Participant,
    url: string | undefined,
    method: "GET" | "POST",
    listening: AbortSignal,
  ): Promise<void> {
    const { call } = ctx;
    call.setActivity("bridged");
    const music = url === undefined ? TWILIO_HOLD_MUSIC : url === "" ? "silence" : ctx.resolve(url);
    call.timeline.add("conference.wait", { conferenceSid: conference.sid, hold: participant.hold, music });
    if (url) {
      await ctx.runSubDocument(music, {
        method,
        params: { ConferenceSid: conference.sid, FriendlyName: conference.friendlyName },
        allowedVerbs: CONFERENCE_WAIT_VERBS,
        notAllowedCode: WAIT_VERB_WARNING,
        signal: listening,
      });
      call.setActivity("bridged");
    }
    await untilAborted(listening);
  }

  private async leaveOnStar(conference: Conference, participant: Participant, out: AbortSignal): Promise<void> {
    const { input } = participant.call;
    input.arm();
    try {
      for (;;) {
        await input.waitForInput(out);
        if (out.aborted) return;
        const key = input.take();
        if (key?.kind === "digit" && key.key === "*") return this.remove(conference, participant, "hangup-on-star");
      }
    } finally {
      input.disarm();
    }
  }

  private start(conference: Conference, by: Participant): void {
    conference.status = "in-progress";
    conference.dateUpdated = this.clock.now();
    for (const p of conference.participants) {
      p.call.timeline.add("conference.status", { conferenceSid: conference.sid, status: "in-progress" });
      p.wake.abort();
    }
    this.callback(conference, "conference-start", {});
    this.recording?.started(conference, by);
    this.store.emit("conference", conference);
  }

  /** The participant is out; the conference ends after the last one, or an endConferenceOnExit one. */
  private leave(conference: Conference, participant: Participant, reason: string): void {
    const at = conference.participants.indexOf(participant);
    if (at < 0) return;
    participant.exitReason = reason;
    conference.participants.splice(at, 1);
    if (participant.beep === "true" || participant.beep === "onExit") for (const p of conference.participants) p.call.timeline.add("beep");
    conference.room.leave(participant.call);
    participant.status = "complete";
    participant.dateUpdated = this.clock.now();
    this.callback(conference, "participant-leave", { participant, reasonLeft: reasonLeft(reason, conference), participantCallStatus: participant.call.status });
    this.store.emit("conference", conference);
    if (conference.status === "completed") return;
    // Twilio's ReasonConferenceEnded tells a participant who left from one removed over REST.
    const how = reason === KICKED ? "kicked" : "left";
    if (participant.endConferenceOnExit) {
      this.end(conference, `participant-with-end-conference-on-exit-${how}`, participant);
    } else if (conference.participants.length === 0) {
      this.end(conference, `last-participant-${how}`, participant);
    }
  }

  /** Ends the conference: every participant leaves it, each call going on with its Dial action. */
  end(conference: Conference, reason: string, by?: Participant): void {
    if (conference.status === "completed") return;
    conference.status = "completed";
    conference.dateUpdated = this.clock.now();
    conference.reasonEnded = reason;
    if (by) conference.callSidEndingConference = by.call.sid;
    for (const p of [...conference.participants, ...(by ? [by] : [])]) {
      p.call.timeline.add("conference.status", { conferenceSid: conference.sid, status: "completed", reason });
    }
    this.callback(conference, "conference-end", {
      reasonEnded: reason,
      endedBy: by ? { callSid: by.call.sid, label: by.label } : undefined,
    });
    for (const p of [...conference.participants]) this.remove(conference, p, "conference-ended");
    this.recording?.ended(conference);
    this.store.emit("conference", conference);
    const completed = this.all.filter((c) => c.status === "completed");
    for (const old of completed.slice(0, Math.max(0, completed.length - COMPLETED_KEPT))) this.all.splice(this.all.indexOf(old), 1);
  }

  /**
   * Takes a participant out of its conference at once (REST delete: `KICKED`, the conference ending,
   * its time limit); its call goes on with its Dial action.
   */
  remove(conference: Conference, participant: Participant, reason: string): void {
    this.leave(conference, participant, reason);
    participant.exit.abort();
  }

  /** Mutes, holds, coaches a participant (REST update); callbacks as Twilio sends them. */
  update(conference: Conference, participant: Participant, change: ParticipantChange): void {
    const was = { muted: participant.muted, hold: participant.hold };
    if (change.muted !== undefined) participant.muted = change.muted;
    if (change.holdUrl !== undefined) participant.holdUrl = change.holdUrl;
    if (change.holdMethod !== undefined) participant.holdMethod = change.holdMethod;
    if (change.hold !== undefined) participant.hold = change.hold;
    if (change.coaching !== undefined) participant.coaching = change.coaching;
    if (change.callSidToCoach !== undefined) participant.callSidToCoach = change.callSidToCoach;
    if (change.endConferenceOnExit !== undefined) participant.endConferenceOnExit = change.endConferenceOnExit;
    participant.dateUpdated = this.clock.now();
    participant.call.timeline.add("conference.update", {
      conferenceSid: conference.sid,
      muted: participant.muted,
      hold: participant.hold,
      coaching: participant.coaching,
    });
    if (was.muted !== participant.muted) this.callback(conference, participant.muted ? "participant-mute" : "participant-unmute", { participant });
    if (was.hold !== participant.hold) {
      this.callback(conference, participant.hold ? "participant-hold" : "participant-unhold", { participant });
      participant.wake.abort();
    }
    this.store.emit("conference", conference);
    if (change.coaching !== undefined || change.callSidToCoach !== undefined || change.endConferenceOnExit !== undefined) {
      this.callback(conference, "participant-modify", { participant });
    }
  }

  /**
   * Plays the announcement document at `url` to `to` (every participant by default: REST
   * Conferences update; one: Participants update), over what they hear; then announcement-end, or
   * announcement-fail when it could not be had for one of them.
   */
  announce(conference: Conference, url: string, method: "GET" | "POST", to: readonly Participant[] = conference.participants): void {
    void Promise.all(to.map((p) => p.announce(url, method))).then((results) => {
      this.callback(conference, results.includes("failed") ? "announcement-fail" : "announcement-end", {});
    });
  }

  /**
   * A participant was heard (the room said so: not muted, not on hold, the conference started)
   * saying something that lasts `ms`: participant-speech-start now, unless it is still talking, and
   * participant-speech-stop when its last words end. One that leaves while talking sends no stop.
   */
  private spoke(conference: Conference, speaker: Call, ms: number): void {
    const participant = conference.participants.find((p) => p.call === speaker);
    if (!participant) return;
    const until = this.clock.now().getTime() + ms;
    const was = this.talking.get(participant);
    this.talking.set(participant, Math.max(until, was ?? 0));
    if (was !== undefined) return;
    const speaking = (on: boolean) => speaker.timeline.add("conference.speech", { conferenceSid: conference.sid, speaking: on });
    speaking(true);
    this.callback(conference, "participant-speech-start", { participant });
    const gone = AbortSignal.any([participant.exit.signal, speaker.ended.signal]);
    const wait = async (): Promise<void> => {
      for (;;) {
        const left = (this.talking.get(participant) ?? 0) - this.clock.now().getTime();
        if (left <= 0) break;
        if ((await this.clock.sleep(left, gone)) !== "elapsed") {
          this.talking.delete(participant);
          return;
        }
      }
      this.talking.delete(participant);
      speaking(false);
      if (conference.participants.includes(participant)) this.callback(conference, "participant-speech-stop", { participant });
    };
    void wait();
  }

  /**
   * A participant added over REST whose call ended before it joined (unanswered, busy, failed,
   * canceled): Twilio's participant-leave with ReasonParticipantLeft=participant_add_failed and the
   * call's status, if conference `name` is going and asked for leave events.
   */
  addFailed(name: string, participant: ParticipantSettings): void {
    const conference = this.all.find((c) => c.friendlyName === name && c.status !== "completed");
    if (!conference) return;
    this.callback(conference, "participant-leave", { participant, reasonLeft: ADD_FAILED, participantCallStatus: participant.call.status });
  }

  /** Sends a conference status callback, if the conference has one and asked for this event. */
  private callback(
    conference: Conference,
    event: string,
    facts: { participant?: ParticipantSettings; reasonEnded?: string; endedBy?: { callSid: string; label?: string | undefined }; reasonLeft?: string; participantCallStatus?: string },
  ): void {
    const config = conference.callback;
    const word = EVENT_WORD[event];
    if (!config || !word || !config.events.has(word)) return;
    const p = facts.participant;
    const params = conferenceEventParams({
      accountSid: this.store.account.sid,
      conferenceSid: conference.sid,
      friendlyName: conference.friendlyName,
      event,
      sequenceNumber: ++conference.sequence,
      at: this.clock.now(),
      participant: p
        ? {
            callSid: p.call.sid,
            label: p.label,
            muted: p.muted,
            hold: p.hold,
            coaching: p.coaching,
            callSidToCoach: p.callSidToCoach,
            startConferenceOnEnter: p.startConferenceOnEnter,
            endConferenceOnExit: p.endConferenceOnExit,
          }
        : undefined,
      reasonEnded: facts.reasonEnded,
      endedBy: facts.endedBy,
      reasonLeft: facts.reasonLeft,
      participantCallStatus: facts.participantCallStatus,
    });
    void this.webhooks.send({ url: config.url, method: config.method, params, kind: "callback" }, "conference-status-callback", p?.call);
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/**
 * ReasonParticipantLeft as Twilio spells it (its <Conference> page: conference_ended_via_api,
 * moderator_ended_conference, participant_updated_via_api, participant_hung_up,
 * participant_add_failed), from the carrier's own reason. The Dial's timeLimit and hangupOnStar,
 * for which Twilio names no value, keep the carrier's (`time-limit`, `hangup-on-star`).
 */
export function reasonLeft(reason: string, conference: Conference): string {
  switch (reason) {
    case "participant-hung-up":
      return "participant_hung_up";
    case KICKED:
    case "participant-updated-via-api":
      return "participant_updated_via_api";
    case "conference-ended":
      return conference.reasonEnded === "conference-ended-via-api" ? "conference_ended_via_api" : "moderator_ended_conference";
    default:
      return reason;
  }
}
