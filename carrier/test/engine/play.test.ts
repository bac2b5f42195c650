// <Play> (docs/twilio-contract.md §2.2, §10): the media URL is fetched with a plain GET and no voice
// parameters; a WAV plays for its own duration, loop times; a non-audio answer is error 13420 and
// the call goes on with the next verb.
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordingWav } from "../../src/calls/recordings.js";
import { sayMs } from "../../src/verbs/media.js";
import { elapsed, setup } from "./harness.js";

const WAV = { contentType: "audio/wav", body: recordingWav(3) };

test("Play fetches the media with a GET without parameters and plays for the WAV's duration", async (t) => {
  const h = await setup(t);
  h.stub.route("/media/hello.wav", WAV);
  h.stub.twiml("/voice", "<Play>media/hello.wav</Play><Say>After</Say>");
  const call = h.call();
  const media = await h.stub.waitFor("/media/hello.wav");
  assert.equal(media.method, "GET");
  assert.deepEqual(media.query, {}, "no voice parameters in the query");
  assert.equal(media.headers["content-type"], undefined, "no body");
  assert.equal(media.url, `${h.stub.url}/media/hello.wav`, "relative to the document URL");

  const play = await h.until(call, "play");
  assert.equal(play.url, `${h.stub.url}/media/hello.wav`);
  assert.equal(play.loop, 1);
  assert.equal(play.errorCode, undefined);
  await h.settled(call);
  await h.advance(2999);
  assert.equal(h.events(call, "say").length, 0, "still playing");
  await h.advance(1);
  const after = await h.until(call, "say");
  assert.equal(elapsed(after), 3000);
  assert.equal(call.status, "in-progress");
});

test("Play loop repeats the media; loop=0 is capped at 1,000", async (t) => {
  const h = await setup(t);
  h.stub.route("/hold.wav", WAV);
  h.stub.twiml("/voice", '<Play loop="2">/hold.wav</Play><Say>Two rounds</Say><Play loop="0">/hold.wav</Play>');
  const call = h.call();
  await h.until(call, "play");
  await h.settled(call);
  await h.advance(6000);
  const say = await h.until(call, "say");
  assert.equal(elapsed(say), 6000);
  await h.advance(sayMs("Two rounds"));
  const endless = await h.until(call, "play", undefined, 2);
  assert.equal(endless.loop, 1000);
  await h.settled(call);
  await h.advance(3000 * 1000 - 1);
  assert.equal(call.isEnded, false);
  await h.advance(1);
  await h.ended(call);
});

test("media that is not audio gives 13420 and the call continues with the next verb", async (t) => {
  const h = await setup(t);
  h.stub.route("/media/page", { contentType: "text/html", body: "<html>not audio</html>" });
  h.stub.twiml("/voice", "<Play>/media/page</Play><Say>Still here</Say>");
  const call = h.call();
  const play = await h.until(call, "play");
  assert.equal(play.errorCode, 13420);
  const say = await h.until(call, "say");
  assert.equal(say.text, "Still here");
  assert.equal(elapsed(say), 0, "nothing was played");
  assert.equal(call.isEnded, false);
});

test("every accepted audio type plays (audio/mpeg, audio/x-wav)", async (t) => {
  const h = await setup(t);
  h.stub.route("/a.mp3", { contentType: "audio/mpeg", body: "ID3-not-really" });
  h.stub.route("/b.wav", { contentType: "audio/x-wav", body: recordingWav(2) });
  h.stub.twiml("/voice", "<Play>/a.mp3</Play><Play>/b.wav</Play>");
  const call = h.call();
  const mp3 = await h.until(call, "play");
  assert.equal(mp3.errorCode, undefined);
  await h.settled(call);
  await h.advance(Number(mp3.durationMs));
  const wav = await h.until(call, "play", undefined, 2);
  assert.equal(wav.errorCode, undefined);
  assert.equal(wav.durationMs, 2000);
});

test("a Play nested in Gather stops at the caller's first key", async (t) => {
  const h = await setup(t);
  h.stub.route("/music.wav", { contentType: "audio/wav", body: recordingWav(30) });
  h.stub.twiml("/voice", '<Gather action="/menu" numDigits="1"><Play>/music.wav</Play></Gather>');
  h.stub.twiml("/menu", "<Hangup/>");
  const call = h.call();
  await h.until(call, "play");
  await h.settled(call);
  await h.advance(1000);
  assert.equal(await h.press(call, "2"), true);
  const menu = await h.stub.waitFor("/menu");
  assert.equal(menu.params.Digits, "2");
  await h.until(call, "gather.barge-in");
});

test(
  'Play digits="…" without a URL plays tones and fetches nothing',
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/voice", '<Play digits="1w2"/><Say>Done</Say>');
    const call = h.call();
    const play = await h.until(call, "play");
    assert.equal(play.digits, "1w2");
    assert.equal(play.errorCode, undefined, "DTMF tones are not media");
    await h.settled(call);
    await h.advance(60_000);
    await h.until(call, "say");
    assert.deepEqual(
      h.stub.requests.filter((r) => r.method === "GET").map((r) => r.path),
      [],
      "nothing to fetch",
    );
  },
);
