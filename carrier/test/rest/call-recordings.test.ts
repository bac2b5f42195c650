// Calls/{CallSid}/Recordings over REST: create starts recording a call in progress
// (StartCallRecordingAPI), update pauses, resumes and stops it — the PCI pause: `skip` leaves the
// paused time out of the recording, `silence` keeps it as silence — and delete removes it. On the
// manual clock the durations are exact, and the WAV says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { StubApp } from "../engine/harness.js";
import { wavFacts } from "../engine/wav.js";
import { ACCOUNT_PATH, type Carrier, startCarrier, until } from "./helpers.js";

const OURS = "+14155550100";
const HANDSET = "+14155550199";
const HOLD = '<Response><Pause length="3600"/></Response>';

async function answeredCall(carrier: Carrier): Promise<string> {
  carrier.store.addNumber({ phoneNumber: OURS });
  carrier.store.handset(HANDSET).behaviour = "answer";
  const call = await carrier.client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  await until(carrier.store, "call-status", () => carrier.engine.calls.get(call.sid)?.status === "in-progress");
  return call.sid;
}

async function media(carrier: Carrier, sid: string): Promise<Buffer> {
  const response = await carrier.request(`${ACCOUNT_PATH}/Recordings/${sid}.wav`, { auth: false });
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

test("the PCI pause with PauseBehavior=skip leaves the paused time out of the recording", async (t) => {
  const carrier = await startCarrier(t);
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/recording", { status: 204, body: "" });
  const { client, clock } = carrier;
  const callSid = await answeredCall(carrier);

  const created = await client.calls(callSid).recordings.create({
    recordingStatusCallback: `${stub.url}/recording`,
    recordingStatusCallbackEvent: ["in-progress", "completed"],
    recordingChannels: "dual",
    recordingTrack: "both",
  });
  assert.match(created.sid, /^RE[0-9a-f]{32}$/);
  assert.deepEqual([created.status, created.source, created.channels, created.track, created.callSid], ["in-progress", "StartCallRecordingAPI", 2, "both", callSid]);
  assert.equal(created.duration, "-1");
  const started = await stub.waitFor("/recording");
  assert.deepEqual([started.params.RecordingStatus, started.params.RecordingSource, started.params.RecordingTrack], ["in-progress", "StartCallRecordingAPI", "both"]);

  await clock.advance(10_000);
  const paused = await client.calls(callSid).recordings(created.sid).update({ status: "paused", pauseBehavior: "skip" });
  assert.equal(paused.status, "paused");
  await clock.advance(20_000); // the card number is read: not recorded
  const resumed = await client.calls(callSid).recordings("Twilio.CURRENT").update({ status: "in-progress" });
  assert.deepEqual([resumed.sid, resumed.status], [created.sid, "in-progress"]);
  await clock.advance(5000);
  const stopped = await client.calls(callSid).recordings(created.sid).update({ status: "stopped" });
  assert.deepEqual([stopped.status, stopped.duration], ["completed", "15"]);

  const completed = await stub.waitFor("/recording", 2);
  assert.deepEqual([completed.params.RecordingStatus, completed.params.RecordingDuration, completed.params.RecordingChannels], ["completed", "15", "2"]);
  assert.deepEqual(wavFacts(await media(carrier, created.sid)), { channels: 2, rate: 8000, bits: 16, dataBytes: 15 * 8000 * 2 * 2 });
  assert.equal((await client.recordings(created.sid).fetch()).duration, "15");

  // A stopped recording cannot be resumed; a recording can be deleted under its call.
  await assert.rejects(client.calls(callSid).recordings(created.sid).update({ status: "in-progress" }), { status: 400, code: 21220 });
  assert.equal(await client.calls(callSid).recordings(created.sid).remove(), true);
  await assert.rejects(client.recordings(created.sid).fetch(), { status: 404, code: 20404 });
});

test("PauseBehavior=silence (the default) keeps the paused time as silence; the call's end stops the recording", async (t) => {
  const carrier = await startCarrier(t);
  const { client, clock, engine } = carrier;
  const callSid = await answeredCall(carrier);
  const created = await client.calls(callSid).recordings.create();
  assert.deepEqual([created.channels, created.track], [1, "both"]);
  await clock.advance(10_000);
  await client.calls(callSid).recordings(created.sid).update({ status: "paused" });
  await clock.advance(20_000);
  await client.calls(callSid).recordings(created.sid).update({ status: "in-progress" });
  await clock.advance(5000);
  await client.calls(callSid).update({ status: "completed" });
  await until(carrier.store, "call-status", () => engine.calls.get(callSid)?.isEnded === true);

  const fetched = await client.calls(callSid).recordings(created.sid).fetch();
  assert.deepEqual([fetched.status, fetched.duration], ["completed", "35"]);
  const wav = await media(carrier, created.sid);
  assert.deepEqual(wavFacts(wav), { channels: 1, rate: 8000, bits: 16, dataBytes: 35 * 8000 * 2 });
  const sample = (second: number) => Math.abs(wav.readInt16LE(44 + Math.round((second + 0.001) * 8000) * 2));
  assert.ok(sample(5) + sample(5.002) > 0, "recorded audio before the pause");
  assert.equal(sample(12) + sample(20) + sample(29.9), 0, "the paused 20 s are silence");
  assert.ok(sample(32) + sample(32.002) > 0, "recorded audio after the pause");

  // An ended call cannot be recorded.
  await assert.rejects(client.calls(callSid).recordings.create(), { status: 400, code: 21220 });
  await assert.rejects(client.calls(`CA${"0".repeat(32)}`).recordings.create(), { status: 404, code: 20404 });
  await assert.rejects(client.calls(callSid).recordings.create({ recordingChannels: "quad" }), { status: 400 });
});
