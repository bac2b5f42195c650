import type { PauseNode } from "../twiml/nodes.js";
import { pause } from "./media.js";
import { NEXT, type Verb } from "./verb.js";

/** <Pause>: silence for `length` seconds. */
export const pauseVerb: Verb<PauseNode> = {
  // As the first verb a <Pause> delays answering; the next verb answers (docs/twilio-contract.md §2.3).
  answers: false,
  async run(node, ctx) {
    await pause(node.length, ctx, ctx.signal);
    return NEXT;
  },
};
