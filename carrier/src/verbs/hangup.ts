import type { HangupNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Hangup>: ends the call (as the first verb the call is still answered). */
export const hangupVerb: Verb<HangupNode> = {
  answers: true,
  async run(_node, ctx) {
    ctx.call.timeline.add("hangup", { by: "twiml" });
    return { type: "end", status: "completed" };
  },
};
