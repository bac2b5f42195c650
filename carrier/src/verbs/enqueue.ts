import type { EnqueueNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Enqueue>: the queues' owner (calls/queues.ts) runs it. */
export const enqueueVerb: Verb<EnqueueNode> = {
  answers: true,
  // No TaskRouter: the caller joins a plain queue.
  unhonoured: (node) => [...(node.workflowSid ? ["workflowSid"] : []), ...(node.maxQueueSize ? ["maxQueueSize"] : [])],
  run: (node, ctx) => ctx.queues.enqueue(node, ctx),
};
