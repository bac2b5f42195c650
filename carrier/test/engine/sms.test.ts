// Legacy <Sms> in a voice call (docs/twilio-contract.md §2.10): sends a message — by default to the caller,
// from the called number — and falls through to the next verb; with `action`, the action gets SmsSid
// and SmsStatus and its document replaces this one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CALLER, NUMBER, elapsed, setup } from "./harness.js";

test("Sms sends a message to the caller from the called number and falls through", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Sms>Your reference is 12345</Sms><Say>We sent you a text</Say>");
  const call = h.call();
  const say = await h.until(call, "say");
  assert.equal(say.text, "We sent you a text");
  assert.equal(elapsed(say), 0);
  const messages = [...h.store.messages.values()];
  assert.equal(messages.length, 1);
  const [message] = messages;
  assert.equal(message?.to, CALLER);
  assert.equal(message?.from, NUMBER);
  assert.equal(message?.body, "Your reference is 12345");
  assert.match(message?.sid ?? "", /^SM[0-9a-f]{32}$/);
  assert.equal((await h.until(call, "sms")).messageSid, message?.sid);
  await h.idle();
  assert.deepEqual(h.stub.requests.map((r) => r.path), ["/voice"], "no request without action");
  assert.ok(h.store.handset(CALLER).inbox.includes(message?.sid ?? ""), "delivered to the caller's handset");
});

test("Sms with to, from, action and statusCallback requests the action with SmsSid and SmsStatus", async (t) => {
  const h = await setup(t);
  h.stub.route("/sms-status", { status: 204, body: "" });
  h.stub.twiml("/voice", '<Sms to="+14155550177" from="+15005550006" action="/sent" statusCallback="/sms-status">Hello</Sms><Say>Unreachable</Say>');
  h.stub.twiml("/sent", "<Say>Text sent</Say>");
  const call = h.call();
  const sent = await h.stub.waitFor("/sent");
  const [message] = [...h.store.messages.values()];
  assert.equal(message?.to, "+14155550177");
  assert.equal(sent.method, "POST");
  assert.equal(sent.params.SmsSid, message?.sid);
  assert.equal(sent.params.SmsStatus, "sending");
  assert.equal(sent.params.CallSid, call.sid);
  assert.equal((await h.until(call, "say")).text, "Text sent");
  assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Text sent"]);
  const delivered = await h.stub.waitFor((r) => r.path === "/sms-status" && r.params.MessageStatus === "delivered");
  assert.equal(delivered.params.MessageSid, message?.sid);
});

test("an Sms that cannot be sent reports SmsStatus=invalid to the action", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Sms to="not-a-number" action="/sent">Hello</Sms>');
  h.stub.twiml("/sent", "<Hangup/>");
  h.call();
  const sent = await h.stub.waitFor("/sent");
  assert.equal(sent.params.SmsStatus, "invalid");
  assert.equal(h.store.messages.size, 0);
});
