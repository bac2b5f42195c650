import type { StartNode } from "../twiml/nodes.js";
import { NEXT, type Verb } from "./verb.js";

/**
 * <Start><Recording> (Twilio's <Recording> noun): starts recording the call at once and goes on
 * with the next verb; the recording runs until <Stop><Recording name>, a REST update
 * (Calls/{Sid}/Recordings, `Twilio.CURRENT` included) or the end of the call. Source
 * StartCallRecordingAPI (the one source Twilio's API lists for it); `channels` mono (default) or
 * dual, `track` inbound, outbound or both (default), with recordingStatusCallback*. A <Start> with
 * no <Recording> (a <Stream>, <Siprec>, <Transcription>: warned when parsed) does nothing.
 */
export const startVerb: Verb<StartNode> = {
  answers: true,
  async run(node, ctx) {
    const recording = node.recording;
    if (!recording) return NEXT;
    ctx.recordings.start(ctx.call, {
      source: "StartCallRecordingAPI",
      channels: recording.channels === "dual" ? 2 : 1,
      track: recording.track,
      trim: recording.trim,
      name: recording.name,
      callback: recording.recordingStatusCallback
        ? { url: ctx.resolve(recording.recordingStatusCallback), method: recording.recordingStatusCallbackMethod, events: recording.recordingStatusCallbackEvent }
        : undefined,
    });
    return NEXT;
  },
};
