import type { RejectNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Reject>: refuses the call without answering it. reason="busy" ends it busy, "rejected"
 * (the default) no-answer (docs/twilio-contract.md §2.8). After an answering verb it just hangs up. */
export const rejectVerb: Verb<RejectNode> = {
  answers: false,
  async run(node, ctx) {
    ctx.call.timeline.add("reject", { reason: node.reason });
    if (ctx.call.answeredAt) return { type: "end", status: "completed" };
    return { type: "end", status: node.reason === "busy" ? "busy" : "no-answer" };
  },
};
