// SMS: messages sent through REST (or a TwiML reply) are delivered to the handset, with status
// callbacks queued → sent → delivered; messages a handset sends go to the number's SmsUrl, and the
// <Message> replies come back. Opt-out keywords behave as Twilio's defaults (docs/twilio-contract.md §6).
import { MAX_MESSAGING_DOCUMENTS, MAX_REPLIES_PER_MESSAGE, MESSAGING_DOCUMENTS_EXCEEDED, REPLIES_EXCEEDED } from "../limits.js";
import { E164 } from "../numbering.js";
import { newSid } from "../sids.js";
import type { Message, MessageStatus, Store } from "../store.js";
import { parseMessagingTwiml } from "../twiml/parse-messaging.js";
import { conversationCookies } from "../webhooks/cookies.js";
import type { WebhookClient } from "../webhooks/client.js";
import type { TwilioError } from "../twilio-error.js";
import type { FormParams } from "../webhooks/signature.js";

/** The Content-Types Twilio runs as TwiML (docs/twilio-contract.md §1); 12300 for others. */
const TWIML_TYPES = new Set(["text/xml", "application/xml", "text/html"]);
const INVALID_CONTENT_TYPE = 12300;

export type { TwilioError } from "../twilio-error.js";

const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const OPT_IN = new Set(["START", "YES", "UNSTOP"]);
const HELP = new Set(["HELP", "INFO"]);

export const OPT_OUT_REPLY =
  "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.";
export const OPT_IN_REPLY = "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe.";
export const HELP_REPLY = "Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

/** GSM-7 needs 160 characters a segment (153 when split); anything else is UCS-2 (70 / 67). */
export function segments(body: string): number {
  const gsm = /^[A-Za-z0-9 \r\n@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/.test(body);
  const length = gsm ? [...body].reduce((n, ch) => n + ("^{}\\[~]|€".includes(ch) ? 2 : 1), 0) : [...body].length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return length <= single ? 1 : Math.ceil(length / multi);
}

export function sendMessage(
  store: Store,
  webhooks: WebhookClient,
  m: { to: string; from: string; body: string; mediaUrls?: string[]; direction: Message["direction"]; statusCallback?: string | undefined },
): { message: Message } | { error: TwilioError } {
  if (!m.to) return { error: { code: 21604, message: "A 'To' phone number is required.", status: 400 } };
  if (!E164.test(m.to)) return { error: { code: 21211, message: `The 'To' number ${m.to} is not a valid phone number.`, status: 400 } };
  if (!m.from) return { error: { code: 21603, message: "A 'From' phone number is required.", status: 400 } };
  if (!store.numberByPhone(m.from)) {
    return { error: { code: 21606, message: `The From phone number ${m.from} is not a valid, SMS-capable inbound phone number or short code for your account.`, status: 400 } };
  }
  if (!m.body && !(m.mediaUrls?.length)) return { error: { code: 21602, message: "Message body is required.", status: 400 } };
  if (m.body.length > 1600) return { error: { code: 21617, message: "The concatenated message body exceeds the 1600 character limit.", status: 400 } };
  if (store.isOptedOut(m.from, m.to)) return { error: { code: 21610, message: "Attempt to send to unsubscribed recipient", status: 400 } };
  const now = store.clock.now();
  const message: Message = {
    // MMS (with media) take MM SIDs, SMS take SM (docs/twilio-contract.md §8.2).
    sid: newSid(m.mediaUrls?.length ? "MM" : "SM"),
    from: m.from,
    to: m.to,
    body: m.body,
    mediaUrls: m.mediaUrls ?? [],
    status: "queued",
    direction: m.direction,
    numSegments: segments(m.body),
    errorCode: null,
    errorMessage: null,
    statusCallback: m.statusCallback ?? null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
  };
  store.messages.set(message.sid, message);
  store.emit("message", message);
  // Delivery happens after the create returns, as on Twilio; no callback for the initial status.
  setImmediate(() => void deliver(store, webhooks, message));
  return { message };
}

async function deliver(store: Store, webhooks: WebhookClient, message: Message): Promise<void> {
  await setStatus(store, webhooks, message, "sending");
  await setStatus(store, webhooks, message, "sent");
  const handset = store.handset(message.to);
  if (handset.behaviour === "fail") {
    message.errorCode = 30003;
    message.errorMessage = "Unreachable destination handset";
    await setStatus(store, webhooks, message, "undelivered");
    return;
  }
  handset.inbox.push(message.sid);
  await setStatus(store, webhooks, message, "delivered");
}

async function setStatus(store: Store, webhooks: WebhookClient, message: Message, status: MessageStatus): Promise<void> {
  message.status = status;
  message.dateUpdated = store.clock.now();
  if (status === "sent") message.dateSent = message.dateUpdated;
  store.emit("message", message);
  if (!message.statusCallback || status === "sending") return;
  const params: FormParams = {
    AccountSid: store.account.sid,
    ApiVersion: "2010-04-01",
    From: message.from,
    MessageSid: message.sid,
    MessageStatus: status,
    SmsSid: message.sid,
    SmsStatus: status,
    To: message.to,
  };
  if (message.errorCode) {
    params.ErrorCode = String(message.errorCode);
    params.ErrorMessage = message.errorMessage ?? "";
  }
  if (status === "delivered" || status === "undelivered") {
    const d = message.dateUpdated;
    const p = (n: number) => String(n).padStart(2, "0");
    params.RawDlrDoneDate = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
  }
  await webhooks.send({ url: message.statusCallback, method: "POST", params, kind: "sms" }, "message-status");
}

/**
 * A handset texts one of the carrier's numbers. Opt-out, opt-in and help keywords get Twilio's
 * automatic reply and change the block list; the message is still passed to the app.
 */
export async function receiveMessage(
  store: Store,
  webhooks: WebhookClient,
  m: { from: string; to: string; body: string },
): Promise<{ message: Message } | { error: TwilioError }> {
  const number = store.numberByPhone(m.to);
  if (!number) return { error: { code: 21606, message: `${m.to} is not a number of this carrier`, status: 400 } };
  const now = store.clock.now();
  const message: Message = {
    sid: newSid("SM"),
    from: m.from,
    to: m.to,
    body: m.body,
    mediaUrls: [],
    status: "received",
    direction: "inbound",
    numSegments: segments(m.body),
    errorCode: null,
    errorMessage: null,
    statusCallback: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: now,
  };
  store.messages.set(message.sid, message);
  store.handset(m.from).outbox.push(message.sid);
  store.emit("message", message);

  const keyword = m.body.trim().toUpperCase();
  if (OPT_OUT.has(keyword)) {
    store.setOptOut(m.to, m.from, true);
    autoReply(store, webhooks, m.to, m.from, OPT_OUT_REPLY);
  } else if (OPT_IN.has(keyword)) {
    store.setOptOut(m.to, m.from, false);
    autoReply(store, webhooks, m.to, m.from, OPT_IN_REPLY);
  } else if (HELP.has(keyword) && !store.isOptedOut(m.to, m.from)) {
    autoReply(store, webhooks, m.to, m.from, HELP_REPLY);
  }

  // The number's own URLs, or its SMS application's (SmsApplicationSid).
  const route = store.smsRoute(number);
  if (route.url) void forwardToApp(store, webhooks, message, route.url, route.method, route.fallbackUrl, route.fallbackMethod);
  return { message };
}

function autoReply(store: Store, webhooks: WebhookClient, from: string, to: string, body: string): void {
  // The carrier's own reply: it is sent even to a pair that has just opted out.
  const wasOut = store.isOptedOut(from, to);
  store.setOptOut(from, to, false);
  sendMessage(store, webhooks, { from, to, body, direction: "outbound-reply" });
  store.setOptOut(from, to, wasOut);
}

async function forwardToApp(
  store: Store,
  webhooks: WebhookClient,
  message: Message,
  url: string,
  method: "GET" | "POST",
  fallbackUrl: string | null,
  fallbackMethod: "GET" | "POST",
): Promise<void> {
  const params: FormParams = {
    AccountSid: store.account.sid,
    ApiVersion: "2010-04-01",
    Body: message.body,
    From: message.from,
    MessageSid: message.sid,
    NumMedia: "0",
    NumSegments: String(message.numSegments),
    SmsMessageSid: message.sid,
    SmsSid: message.sid,
    SmsStatus: "received",
    To: message.to,
  };
  let target: { url: string; method: "GET" | "POST" } | undefined = { url, method };
  let replies = 0;
  // Twilio stops a message's session after 50 documents (14106) and sends 10 replies at most (14109).
  for (let documents = 0; target; documents++) {
    if (documents >= MAX_MESSAGING_DOCUMENTS) {
      store.emit("sms-error", { messageSid: message.sid, code: MESSAGING_DOCUMENTS_EXCEEDED, url: target.url });
      return;
    }
    const response = await webhooks.send({ url: target.url, method: target.method, params, kind: "sms", cookies: conversationCookies(store, message.from, message.to, store.clock) }, "sms");
    if (!response.ok) {
      // 11750 included: a document over 64 kB is a failed request, as a 5xx is.
      store.emit("sms-error", { messageSid: message.sid, code: response.errorCode, url: target.url });
      // With a fallback URL, try it once; without, Twilio only logs the error (docs/twilio-contract.md §3).
      target = fallbackUrl && target.url !== fallbackUrl ? { url: fallbackUrl, method: fallbackMethod } : undefined;
      continue;
    }
    // Twilio's types for a message webhook's answer (docs/twilio-contract.md §1): TwiML as for voice;
    // a text/plain body is sent back to the sender as the reply; anything else is 12300. An empty
    // body sends nothing, as an empty <Response/> does.
    const type = response.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (response.body.trim() !== "" && type === "text/plain") {
      sendMessage(store, webhooks, { to: message.from, from: message.to, body: response.body, direction: "outbound-reply" });
      return;
    }
    if (response.body.trim() !== "" && !TWIML_TYPES.has(type)) {
      store.emit("sms-error", { messageSid: message.sid, code: INVALID_CONTENT_TYPE, url: target.url });
      return;
    }
    const parsed = parseMessagingTwiml(response.body || "<Response/>");
    if (!parsed.ok) {
      store.emit("sms-error", { messageSid: message.sid, code: parsed.code, url: target.url });
      return;
    }
    target = undefined;
    for (const verb of parsed.verbs) {
      if (verb.verb === "Redirect") {
        target = { url: new URL(verb.url, url).toString(), method: verb.method };
        break;
      }
      if (replies++ >= MAX_REPLIES_PER_MESSAGE) {
        store.emit("sms-error", { messageSid: message.sid, code: REPLIES_EXCEEDED, url });
        return;
      }
      sendMessage(store, webhooks, {
        to: verb.to ?? message.from,
        from: verb.from ?? message.to,
        body: verb.body,
        mediaUrls: verb.media,
        direction: "outbound-reply",
        statusCallback: verb.statusCallback ? new URL(verb.statusCallback, url).toString() : undefined,
      });
    }
  }
}
