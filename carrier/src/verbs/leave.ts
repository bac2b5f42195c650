import { leave } from "../calls/queues.js";
import type { LeaveNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Leave>: takes the caller out of the queue; execution resumes after the <Enqueue>. */
export const leaveVerb: Verb<LeaveNode> = {
  answers: true,
  async run(_node, ctx) {
    return leave(ctx);
  },
};
