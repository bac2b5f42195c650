import type { LeaveNode } from "../twiml/nodes.js";
import { schemaWarning } from "../twilio-error.js";
import { NEXT, type Verb } from "./verb.js";

/** <Leave>: takes the caller out of the queue; execution resumes after the <Enqueue>. */
export const leaveVerb: Verb<LeaveNode> = {
  answers: true,
  async run(_node, ctx) {
    if (!ctx.queues.leave(ctx.call)) ctx.call.timeline.add("warning", schemaWarning("<Leave> outside a queue's waitUrl"));
    return NEXT;
  },
};
