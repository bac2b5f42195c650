// The engine's bounds (src/limits.ts): a TwiML or messaging answer over 64 kB is Twilio's 11750 and is
// never read whole; <Play> media is capped; every wait an app can ask for is clamped to Twilio's
// maximum; a call that redirects to itself forever ends; ended calls are forgotten past a count.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { receiveMessage } from "../../src/messages/messaging.js";
import { MAX_CALL_SECONDS, MAX_DOCUMENT_BYTES, MAX_RING_SECONDS } from "../../src/limits.js";
import { sayMs } from "../../src/verbs/media.js";
import { CALLER, NUMBER, elapsed, flush, setup, twiml } from "./harness.js";

/** A server of its own, for answers the stub cannot give: endless bodies, lying Content-Lengths. */
async function rawServer(t: TestContext, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `chunk` for as long as the client reads; `written()` says how many bytes went out. */
function endless(res: ServerResponse, contentType: string, chunk: string): { written: () => number; closed: Promise<void> } {
  let written = 0;
  res.writeHead(200, { "content-type": contentType });
  const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
  const pump = () => {
    while (!res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
  };
  pump();
  return { written: () => written, closed };
}

const padding = (bytes: number) => `<!--${"x".repeat(bytes)}-->`;

test("a TwiML answer over 64 kB is Twilio's 11750: the fallback URL gets ErrorCode=11750 and carries the call", async (t) => {
  const h = await setup(t, { number: (url) => ({ voiceFallbackUrl: `${url}/fallback` }) });
  h.stub.route("/voice", twiml(`<Say>Too long</Say>${padding(MAX_DOCUMENT_BYTES)}`));
  h.stub.twiml("/fallback", "<Say>From the fallback</Say>");
  const call = h.call();
  const fallback = await h.stub.waitFor("/fallback");
  assert.equal(fallback.params.ErrorCode, "11750");
  assert.equal(fallback.params.ErrorUrl, `${h.stub.url}/voice`);
  const webhook = h.events(call, "webhook")[0];
  assert.equal(webhook?.errorCode, 11750);
  assert.match(String(webhook?.error), /larger than 64 kB/);
  const say = await h.until(call, "say");
  assert.equal(say.text, "From the fallback", "the oversized document never ran");
});

test("an answer of exactly 64 kB is still TwiML", async (t) => {
  const h = await setup(t);
  const head = twiml("<Say>Just fits</Say>");
  h.stub.route("/voice", `${head}${" ".repeat(MAX_DOCUMENT_BYTES - Buffer.byteLength(head))}`);
  const call = h.call();
  const say = await h.until(call, "say");
  assert.equal(say.text, "Just fits");
});

test("an endless answer is cut off at 64 kB: the application error ends the call and the final status callback is sent", async (t) => {
  const h = await setup(t);
  let stream: ReturnType<typeof endless> | undefined;
  const url = await rawServer(t, (_req, res) => {
    stream = endless(res, "text/xml", `<Response>${" ".repeat(16 * 1024)}`);
  });
  h.number.voiceUrl = `${url}/voice`;
  const call = h.call();
  await h.ended(call);
  assert.equal(h.events(call, "webhook")[0]?.errorCode, 11750);
  assert.deepEqual(h.events(call, "error").map((e) => e.code), [11750]);
  assert.ok(h.events(call, "say").some((e) => e.applicationError), "Twilio's application error is said");
  assert.equal(call.status, "completed");
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "completed");
  await stream?.closed;
  // What the socket buffers, at most; never the whole endless body.
  assert.ok((stream?.written() ?? 0) < 16 * 1024 * 1024, `${stream?.written()} bytes were sent before the carrier hung up`);
});

test("a Content-Length over 64 kB is refused before any of the body arrives", async (t) => {
  const h = await setup(t);
  const url = await rawServer(t, (_req, res) => {
    res.writeHead(200, { "content-type": "text/xml", "content-length": String(300 * 1024 * 1024) });
    res.write("<Response>");
    // …and nothing more: the carrier must not wait for the other 300 MB.
  });
  h.number.voiceUrl = `${url}/voice`;
  const call = h.call();
  await h.ended(call);
  assert.equal(h.events(call, "webhook")[0]?.errorCode, 11750);
});

test("<Play> media over 40 MiB is refused (11200) without being kept, and the call goes on", async (t) => {
  const h = await setup(t);
  let stream: ReturnType<typeof endless> | undefined;
  const url = await rawServer(t, (_req, res) => {
    stream = endless(res, "audio/wav", "\0".repeat(256 * 1024));
  });
  h.stub.twiml("/voice", `<Play>${url}/hold.wav</Play><Say>After the music</Say>`);
  const call = h.call();
  const play = await h.until(call, "play");
  assert.equal(play.errorCode, 11200);
  assert.match(String(play.error), /larger than 40 MiB/);
  const say = await h.until(call, "say");
  assert.equal(say.text, "After the music");
  await stream?.closed;
  assert.ok((stream?.written() ?? 0) < 64 * 1024 * 1024, `${stream?.written()} bytes were sent before the carrier hung up`);
});

test("<Play> media whose Content-Length is over 40 MiB is refused at once", async (t) => {
  const h = await setup(t);
  const url = await rawServer(t, (_req, res) => {
    res.writeHead(200, { "content-type": "audio/wav", "content-length": String(41 * 1024 * 1024) });
    res.write("RIFF");
  });
  h.stub.twiml("/voice", `<Play>${url}/big.wav</Play><Say>Next</Say>`);
  const call = h.call();
  const play = await h.until(call, "play");
  assert.equal(play.errorCode, 11200);
});

test("a Redirect loop ends at the document limit: application error, status completed, final status callback", async (t) => {
  const h = await setup(t, { limits: { maxDocuments: 5 } });
  h.stub.twiml("/voice", "<Redirect>/voice</Redirect>");
  const call = h.call();
  await h.ended(call);
  assert.equal(h.stub.to("/voice").length, 5, "the sixth document is never requested");
  assert.equal(call.status, "completed");
  assert.match(String(h.events(call, "error").at(-1)?.message), /more than 5 documents/);
  assert.ok(h.events(call, "say").some((e) => e.applicationError));
  const status = await h.stub.waitFor("/status");
  assert.equal(status.params.CallStatus, "completed");
  assert.equal(status.params.CallDuration, "0");
});

test("a Pause longer than a call can last is clamped to 4 hours, with a warning", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Pause length="3000000"/><Say>After the pause</Say>');
  const call = h.call();
  const pause = await h.until(call, "pause");
  assert.equal(pause.length, MAX_CALL_SECONDS);
  assert.ok(h.events(call, "twiml.warning").some((w) => /length="3000000" is more than Twilio allows; using 14400/.test(String(w.message))));
  await h.settled(call);
  await h.advance(MAX_CALL_SECONDS * 1000 - 1);
  assert.equal(h.events(call, "say").length, 0, "still pausing");
  await h.advance(1);
  const say = await h.until(call, "say");
  assert.equal(elapsed(say), MAX_CALL_SECONDS * 1000);
});

test("a Gather timeout beyond what a number can hold is clamped to 4 hours", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Gather timeout="99999999999999999999999"/><Say>No input</Say>');
  const call = h.call();
  const gather = await h.until(call, "gather");
  assert.equal(gather.timeout, MAX_CALL_SECONDS);
  await h.settled(call);
  await h.advance(MAX_CALL_SECONDS * 1000);
  const timeout = await h.until(call, "gather.timeout");
  assert.equal(elapsed(timeout), MAX_CALL_SECONDS * 1000);
});

test("a Dial rings for 600 s at most, and its timeLimit is at most 4 hours", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Dial timeout="100000" timeLimit="999999"><Number>+15005550199</Number></Dial><Say>Nobody</Say>');
  const call = h.call();
  const dial = await h.until(call, "dial");
  assert.equal(dial.timeout, MAX_RING_SECONDS);
  await h.settled(call);
  await h.advance(MAX_RING_SECONDS * 1000);
  const result = await h.until(call, "dial.result");
  assert.equal(result.status, "no-answer");
  assert.equal(elapsed(result), MAX_RING_SECONDS * 1000);
  assert.ok(h.events(call, "twiml.warning").some((w) => /timeLimit="999999" .* using 14400/.test(String(w.message))));
});

test("a Say looped 1,000 times lasts 4 hours at most", async (t) => {
  const h = await setup(t);
  const text = "x".repeat(10_000);
  assert.ok(sayMs(text) * 1000 > MAX_CALL_SECONDS * 1000, "the loop would last longer than a call");
  h.stub.twiml("/voice", `<Say loop="0">${text}</Say><Say>After</Say>`);
  const call = h.call();
  await h.until(call, "say");
  await h.settled(call);
  await h.advance(MAX_CALL_SECONDS * 1000);
  const after = await h.until(call, "say", undefined, 2);
  assert.equal(elapsed(after), MAX_CALL_SECONDS * 1000);
});

test("ended calls past CARRIER_CALL_HISTORY are forgotten, oldest first; calls in progress never are", async (t) => {
  const h = await setup(t, { limits: { callHistory: 2 } });
  h.stub.route("/voice", (params) => twiml(params.From === "+15005550111" ? '<Gather timeout="60"/>' : "<Hangup/>"));
  const live = h.call("+15005550111");
  await h.until(live, "gather");
  const ended = [];
  for (let i = 0; i < 3; i++) {
    const call = h.call();
    await h.ended(call);
    ended.push(call);
  }
  const [first, second, third] = ended;
  assert.equal(h.engine.calls.has(first?.sid ?? ""), false, "the oldest ended call is gone");
  assert.deepEqual([...h.engine.calls.keys()], [live.sid, second?.sid, third?.sid]);
  assert.deepEqual(h.store.handset(CALLER).calls, [second?.sid, third?.sid]);
  assert.equal(live.isEnded, false);
});

test("messaging: a reply over 64 kB is 11750: nothing of it is sent, and the SmsFallbackUrl answers instead", async (t) => {
  const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms`, smsFallbackUrl: `${url}/sms-fallback` }) });
  h.stub.route("/sms", twiml(`<Message>From the big one</Message>${padding(MAX_DOCUMENT_BYTES)}`));
  h.stub.route("/sms-fallback", twiml("<Message>From the fallback</Message>"));
  const errors: unknown[] = [];
  h.store.on("sms-error", (e) => errors.push(e));
  await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "hello" });
  await h.stub.waitFor("/sms-fallback");
  await h.idle();
  const replies = [...h.store.messages.values()].filter((m) => m.direction === "outbound-reply").map((m) => m.body);
  assert.deepEqual(replies, ["From the fallback"]);
  assert.deepEqual(errors, [{ messageSid: [...h.store.messages.keys()][0], code: 11750, url: `${h.stub.url}/sms` }]);
});

test("messaging: 10 replies to one message at most (14109), and 50 documents (14106)", async (t) => {
  const h = await setup(t, { number: (url) => ({ smsUrl: `${url}/sms` }) });
  h.stub.route("/sms", twiml(Array.from({ length: 12 }, (_, i) => `<Message>Reply ${i + 1}</Message>`).join("")));
  const errors: { code?: number }[] = [];
  h.store.on("sms-error", (e: { code?: number }) => errors.push(e));
  await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "many" });
  await h.stub.waitFor("/sms");
  await h.idle();
  const replies = [...h.store.messages.values()].filter((m) => m.direction === "outbound-reply");
  assert.equal(replies.length, 10);
  assert.deepEqual(errors.map((e) => e.code), [14109]);

  h.stub.route("/sms", twiml("<Redirect>/sms</Redirect>"));
  await receiveMessage(h.store, h.engine.webhooks, { from: CALLER, to: NUMBER, body: "loop" });
  await h.stub.waitFor("/sms", 1 + 50);
  await h.idle();
  await flush();
  assert.equal(h.stub.to("/sms").length, 1 + 50, "the 51st document is never requested");
  assert.deepEqual(errors.map((e) => e.code), [14109, 14106]);
});
