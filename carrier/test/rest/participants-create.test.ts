// Participants create's remaining parameters, through the official client: a participant shows in
// Participants list and fetch while its call is queued and ringing (Twilio's Participant status
// enum), connected once in, and is gone when its call ends unanswered; EarlyMedia is accepted,
// Record=true is a 12200 warning on the participant's call, To may be a client handset, and the
// join settings (Beep, StartConferenceOnEnter, Coaching, WaitUrl/WaitMethod, ConferenceStatusCallback*)
// reach the conference.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Call } from "../../src/calls/call.js";
import type { Conference } from "../../src/calls/conferences.js";
import { answerRinging } from "../../src/calls/handsets.js";
import { speak } from "../../src/calls/speech.js";
import { StubApp } from "../engine/harness.js";
import { startCarrier, until, type Carrier } from "./helpers.js";

const OURS = "+14155550100";
const CUSTOMER = "+14155550133";
const AGENT = "+14155550111";
const SUPERVISOR = "+14155550122";

function conferenceOf(carrier: Carrier, name: string): Conference | undefined {
  return carrier.engine.conferences.list().find((c) => c.friendlyName === name && c.status !== "completed");
}

/** A call to `handset` (which answers) in conference `name`. */
async function inConference(carrier: Carrier, handset: string, name: string, attributes = ""): Promise<Conference> {
  if (!carrier.store.numberByPhone(OURS)) carrier.store.addNumber({ phoneNumber: OURS });
  carrier.store.handset(handset).behaviour = "answer";
  const created = await carrier.client.calls.create({ to: handset, from: OURS, twiml: `<Response><Dial><Conference ${attributes}>${name}</Conference></Dial></Response>` });
  await until(carrier.store, "conference", () => conferenceOf(carrier, name)?.participants.some((p) => p.call.sid === created.sid) ?? false);
  return conferenceOf(carrier, name) as Conference;
}

test("a participant created over REST is listed and fetched queued, then ringing, while its call rings; connected once in", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  const conference = await inConference(carrier, CUSTOMER, "support");
  store.handset(AGENT).behaviour = "manual";
  const created = await client.conferences(conference.sid).participants.create({ from: OURS, to: AGENT, label: "agent", muted: true, earlyMedia: false });
  assert.equal(created.status, "queued");
  const leg = engine.calls.get(created.callSid) as Call;
  await until(store, "call-status", () => leg.status === "ringing");

  const listed = await client.conferences(conference.sid).participants.list();
  assert.deepEqual(
    listed.map((p) => [p.callSid, p.status]),
    [
      [leg.sid, "ringing"],
      [conference.participants[0]?.call.sid, "connected"],
    ],
  );
  const byLabel = await client.conferences(conference.sid).participants("agent").fetch();
  assert.equal(byLabel.callSid, leg.sid);
  assert.equal(byLabel.status, "ringing");
  assert.equal(byLabel.muted, true);
  assert.equal(byLabel.conferenceSid, conference.sid);
  assert.deepEqual(
    (await client.conferences(conference.sid).participants.list({ muted: true })).map((p) => p.callSid),
    [leg.sid],
    "the Muted filter reads the joining participant's settings",
  );
  assert.deepEqual((await client.conferences(conference.sid).participants.list({ hold: true })).map((p) => p.callSid), []);

  assert.equal(answerRinging(engine, leg), true);
  await until(store, "conference", () => conference.participants.length === 2);
  const joined = await client.conferences(conference.sid).participants(leg.sid).fetch();
  assert.equal(joined.status, "connected");
  assert.equal((await client.conferences(conference.sid).participants.list()).length, 2, "listed once, now as a participant");
});

test("a REST participant whose call is never answered leaves the list, and the conference callback gets participant-leave with participant_add_failed and no-answer", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine, clock } = carrier;
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/conf-events", { status: 204, body: "" });
  const conference = await inConference(carrier, CUSTOMER, "support", `statusCallback="${stub.url}/conf-events" statusCallbackEvent="leave"`);
  store.handset(AGENT).behaviour = "manual";
  const created = await client.conferences(conference.sid).participants.create({ from: OURS, to: AGENT, timeout: 10, label: "agent" });
  const leg = engine.calls.get(created.callSid) as Call;
  await until(store, "call-status", () => leg.status === "ringing");
  assert.equal((await client.conferences(conference.sid).participants.list()).length, 2);
  await clock.advance(10_000);
  await until(store, "call-status", () => leg.status === "no-answer");
  assert.deepEqual(
    (await client.conferences(conference.sid).participants.list()).map((p) => p.callSid),
    [conference.participants[0]?.call.sid],
  );
  await assert.rejects(client.conferences(conference.sid).participants(leg.sid).fetch(), { status: 404 });
  assert.equal(conference.participants.length, 1, "the conference goes on");
  const left = await stub.waitFor("/conf-events");
  assert.equal(left.params.StatusCallbackEvent, "participant-leave");
  assert.equal(left.params.CallSid, leg.sid);
  assert.equal(left.params.ParticipantLabel, "agent");
  assert.equal(left.params.ReasonParticipantLeft, "participant_add_failed");
  assert.equal(left.params.ParticipantCallStatus, "no-answer");
  assert.equal(left.params.ConferenceSid, conference.sid);
});

test("deleting a REST participant while its call rings cancels the call: it never joins, and the callback tells of participant_add_failed", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/conf-events", { status: 204, body: "" });
  const conference = await inConference(carrier, CUSTOMER, "support", `statusCallback="${stub.url}/conf-events" statusCallbackEvent="leave"`);
  store.handset(AGENT).behaviour = "manual";
  const created = await client.conferences(conference.sid).participants.create({ from: OURS, to: AGENT, label: "agent" });
  const leg = engine.calls.get(created.callSid) as Call;
  await until(store, "call-status", () => leg.status === "ringing");
  assert.equal(await client.conferences(conference.sid).participants("agent").remove(), true);
  await until(store, "call-status", () => leg.status === "canceled");
  assert.equal(answerRinging(engine, leg), false, "the handset can no longer answer");
  assert.deepEqual(
    (await client.conferences(conference.sid).participants.list()).map((p) => p.callSid),
    [conference.participants[0]?.call.sid],
  );
  const left = await stub.waitFor("/conf-events");
  assert.equal(left.params.ReasonParticipantLeft, "participant_add_failed");
  assert.equal(left.params.ParticipantCallStatus, "canceled");
});

test("Participants create: Record=true is a 12200 warning on the participant's call, To=client:name rings a client handset, Beep, Coaching and StartConferenceOnEnter are honoured", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  const conference = await inConference(carrier, CUSTOMER, "desk", 'startConferenceOnEnter="false"');
  assert.equal(conference.status, "init");
  const customer = conference.participants[0]?.call as Call;

  store.registerClient("ava", "answer");
  const ava = await client.conferences(conference.sid).participants.create({ from: OURS, to: "client:ava", record: true, beep: "false", startConferenceOnEnter: true });
  const avaLeg = engine.calls.get(ava.callSid) as Call;
  assert.equal(avaLeg.to, "client:ava");
  await until(store, "conference", () => conference.participants.length === 2);
  assert.equal(conference.status, "in-progress", "StartConferenceOnEnter (default true) starts it");
  const warning = avaLeg.timeline.list().find((e) => e.type === "warning" && e.code === 12200);
  assert.ok(warning, "Record=true: a 12200 warning");
  assert.match(String(warning.message), /Record/);
  assert.equal(customer.timeline.list().filter((e) => e.type === "beep").length, 0, "Beep=false: no beep for the others");

  store.handset(SUPERVISOR).behaviour = "answer";
  const coach = await client.conferences(conference.sid).participants.create({ from: OURS, to: SUPERVISOR, coaching: true, callSidToCoach: avaLeg.sid });
  await until(store, "conference", () => conference.participants.length === 3);
  const supervisor = engine.calls.get(coach.callSid) as Call;
  assert.equal(speak(supervisor, "offer the discount"), true);
  assert.equal(avaLeg.timeline.list().filter((e) => e.type === "heard").length, 1, "the coached participant hears the coach");
  assert.equal(customer.timeline.list().filter((e) => e.type === "heard").length, 0, "the customer does not");
  assert.equal(customer.timeline.list().filter((e) => e.type === "beep").length, 1, "Beep default true: the coach's arrival beeps");
});

test("Participants create: WaitUrl/WaitMethod play while it waits, and ConferenceStatusCallback* set a new conference's callback", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/conf-events", { status: 204, body: "" });
  stub.twiml("/wait", "<Say>Please hold</Say>");
  store.addNumber({ phoneNumber: OURS });
  store.handset(AGENT).behaviour = "answer";
  const created = await client.conferences("huddle").participants.create({
    from: OURS,
    to: AGENT,
    startConferenceOnEnter: false,
    waitUrl: `${stub.url}/wait`,
    waitMethod: "GET",
    conferenceStatusCallback: `${stub.url}/conf-events`,
    conferenceStatusCallbackMethod: "GET",
    conferenceStatusCallbackEvent: ["join", "speaker"],
  });
  const wait = await stub.waitFor("/wait");
  assert.equal(wait.method, "GET");
  assert.equal(wait.params.FriendlyName, "huddle");
  const join = await stub.waitFor("/conf-events");
  assert.equal(join.method, "GET");
  assert.equal(join.params.StatusCallbackEvent, "participant-join");
  assert.equal(join.params.CallSid, created.callSid);
  assert.equal(join.params.StartConferenceOnEnter, "false");
  const conference = conferenceOf(carrier, "huddle");
  assert.equal(conference?.status, "init");
  assert.deepEqual([...(conference?.callback?.events ?? [])].sort(), ["join", "speaker"]);
  assert.equal(engine.calls.get(created.callSid)?.status, "in-progress");
});
