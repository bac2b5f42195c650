// <Start><Recording> and <Stop><Recording>: a recording of the call that runs alongside the
// document, from <Start> to <Stop name>, a REST update or the end of the call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import type { Call } from "../../src/calls/call.js";
import { parseVoiceTwiml } from "../../src/twiml/parse-voice.js";
import { setup } from "./harness.js";
import { wavFacts } from "./wav.js";

test("<Start><Recording> records from <Start> to <Stop><Recording name> while the document goes on", async (t) => {
  const h = await setup(t);
  h.stub.route("/recording", { status: 204, body: "" });
  h.stub.twiml(
    "/voice",
    '<Start><Recording name="pci" channels="dual" track="inbound" recordingStatusCallback="/recording" recordingStatusCallbackEvent="in-progress completed"/></Start>' +
      '<Pause length="8"/><Stop><Recording name="pci"/></Stop><Pause length="30"/>',
  );
  const call: Call = h.call();
  const started = await h.until(call, "recording.started");
  assert.deepEqual([started.source, started.channels, started.name], ["StartCallRecordingAPI", 2, "pci"]);
  assert.equal((await h.stub.waitFor("/recording")).params.RecordingStatus, "in-progress");
  await h.until(call, "pause");
  await h.advance(8000);
  const stopped = await h.until(call, "recording.stopped");
  assert.deepEqual([stopped.status, stopped.duration], ["completed", 8]);
  const completed = await h.stub.waitFor("/recording", 2);
  assert.deepEqual(
    [completed.params.RecordingStatus, completed.params.RecordingDuration, completed.params.RecordingChannels, completed.params.RecordingTrack, completed.params.RecordingSource],
    ["completed", "8", "2", "inbound", "StartCallRecordingAPI"],
  );
  const sid = String(stopped.recordingSid);
  const stored = h.store.recordings.get(sid);
  assert.deepEqual([stored?.status, stored?.durationSeconds, stored?.track], ["completed", 8, "inbound"]);
  const wav = h.engine.recordings.media(sid);
  assert.ok(wav);
  assert.deepEqual(wavFacts(wav), { channels: 2, rate: 8000, bits: 16, dataBytes: 8 * 8000 * 2 * 2 });
  assert.equal(h.events(call, "pause").length, 2, "the document went on past <Start> and <Stop>");
});

test("a <Start><Recording> with no <Stop> ends with the call; <Stop> without a name stops nothing (12200)", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Start><Recording/></Start><Stop><Recording/></Stop><Pause length="60"/>');
  const call: Call = h.call();
  await h.until(call, "pause");
  const warning = h.events(call, "warning").find((e) => e.code === 12200);
  assert.match(String(warning?.message), /needs the name/);
  await h.advance(12_000);
  hangupByHandset(h.engine, call);
  const stopped = await h.until(call, "recording.stopped");
  assert.deepEqual([stopped.status, stopped.duration], ["completed", 12]);
  assert.equal(h.store.recordings.get(String(stopped.recordingSid))?.channels, 1);
});

test("<Start> parses <Recording>'s attributes; <Stream> inside it is a 12200 warning", () => {
  const parsed = parseVoiceTwiml(
    '<Response><Start><Recording trim="trim-silence" recordingStatusCallbackMethod="GET"/></Start><Start><Stream url="wss://x"/></Start><Stop><Recording name="a"/></Stop></Response>',
  );
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.verbs, [
    {
      verb: "Start",
      recording: {
        noun: "Recording",
        recordingStatusCallbackMethod: "GET",
        recordingStatusCallbackEvent: ["completed"],
        trim: "trim-silence",
        channels: "mono",
        track: "both",
      },
    },
    { verb: "Start" },
    { verb: "Stop", recording: { name: "a" } },
  ]);
  assert.deepEqual(parsed.warnings.map((w) => w.message), ["<Stream> inside <Start> is not supported; it was ignored"]);
});

test("a recording started on a call already over is absent at once, never left running", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", "<Hangup/>");
  const call: Call = h.call();
  await h.ended(call);
  const recording = h.engine.recordings.start(call, { source: "StartCallRecordingAPI", channels: 1, trim: "do-not-trim" });
  assert.deepEqual([recording.status, recording.durationSeconds], ["absent", 0]);
  assert.deepEqual(h.engine.recordings.activeOn(call.sid), []);
  assert.equal(h.engine.recordings.media(recording.sid), undefined, "no media for an absent recording");
});
