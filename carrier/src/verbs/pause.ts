import type { PauseNode } from "../twiml/nodes.js";
import { pause } from "./media.js";
import { NEXT, type Verb } from "./verb.js";

/** <Pause>: silence for `length` seconds. */
export const pauseVerb: Verb<PauseNode> = {
  answers: true,
  async run(node, ctx) {
    await pause(node.length, ctx, ctx.signal);
    return NEXT;
  },
};
