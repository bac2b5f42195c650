import type { SmsNode } from "../twiml/nodes.js";
import { NEXT, type Verb } from "./verb.js";

/** Legacy <Sms> in a voice call: sends a message (to the caller, from the called number, by
 * default) and falls through, or requests `action` with SmsSid and SmsStatus. */
export const smsVerb: Verb<SmsNode> = {
  answers: true,
  async run(node, ctx) {
    const { call } = ctx;
    const inbound = call.direction === "inbound";
    const result = ctx.messages.send({
      to: node.to ?? (inbound ? call.from : call.to),
      from: node.from ?? (inbound ? call.to : call.from),
      body: node.text,
      statusCallback: node.statusCallback ? ctx.resolve(node.statusCallback) : undefined,
    });
    const sid = "sid" in result ? result.sid : "";
    const status = "sid" in result ? "sending" : "invalid";
    call.timeline.add("sms", { to: node.to ?? null, status, ...(sid ? { messageSid: sid } : {}) });
    if (node.action === undefined) return NEXT;
    return { type: "request", url: ctx.resolve(node.action), method: node.method, params: { SmsSid: sid, SmsStatus: status } };
  },
};
