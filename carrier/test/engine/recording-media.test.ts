// Recording media on disk: <Record>'s WAV is written under DATA_DIR/recordings like every other
// recording's, and a carrier started again on the same DATA_DIR serves it by SID over REST.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Call } from "../../src/calls/call.js";
import { ACCOUNT_SID, AUTH_TOKEN, setup } from "./harness.js";
import { wavFacts } from "./wav.js";

test("<Record>'s WAV is kept under DATA_DIR/recordings and served by SID after a restart", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "carrier-data-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const h = await setup(t, { limits: { recordingsDir: join(dataDir, "recordings") } });
  h.stub.twiml("/voice", '<Record action="/recorded" trim="do-not-trim" timeout="10"/>');
  h.stub.twiml("/recorded", "<Hangup/>");
  const call: Call = h.call();
  await h.until(call, "record");
  await h.settled(call);
  await h.speak(call, "my card number is on its way");
  await h.advance(6000);
  await h.press(call, "#");
  const recorded = await h.stub.waitFor("/recorded");
  const sid = recorded.params.RecordingSid ?? "";
  const seconds = Number(recorded.params.RecordingDuration);
  assert.equal(seconds, 6);
  assert.ok(existsSync(join(dataDir, "recordings", `${sid}.wav`)));

  const carrier = await buildCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicUrl: "http://127.0.0.1:9", clock: new ManualClock(), dataDir });
  t.after(() => carrier.app.close());
  const media = await carrier.app.inject({ method: "GET", url: `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}.wav` });
  assert.equal(media.statusCode, 200);
  assert.equal(media.headers["content-type"], "audio/x-wav");
  assert.deepEqual(wavFacts(media.rawPayload), { channels: 1, rate: 8000, bits: 16, dataBytes: seconds * 8000 * 2 });
  const auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
  const json = await carrier.app.inject({ method: "GET", url: `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}.json`, headers: { authorization: auth } });
  assert.equal(json.statusCode, 200);
  assert.deepEqual([json.json().duration, json.json().call_sid, json.json().source], ["6", call.sid, "RecordVerb"]);

  // Deleting it removes the media from disk too.
  const deleted = await carrier.app.inject({ method: "DELETE", url: `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${sid}.json`, headers: { authorization: auth } });
  assert.equal(deleted.statusCode, 204);
  assert.equal(existsSync(join(dataDir, "recordings", `${sid}.wav`)), false);
});
