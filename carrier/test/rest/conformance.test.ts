// Every REST response the carrier sends, over every route it serves, validates against its operation's
// response schema in Twilio's OpenAPI description (fixtures/twilio_api_v2010.yaml), with a status the
// operation lists; error bodies are Twilio's {code, message, more_info, status}. A scenario drives
// each route through the official client and raw requests; hooks on the app see the routes and the
// responses as sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Recording } from "../../src/store.js";
import { type Route, operationOf, operations, recordRoutes, servedBy, validatorFor } from "./openapi.js";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier, until } from "./helpers.js";

const OURS = "+14155550100";
const HANDSET = "+14155550199";
const HOLD = '<Response><Pause length="600"/></Response>';
const FORM = { "content-type": "application/x-www-form-urlencoded" };

interface Sent {
  method: string;
  url: string;
  route: string;
  status: number;
  contentType: string;
  payload: string;
}

test("every response on every served route conforms to Twilio's OpenAPI description", async (t) => {
  const routes: Route[] = [];
  const sent: Sent[] = [];
  const carrier = await startCarrier(t, (app) => {
    recordRoutes(app, routes);
    app.addHook("onSend", async (request, reply, payload) => {
      sent.push({
        method: request.method,
        url: request.url,
        route: request.routeOptions.url ?? "",
        status: reply.statusCode,
        contentType: String(reply.getHeader("content-type") ?? ""),
        payload: typeof payload === "string" ? payload : "",
      });
      return payload;
    });
  });
  const { client, store, engine, request } = carrier;
  const post = (path: string, form: Record<string, string>) => request(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });

  // Accounts and Keys.
  await client.api.v2010.accounts(ACCOUNT_SID).fetch();
  await client.api.v2010.accounts.list();
  const key = await client.newKeys.create({ friendlyName: "ci" });
  await client.keys.list();
  await client.keys(key.sid).fetch();
  await client.keys(key.sid).update({ friendlyName: "ci 2" });
  await client.keys(key.sid).remove();

  // AvailablePhoneNumbers, then buying through each IncomingPhoneNumbers list.
  await client.availablePhoneNumbers.list();
  await client.availablePhoneNumbers("US").fetch();
  const [local] = await client.availablePhoneNumbers("US").local.list({ areaCode: 212, limit: 1 });
  const [tollFree] = await client.availablePhoneNumbers("US").tollFree.list({ limit: 1 });
  assert.ok(local && tollFree);
  await client.availablePhoneNumbers("US").mobile.list({ limit: 1 }).catch(() => undefined);
  const ours = await client.incomingPhoneNumbers.create({ phoneNumber: OURS });
  await client.api.v2010.account.incomingPhoneNumbers.local.create({ phoneNumber: local.phoneNumber });
  const bought = await client.api.v2010.account.incomingPhoneNumbers.tollFree.create({ phoneNumber: tollFree.phoneNumber });
  await client.incomingPhoneNumbers.list();
  await client.api.v2010.account.incomingPhoneNumbers.local.list();
  await client.api.v2010.account.incomingPhoneNumbers.tollFree.list();
  await client.incomingPhoneNumbers(ours.sid).fetch();

  // Applications, on a number and on a call.
  const application = await client.applications.create({ friendlyName: "IVR", voiceUrl: "https://app.example/voice" });
  await client.applications.list();
  await client.applications(application.sid).fetch();
  await client.applications(application.sid).update({ smsUrl: "https://app.example/sms" });
  await client.incomingPhoneNumbers(ours.sid).update({ voiceApplicationSid: application.sid, friendlyName: "Main" });
  await client.incomingPhoneNumbers(bought.sid).remove();

  // OutgoingCallerIds.
  await client.validationRequests.create({ phoneNumber: "+14155550142" });
  const [callerId] = await client.outgoingCallerIds.list();
  assert.ok(callerId);
  await client.outgoingCallerIds(callerId.sid).fetch();
  await client.outgoingCallerIds(callerId.sid).update({ friendlyName: "Mobile" });
  await client.outgoingCallerIds(callerId.sid).remove();

  // Calls: create, list, fetch, update, delete once ended.
  const call = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD, statusCallback: "https://app.example/status" });
  await client.calls.create({ to: HANDSET, from: OURS, applicationSid: application.sid });
  await client.calls.list();
  await client.calls(call.sid).fetch();
  await until(store, "call-status", () => engine.calls.get(call.sid)?.status === "ringing");
  await client.calls(call.sid).remove().catch(() => undefined);
  await client.calls(call.sid).update({ status: "canceled" });
  await until(store, "call-status", () => engine.calls.get(call.sid)?.status === "canceled");
  await client.calls(call.sid).remove();
  await client.applications(application.sid).remove();

  // Messages.
  const message = await client.messages.create({ to: HANDSET, from: OURS, body: "Your appointment is at 10" });
  await until(store, "message", () => store.messages.get(message.sid)?.status === "delivered");
  await client.messages.list();
  await client.messages(message.sid).fetch();
  await client.messages(message.sid).update({ body: "" });
  await client.messages(message.sid).remove();

  // Recordings (made by <Record>; one is put in the store here).
  const now = store.clock.now();
  const recording: Recording = {
    sid: `RE${"0".repeat(31)}1`,
    callSid: call.sid,
    durationSeconds: 3,
    status: "completed",
    source: "RecordVerb",
    channels: 1,
    transcript: "hello",
    dateCreated: now,
    dateUpdated: now,
    startTime: now,
  };
  store.recordings.set(recording.sid, recording);
  await client.recordings.list();
  await client.calls(call.sid).recordings.list();
  await client.recordings(recording.sid).fetch();
  await client.calls(call.sid).recordings(recording.sid).fetch();
  await client.recordings(recording.sid).remove();

  // Queues and their Members: a caller waits in a queue made by <Enqueue>, and is dequeued by REST.
  const queue = await client.queues.create({ friendlyName: "conformance", maxSize: 10 });
  await client.queues(queue.sid).fetch();
  await client.queues(queue.sid).update({ friendlyName: "conformance 2", maxSize: 20 });
  await client.queues.list();
  store.handset(HANDSET).behaviour = "answer";
  const queued = await client.calls.create({ to: HANDSET, from: OURS, twiml: '<Response><Enqueue waitUrl="">conformance 2</Enqueue></Response>' });
  await until(store, "queue", () => (engine.queues.bySid(queue.sid)?.members.length ?? 0) === 1);
  await client.queues(queue.sid).members.list();
  await client.queues(queue.sid).members("Front").fetch();
  await client.queues(queue.sid).members(queued.sid).fetch();
  await client.queues(queue.sid).remove().catch(() => undefined);
  await client.queues(queue.sid).members(queued.sid).update({ url: "http://127.0.0.1:9/unreachable" });
  await client.queues(queue.sid).remove();
  await post(`${ACCOUNT_PATH}/Queues.json`, { FriendlyName: "too big", MaxSize: "5001" });

  // Conferences and Participants (two calls in a conference made by <Dial><Conference>).
  const joined = () => engine.conferences.list()[0]?.participants.length ?? 0;
  const inConference = await client.calls.create({ to: HANDSET, from: OURS, twiml: '<Response><Dial><Conference participantLabel="a">c</Conference></Dial></Response>' });
  await until(store, "conference", () => joined() === 1);
  await client.calls.create({ to: HANDSET, from: OURS, twiml: "<Response><Dial><Conference>c</Conference></Dial></Response>" });
  await until(store, "conference", () => joined() === 2);
  const conference = engine.conferences.list()[0];
  assert.ok(conference);
  await client.conferences.list({ status: "in-progress" });
  await client.conferences(conference.sid).participants.list();
  await client.conferences(conference.sid).participants("a").fetch();
  await client.conferences(conference.sid).participants(inConference.sid).update({ muted: true, hold: true });
  await client.conferences(conference.sid).participants.create({ from: OURS, to: "+14155550198", label: "b" });
  await client.conferences(conference.sid).participants("a").remove();
  await client.conferences(conference.sid).update({ status: "completed" });
  await client.conferences(conference.sid).fetch();
  await request(`${ACCOUNT_PATH}/Conferences/${conference.sid}/Participants/nobody.json`);

  // A conference's recordings: list, fetch, pause, resume, stop, delete (conference-recordings.test.ts).
  store.handset("+14155550197").behaviour = "answer";
  await client.conferences("recorded").participants.create({ from: OURS, to: "+14155550197", conferenceRecord: "record-from-start", conferenceTrim: "do-not-trim" });
  await until(store, "conference", () => engine.conferences.list().some((c) => c.friendlyName === "recorded" && c.status === "in-progress"));
  const recorded = engine.conferences.list().find((c) => c.friendlyName === "recorded");
  assert.ok(recorded);
  const [conferenceRecording] = await client.conferences(recorded.sid).recordings.list();
  assert.ok(conferenceRecording);
  await client.conferences(recorded.sid).recordings(conferenceRecording.sid).fetch();
  await client.conferences(recorded.sid).recordings("Twilio.CURRENT").update({ status: "paused", pauseBehavior: "skip" });
  await client.conferences(recorded.sid).recordings(conferenceRecording.sid).update({ status: "in-progress" });
  await client.conferences(recorded.sid).recordings(conferenceRecording.sid).update({ status: "stopped" });
  await client.recordings.list({ conferenceSid: recorded.sid });
  await client.conferences(recorded.sid).recordings(conferenceRecording.sid).remove();
  await client.conferences(recorded.sid).update({ status: "completed" });

  // A call's recordings over REST: start, pause, resume, stop, delete (call-recordings.test.ts).
  const answered = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  await until(store, "call-status", () => engine.calls.get(answered.sid)?.status === "in-progress");
  const live = await client.calls(answered.sid).recordings.create({ recordingChannels: "dual" });
  await client.calls(answered.sid).recordings(live.sid).update({ status: "paused", pauseBehavior: "skip" });
  await client.calls(answered.sid).recordings("Twilio.CURRENT").update({ status: "in-progress" });
  await client.calls(answered.sid).recordings(live.sid).update({ status: "stopped" });
  await client.calls(answered.sid).recordings(live.sid).remove();
  await client.calls(answered.sid).update({ status: "completed" });
  await until(store, "call-status", () => engine.calls.get(answered.sid)?.isEnded === true);
  await client.calls(answered.sid).recordings.create().catch(() => undefined);

  // Errors: unknown SIDs, bad parameters, wrong credentials, unknown paths.
  await request(`${ACCOUNT_PATH}/Calls/CA${"0".repeat(32)}.json`);
  await post(`${ACCOUNT_PATH}/Calls.json`, { To: HANDSET });
  await post(`${ACCOUNT_PATH}/IncomingPhoneNumbers.json`, { PhoneNumber: "12" });
  await request(`${ACCOUNT_PATH}/Applications.json`, { auth: false });
  await request(`${ACCOUNT_PATH}/Conferences.json`);

  const failures: string[] = [];
  const validated = new Set<string>();
  for (const response of sent) {
    if (!response.contentType.startsWith("application/json")) {
      if (response.status !== 204) failures.push(`${response.method} ${response.url}: ${response.status} with ${response.contentType || "no content type"}`);
      continue;
    }
    const op = operationOf(response.method, response.url);
    if (op && response.status < 400 && !op.statuses.includes(String(response.status))) {
      failures.push(`${response.method} ${response.url}: status ${response.status}, the spec has ${op.statuses.join(", ")} (${op.operationId})`);
      continue;
    }
    const validate = validatorFor(op, response.status);
    if (!validate) {
      failures.push(`${response.method} ${response.url}: no schema for ${response.status}${op ? ` (${op.operationId})` : " (no operation)"}`);
      continue;
    }
    if (!validate(JSON.parse(response.payload))) {
      failures.push(`${response.method} ${response.url} ${response.status} (${op?.operationId ?? "error"}): ${JSON.stringify(validate.errors?.slice(0, 5))}`);
      continue;
    }
    if (response.status < 300) validated.add(`${response.method} ${response.route}`);
  }
  // 204s (deletes) conform by having no body; the spec lists 204 for each.
  for (const response of sent) {
    const op = operationOf(response.method, response.url);
    if (response.status === 204 && op?.statuses.includes("204")) validated.add(`${response.method} ${response.route}`);
  }
  assert.deepEqual(failures, []);

  // Every route the carrier serves (an operation of the spec) answered at least once with success.
  const served = servedBy(routes);
  const servedRoutes = routes.filter((r) => r.method !== "HEAD" && served.some((op) => op.method === r.method && operationOf(r.method, r.url.replace(/:[A-Za-z]+/g, "X")) === op));
  assert.equal(servedRoutes.length, served.length, "one route per operation served");
  assert.deepEqual(servedRoutes.filter((r) => !validated.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`), []);
  t.diagnostic(`operations served: ${served.length} of the spec's ${operations.length}`);
});
