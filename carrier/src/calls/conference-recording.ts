// Conference recording (Twilio's <Conference record="record-from-start"> and Participants create's
// ConferenceRecord): the recording begins when the conference starts and ends when it ends, one
// recording of the whole conference (source `Conference`, its `conference_sid` set, its `call_sid`
// the participant whose arrival started it). The recording settings are the first participant's, as
// the conference's status callback is. The recording itself is a continuous recording of
// calls/recordings.ts (pause, resume, stop over REST, trim, the WAV, the status callbacks), made of a
// stand-in for the conference: its SID, an end that comes when the conference ends, and a timeline
// where every participant's speaking and typing is heard (what trim="trim-silence" keeps).
import type { Clock } from "../clock.js";
import { Timeline } from "../timeline.js";
import type { ConferenceNoun } from "../twiml/nodes.js";
import type { Conference, Participant } from "./conference-room.js";
import type { Recorded, Recordings } from "./recordings.js";

/** What a conference is to record, read from the participant that made it. */
export interface ConferenceRecordSettings {
  trim: "trim-silence" | "do-not-trim";
  callback: { url: string; method: "GET" | "POST"; events: string[] } | undefined;
}

/** The sounds of a participant that the conference's recording hears. */
const SOUNDS: readonly string[] = ["caller.speech", "caller.typing"];

interface Recorder {
  settings: ConferenceRecordSettings;
  /** The stand-in recorded: started, it has a timeline and an end. */
  target?: Recorded & { readonly ended: AbortController };
  recordingSid?: string;
  /** Each participant's subscription, forwarding its sounds to the recording. */
  listening: Map<Participant, () => void>;
}

export class ConferenceRecording {
  private readonly recorders = new WeakMap<Conference, Recorder>();

  constructor(
    private readonly recordings: Recordings,
    private readonly clock: Clock,
  ) {}

  /** The settings of <Conference record="record-from-start">, callback URL resolved; undefined when not recording. */
  static settings(noun: ConferenceNoun, resolve: (url: string) => string): ConferenceRecordSettings | undefined {
    if (noun.record !== "record-from-start") return undefined;
    return {
      trim: noun.trim,
      callback: noun.recordingStatusCallback
        ? { url: resolve(noun.recordingStatusCallback), method: noun.recordingStatusCallbackMethod, events: noun.recordingStatusCallbackEvent }
        : undefined,
    };
  }

  /** A new conference is to be recorded from its start. */
  configure(conference: Conference, settings: ConferenceRecordSettings | undefined): void {
    if (settings) this.recorders.set(conference, { settings, listening: new Map() });
  }

  /** The conference started: its recording begins, `by` the participant whose arrival started it. */
  started(conference: Conference, by: Participant | undefined): void {
    const recorder = this.recorders.get(conference);
    if (!recorder || recorder.target) return;
    const ended = new AbortController();
    const target = {
      sid: conference.sid,
      accountSid: by?.call.accountSid ?? "",
      ended,
      get isEnded() {
        return ended.signal.aborted;
      },
      timeline: new Timeline(() => this.clock.now()),
    };
    recorder.target = target;
    for (const p of conference.participants) this.joined(conference, p);
    const callSid = by?.call.sid ?? conference.participants[0]?.call.sid ?? "";
    const recording = this.recordings.start(target, {
      source: "Conference",
      channels: 1,
      trim: recorder.settings.trim,
      callback: recorder.settings.callback,
      conference: { sid: conference.sid, callSid },
    });
    recorder.recordingSid = recording.sid;
    for (const p of conference.participants) p.call.timeline.add("recording.started", { recordingSid: recording.sid, source: "Conference", channels: 1 });
  }

  /** A participant is in: what it says is heard in the recording (while it is in the conference). */
  joined(conference: Conference, participant: Participant): void {
    const recorder = this.recorders.get(conference);
    const target = recorder?.target;
    if (!recorder || !target || recorder.listening.has(participant)) return;
    const unsubscribe = participant.call.timeline.subscribe((event) => {
      if (!conference.participants.includes(participant) || participant.muted || participant.hold) return;
      if (!SOUNDS.includes(event.type)) return;
      target.timeline.add("caller.speech", { text: typeof event.text === "string" ? event.text : "", accepted: true });
    });
    recorder.listening.set(participant, unsubscribe);
  }

  /** The conference ended: its recording ends with it. */
  ended(conference: Conference): void {
    const recorder = this.recorders.get(conference);
    if (!recorder?.target) return;
    for (const unsubscribe of recorder.listening.values()) unsubscribe();
    recorder.listening.clear();
    recorder.target.ended.abort();
  }
}
