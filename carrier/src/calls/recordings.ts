// Recordings, their one owner: those made by <Record> (finished when made), and the continuous
// recordings of a call — <Dial record>, REST Calls/{Sid}/Recordings and <Start><Recording> — which
// run from start to stop, paused and resumed on the way (Twilio's PCI pause: `skip` leaves the
// paused time out, `silence` keeps it as silence) and stop at the latest when the call ends. Each is
// kept for the REST API with its WAV media (recording-media.ts: on disk under DATA_DIR/recordings
// when the carrier has one), followed by the recording status callbacks asked for and, for
// <Record>, the transcription callback.
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { Recording, Store } from "../store.js";
import type { RecordNode } from "../twiml/nodes.js";
import type { WebhookClient } from "../webhooks/client.js";
import type { RecordingOptions, RecordingsPort } from "./ports.js";
import type { Call } from "./call.js";
import { speakingSeconds } from "./input.js";
import { RecordingFiles, recordingWav, type Segment } from "./recording-media.js";
import { recordingStatusParams, transcriptionParams, type RecordingFacts } from "./twilio-params.js";

export { recordingWav } from "./recording-media.js";

/**
 * What a continuous recording records: a call, or a conference (calls/conference-recording.ts) —
 * its SID, its end, and the timeline where its sound is heard and the recording's events go.
 */
export type Recorded = Pick<Call, "sid" | "accountSid" | "ended" | "isEnded" | "timeline">;

/** A recording still being made: its stretches so far, and the one running now. */
interface Active {
  recording: Recording;
  call: Recorded;
  options: RecordingOptions;
  segments: Segment[];
  /** The stretch running now (in-progress, or paused as silence); undefined while paused with skip. */
  current: { since: number; silent: boolean } | undefined;
  /** Where, in recorded time (ms), the line was first and last heard: what trim="trim-silence" keeps. */
  sound: { from: number; to: number } | undefined;
  stopListening: () => void;
}

/** Recorded time so far, in ms: the stretches done and the one running. */
function recordedMs(active: Active, now: number): number {
  return active.segments.reduce((sum, s) => sum + s.ms, 0) + (active.current ? now - active.current.since : 0);
}

/** The part of `segments` from `from` to `to` ms of recorded time. */
function slice(segments: Segment[], from: number, to: number): Segment[] {
  const kept: Segment[] = [];
  let at = 0;
  for (const segment of segments) {
    const start = Math.max(at, from);
    const end = Math.min(at + segment.ms, to);
    if (end > start) kept.push({ ms: end - start, silent: segment.silent });
    at += segment.ms;
  }
  return kept;
}

export class Recordings implements RecordingsPort {
  private readonly active = new Map<string, Active>();
  private readonly files: RecordingFiles;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly webhooks: WebhookClient,
    /** Where media and metadata are kept (DATA_DIR/recordings); none: made on demand, kept in memory. */
    dir?: string,
  ) {
    this.files = new RecordingFiles(dir);
    // Recordings of an earlier run whose media is on disk: served again, metadata and media.
    for (const recording of this.files.load()) if (!store.recordings.has(recording.sid)) store.recordings.set(recording.sid, recording);
  }

  url(recordingSid: string): string {
    return this.store.recordingUrl(recordingSid);
  }

  /** The WAV of a completed recording: from disk when written there, else made from its metadata. */
  media(sid: string): Buffer | undefined {
    const recording = this.store.recordings.get(sid);
    if (!recording || recording.status !== "completed") return undefined;
    return this.files.wav(sid) ?? recordingWav(recording.durationSeconds, recording.channels);
  }

  /** The file of a completed recording's WAV on disk, to stream; undefined when it has none there. */
  mediaFile(sid: string): string | undefined {
    return this.store.recordings.get(sid)?.status === "completed" ? this.files.file(sid) : undefined;
  }

  /** Deletes a recording, metadata and media; one still being made stops first, with no callback. */
  remove(sid: string): boolean {
    const active = this.active.get(sid);
    if (active) {
      active.stopListening();
      this.active.delete(sid);
    }
    this.files.remove(sid);
    return this.store.recordings.delete(sid);
  }

  private keep(recording: Recording, segments: Segment[]): void {
    this.store.recordings.set(recording.sid, recording);
    this.files.save(recording, segments);
  }

  // ---- continuous recordings --------------------------------------------------------------------

  /** Starts recording `call` (or a conference) now; it stops on `stop` or when the call ends. */
  start(call: Recorded, options: RecordingOptions): Recording {
    const now = this.clock.now();
    const recording: Recording = {
      sid: newSid("RE"),
      callSid: options.conference?.callSid ?? call.sid,
      ...(options.conference ? { conferenceSid: options.conference.sid } : {}),
      durationSeconds: -1,
      status: "in-progress",
      source: options.source,
      channels: options.channels,
      ...(options.track ? { track: options.track } : {}),
      transcript: "",
      dateCreated: now,
      dateUpdated: now,
      startTime: now,
    };
    this.store.recordings.set(recording.sid, recording);
    const stop = () => this.stop(recording.sid);
    call.ended.signal.addEventListener("abort", stop, { once: true });
    // Sound on the line, for trim-silence: the call's handset speaking or typing (a person at the
    // softphone types what they say), or another party heard while bridged.
    const unsubscribe = call.timeline.subscribe((event) => {
      if (!["caller.speech", "caller.typing", "heard"].includes(event.type)) return;
      if (!active.current || active.current.silent) return; // paused: not recorded
      const at = recordedMs(active, this.clock.now().getTime());
      const lasts = typeof event.text === "string" ? speakingSeconds(event.text) * 1000 : 0;
      active.sound = { from: active.sound?.from ?? at, to: Math.max(active.sound?.to ?? 0, at + lasts) };
    });
    const active: Active = {
      recording,
      call,
      options,
      segments: [],
      current: { since: now.getTime(), silent: false },
      sound: undefined,
      stopListening: () => {
        call.ended.signal.removeEventListener("abort", stop);
        unsubscribe();
      },
    };
    this.active.set(recording.sid, active);
    call.timeline.add("recording.started", { recordingSid: recording.sid, source: options.source, channels: options.channels, ...(options.name ? { name: options.name } : {}) });
    this.callback(active, "in-progress");
    // A call already over records nothing: its end will not come again to stop the recording.
    if (call.isEnded) this.stop(recording.sid);
    return recording;
  }

  /** The recordings of `call` (or of a conference, by its SID) being made now (in-progress or paused), oldest first. */
  activeOn(callSid: string): Recording[] {
    return [...this.active.values()].filter((a) => a.call.sid === callSid).map((a) => a.recording);
  }

  /** The recording of `call` started by <Start><Recording name>, if it is still being made. */
  named(callSid: string, name: string): Recording | undefined {
    return [...this.active.values()].find((a) => a.call.sid === callSid && a.options.name === name)?.recording;
  }

  /** Whether `sid` can still be paused, resumed or stopped. */
  isActive(sid: string): boolean {
    return this.active.has(sid);
  }

  /** Pauses: with `skip` the paused time is left out of the recording, with `silence` it is kept as silence. */
  pause(sid: string, behaviour: "skip" | "silence"): Recording | undefined {
    const active = this.active.get(sid);
    if (!active) return undefined;
    if (active.recording.status === "paused") return active.recording;
    this.closeStretch(active);
    active.current = behaviour === "silence" ? { since: this.clock.now().getTime(), silent: true } : undefined;
    this.setStatus(active, "paused");
    return active.recording;
  }

  resume(sid: string): Recording | undefined {
    const active = this.active.get(sid);
    if (!active) return undefined;
    if (active.recording.status === "in-progress") return active.recording;
    this.closeStretch(active);
    active.current = { since: this.clock.now().getTime(), silent: false };
    this.setStatus(active, "in-progress");
    return active.recording;
  }

  /**
   * Stops and finishes the recording: its duration is what was recorded (whole seconds, rounded),
   * its WAV is written, and its status callback sent. Nothing recorded (0 s) is `absent`, Twilio's
   * status for a recording with no audio.
   */
  stop(sid: string): Recording | undefined {
    const active = this.active.get(sid);
    if (!active) return this.store.recordings.get(sid);
    active.stopListening();
    this.active.delete(sid);
    this.closeStretch(active);
    active.current = undefined;
    const { recording, call } = active;
    // trim="trim-silence": only what lies between the first sound and the last is kept (nothing, if
    // the line was never heard); do-not-trim keeps the whole recording.
    if (active.options.trim === "trim-silence") {
      const recorded = recordedMs(active, this.clock.now().getTime());
      active.segments = active.sound ? slice(active.segments, active.sound.from, Math.min(recorded, active.sound.to)) : [];
    }
    const totalMs = active.segments.reduce((sum, s) => sum + s.ms, 0);
    const durationSeconds = Math.round(totalMs / 1000);
    // The media is exactly the duration: the rounding is taken from (or given to) the last stretch.
    const last = active.segments.at(-1);
    if (last) last.ms += durationSeconds * 1000 - totalMs;
    recording.durationSeconds = durationSeconds;
    recording.dateUpdated = this.clock.now();
    recording.status = durationSeconds === 0 ? "absent" : "completed";
    if (recording.status === "completed") this.keep(recording, active.segments);
    call.timeline.add("recording.stopped", { recordingSid: recording.sid, status: recording.status, duration: durationSeconds });
    this.callback(active, recording.status === "completed" ? "completed" : "absent");
    return recording;
  }

  private closeStretch(active: Active): void {
    const current = active.current;
    if (!current) return;
    active.segments.push({ ms: this.clock.now().getTime() - current.since, silent: current.silent });
    active.current = undefined;
  }

  private setStatus(active: Active, status: "in-progress" | "paused"): void {
    active.recording.status = status;
    active.recording.dateUpdated = this.clock.now();
    active.call.timeline.add(status === "paused" ? "recording.paused" : "recording.resumed", { recordingSid: active.recording.sid });
  }

  private callback(active: Active, status: "in-progress" | "completed" | "absent"): void {
    const callback = active.options.callback;
    if (!callback || !callback.events.includes(status)) return;
    const { recording, call } = active;
    const facts: RecordingFacts = { sid: recording.sid, url: this.url(recording.sid), durationSeconds: recording.durationSeconds, startTime: recording.startTime };
    const params = recordingStatusParams(call, facts, {
      status,
      channels: recording.channels,
      source: recording.source,
      track: recording.track,
      conferenceSid: recording.conferenceSid,
    });
    void this.webhooks.send({ url: callback.url, method: callback.method, params, kind: "callback" }, "recording-status", call);
  }

  // ---- <Record> ---------------------------------------------------------------------------------

  /** Keeps a finished <Record>ing, then sends its status callback and transcription as asked. */
  finish(call: Call, node: RecordNode, resolve: (url: string) => string, transcript: string, durationSeconds: number): Recording {
    const now = this.clock.now();
    const recording: Recording = {
      sid: newSid("RE"),
      callSid: call.sid,
      durationSeconds,
      status: "completed",
      source: "RecordVerb",
      channels: 1,
      transcript,
      dateCreated: now,
      dateUpdated: now,
      startTime: new Date(now.getTime() - durationSeconds * 1000),
    };
    this.keep(recording, [{ ms: durationSeconds * 1000, silent: false }]);
    const facts: RecordingFacts = { sid: recording.sid, url: this.url(recording.sid), durationSeconds, startTime: recording.startTime };

    if (node.recordingStatusCallback && node.recordingStatusCallbackEvent.includes("completed")) {
      void this.webhooks.send(
        { url: resolve(node.recordingStatusCallback), method: node.recordingStatusCallbackMethod, params: recordingStatusParams(call, facts), kind: "callback" },
        "recording-status",
        call,
      );
    }

    if (node.transcribe) {
      if (durationSeconds <= 2 || durationSeconds >= 120) {
        // Twilio transcribes only recordings longer than 2 s and shorter than 120 s.
        call.timeline.add("warning", { code: 13617, message: `recording of ${durationSeconds} s is outside 2–120 s: not transcribed` });
      } else if (node.transcribeCallback) {
        const sid = newSid("TR");
        const url = `${this.store.publicUrl}/2010-04-01/Accounts/${call.accountSid}/Transcriptions/${sid}`;
        void this.webhooks.send(
          { url: resolve(node.transcribeCallback), method: "POST", params: transcriptionParams(call, { sid, text: transcript, url }, facts), kind: "callback" },
          "transcription",
          call,
        );
      }
    }
    return recording;
  }
}
