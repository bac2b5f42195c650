// Cookies as Twilio keeps them (docs/twilio-contract.md §1): per call, status callbacks included, and
// per conversation for SMS, dropped 4 hours after the conversation's last message. Expiry is on the
// carrier's clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock.js";
import { receiveMessage } from "../../src/messages/messaging.js";
import { CONVERSATION_IDLE_MS, ConversationCookies, WebhookCookies } from "../../src/webhooks/cookies.js";
import { CALLER, NUMBER, setup, twiml } from "../engine/harness.js";

const APP = "http://127.0.0.1:8080/voice";

test("a cookie's Max-Age and Expires are measured on the carrier's clock", async () => {
  const clock = new ManualClock();
  const jar = new WebhookCookies(clock);
  const expires = new Date(clock.now().getTime() + 120_000).toUTCString();
  await jar.remember(APP, ["short=1; Max-Age=60", `dated=2; Expires=${expires}`, "session=3", "not a cookie; ;"]);
  assert.equal(await jar.header(APP), "short=1; dated=2; session=3");
  await clock.advance(61_000);
  assert.equal(await jar.header(APP), "dated=2; session=3", "Max-Age=60 is past on the carrier's clock");
  await clock.advance(60_000);
  assert.equal(await jar.header(APP), "session=3");
  await jar.remember(APP, ["session=; Max-Age=0"]);
  assert.equal(await jar.header(APP), undefined, "Max-Age=0 deletes the cookie");
});

test("a cookie goes only where a browser would send it: its host and path", async () => {
  const jar = new WebhookCookies(new ManualClock());
  await jar.remember("http://127.0.0.1:8080/ivr/welcome", ["ivr=1; Path=/ivr", "site=2; Path=/", "here=3"]);
  assert.equal(await jar.header("http://127.0.0.1:8080/ivr/menu"), "ivr=1; here=3; site=2", "no Path: the request's directory, /ivr");
  assert.equal(await jar.header("http://127.0.0.1:8080/status"), "site=2");
  assert.equal(await jar.header("http://127.0.0.2:8080/ivr/menu"), undefined, "another host");
});

test("a conversation's jar is one per pair of numbers, either way round, until 4 hours without a message", async () => {
  const clock = new ManualClock();
  const conversations = new ConversationCookies(clock);
  const first = conversations.forMessage(CALLER, NUMBER);
  assert.equal(conversations.forMessage(NUMBER, CALLER), first, "the same pair in the other direction");
  assert.notEqual(conversations.forMessage("+14155550199", NUMBER), first, "another pair");
  await clock.advance(CONVERSATION_IDLE_MS - 1000);
  assert.equal(conversations.forMessage(CALLER, NUMBER), first, "a message within 4 hours keeps it, and restarts the 4 hours");
  await clock.advance(CONVERSATION_IDLE_MS - 1000);
  assert.equal(conversations.forMessage(CALLER, NUMBER), first);
  assert.equal(conversations.size, 1, "the other pair, idle for longer than 4 hours, is dropped");
  await clock.advance(CONVERSATION_IDLE_MS);
  assert.notEqual(conversations.forMessage(CALLER, NUMBER), first, "4 hours without a message: a new jar");
});

test("a Set-Cookie answered to a call's request is sent on its later requests and status callbacks, not on another call's", async (t) => {
  const h = await setup(t, { number: (url) => ({ statusCallback: `${url}/status` }) });
  let visits = 0;
  h.stub.route("/voice", () => ({
    contentType: "text/xml",
    headers: { "set-cookie": `visit=${++visits}; Path=/; HttpOnly` },
    body: twiml('<Gather action="/next" numDigits="1"/>'),
  }));
  h.stub.route("/next", { contentType: "text/xml", headers: { "set-cookie": "step=menu" }, body: twiml("<Hangup/>") });
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  assert.equal((await h.stub.waitFor("/voice")).headers.cookie, undefined, "nothing set yet");
  await h.press(call, "1");
  assert.equal((await h.stub.waitFor("/next")).headers.cookie, "visit=1");
  await h.ended(call);
  await h.idle();
  const completed = h.stub.to("/status").find((r) => r.params.CallStatus === "completed");
  assert.equal(completed?.headers.cookie, "visit=1; step=menu", "the status callback carries the call's cookies");

  const second = h.call();
  await h.until(second, "gather");
  assert.equal(h.stub.to("/voice")[1]?.headers.cookie, undefined, "another call starts with no cookies");
});

test("SMS: a conversation's cookies come back on its next message, not on another pair's, and go after 4 idle hours", async (t) => {
  const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms` }) });
  let texts = 0;
  h.stub.route("/sms", (params) => ({
    contentType: "text/xml",
    headers: { "set-cookie": `count=${++texts}` },
    body: `<Response><Message>Got ${params.Body}</Message></Response>`,
  }));
  const text = async (from: string, body: string, nth: number) => {
    assert.ok("message" in (await receiveMessage(h.store, h.engine.webhooks, { from, to: NUMBER, body })));
    const request = await h.stub.waitFor("/sms", nth);
    await h.idle();
    return request;
  };
  assert.equal((await text(CALLER, "one", 1)).headers.cookie, undefined);
  assert.equal((await text(CALLER, "two", 2)).headers.cookie, "count=1");
  assert.equal((await text("+14155550199", "other", 3)).headers.cookie, undefined, "another pair of numbers");
  await h.advance(CONVERSATION_IDLE_MS - 1000);
  assert.equal((await text(CALLER, "three", 4)).headers.cookie, "count=2", "within 4 hours of the last message");
  await h.advance(CONVERSATION_IDLE_MS);
  assert.equal((await text(CALLER, "four", 5)).headers.cookie, undefined, "4 hours without a message: the cookies are gone");
});
