// twilio-node 3.0–3.40 send every request body as multipart/form-data; Twilio accepts them, and so must
// the carrier. These tests drive the real old client (the `twilio3` alias of twilio@3.39.5).
import { test } from "node:test";
import assert from "node:assert/strict";
import twilio3 from "twilio3";
import RequestClient3 from "twilio3/lib/base/RequestClient.js";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, startCarrier, until } from "./helpers.js";

type RequestOptions3 = Parameters<RequestClient3["request"]>[0];

/** twilio-node 3's own request client, with api.twilio.com rebased onto the carrier. */
function oldClient(baseUrl: string) {
  const inner = new RequestClient3();
  const httpClient = {
    request(opts: RequestOptions3) {
      return inner.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, baseUrl) });
    },
  } as RequestClient3;
  return twilio3(ACCOUNT_SID, AUTH_TOKEN, { httpClient });
}

test("twilio-node 3.39.5 creates a call and a message with multipart bodies", async (t) => {
  const { baseUrl, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const client = oldClient(baseUrl);

  const call = await client.calls.create({
    to: "+14155550199",
    from: "+14155550100",
    twiml: "<Response><Say>Hello</Say></Response>",
    statusCallback: "https://app.example/status",
    statusCallbackEvent: ["initiated", "answered"],
  });
  assert.match(call.sid, /^CA[0-9a-f]{32}$/);
  assert.equal(call.to, "+14155550199");
  assert.equal(call.from, "+14155550100");
  const placed = engine.calls.get(call.sid);
  assert.ok(placed);
  // A repeated multipart field arrives as every value, as it does urlencoded.
  assert.deepEqual([...(placed.statusCallback?.events ?? [])].sort(), ["answered", "initiated"]);

  const message = await client.messages.create({ to: "+14155550199", from: "+14155550100", body: "Hello from 3.x" });
  assert.match(message.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(message.body, "Hello from 3.x");

  const fetched = await client.messages(message.sid).fetch();
  assert.equal(fetched.sid, message.sid);
  assert.equal((await client.messages.list()).length, 1);
});

test("a multipart body with a file part is refused in Twilio's error shape", async (t) => {
  const { request, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const form = new FormData();
  form.set("To", "+14155550199");
  form.set("From", "+14155550100");
  form.set("Body", new Blob(["not a field"], { type: "text/plain" }), "body.txt");
  const response = await request(`${ACCOUNT_PATH}/Messages.json`, { method: "POST", body: form });
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    code: 20001,
    message: "'Body' was sent as a file; Twilio's REST API takes form fields only",
    more_info: "https://www.twilio.com/docs/errors/20001",
    status: 400,
  });
  assert.equal(store.messages.size, 0);
});

test("multipart fields are read like form fields on update routes too", async (t) => {
  const { request, store } = await startCarrier(t);
  const number = store.addNumber({ phoneNumber: "+14155550100" });
  const form = new FormData();
  form.set("VoiceUrl", "https://app.example/voice");
  form.set("FriendlyName", "Support");
  const response = await request(`${ACCOUNT_PATH}/IncomingPhoneNumbers/${number.sid}.json`, { method: "POST", body: form });
  assert.equal(response.status, 200);
  const json = (await response.json()) as { voice_url: string; friendly_name: string };
  assert.equal(json.voice_url, "https://app.example/voice");
  assert.equal(json.friendly_name, "Support");
});

test("twilio-node 3.39.5 searches and buys a number, and manages applications, caller IDs and calls", async (t) => {
  const { baseUrl, store, engine } = await startCarrier(t);
  const client = oldClient(baseUrl);

  const [available] = await client.availablePhoneNumbers("US").tollFree.list({ contains: "FLOWER", limit: 1 });
  assert.ok(available);
  assert.match(available.phoneNumber, /^\+18\d\d\d*356937\d*$/);
  const number = await client.incomingPhoneNumbers.create({ phoneNumber: available.phoneNumber });
  assert.equal(number.phoneNumber, available.phoneNumber);

  const application = await client.applications.create({ friendlyName: "Old IVR", voiceUrl: "https://app.example/voice" });
  assert.match(application.sid, /^AP[0-9a-f]{32}$/);
  assert.equal((await client.applications(application.sid).update({ voiceMethod: "GET" })).voiceMethod, "GET");
  assert.equal((await client.incomingPhoneNumbers(number.sid).update({ voiceApplicationSid: application.sid })).voiceApplicationSid, application.sid);
  assert.deepEqual((await client.applications.list()).map((a) => a.sid), [application.sid]);

  const validation = await client.validationRequests.create({ phoneNumber: "+14155550142" });
  // twilio-node 3 reads the code as a number (it parses validation_code as an integer).
  assert.ok(Number.isInteger(validation.validationCode) && validation.validationCode < 1_000_000);
  const [callerId] = await client.outgoingCallerIds.list();
  assert.equal(callerId?.phoneNumber, "+14155550142");

  const call = await client.calls.create({ to: "+14155550199", from: "+14155550142", applicationSid: application.sid });
  const placed = engine.calls.get(call.sid);
  assert.equal(placed?.app.url, "https://app.example/voice");
  await client.calls(call.sid).update({ status: "canceled" });
  assert.equal(await client.calls(call.sid).remove(), true);
  assert.equal(engine.calls.has(call.sid), false);
  assert.equal(await client.applications(application.sid).remove(), true);
  assert.equal(store.numbers.get(number.sid)?.voiceApplicationSid, null);
});

test("twilio-node 3.39.5 manages queues and a conference's participants with multipart bodies", async (t) => {
  const { baseUrl, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  store.handset("+14155550177").behaviour = "answer";
  const client = oldClient(baseUrl);

  const queue = await client.queues.create({ friendlyName: "old-client", maxSize: 20 });
  assert.equal((await client.queues(queue.sid).update({ maxSize: 30 })).maxSize, 30);
  assert.deepEqual((await client.queues.list()).map((q) => q.friendlyName), ["old-client"]);

  const call = await client.calls.create({
    to: "+14155550177",
    from: "+14155550100",
    twiml: '<Response><Dial><Conference participantLabel="caller">old-room</Conference></Dial></Response>',
  });
  const placed = engine.calls.get(call.sid);
  assert.ok(placed);
  const inRoom = () => engine.conferences.list().find((c) => c.friendlyName === "old-room" && c.participants.length === 1);
  await until(store, "conference", () => inRoom() !== undefined);
  const conference = inRoom();
  assert.ok(conference);
  const held = await client.conferences(conference.sid).participants("caller").update({ hold: true, muted: true });
  assert.equal(held.callSid, call.sid);
  assert.equal(held.hold, true);
  assert.equal(held.muted, true);
  const ended = await client.conferences(conference.sid).update({ status: "completed" });
  assert.equal(ended.status, "completed");
});
