import type { StopNode } from "../twiml/nodes.js";
import { NEXT, type Verb } from "./verb.js";

/**
 * <Stop><Recording name> stops the recording a <Start><Recording name> began on this call (Twilio:
 * only a named recording can be stopped with TwiML; otherwise use the Recordings resource). With no
 * name, or a name no running recording has, nothing stops: a 12200 warning on the timeline.
 */
export const stopVerb: Verb<StopNode> = {
  answers: false,
  async run(node, ctx) {
    if (!node.recording) return NEXT;
    const { call } = ctx;
    const name = node.recording.name;
    const recording = name === undefined ? undefined : ctx.recordings.named(call.sid, name);
    if (recording) ctx.recordings.stop(recording.sid);
    else {
      call.timeline.add("warning", {
        code: 12200,
        message: name === undefined ? "<Stop><Recording> needs the name given to <Start><Recording>; nothing was stopped" : `no recording named "${name}" is running; nothing was stopped`,
      });
    }
    return NEXT;
  },
};
