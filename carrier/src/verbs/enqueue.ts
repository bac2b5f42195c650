import { enqueue } from "../calls/queues.js";
import type { EnqueueNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Enqueue>: see calls/queues.ts. */
export const enqueueVerb: Verb<EnqueueNode> = {
  answers: true,
  run: (node, ctx) => enqueue(node, ctx),
};
