import { test } from "node:test";
import assert from "node:assert/strict";
import type { Recording, Store } from "../../src/store.js";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier } from "./helpers.js";

const CALL_A = "CA0000000000000000000000000000000a";
const CALL_B = "CA0000000000000000000000000000000b";

function addRecording(store: Store, sid: string, callSid: string, durationSeconds: number): Recording {
  const now = store.clock.now();
  const recording: Recording = {
    sid,
    callSid,
    durationSeconds,
    status: "completed",
    source: "RecordVerb",
    channels: 1,
    transcript: "I'd like to book an appointment",
    dateCreated: now,
    dateUpdated: now,
    startTime: new Date(now.getTime() - durationSeconds * 1000),
  };
  store.recordings.set(sid, recording);
  return recording;
}

test("recordings are listed, filtered by call and fetched", async (t) => {
  const { client, store, baseUrl } = await startCarrier(t);
  const first = addRecording(store, "RE00000000000000000000000000000001", CALL_A, 3);
  const second = addRecording(store, "RE00000000000000000000000000000002", CALL_B, 7);

  assert.deepEqual((await client.recordings.list()).map((r) => r.sid), [second.sid, first.sid]);
  assert.deepEqual((await client.recordings.list({ callSid: CALL_A })).map((r) => r.sid), [first.sid]);
  assert.deepEqual((await client.recordings.list({ pageSize: 1 })).map((r) => r.sid), [second.sid, first.sid]);
  assert.deepEqual((await client.calls(CALL_B).recordings.list()).map((r) => r.sid), [second.sid]);

  const fetched = await client.recordings(first.sid).fetch();
  assert.equal(fetched.accountSid, ACCOUNT_SID);
  assert.equal(fetched.callSid, CALL_A);
  assert.equal(fetched.duration, "3");
  assert.equal(fetched.channels, 1);
  assert.equal(fetched.source, "RecordVerb");
  assert.equal(fetched.status, "completed");
  assert.equal(fetched.conferenceSid, null);
  assert.equal(fetched.priceUnit, "USD");
  assert.deepEqual(fetched.startTime, first.startTime);
  assert.equal(fetched.mediaUrl, `${baseUrl}${ACCOUNT_PATH}/Recordings/${first.sid}`);
  assert.equal(fetched.mediaUrl, store.recordingUrl(first.sid));
  assert.equal(fetched.uri, `${ACCOUNT_PATH}/Recordings/${first.sid}.json`);
  assert.equal((await client.calls(CALL_A).recordings(first.sid).fetch()).sid, first.sid);

  await assert.rejects(client.recordings("RE00000000000000000000000000000099").fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.calls(CALL_B).recordings(first.sid).fetch(), { status: 404, code: 20404 });

  assert.equal(await client.recordings(first.sid).remove(), true);
  assert.equal(store.recordings.has(first.sid), false);
});

test("recording media is a WAV file served without credentials; MP3 is not offered", async (t) => {
  const { store, request } = await startCarrier(t);
  const recording = addRecording(store, "RE00000000000000000000000000000001", CALL_A, 2);

  for (const url of [store.recordingUrl(recording.sid), `${store.recordingUrl(recording.sid)}.wav`]) {
    const response = await fetch(url);
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get("content-type"), "audio/x-wav");
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.toString("ascii", 0, 4), "RIFF");
    assert.equal(bytes.toString("ascii", 8, 12), "WAVE");
    assert.equal(bytes.length, 44 + 2 * 8000 * 2, "2 s of 8 kHz 16-bit mono");
  }

  const mp3 = await fetch(`${store.recordingUrl(recording.sid)}.mp3`);
  assert.equal(mp3.status, 404);
  assert.equal(((await mp3.json()) as { code: number }).code, 20404);

  const unknown = await fetch(store.recordingUrl("RE00000000000000000000000000000099"));
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { code: number }).code, 20404);

  // The metadata stays behind auth.
  const metadata = await request(`${ACCOUNT_PATH}/Recordings/${recording.sid}.json`, { auth: false });
  assert.equal(metadata.status, 401);
});
