import type { SayNode } from "../twiml/nodes.js";
import { say } from "./media.js";
import { NEXT, type Verb } from "./verb.js";

/** <Say>: speaks the text (recorded on the timeline) for as long as it would take to say it. */
export const sayVerb: Verb<SayNode> = {
  answers: true,
  async run(node, ctx) {
    await say(node, ctx, ctx.signal);
    return NEXT;
  },
};
