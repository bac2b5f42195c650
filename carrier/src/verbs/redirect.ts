import type { RedirectNode } from "../twiml/nodes.js";
import type { Verb } from "./verb.js";

/** <Redirect>: requests the URL (POST by default); its document replaces this one. An empty
 * <Redirect/> is undocumented; like compatible engines, it ends the call. */
export const redirectVerb: Verb<RedirectNode> = {
  answers: true,
  async run(node, ctx) {
    if (!node.url) {
      ctx.call.timeline.add("redirect", { url: "", note: "empty <Redirect/> ends the call" });
      return { type: "end" };
    }
    const url = ctx.resolve(node.url);
    ctx.call.timeline.add("redirect", { url, method: node.method });
    return { type: "request", url, method: node.method };
  },
};
