// A conference's recordings over REST, through the official client: the recording that
// <Conference record="record-from-start"> makes is listed, fetched (also as Twilio.CURRENT), paused
// with PauseBehavior=skip, resumed, stopped and deleted under Conferences/{Sid}/Recordings, and is in
// the account's Recordings list (ConferenceSid filter) with its WAV; Participants create's
// ConferenceRecord, ConferenceTrim and ConferenceRecordingStatusCallback* record a conference it makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Call } from "../../src/calls/call.js";
import { hangupByHandset } from "../../src/calls/placement.js";
import { wavFacts } from "../engine/wav.js";
import { ACCOUNT_PATH, startCarrier, until, type Carrier } from "./helpers.js";

const OURS = "+14155550100";
const CUSTOMER = "+14155550133";
const AGENT = "+14155550111";

async function participant(carrier: Carrier, handset: string, attributes = ""): Promise<Call> {
  if (!carrier.store.numberByPhone(OURS)) carrier.store.addNumber({ phoneNumber: OURS });
  carrier.store.handset(handset).behaviour = "answer";
  const created = await carrier.client.calls.create({ to: handset, from: OURS, twiml: `<Response><Dial><Conference ${attributes}>room</Conference></Dial></Response>` });
  const call = carrier.engine.calls.get(created.sid) as Call;
  await until(carrier.store, "conference", () => carrier.engine.conferences.list().some((c) => c.participants.some((p) => p.call === call)));
  return call;
}

test("Conferences/{Sid}/Recordings: list, fetch, pause (skip), resume, stop and delete the conference's recording", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine, clock, request } = carrier;
  const customer = await participant(carrier, CUSTOMER, 'record="record-from-start" trim="do-not-trim"');
  const agent = await participant(carrier, AGENT);
  const conference = engine.conferences.list()[0];
  assert.ok(conference);
  const recordings = client.conferences(conference.sid).recordings;

  await clock.advance(4_000);
  const [listed, ...others] = await recordings.list();
  assert.ok(listed);
  assert.equal(others.length, 0);
  assert.equal(listed.conferenceSid, conference.sid);
  assert.equal(listed.callSid, customer.sid, "kept under the participant whose arrival started the conference");
  assert.equal(listed.status, "in-progress");
  assert.equal(listed.source, "Conference");
  assert.equal(listed.duration, "-1");
  assert.equal(listed.uri, `${ACCOUNT_PATH}/Conferences/${conference.sid}/Recordings/${listed.sid}.json`);
  assert.equal((await recordings("Twilio.CURRENT").fetch()).sid, listed.sid);

  const paused = await recordings(listed.sid).update({ status: "paused", pauseBehavior: "skip" });
  assert.equal(paused.status, "paused");
  await clock.advance(3_000);
  assert.equal((await recordings(listed.sid).update({ status: "in-progress" })).status, "in-progress");
  await clock.advance(2_000);
  const stopped = await recordings("Twilio.CURRENT").update({ status: "stopped" });
  assert.equal(stopped.status, "completed");
  assert.equal(stopped.duration, "6", "4 s, the 3 s paused left out, 2 s");
  await assert.rejects(recordings(listed.sid).update({ status: "paused" }), { status: 400, code: 21220 });
  await assert.rejects(recordings(listed.sid).update({ status: "bogus" as "paused" }), { status: 400 });
  await assert.rejects(recordings(`RE${"0".repeat(32)}`).fetch(), { status: 404 });
  assert.equal(engine.recordings.activeOn(conference.sid).length, 0, "stopped: no recording of the conference now");

  // The account's list has it (ConferenceSid filter), its call's own list does not; its WAV is 6 s.
  assert.deepEqual((await client.recordings.list({ conferenceSid: conference.sid })).map((r) => r.sid), [listed.sid]);
  assert.equal((await client.recordings(listed.sid).fetch()).conferenceSid, conference.sid);
  assert.deepEqual(await client.calls(customer.sid).recordings.list(), []);
  const media = await request(`${ACCOUNT_PATH}/Recordings/${listed.sid}.wav`);
  assert.equal(media.status, 200);
  assert.deepEqual(wavFacts(Buffer.from(await media.arrayBuffer())), { channels: 1, rate: 8000, bits: 16, dataBytes: 6 * 8000 * 2 });

  await recordings(listed.sid).remove();
  assert.equal(store.recordings.has(listed.sid), false);
  await assert.rejects(recordings(listed.sid).fetch(), { status: 404 });
  assert.deepEqual(await recordings.list(), []);
  hangupByHandset(engine, agent);
  hangupByHandset(engine, customer);
});

test("Participants create with ConferenceRecord=record-from-start records the conference it makes, until it ends", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, engine, clock } = carrier;
  store.addNumber({ phoneNumber: OURS });
  store.handset(AGENT).behaviour = "answer";
  const created = await client.conferences("huddle").participants.create({
    from: OURS,
    to: AGENT,
    conferenceRecord: "record-from-start",
    conferenceTrim: "do-not-trim",
    conferenceRecordingStatusCallback: "http://127.0.0.1:9/rec",
    conferenceRecordingStatusCallbackEvent: ["in-progress", "completed", "failed"],
  });
  await until(store, "conference", () => engine.conferences.list()[0]?.status === "in-progress");
  const conference = engine.conferences.list()[0];
  assert.ok(conference);
  const [recording] = await client.conferences(conference.sid).recordings.list();
  assert.equal(recording?.status, "in-progress");
  assert.equal(recording?.callSid, created.callSid);
  await clock.advance(7_000);
  await client.conferences(conference.sid).update({ status: "completed" });
  await until(store, "conference", () => conference.status === "completed");
  const done = await client.conferences(conference.sid).recordings(recording?.sid ?? "").fetch();
  assert.equal(done.status, "completed");
  assert.equal(done.duration, "7");

  // Without ConferenceRecord (Twilio's default, false) nothing is recorded; a bad value is a 400.
  await client.conferences("plain").participants.create({ from: OURS, to: AGENT });
  await until(store, "conference", () => engine.conferences.list().some((c) => c.friendlyName === "plain" && c.status === "in-progress"));
  assert.equal([...store.recordings.values()].length, 1);
  await assert.rejects(client.conferences("plain").participants.create({ from: OURS, to: AGENT, conferenceRecord: "always" }), { status: 400 });
  await assert.rejects(client.conferences("plain").participants.create({ from: OURS, to: AGENT, conferenceRecordingStatusCallbackEvent: ["bogus"] }), { status: 400 });
});
