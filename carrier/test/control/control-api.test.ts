// The /_carrier control API over HTTP: bad input is refused with the reason, and handsets text
// the carrier's numbers with Twilio's opt-out keywords honoured.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildCarrier } from "../../src/app.js";
import { ManualClock, RealClock, type Clock } from "../../src/clock.js";

const SID = `AC${"1".repeat(32)}`;
const TOKEN = "f".repeat(32);

async function start(t: TestContext, clock: Clock = new ManualClock()) {
  const carrier = await buildCarrier({ accountSid: SID, authToken: TOKEN, publicUrl: "http://127.0.0.1:1", clock });
  t.after(() => carrier.app.close());
  const json = async (method: string, url: string, body?: unknown) => {
    const res = await carrier.app.inject({ method: method as "GET", url: `/_carrier${url}`, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  return { ...carrier, json };
}

/** An SMS app that answers every text with "Got: <body>" and records what it was sent. */
async function smsApp(t: TestContext) {
  const received: URLSearchParams[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      received.push(form);
      for (const w of waiting.filter((w) => received.length >= w.count)) w.resolve();
      res.setHeader("content-type", "text/xml");
      res.end(`<Response><Message>Got: ${form.get("Body")}</Message></Response>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    received,
    /** Resolves once the app has received `count` texts. */
    receivedAtLeast: (count: number) =>
      new Promise<void>((resolve) => (received.length >= count ? resolve() : waiting.push({ count, resolve }))),
  };
}

test("bad input gets 400 with the reason, unknown numbers and calls 404", async (t) => {
  const { json, store } = await start(t);
  store.addNumber({ phoneNumber: "+15005550006" });
  assert.deepEqual((await json("POST", "/calls", { from: "12345", to: "+15005550006" })).status, 400);
  assert.match(String((await json("POST", "/calls", { from: "12345", to: "+15005550006" })).body.message), /^from: must be an E\.164 number/);
  const noUrl = await json("POST", "/calls", { from: "+15005550100", to: "+15005550006" });
  assert.equal(noUrl.status, 400);
  assert.match(String(noUrl.body.message), /has no VoiceUrl/);
  assert.equal((await json("POST", "/calls", { from: "+15005550100", to: "+15005559999" })).status, 404);
  assert.equal((await json("GET", `/calls/CA${"0".repeat(32)}`)).status, 404);
  assert.equal((await json("POST", `/calls/CA${"0".repeat(32)}/digits`, { digits: "1" })).status, 404);
  assert.match(String((await json("POST", `/calls/CA${"0".repeat(32)}/digits`, { digits: "1x" })).body.message), /^digits: must be keys/);
  assert.match(String((await json("POST", "/clock/advance", { seconds: -1 })).body.message), /^seconds: /);
  assert.match(String((await json("PUT", "/phones/+15005550100/behaviour", { behaviour: "sulk" })).body.message), /^behaviour: /);
  // A partial number in the path: the reason names it, not a body the request does not have.
  for (const path of ["/phones/%2B614/messages", "/phones/%2B614/calls", "/phones/%2B614/events"]) {
    const partial = await json("GET", path);
    assert.equal(partial.status, 400, path);
    assert.match(String(partial.body.message), /^number: must be an E\.164 number/, path);
  }
});

test("the clock can be moved only when it is manual", async (t) => {
  const manual = await start(t);
  const before = Date.parse(String((await manual.json("GET", "/clock")).body.now));
  await manual.json("POST", "/clock/advance", { seconds: 90 });
  assert.equal(Date.parse(String((await manual.json("GET", "/clock")).body.now)) - before, 90_000);
  const real = await start(t, new RealClock());
  const refused = await real.json("POST", "/clock/advance", { seconds: 1 });
  assert.equal(refused.status, 409);
  assert.match(String(refused.body.message), /CARRIER_CLOCK=manual/);
});

test("STOP blocks the pair with Twilio's reply, still reaches the app, and START lifts it", async (t) => {
  const { json, store, engine } = await start(t);
  const app = await smsApp(t);
  store.addNumber({ phoneNumber: "+15005550006", smsUrl: app.url });
  const handset = "+15005550100";
  const until = (count: number) => json("GET", `/phones/${handset}/messages?wait=5&count=${count}`);

  assert.equal((await json("POST", "/messages", { from: handset, to: "+15005550006", body: "hello" })).status, 201);
  let inbox = await until(1);
  assert.deepEqual((inbox.body.messages as { body: string }[]).map((m) => m.body), ["hello", "Got: hello"]);

  await json("POST", "/messages", { from: handset, to: "+15005550006", body: " stop " });
  inbox = await until(2);
  const bodies = (inbox.body.messages as { body: string; direction: string }[]).map((m) => m.body);
  assert.ok(bodies.some((b) => b.startsWith("You have successfully been unsubscribed")), bodies.join("\n"));
  assert.equal(store.isOptedOut("+15005550006", handset), true);
  await app.receivedAtLeast(2);
  assert.equal(app.received[1]?.get("Body"), " stop ", "the app still gets the STOP");
  // The app's reply to STOP is refused (21610): the pair is blocked.
  const { sendMessage } = await import("../../src/messages/messaging.js");
  const refused = sendMessage(store, engine.webhooks, { from: "+15005550006", to: handset, body: "one more", direction: "outbound-api" });
  assert.equal("error" in refused ? refused.error.code : 0, 21610);

  await json("POST", "/messages", { from: handset, to: "+15005550006", body: "START" });
  inbox = await until(3);
  assert.ok((inbox.body.messages as { body: string }[]).some((m) => m.body.startsWith("You have successfully been re-subscribed")));
  assert.equal(store.isOptedOut("+15005550006", handset), false);
});

test("a keyword must be the whole message: STOP PLEASE is an ordinary text", async (t) => {
  const { json, store } = await start(t);
  store.addNumber({ phoneNumber: "+15005550006" });
  await json("POST", "/messages", { from: "+15005550100", to: "+15005550006", body: "STOP PLEASE" });
  assert.equal(store.isOptedOut("+15005550006", "+15005550100"), false);
});

test("a call's view gives only the timeline events from ?since= on", async (t) => {
  const { json, store } = await start(t);
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "text/xml");
      res.end('<Response><Gather input="dtmf" numDigits="1" timeout="5"><Say>Press 1.</Say></Gather></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  store.addNumber({ phoneNumber: "+15005550006", voiceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice` });
  const placed = await json("POST", "/calls", { from: "+15005550100", to: "+15005550006" });
  const sid = String(placed.body.sid);

  const whole = await json("GET", `/calls/${sid}/settled?timeout=10`);
  assert.equal(whole.body.activity, "gathering");
  const timeline = whole.body.timeline as { seq: number; type: string }[];
  assert.ok(timeline.length >= 3, `a timeline of a few events: ${JSON.stringify(timeline)}`);
  assert.deepEqual(timeline.map((e) => e.seq), timeline.map((_, i) => i));

  const tail = await json("GET", `/calls/${sid}/settled?timeout=10&since=${timeline.length - 2}`);
  assert.deepEqual(tail.body.timeline, timeline.slice(-2), "the settled view from seq N");
  assert.equal(tail.body.activity, "gathering", "the rest of the view is whole");
  assert.deepEqual((await json("GET", `/calls/${sid}?since=1`)).body.timeline, timeline.slice(1));
  assert.deepEqual((await json("GET", `/calls/${sid}?since=${timeline.length + 5}`)).body.timeline, [], "nothing new");
  const bad = await json("GET", `/calls/${sid}?since=-1`);
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.message), /^since: /);
});

test("typing: a JSON object, heard by a Record as speaking; unknown calls 404, ended calls 409", async (t) => {
  const { json, store } = await start(t);
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "text/xml");
      res.end('<Response><Record timeout="5"/></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  store.addNumber({ phoneNumber: "+15005550006", voiceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice` });
  const sid = String((await json("POST", "/calls", { from: "+15005550100", to: "+15005550006" })).body.sid);
  assert.equal((await json("GET", `/calls/${sid}/settled?timeout=10`)).body.activity, "recording");

  assert.deepEqual(await json("POST", `/calls/${sid}/typing`, {}), { status: 200, body: { accepted: true } });
  const extra = await json("POST", `/calls/${sid}/typing`, { text: "hello" });
  assert.equal(extra.status, 400, "typing carries no words: they come with speech");
  assert.equal((await json("POST", `/calls/CA${"0".repeat(32)}/typing`, {})).status, 404);
  const timeline = (await json("GET", `/calls/${sid}`)).body.timeline as { type: string; accepted?: boolean }[];
  assert.deepEqual(timeline.filter((e) => e.type === "caller.typing").map((e) => e.accepted), [true], "one event for the burst");
  await json("POST", `/calls/${sid}/hangup`);
  assert.equal((await json("POST", `/calls/${sid}/typing`, {})).status, 409);
});
