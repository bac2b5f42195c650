// <Dial record>: the recording of the dialling call, from the answer or from ringing, mono or dual,
// with its status callbacks, RecordingUrl/RecordingSid/RecordingDuration on the Dial action, and a
// WAV on disk of exactly its duration that a restarted carrier still serves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerRinging, rejectRinging } from "../../src/calls/handsets.js";
import { hangupByHandset } from "../../src/calls/placement.js";
import { Engine } from "../../src/calls/engine.js";
import { Store } from "../../src/store.js";
import { VERBS } from "../../src/verbs/registry.js";
import type { Call } from "../../src/calls/call.js";
import { ACCOUNT_SID, AUTH_TOKEN, setup, type Harness } from "./harness.js";
import { wavFacts } from "./wav.js";

const ALICE = "+14155550111";

/** A temporary DATA_DIR/recordings, removed after the test. */
function recordingsDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "carrier-recordings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "recordings");
}

async function dialing(h: Harness, dial: string): Promise<{ call: Call; leg: Call }> {
  h.stub.twiml("/voice", dial);
  h.stub.twiml("/dialed", "<Hangup/>");
  h.stub.route("/recording", { status: 204, body: "" });
  const call = h.call();
  await h.until(call, "dial");
  await h.settled(call);
  const leg = h.legs(call)[0] as Call;
  return { call, leg };
}

test('record="record-from-answer-dual": two channels from the answer to the end of the bridge, callbacks in-progress and completed', async (t) => {
  const dir = recordingsDir(t);
  const h = await setup(t, { limits: { recordingsDir: dir } });
  const { call, leg } = await dialing(
    h,
    `<Dial action="/dialed" record="record-from-answer-dual" recordingStatusCallback="/recording" recordingStatusCallbackEvent="in-progress completed">${ALICE}</Dial>`,
  );
  await h.advance(5000); // ringing: not recorded
  assert.equal(answerRinging(h.engine, leg), true);
  await h.until(call, "bridged");
  const started = await h.stub.waitFor("/recording");
  assert.equal(started.params.RecordingStatus, "in-progress");
  assert.equal(started.params.RecordingDuration, undefined);
  await h.advance(12_000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  const sid = dialed.params.RecordingSid ?? "";
  assert.match(sid, /^RE[0-9a-f]{32}$/);
  assert.equal(dialed.params.RecordingUrl, h.store.recordingUrl(sid));
  assert.equal(dialed.params.RecordingDuration, "12");
  const completed = await h.stub.waitFor("/recording", 2);
  assert.deepEqual(
    [completed.params.RecordingStatus, completed.params.RecordingDuration, completed.params.RecordingChannels, completed.params.RecordingSource, completed.params.CallSid],
    ["completed", "12", "2", "DialVerb", call.sid],
  );
  const stored = h.store.recordings.get(sid);
  assert.deepEqual([stored?.status, stored?.durationSeconds, stored?.channels, stored?.source], ["completed", 12, 2, "DialVerb"]);

  const wav = readFileSync(join(dir, `${sid}.wav`));
  assert.deepEqual(wavFacts(wav), { channels: 2, rate: 8000, bits: 16, dataBytes: 12 * 8000 * 2 * 2 });
  assert.deepEqual(h.engine.recordings.media(sid), wav);

  // A carrier started again on the same directory serves the recording, metadata and media.
  const store = new Store({ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }, h.clock, "http://127.0.0.1:9");
  const restarted = new Engine(store, h.clock, VERBS, { recordingsDir: dir });
  assert.equal(store.recordings.get(sid)?.durationSeconds, 12);
  assert.deepEqual(store.recordings.get(sid)?.startTime, stored?.startTime);
  assert.deepEqual(restarted.recordings.media(sid), wav);
});

test('record="record-from-ringing" records the ringing too; mono; only completed is called back by default', async (t) => {
  const h = await setup(t, { limits: { recordingsDir: recordingsDir(t) } });
  const { call, leg } = await dialing(h, `<Dial action="/dialed" record="record-from-ringing" recordingStatusCallback="/recording">${ALICE}</Dial>`);
  await h.advance(5000);
  answerRinging(h.engine, leg);
  await h.until(call, "bridged");
  await h.advance(10_000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.RecordingDuration, "15");
  const wav = h.engine.recordings.media(dialed.params.RecordingSid ?? "");
  assert.ok(wav);
  assert.deepEqual(wavFacts(wav), { channels: 1, rate: 8000, bits: 16, dataBytes: 15 * 8000 * 2 });
  await h.idle();
  assert.deepEqual(h.stub.to("/recording").map((r) => r.params.RecordingStatus), ["completed"]);
  assert.equal(h.events(call, "warning").length, 0, "record is honoured: no 12200");
});

test('record="record-from-answer" with no answer records nothing and adds no RecordingUrl', async (t) => {
  const h = await setup(t);
  const { leg } = await dialing(h, `<Dial action="/dialed" record="record-from-answer" recordingStatusCallback="/recording">${ALICE}</Dial>`);
  await h.advance(3000);
  rejectRinging(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "busy");
  assert.equal(dialed.params.RecordingUrl, undefined);
  assert.equal(h.store.recordings.size, 0);
});

test('record="true" is record-from-answer; the caller hanging up ends the recording with the call', async (t) => {
  const h = await setup(t);
  const { call, leg } = await dialing(h, `<Dial record="true" recordingStatusCallback="/recording">${ALICE}</Dial>`);
  answerRinging(h.engine, leg);
  await h.until(call, "bridged");
  await h.advance(7000);
  hangupByHandset(h.engine, call);
  const completed = await h.stub.waitFor("/recording");
  assert.deepEqual([completed.params.RecordingStatus, completed.params.RecordingDuration, completed.params.RecordingChannels], ["completed", "7", "1"]);
});

test('trim="trim-silence" keeps only the recording from the first sound on the line to the last', async (t) => {
  const h = await setup(t, { limits: { recordingsDir: recordingsDir(t) } });
  const { call, leg } = await dialing(h, `<Dial action="/dialed" record="record-from-answer" trim="trim-silence">${ALICE}</Dial>`);
  answerRinging(h.engine, leg);
  await h.until(call, "bridged");
  await h.advance(3000);
  assert.equal(await h.speak(call, "one two three four five"), true); // 2 s of words, heard by the leg
  await h.advance(4000);
  assert.equal(await h.speak(leg, "six seven eight nine ten"), true); // heard by the caller: 7–9 s
  await h.advance(10_000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.RecordingDuration, "6", "from 3 s to 9 s of the 17 s bridged");
  const wav = h.engine.recordings.media(dialed.params.RecordingSid ?? "");
  assert.ok(wav);
  assert.equal(wavFacts(wav).dataBytes, 6 * 8000 * 2);
});

test('trim="trim-silence" on a recording that never heard a sound leaves it absent, with no RecordingUrl', async (t) => {
  const h = await setup(t);
  const { call, leg } = await dialing(h, `<Dial action="/dialed" record="record-from-answer" trim="trim-silence" recordingStatusCallback="/recording" recordingStatusCallbackEvent="absent completed">${ALICE}</Dial>`);
  answerRinging(h.engine, leg);
  await h.until(call, "bridged");
  await h.advance(9000);
  hangupByHandset(h.engine, leg);
  const dialed = await h.stub.waitFor("/dialed");
  assert.equal(dialed.params.RecordingUrl, undefined);
  const absent = await h.stub.waitFor("/recording");
  assert.deepEqual([absent.params.RecordingStatus, absent.params.RecordingDuration], ["absent", "0"]);
});
