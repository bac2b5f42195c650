import type { PlayNode } from "../twiml/nodes.js";
import { play } from "./media.js";
import { NEXT, type Verb } from "./verb.js";

/** <Play>: fetches the audio (GET, no parameters; not audio ⇒ 13420) and plays it `loop` times. */
export const playVerb: Verb<PlayNode> = {
  answers: true,
  async run(node, ctx) {
    await play(node, ctx, ctx.signal);
    return NEXT;
  },
};
