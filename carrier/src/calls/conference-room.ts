// What a conference is made of — the conference, its participants, its status callback — and its
// room, where who hears whom follows Twilio's rules: once the conference has started, a participant
// is heard by the others not on hold, unless muted or on hold; a coach only by the one it coaches.
// Nothing before the start. calls/conferences.ts owns the conferences and changes them.
import type { ConferenceEvent, ConferenceNoun } from "../twiml/nodes.js";
import type { Call } from "./call.js";
import type { SubDocumentResult } from "./ports.js";
import { Room } from "./rooms.js";

export type ConferenceStatus = "init" | "in-progress" | "completed";
export type ParticipantStatus = "connected" | "complete";

export interface Participant {
  readonly call: Call;
  label: string | undefined;
  muted: boolean;
  hold: boolean;
  /** What a participant on hold hears: a URL, "" for silence, undefined for Twilio's hold music. */
  holdUrl: string | undefined;
  holdMethod: "GET" | "POST";
  coaching: boolean;
  callSidToCoach: string | undefined;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** <Conference beep>: whether the others hear a beep when it joins, leaves, both or neither. */
  readonly beep: ConferenceNoun["beep"];
  status: ParticipantStatus;
  readonly dateCreated: Date;
  dateUpdated: Date;
  /** Aborted to take the participant out (REST delete, the conference ending). */
  readonly exit: AbortController;
  /** Why it was taken out, for the participant-leave callback. */
  exitReason?: string;
  /** Aborted to change what the participant hears (the start, hold on or off). */
  wake: AbortController;
  /** Runs an announcement document (REST AnnounceUrl) on the participant's call, by the one runner. */
  announce(url: string, method: "GET" | "POST"): Promise<SubDocumentResult>;
}

export interface StatusCallback {
  url: string;
  method: "GET" | "POST";
  events: Set<ConferenceEvent>;
}

export interface Conference {
  readonly sid: string;
  readonly friendlyName: string;
  status: ConferenceStatus;
  readonly dateCreated: Date;
  dateUpdated: Date;
  readonly maxParticipants: number;
  /** Everyone in it now, in the order they joined. */
  readonly participants: Participant[];
  readonly room: Room;
  readonly callback: StatusCallback | undefined;
  sequence: number;
  reasonEnded?: string;
  callSidEndingConference?: string;
}

/** The participant changes the REST resource can ask for. */
export interface ParticipantChange {
  muted?: boolean;
  hold?: boolean;
  holdUrl?: string;
  holdMethod?: "GET" | "POST";
  coaching?: boolean;
  callSidToCoach?: string;
  endConferenceOnExit?: boolean;
}

/** A conference's room: who hears whom follows Twilio's rules (above). */
export class ConferenceRoom extends Room {
  constructor(
    sid: string,
    private readonly conference: () => Conference,
    private readonly onSpeech: (speaker: Call, ms: number) => void = () => {},
  ) {
    super([], sid);
  }

  /** A participant was heard talking for `ms`: the conference's speaker events. */
  spoke(speaker: Call, ms: number): void {
    this.onSpeech(speaker, ms);
  }

  override heardBy(speaker: Call): readonly Call[] {
    const conference = this.conference();
    if (conference.status !== "in-progress") return [];
    const talker = conference.participants.find((p) => p.call === speaker);
    if (!talker || talker.muted || talker.hold) return [];
    const listeners = conference.participants.filter((p) => p !== talker && !p.hold);
    const heard = talker.coaching && talker.callSidToCoach ? listeners.filter((p) => p.call.sid === talker.callSidToCoach) : listeners;
    return heard.map((p) => p.call);
  }
}
