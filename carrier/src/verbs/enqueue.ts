import type { EnqueueNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Enqueue>: the queues' owner (calls/queues.ts) runs it. */
export const enqueueVerb: Verb<EnqueueNode> = {
  answers: true,
  run: (node, ctx) => ctx.queues.enqueue(node, ctx),
};
