// <Dial record> (Twilio's <Dial> page): record-from-answer records from the moment the called party
// answers, record-from-ringing from the moment the Dial starts ringing, until the Dial ends; the
// `-dual` forms record two channels (the caller on one, the called party on the other). The
// recording belongs to the dialling call (source DialVerb), its status callback follows
// recordingStatusCallback*, and the Dial action gets RecordingUrl, RecordingSid and
// RecordingDuration. Kept apart from dial.ts so the Dial's own flow stays readable.
import { dialRecordingParams } from "../calls/twilio-params.js";
import type { Recording } from "../store.js";
import type { DialNode } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";
import type { VerbContext } from "./verb.js";

/** Starts the Dial's recording if it records from `moment` ("ringing" or "answer"). */
export function startDialRecording(node: DialNode, ctx: VerbContext, moment: "ringing" | "answer"): Recording | undefined {
  if (!node.record.startsWith(`record-from-${moment}`)) return undefined;
  return ctx.recordings.start(ctx.call, {
    source: "DialVerb",
    channels: node.record.endsWith("-dual") ? 2 : 1,
    trim: node.trim,
    callback: node.recordingStatusCallback
      ? { url: ctx.resolve(node.recordingStatusCallback), method: node.recordingStatusCallbackMethod, events: node.recordingStatusCallbackEvent }
      : undefined,
  });
}

/** Stops the Dial's recording (if any); the parameters it adds to the Dial action. */
export function stopDialRecording(recording: Recording | undefined, ctx: VerbContext): FormParams {
  if (!recording) return {};
  const stopped = ctx.recordings.stop(recording.sid) ?? recording;
  if (stopped.status !== "completed") return {};
  return dialRecordingParams({ sid: stopped.sid, url: ctx.recordings.url(stopped.sid), durationSeconds: stopped.durationSeconds, startTime: stopped.startTime });
}
