// Messaging TwiML (the reply to an inbound SMS) → typed verb nodes. Same document rules as voice
// (docs/twilio-contract.md §1): 12100/12102 stop parsing, schema problems are 12200 warnings.
import type { MessageNode, MessagingParseResult, MessagingRedirectNode, MessagingVerb } from "./nodes.js";
import {
  caseHint,
  method,
  parseResponse,
  readAttributes,
  text,
  textOnly,
  type Builder,
  type Warn,
  type XmlElement,
} from "./xml.js";

const MESSAGE = { to: text(), from: text(), action: text(), method: method(), statusCallback: text() };
const REDIRECT = { method: method() };

/** Body = the message's own text plus any <Body> text; each <Media> adds one URL. */
function message(el: XmlElement, warn: Warn): MessageNode {
  const attrs = readAttributes(el, MESSAGE, warn);
  const media: string[] = [];
  const body = el.children.map((child) => {
    if (typeof child === "string") return child;
    if (child.name === "Body" || child.name === "Media") readAttributes(child, {}, warn);
    if (child.name === "Body") return textOnly(child, warn);
    if (child.name !== "Media") {
      warn(`<${child.name}> is not allowed inside <Message>${caseHint(child.name, ["Body", "Media"])}; it was ignored`);
    } else {
      const url = textOnly(child, warn);
      if (url === "") warn("An empty <Media> was ignored");
      else media.push(url);
    }
    return "";
  });
  return { verb: "Message", ...attrs, body: body.join("").trim(), media };
}

function redirect(el: XmlElement, warn: Warn): MessagingRedirectNode {
  return { verb: "Redirect", ...readAttributes(el, REDIRECT, warn), url: textOnly(el, warn) };
}

const VERBS: Record<MessagingVerb["verb"], Builder<MessagingVerb>> = {
  Message: message,
  Redirect: redirect,
};

export function parseMessagingTwiml(xml: string): MessagingParseResult {
  return parseResponse(xml, VERBS, "a messaging verb");
}
