import type { RecordNode } from "../twiml/nodes.js";
import { speakingSeconds } from "../calls/input.js";
import { NEXT, type Verb } from "./verb.js";
import { waitForInputOrTimeout } from "./media.js";
import { recordActionParams } from "../calls/twilio-params.js";

/**
 * <Record> (docs/twilio-contract.md §2.7): a beep, then the handset's speech is recorded until a
 * silence of `timeout` seconds, a finishOnKey key, maxLength, or hangup. The action gets
 * RecordingUrl, RecordingDuration and Digits; an empty recording (nothing said) makes no request
 * and falls through. Transcription (2–120 s) and the recording status callback follow.
 * A person at the softphone types what they say: typing is not silence, so the silence timer
 * starts again at each keystroke the softphone reports, and the text they send is the speech.
 */
export const recordVerb: Verb<RecordNode> = {
  answers: true,
  async run(node, ctx) {
    const { call, clock, signal } = ctx;
    if (node.playBeep) call.timeline.add("beep");
    call.input.arm({ speech: true });
    call.setActivity("recording");
    call.timeline.add("record", {
      maxLength: node.maxLength,
      timeout: node.timeout,
      finishOnKey: node.finishOnKey,
      transcribe: node.transcribe,
      trim: node.trim,
      ...(node.action ? { action: node.action } : {}),
    });
    const started = clock.now().getTime();
    const said: string[] = [];
    // When the caller was first and last heard (speech, or typing, which is speaking at the
    // softphone): what lies outside is the silence trim="trim-silence" removes.
    let soundFrom: number | undefined;
    let soundTo = 0;
    const heard = (from: number, to: number) => {
      soundFrom ??= from;
      soundTo = Math.max(soundTo, to);
    };
    let finishedBy: string | undefined;
    try {
      for (;;) {
        const elapsed = clock.now().getTime() - started;
        const left = node.maxLength * 1000 - elapsed;
        if (left <= 0) break;
        const wait = node.timeout > 0 ? Math.min(node.timeout * 1000, left) : left;
        const waited = await waitForInputOrTimeout(ctx, wait, signal, { typing: node.timeout > 0 });
        if (waited === "aborted") {
          finishedBy = call.isEnded ? "hangup" : undefined;
          break;
        }
        if (waited === "timeout") break;
        const at = clock.now().getTime() - started;
        if (waited === "typing") {
          heard(at, at);
          continue;
        }
        const input = call.input.take();
        if (!input) continue;
        if (input.kind === "speech") {
          said.push(input.text);
          heard(at, at + speakingSeconds(input.text) * 1000);
          continue;
        }
        if (node.finishOnKey.includes(input.key)) {
          finishedBy = input.key;
          break;
        }
      }
    } finally {
      call.input.disarm();
    }
    if (!call.isEnded && signal.aborted) return NEXT; // replaced by a REST update

    const transcript = said.join(" ");
    const elapsedSeconds = (clock.now().getTime() - started) / 1000;
    const untrimmed = Math.max(1, Math.ceil(Math.max(speakingSeconds(transcript), Math.min(elapsedSeconds, node.maxLength))));
    // Twilio trims the silence before and after the speech unless trim="do-not-trim" (its <Record>
    // page): what is left runs from the first sound to the last, so the silence that ended the
    // recording is gone too.
    const sounding = Math.max(speakingSeconds(transcript), (soundTo - (soundFrom ?? 0)) / 1000);
    const duration = node.trim === "trim-silence" ? Math.max(1, Math.min(untrimmed, Math.ceil(sounding))) : untrimmed;
    if (transcript === "") {
      call.timeline.add("record.empty", { finishedBy: finishedBy ?? "silence" });
      return NEXT;
    }
    const recording = ctx.recordings.finish(call, node, ctx.resolve, transcript, duration);
    call.timeline.add("recorded", { recordingSid: recording.sid, duration, finishedBy: finishedBy ?? "silence", transcript, trimmedSeconds: untrimmed - duration });
    const url = node.action !== undefined ? ctx.resolve(node.action) : ctx.documentUrl;
    if (!url) {
      call.timeline.add("error", { code: 11100, message: "<Record> without action in TwiML that has no URL" });
      return NEXT;
    }
    const params = recordActionParams({ sid: recording.sid, url: ctx.recordings.url(recording.sid), durationSeconds: duration, startTime: recording.startTime }, finishedBy ?? "");
    if (call.isEnded) {
      // The caller hung up: Twilio still requests the action; the response is not used.
      void ctx.webhooks.send({ url, method: node.method, params: { ...call.params(), ...params }, kind: "voice" }, "record-action");
      return NEXT;
    }
    return { type: "request", url, method: node.method, params };
  },
};
