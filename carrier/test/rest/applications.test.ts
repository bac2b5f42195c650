import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { placeInbound } from "../../src/calls/placement.js";
import { receiveMessage } from "../../src/messages/messaging.js";
import { StubApp } from "../engine/harness.js";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, startCarrier, until } from "./helpers.js";

const CALLER = "+14155550199";
const OURS = "+15005550006";

async function stubApp(t: { after(fn: () => Promise<void>): void }): Promise<StubApp> {
  const stub = await StubApp.start();
  t.after(() => stub.close());
  return stub;
}

function signed(stub: StubApp, request: { url: string; method: string; headers: Record<string, unknown>; params: Record<string, string> }): boolean {
  const signature = request.headers["x-twilio-signature"];
  return typeof signature === "string" && twilio.validateRequest(AUTH_TOKEN, signature, request.url, request.method === "POST" ? request.params : {}) && stub.url !== "";
}

test("an application is created, fetched, listed, updated and deleted through the official client", async (t) => {
  const { client, clock } = await startCarrier(t);
  const created = await client.applications.create({
    friendlyName: "IVR",
    voiceUrl: "https://app.example/voice",
    voiceMethod: "GET",
    voiceFallbackUrl: "https://app.example/voice-fallback",
    statusCallback: "https://app.example/status",
    smsUrl: "https://app.example/sms",
    smsMethod: "POST",
    smsFallbackUrl: "https://app.example/sms-fallback",
  });
  assert.match(created.sid, /^AP[0-9a-f]{32}$/);
  assert.equal(created.accountSid, ACCOUNT_SID);
  assert.equal(created.friendlyName, "IVR");
  assert.equal(created.voiceUrl, "https://app.example/voice");
  assert.equal(created.voiceMethod, "GET");
  assert.equal(created.voiceFallbackUrl, "https://app.example/voice-fallback");
  assert.equal(created.voiceFallbackMethod, "POST");
  assert.equal(created.statusCallback, "https://app.example/status");
  assert.equal(created.statusCallbackMethod, "POST");
  assert.equal(created.smsUrl, "https://app.example/sms");
  assert.equal(created.smsFallbackUrl, "https://app.example/sms-fallback");
  assert.equal(created.apiVersion, "2010-04-01");
  assert.equal(created.uri, `${ACCOUNT_PATH}/Applications/${created.sid}.json`);
  assert.deepEqual(created.dateCreated, clock.now());

  assert.deepEqual((await client.applications(created.sid).fetch()).toJSON(), created.toJSON());
  const other = await client.applications.create({ friendlyName: "Survey" });
  assert.equal(other.voiceUrl, null);
  assert.deepEqual((await client.applications.list()).map((a) => a.sid), [other.sid, created.sid]);
  assert.deepEqual((await client.applications.list({ friendlyName: "IVR" })).map((a) => a.sid), [created.sid]);

  await clock.advance(60_000);
  const updated = await client.applications(created.sid).update({ voiceUrl: "https://app.example/voice2", smsUrl: "" });
  assert.equal(updated.voiceUrl, "https://app.example/voice2");
  assert.equal(updated.voiceMethod, "GET", "what is not sent stays");
  assert.equal(updated.smsUrl, null, "an empty URL clears it");
  assert.deepEqual(updated.dateUpdated, clock.now());

  await assert.rejects(client.applications.create({ voiceUrl: "not a url" }), { status: 400, code: 21402 });
  await assert.rejects(client.applications.create({ voiceMethod: "PUT" as "GET" }), { status: 400, code: 21403 });

  assert.equal(await client.applications(created.sid).remove(), true);
  await assert.rejects(client.applications(created.sid).fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.applications(created.sid).remove(), { status: 404, code: 20404 });
});

test("a number with a VoiceApplicationSid runs the application's URLs for its calls, status callback included", async (t) => {
  const { client, engine, store } = await startCarrier(t);
  const stub = await stubApp(t);
  stub.twiml("/app-voice", "<Hangup/>").route("/app-status", "").twiml("/number-voice", "<Hangup/>");
  const application = await client.applications.create({ voiceUrl: `${stub.url}/app-voice`, statusCallback: `${stub.url}/app-status` });
  const number = await client.incomingPhoneNumbers.create({ phoneNumber: OURS, voiceUrl: `${stub.url}/number-voice`, voiceApplicationSid: application.sid });
  assert.equal(number.voiceApplicationSid, application.sid);
  assert.equal(number.voiceUrl, `${stub.url}/number-voice`, "the number keeps its own URL, unused");

  const placed = placeInbound(engine, CALLER, OURS);
  assert.ok("call" in placed);
  const answer = await stub.waitFor("/app-voice");
  assert.equal(answer.params.CallSid, placed.call.sid);
  assert.equal(answer.params.To, OURS);
  assert.ok(signed(stub, answer));
  const status = await stub.waitFor("/app-status");
  assert.equal(status.params.CallStatus, "completed");
  assert.equal(stub.to("/number-voice").length, 0);

  // Unset (an empty SID): the number's own URL again.
  await client.incomingPhoneNumbers(number.sid).update({ voiceApplicationSid: "" });
  const second = placeInbound(engine, CALLER, OURS);
  assert.ok("call" in second);
  await stub.waitFor("/number-voice");
  await until(store, "call-status", () => second.call.status === "completed");

  // Deleting the application unsets it on its numbers.
  await client.incomingPhoneNumbers(number.sid).update({ voiceApplicationSid: application.sid });
  await client.applications(application.sid).remove();
  assert.equal((await client.incomingPhoneNumbers(number.sid).fetch()).voiceApplicationSid, null);

  await assert.rejects(client.incomingPhoneNumbers(number.sid).update({ voiceApplicationSid: `AP${"0".repeat(32)}` }), { status: 400, code: 21218 });
});

test("a number with an SmsApplicationSid sends its messages to the application's SmsUrl", async (t) => {
  const { client, engine, store } = await startCarrier(t);
  const stub = await stubApp(t);
  stub.route("/app-sms", { contentType: "text/xml", body: "<Response/>" }).route("/number-sms", { contentType: "text/xml", body: "<Response/>" });
  const application = await client.applications.create({ smsUrl: `${stub.url}/app-sms`, smsMethod: "GET" });
  const number = await client.incomingPhoneNumbers.create({ phoneNumber: OURS, smsUrl: `${stub.url}/number-sms`, smsApplicationSid: application.sid });
  assert.equal(number.smsApplicationSid, application.sid);

  const received = await receiveMessage(store, engine.webhooks, { from: CALLER, to: OURS, body: "hello" });
  assert.ok("message" in received);
  const request = await stub.waitFor("/app-sms");
  assert.equal(request.method, "GET");
  assert.equal(request.params.Body, "hello");
  assert.equal(request.params.MessageSid, received.message.sid);
  assert.equal(stub.to("/number-sms").length, 0);
});

test("Calls create with an ApplicationSid runs the application's VoiceUrl and status callback, not the request's", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  const stub = await stubApp(t);
  stub.twiml("/app-voice", "<Hangup/>").route("/app-status", "").twiml("/request-voice", "<Hangup/>");
  await client.incomingPhoneNumbers.create({ phoneNumber: OURS });
  const application = await client.applications.create({ voiceUrl: `${stub.url}/app-voice`, voiceMethod: "POST", statusCallback: `${stub.url}/app-status` });
  store.handset(CALLER).behaviour = "answer";

  const call = await client.calls.create({ to: CALLER, from: OURS, applicationSid: application.sid, url: `${stub.url}/request-voice` });
  const request = await stub.waitFor("/app-voice");
  assert.equal(request.params.CallSid, call.sid);
  assert.equal(request.params.Direction, "outbound-api");
  const status = await stub.waitFor("/app-status");
  assert.equal(status.params.CallStatus, "completed");
  await until(store, "call-status", () => engine.calls.get(call.sid)?.status === "completed");
  assert.equal(stub.to("/request-voice").length, 0);

  await assert.rejects(client.calls.create({ to: CALLER, from: OURS, applicationSid: `AP${"0".repeat(32)}` }), { status: 400, code: 21218 });
});
