// What the carrier does with a message webhook's answer, by its Content-Type
// (docs/twilio-contract.md §1): TwiML in text/xml, application/xml or text/html; a text/plain body is
// the reply itself; any other type is 12300 and nothing is sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { receiveMessage } from "../../src/messages/messaging.js";
import { CALLER, NUMBER, setup, twiml } from "../engine/harness.js";

for (const contentType of ["text/html; charset=utf-8", "application/xml", "text/xml"]) {
  test(`a <Message> answered as ${contentType} is sent back to the sender`, async (t) => {
    const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms` }) });
    h.stub.route("/sms", { contentType, body: twiml("<Message>Thanks for your message</Message>") });
    await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "hello" });
    await h.stub.waitFor("/sms");
    await h.idle();
    const replies = [...h.store.messages.values()].filter((m) => m.direction === "outbound-reply");
    assert.deepEqual(replies.map((m) => [m.from, m.to, m.body]), [[NUMBER, CALLER, "Thanks for your message"]]);
  });
}

test("a text/plain answer is the reply's body, sent from the number to the sender", async (t) => {
  const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms` }) });
  h.stub.route("/sms", { contentType: "text/plain; charset=utf-8", body: "We open at 9." });
  await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "hours?" });
  await h.stub.waitFor("/sms");
  await h.idle();
  const replies = [...h.store.messages.values()].filter((m) => m.direction === "outbound-reply");
  assert.deepEqual(replies.map((m) => [m.from, m.to, m.body]), [[NUMBER, CALLER, "We open at 9."]]);
});

test("a JSON answer is 12300: recorded, and no reply is sent", async (t) => {
  const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms` }) });
  h.stub.route("/sms", { contentType: "application/json", body: '{"message":"hi"}' });
  const errors: { code?: number }[] = [];
  h.store.on("sms-error", (e: { code?: number }) => errors.push(e));
  await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "hello" });
  await h.stub.waitFor("/sms");
  await h.idle();
  assert.deepEqual(errors.map((e) => e.code), [12300]);
  assert.deepEqual([...h.store.messages.values()].filter((m) => m.direction === "outbound-reply"), []);
});
