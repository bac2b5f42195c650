// Conferences and Participants over REST, through the official client: conferences made by
// <Dial><Conference> are listed (filters FriendlyName, Status, DateCreated), fetched and ended
// (Status=completed); their participants are listed, fetched by CallSid or label, muted, held, made
// to coach, and removed (their call goes on with its Dial action).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Conference } from "../../src/calls/conferences.js";
import type { Call } from "../../src/calls/call.js";
import { answerRinging } from "../../src/calls/handsets.js";
import { speak } from "../../src/calls/speech.js";
import type { TimelineEvent } from "../../src/timeline.js";
import { ACCOUNT_PATH, startCarrier, until, type Carrier } from "./helpers.js";

const OURS = "+14155550100";
const CUSTOMER = "+14155550133";
const AGENT = "+14155550111";
const SUPERVISOR = "+14155550122";

/** Places a call to `handset` (which answers) that joins conference `name`; resolves once it is in. */
async function participant(carrier: Carrier, handset: string, name: string, attributes = "", after = ""): Promise<Call> {
  if (!carrier.store.numberByPhone(OURS)) carrier.store.addNumber({ phoneNumber: OURS });
  carrier.store.handset(handset).behaviour = "answer";
  const created = await carrier.client.calls.create({
    to: handset,
    from: OURS,
    twiml: `<Response><Dial><Conference ${attributes}>${name}</Conference></Dial>${after}</Response>`,
  });
  const call = carrier.engine.calls.get(created.sid) as Call;
  await until(carrier.store, "conference", () => conferenceOf(carrier, name)?.participants.some((p) => p.call === call) ?? false);
  return call;
}

/** Resolves once the call's timeline has an event matching `match`. */
function timelineHas(call: Call, match: (event: TimelineEvent) => boolean): Promise<void> {
  if (call.timeline.list().some(match)) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = call.timeline.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve();
    });
  });
}

function conferenceOf(carrier: Carrier, name: string): Conference | undefined {
  return carrier.engine.conferences.list().find((c) => c.friendlyName === name && c.status !== "completed");
}

test("Conferences: list with filters, fetch, and Status=completed ends it and every participant's part in it", async (t) => {
  const carrier = await startCarrier(t);
  const { client } = carrier;
  const customer = await participant(carrier, CUSTOMER, "support", 'startConferenceOnEnter="false"');
  const waiting = conferenceOf(carrier, "support");
  assert.ok(waiting);
  await carrier.clock.advance(60_000);
  await participant(carrier, AGENT, "sales");

  const all = await client.conferences.list();
  assert.deepEqual(all.map((c) => c.friendlyName), ["sales", "support"], "newest first");
  assert.deepEqual((await client.conferences.list({ friendlyName: "support" })).map((c) => c.sid), [waiting.sid]);
  assert.deepEqual((await client.conferences.list({ status: "init" })).map((c) => c.friendlyName), ["support"]);
  assert.deepEqual((await client.conferences.list({ status: "in-progress" })).map((c) => c.friendlyName), ["sales"]);
  // DateCreated filters are by day (twilio-node sends YYYY-MM-DD).
  const today = carrier.clock.now();
  const yesterday = new Date(today.getTime() - 86_400_000);
  assert.deepEqual((await client.conferences.list({ dateCreated: today })).map((c) => c.friendlyName), ["sales", "support"]);
  assert.deepEqual(await client.conferences.list({ dateCreatedBefore: yesterday }), []);

  const fetched = await client.conferences(waiting.sid).fetch();
  assert.equal(fetched.status, "init");
  assert.equal(fetched.reasonConferenceEnded, null);
  assert.equal(fetched.subresourceUris.participants, `${ACCOUNT_PATH}/Conferences/${waiting.sid}/Participants.json`);

  const ended = await client.conferences(waiting.sid).update({ status: "completed" });
  assert.equal(ended.status, "completed");
  assert.equal(ended.reasonConferenceEnded, "conference-ended-via-api");
  assert.equal(waiting.participants.length, 0);
  // The customer's Dial is over: its document ran out, so the call ended.
  await until(customer, "status", () => customer.isEnded);
  assert.equal(customer.status, "completed");
  assert.equal((await client.conferences.list({ status: "completed" }))[0]?.sid, waiting.sid);

  await assert.rejects(client.conferences(`CF${"0".repeat(32)}`).fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.conferences(waiting.sid).update({ status: "in-progress" as "completed" }), { status: 400 });
});

test("Participants: list, fetch by CallSid or label, mute, hold with a HoldUrl, coach, and remove", async (t) => {
  const carrier = await startCarrier(t);
  const { client } = carrier;
  const customer = await participant(carrier, CUSTOMER, "room", 'participantLabel="customer"');
  const agent = await participant(carrier, AGENT, "room", 'participantLabel="agent"', "<Say>Back to the menu</Say>");
  const conference = conferenceOf(carrier, "room");
  assert.ok(conference);
  const participants = client.conferences(conference.sid).participants;

  const listed = await participants.list();
  assert.deepEqual(listed.map((p) => p.callSid).sort(), [customer.sid, agent.sid].sort());
  const byLabel = await participants("customer").fetch();
  assert.equal(byLabel.callSid, customer.sid);
  assert.equal(byLabel.status, "connected");
  assert.equal((await participants(agent.sid).fetch()).label, "agent");
  await assert.rejects(participants("nobody").fetch(), { status: 404 });

  // Muted: the customer is no longer heard.
  const muted = await participants("customer").update({ muted: true });
  assert.equal(muted.muted, true);
  assert.deepEqual((await participants.list({ muted: true })).map((p) => p.callSid), [customer.sid]);
  assert.equal(speak(customer, "hello?"), false);
  await participants("customer").update({ muted: false });
  assert.equal(speak(customer, "hello?"), true);

  // Hold: the customer hears the HoldUrl document, and neither hears nor is heard.
  const held = await participants("customer").update({ hold: true, holdUrl: "http://127.0.0.1:9/hold", holdMethod: "GET" });
  assert.equal(held.hold, true);
  assert.ok(customer.timeline.list().some((e) => e.type === "conference.wait" && e.hold === true && e.music === "http://127.0.0.1:9/hold"));
  assert.equal(speak(agent, "one moment"), false, "nobody else is in the conference to hear the agent");
  await participants("customer").update({ hold: false });
  assert.equal(speak(agent, "I'm back"), true);

  // Coaching needs a participant to coach.
  await assert.rejects(participants("agent").update({ coaching: true }), { status: 400 });
  const coach = await participant(carrier, SUPERVISOR, "room");
  const coaching = await participants(coach.sid).update({ coaching: true, callSidToCoach: agent.sid });
  assert.equal(coaching.coaching, true);
  assert.equal(coaching.callSidToCoach, agent.sid);
  speak(coach, "offer a refund");
  assert.ok(agent.timeline.list().some((e) => e.type === "heard" && e.text === "offer a refund"));
  assert.ok(!customer.timeline.list().some((e) => e.type === "heard" && e.text === "offer a refund"));

  // AnnounceUrl: the announcement document is requested on the participant's call.
  await participants("customer").update({ announceUrl: "http://127.0.0.1:9/announce" });
  await timelineHas(customer, (e) => e.type === "error" && e.url === "http://127.0.0.1:9/announce");
  await client.conferences(conference.sid).update({ announceUrl: "http://127.0.0.1:9/everyone", announceMethod: "GET" });
  await timelineHas(agent, (e) => e.type === "error" && e.url === "http://127.0.0.1:9/everyone");
  await assert.rejects(client.conferences(conference.sid).update({ announceUrl: "not a url" }), { status: 400, code: 21205 });

  // Removing the agent: its call goes on with the verbs after its Dial; the conference goes on.
  await participants("agent").remove();
  assert.equal(conference.participants.length, 2);
  await timelineHas(agent, (e) => e.type === "say" && e.text === "Back to the menu");
  assert.equal(conference.status, "in-progress");
  await assert.rejects(participants("agent").fetch(), { status: 404 });
});

test("Participants create places a call that joins the conference when answered, with the participant's settings", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  const customer = await participant(carrier, CUSTOMER, "transfer", 'participantLabel="customer"');
  const conference = conferenceOf(carrier, "transfer");
  assert.ok(conference);
  store.handset(SUPERVISOR).behaviour = "manual";

  const created = await client.conferences(conference.sid).participants.create({
    from: OURS,
    to: SUPERVISOR,
    label: "agent-2",
    muted: true,
    endConferenceOnExit: true,
    timeout: 20,
    statusCallback: "http://127.0.0.1:9/status",
    statusCallbackEvent: ["ringing", "answered"],
  });
  assert.equal(created.status, "queued");
  assert.equal(created.label, "agent-2");
  assert.equal(created.conferenceSid, conference.sid);
  const leg = engine.calls.get(created.callSid) as Call;
  assert.equal(leg.to, SUPERVISOR);
  assert.equal(leg.direction, "outbound-api");
  assert.deepEqual([...(leg.statusCallback?.events ?? [])].sort(), ["answered", "ringing"]);
  await until(store, "call-status", () => leg.status === "ringing");
  assert.equal(conference.participants.length, 1, "not in the conference before it answers");

  assert.equal(answerRinging(engine, leg), true);
  await until(store, "conference", () => conference.participants.length === 2);
  const joined = await client.conferences(conference.sid).participants("agent-2").fetch();
  assert.equal(joined.callSid, leg.sid);
  assert.equal(joined.muted, true);
  assert.equal(joined.endConferenceOnExit, true);
  assert.equal(speak(leg, "hello"), false, "joined muted");

  // It ends the conference when it leaves (EndConferenceOnExit).
  await client.conferences(conference.sid).participants("agent-2").remove();
  assert.equal(conference.status, "completed");
  assert.equal(conference.reasonEnded, "participant-with-end-conference-on-exit-kicked");
  await until(customer, "status", () => customer.isEnded);

  await assert.rejects(client.conferences(`CF${"0".repeat(32)}`).participants.create({ from: OURS, to: SUPERVISOR }), { status: 404 });
  await assert.rejects(client.conferences(conference.sid).participants.create({ from: "+14155550000", to: SUPERVISOR }), { status: 400, code: 21210 });
});

test("Participants create on a friendly name makes the conference on the first join", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine } = carrier;
  if (!store.numberByPhone(OURS)) store.addNumber({ phoneNumber: OURS });
  store.handset(AGENT).behaviour = "answer";
  const created = await client.conferences("team-huddle").participants.create({ from: OURS, to: AGENT, startConferenceOnEnter: false });
  assert.equal(created.conferenceSid, null);
  await until(store, "conference", () => conferenceOf(carrier, "team-huddle")?.participants.length === 1);
  const conference = conferenceOf(carrier, "team-huddle");
  assert.equal(conference?.status, "init", "startConferenceOnEnter=false: it waits");
  assert.equal(conference?.participants[0]?.call, engine.calls.get(created.callSid));
});
