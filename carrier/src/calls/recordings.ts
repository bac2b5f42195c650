// Recordings made by <Record>: kept for the REST API and their WAV media, followed by the
// recording status callback and, when asked for, the transcription callback.
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { Recording, Store } from "../store.js";
import type { RecordNode } from "../twiml/nodes.js";
import type { WebhookClient } from "../webhooks/client.js";
import type { RecordingsPort } from "./ports.js";
import type { Call } from "./call.js";
import { recordingStatusParams, transcriptionParams, type RecordingFacts } from "./twilio-params.js";

export class Recordings implements RecordingsPort {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly webhooks: WebhookClient,
  ) {}

  url(recordingSid: string): string {
    return this.store.recordingUrl(recordingSid);
  }

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
    this.store.recordings.set(recording.sid, recording);
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

/** A WAV file of `seconds` of quiet hum (8 kHz, 16-bit mono), standing in for the recorded audio. */
export function recordingWav(seconds: number): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.round(seconds * rate));
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write("RIFF", 0, "ascii");
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write("WAVEfmt ", 8, "ascii");
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write("data", 36, "ascii");
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buffer.writeInt16LE(Math.round(300 * Math.sin((2 * Math.PI * 120 * i) / rate)), 44 + i * 2);
  return buffer;
}
