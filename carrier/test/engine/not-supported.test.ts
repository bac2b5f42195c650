// What Twilio does and the carrier does not do yet (docs/carrier.md, "Not yet supported"). Each test
// states Twilio's behaviour from its TwiML pages and is a `todo` until the carrier does it; the reason
// says what the carrier does instead. Each waits for the call to settle or end, then asserts, so that
// a todo test fails at once rather than on a guard timeout. <Dial record>,
// <Dial sequential> and partialResultCallback have theirs beside the verb's other tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setup, type Harness } from "./harness.js";
import type { Call } from "../../src/calls/call.js";

/** Places a call whose /voice document is `inner`, and waits until it settles or ends. */
async function running(h: Harness, inner: string): Promise<Call> {
  h.stub.twiml("/voice", inner);
  const call = h.call();
  await h.until(call, "webhook");
  await h.settled(call);
  await h.idle();
  return call;
}

/** A loopback server that records WebSocket upgrade requests (a media stream's first request). */
async function streamServer(t: { after: (fn: () => Promise<void>) => void }): Promise<{ url: string; upgrades: IncomingMessage[] }> {
  const upgrades: IncomingMessage[] = [];
  const server = createServer();
  server.on("upgrade", (request: IncomingMessage, socket) => {
    upgrades.push(request);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/media`, upgrades };
}

test(
  "<Dial><Sip> places a SIP leg, and the action gets DialSipCallId and DialSipResponseCode",
  { todo: "not supported: the parser has no <Sip> noun; the Dial has nothing to ring" },
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/dialed", "<Hangup/>");
    const call = await running(h, '<Dial action="/dialed" timeout="5"><Sip>sip:alice@example.com</Sip></Dial>');
    const legs = h.legs(call);
    assert.equal(legs.length, 1, "one SIP leg");
    assert.equal(legs[0]?.to, "sip:alice@example.com");
  },
);

test(
  "<Connect><Stream> opens a WebSocket to the stream URL and holds the call while it is open",
  { todo: "not supported: no <Connect> verb and no media streams" },
  async (t) => {
    const h = await setup(t);
    const stream = await streamServer(t);
    await running(h, `<Connect><Stream url="${stream.url}"/></Connect>`);
    assert.equal(stream.upgrades.length, 1, "one WebSocket upgrade request");
    assert.equal(stream.upgrades[0]?.url, "/media");
  },
);

test(
  "<Start><Stream statusCallback> forks the audio and reports StreamEvent=stream-started while the document goes on",
  { todo: "not supported: no <Start> verb, so no forked streams, <Siprec> or real-time <Transcription>" },
  async (t) => {
    const h = await setup(t);
    const stream = await streamServer(t);
    h.stub.route("/stream-status", { status: 204, body: "" });
    const call = await running(h, `<Start><Stream url="${stream.url}" statusCallback="/stream-status"/></Start><Say>Hello</Say>`);
    assert.equal(stream.upgrades.length, 1);
    const started = h.stub.to("/stream-status")[0];
    assert.equal(started?.params.StreamEvent, "stream-started");
    assert.equal(started?.params.CallSid, call.sid);
    assert.deepEqual(h.events(call, "say").map((e) => e.text), ["Hello"]);
  },
);

test(
  "<Start><Transcription statusCallbackUrl> reports TranscriptionEvent=transcription-started",
  { todo: "not supported: no <Start> verb, so no real-time <Transcription>" },
  async (t) => {
    const h = await setup(t);
    h.stub.route("/transcription", { status: 204, body: "" });
    await running(h, '<Start><Transcription statusCallbackUrl="/transcription"/></Start><Pause length="5"/>');
    assert.equal(h.stub.to("/transcription")[0]?.params.TranscriptionEvent, "transcription-started");
  },
);

test(
  "<Pay> collects a card number with DTMF and posts Result to its action",
  { todo: "not supported: no <Pay> verb (Twilio needs a payment connector; the carrier has none)" },
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/paid", "<Hangup/>");
    const call = await running(h, '<Pay action="/paid" chargeAmount="0"/>');
    assert.ok(h.events(call, "gather").length > 0, "the caller is asked for a card number");
  },
);

test(
  "<Refer> transfers a SIP call and posts ReferCallStatus to its action",
  { todo: "not supported: no <Refer> verb (it applies to SIP calls, which the carrier does not place)" },
  async (t) => {
    const h = await setup(t);
    h.stub.twiml("/referred", "<Hangup/>");
    await running(h, '<Refer action="/referred"><Sip>sip:alice@example.com</Sip></Refer>');
    assert.ok(h.stub.to("/referred")[0]?.params.ReferCallStatus, "the action says how the refer went");
  },
);

test(
  "<Enqueue workflowSid> hands the caller to TaskRouter, which creates a task with the call's attributes",
  { todo: "not supported: no TaskRouter; workflowSid is a 12200 warning and the caller joins a plain queue" },
  async (t) => {
    const h = await setup(t);
    const call = await running(h, '<Enqueue workflowSid="WW0123456789abcdef0123456789abcdef"/>');
    const warned = h.events(call).filter((e) => e.type.endsWith("warning") && JSON.stringify(e).includes("workflowSid"));
    assert.deepEqual(warned, [], "no warning: the task was created");
  },
);
