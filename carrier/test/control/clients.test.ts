// Client handsets over the control API and REST: a browser client registers as client:<identity>,
// is reached by <Dial><Client> and by REST Calls create with To=client:<identity>, answers, speaks,
// presses keys and hangs up like a number's handset, sees a <Client>'s custom parameters, goes
// offline; and places calls of its own through a TwiML app, as a Voice SDK Device does.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Call } from "../../src/calls/call.js";
import { StubApp } from "../engine/harness.js";

const SID = `AC${"1".repeat(32)}`;
const TOKEN = "f".repeat(32);
const NUMBER = "+15005550006";
const CALLER = "+14155550100";

async function start(t: TestContext) {
  const carrier = await buildCarrier({ accountSid: SID, authToken: TOKEN, publicUrl: "http://127.0.0.1:1", clock: new ManualClock() });
  t.after(() => carrier.app.close());
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/status", { status: 204, body: "" });
  const json = async (method: string, url: string, body?: unknown) => {
    const res = await carrier.app.inject({ method: method as "GET", url: `/_carrier${url}`, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const rest = async (form: Record<string, string>) => {
    const res = await carrier.app.inject({
      method: "POST",
      url: `/2010-04-01/Accounts/${SID}/Calls.json`,
      headers: { authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams(form).toString(),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const call = (sid: string) => carrier.engine.calls.get(sid) as Call;
  /** Resolves once the call is settled (waits on a handset, the caller, or has ended). */
  const settled = async (sid: string) => (await json("GET", `/calls/${sid}/settled?timeout=4`)).body;
  /** Resolves with the first timeline event of `type` on the call, recorded or to come. */
  const event = (sid: string, type: string) =>
    new Promise<void>((resolve) => {
      const timeline = call(sid).timeline;
      if (timeline.list().some((e) => e.type === type)) return resolve();
      const unsubscribe = timeline.subscribe((e) => {
        if (e.type !== type) return;
        unsubscribe();
        resolve();
      });
    });
  return { ...carrier, stub, json, rest, call, settled, event };
}

test("a client registers with Twilio's identity rule; bad identities and behaviours are 400; it can go offline", async (t) => {
  const { json } = await start(t);
  const alice = await json("POST", "/clients", { identity: "alice_1", behaviour: "answer" });
  assert.equal(alice.status, 201);
  assert.deepEqual(alice.body, { address: "client:alice_1", identity: "alice_1", registered: true, behaviour: "answer" });
  for (const identity of ["al ice", "bob@example.com", "", "a".repeat(257)]) {
    const refused = await json("POST", "/clients", { identity });
    assert.equal(refused.status, 400, identity);
    assert.match(String(refused.body.message), /^identity: must be letters, digits and underscores/);
  }
  assert.match(String((await json("POST", "/clients", { identity: "bob", behaviour: "sulk" })).body.message), /^behaviour: /);
  assert.equal((await json("POST", "/clients", { identity: "a".repeat(256) })).status, 201);
  assert.deepEqual(((await json("GET", "/clients")).body.clients as { identity: string }[]).map((c) => c.identity), ["alice_1", "a".repeat(256)]);

  const offline = await json("DELETE", "/clients/alice_1");
  assert.equal(offline.status, 200);
  assert.equal(offline.body.registered, false);
  assert.equal((await json("DELETE", "/clients/alice_1")).status, 404);
  assert.deepEqual(((await json("GET", "/clients")).body.clients as { identity: string }[]).map((c) => c.identity), ["a".repeat(256)]);
  // Its behaviour is set like a number's, by address.
  const behaviour = await json("PUT", "/phones/client:carol/behaviour", { behaviour: "busy" });
  assert.deepEqual(behaviour.body, { number: "client:carol", behaviour: "busy" });
  assert.match(String((await json("PUT", "/phones/client:car%20ol/behaviour", { behaviour: "busy" })).body.message), /^number: .*client:<identity>/);
});

test("<Dial><Client> rings the client: its calls show the custom parameters, and it answers, speaks, presses keys and hangs up", async (t) => {
  const { json, store, stub, call, settled, event } = await start(t);
  store.addNumber({ phoneNumber: NUMBER, voiceUrl: `${stub.url}/voice` });
  stub.twiml(
    "/voice",
    '<Dial action="/dialed"><Client url="/whisper"><Identity>alice</Identity><Parameter name="ticket" value="T-42"/></Client></Dial>',
  );
  stub.twiml("/whisper", '<Gather numDigits="1" action="/accepted"><Say>Press 1</Say></Gather>');
  stub.twiml("/accepted", "");
  stub.twiml("/dialed", "<Hangup/>");
  await json("POST", "/clients", { identity: "alice" });

  const placed = await json("POST", "/calls", { from: CALLER, to: NUMBER });
  assert.equal(placed.status, 201);
  const caller = String(placed.body.sid);
  assert.equal((await settled(caller)).activity, "dialing");
  const ringing = (await json("GET", "/phones/client:alice/calls")).body.calls as { sid: string; to: string; status: string; parameters: unknown }[];
  assert.equal(ringing.length, 1);
  const leg = ringing[0] as { sid: string; to: string; status: string; parameters: unknown };
  assert.deepEqual([leg.to, leg.status, leg.parameters], ["client:alice", "ringing", { ticket: "T-42" }]);
  const view = (await json("GET", `/calls/${leg.sid}`)).body;
  assert.deepEqual(
    (view.timeline as { type: string; parameters?: unknown }[]).find((e) => e.type === "ringing")?.parameters,
    { ticket: "T-42" },
  );

  assert.equal((await json("POST", `/calls/${leg.sid}/answer`)).status, 200);
  assert.equal((await settled(leg.sid)).activity, "gathering");
  assert.deepEqual((await json("POST", `/calls/${leg.sid}/digits`, { digits: "1" })).body, { accepted: true });
  await event(caller, "bridged");
  assert.deepEqual((await json("POST", `/calls/${leg.sid}/speech`, { text: "Hello, this is Alice" })).body, { accepted: true });
  assert.ok(call(caller).timeline.list().some((e) => e.type === "heard" && e.text === "Hello, this is Alice" && e.from === "client:alice"));
  assert.equal((await json("POST", `/calls/${leg.sid}/hangup`)).body.status, "completed");
  const dialed = await stub.waitFor("/dialed");
  assert.equal(dialed.params.DialCallStatus, "completed");
  assert.equal(dialed.params.DialCallSid, leg.sid);
});

test("REST Calls create with To=client:alice rings the client; unregistered it ends no-answer; From=client: only to a client", async (t) => {
  const { json, rest, stub, settled, store } = await start(t);
  store.addNumber({ phoneNumber: NUMBER });
  stub.twiml("/outbound", "<Say>Your ticket is ready</Say>");
  await json("POST", "/clients", { identity: "alice" });
  const created = await rest({ To: "client:alice", From: NUMBER, Url: `${stub.url}/outbound` });
  assert.equal(created.status, 201);
  assert.equal(created.body.to, "client:alice");
  const sid = String(created.body.sid);
  assert.equal((await settled(sid)).activity, "ringing");
  await json("POST", `/calls/${sid}/answer`);
  const answered = await stub.waitFor("/outbound");
  assert.equal(answered.params.To, "client:alice");
  assert.equal(answered.params.Direction, "outbound-api");

  const offline = await rest({ To: "client:nobody", From: NUMBER, Url: `${stub.url}/outbound` });
  assert.equal(offline.status, 201);
  assert.equal((await settled(String(offline.body.sid))).status, "no-answer");

  const fromClient = await rest({ To: "client:alice_2", From: "client:bob", Url: `${stub.url}/outbound` });
  assert.equal(fromClient.status, 201);
  assert.equal(fromClient.body.from, "client:bob");
  const toNumber = await rest({ To: CALLER, From: "client:bob", Url: `${stub.url}/outbound` });
  assert.equal(toNumber.status, 400);
  assert.equal(toNumber.body.code, 21212);
  const badTo = await rest({ To: "client:al ice", From: NUMBER, Url: `${stub.url}/outbound` });
  assert.equal(badTo.status, 400);
  assert.equal(badTo.body.code, 21211);
});

test("a client's own call goes to its TwiML app with From=client:alice, To, ApplicationSid and the custom parameters", async (t) => {
  const { json, store, stub, settled, call } = await start(t);
  const noApp = await json("POST", "/calls", { from: "client:alice", to: CALLER });
  assert.equal(noApp.status, 400);
  assert.match(String(noApp.body.message), /0 applications/);
  const app = store.addApplication({ voiceUrl: `${stub.url}/client-voice`, statusCallback: `${stub.url}/status` });
  stub.twiml("/client-voice", '<Gather numDigits="1"/>');

  const placed = await json("POST", "/calls", { from: "client:alice", to: CALLER, parameters: { agent_id: "7", queue: "sales" } });
  assert.equal(placed.status, 201);
  const request = await stub.waitFor("/client-voice");
  assert.equal(request.params.From, "client:alice");
  assert.equal(request.params.Caller, "client:alice");
  assert.equal(request.params.To, CALLER);
  assert.equal(request.params.ApplicationSid, app.sid);
  assert.equal(request.params.Direction, "inbound");
  assert.equal(request.params.agent_id, "7");
  assert.equal(request.params.queue, "sales");
  const sid = String(placed.body.sid);
  assert.deepEqual(call(sid).customParameters, { agent_id: "7", queue: "sales" });
  assert.equal((await settled(sid)).activity, "gathering");
  assert.ok(((await json("GET", "/phones/client:alice/calls")).body.calls as { sid: string }[]).some((c) => c.sid === sid));

  // A custom To is what the app reads, as on Twilio (the Voice SDK's params.To).
  await json("POST", `/calls/${sid}/hangup`);
  const custom = await json("POST", "/calls", { from: "client:alice", to: "", parameters: { To: "+15005550099" }, applicationSid: app.sid });
  assert.equal(custom.status, 201);
  assert.equal((await stub.waitFor("/client-voice", 2)).params.To, "+15005550099");

  store.addApplication({ voiceUrl: `${stub.url}/other` });
  assert.match(String((await json("POST", "/calls", { from: "client:alice", to: CALLER })).body.message), /2 applications: name one/);
  assert.equal((await json("POST", "/calls", { from: "client:alice", to: CALLER, applicationSid: `AP${"0".repeat(32)}` })).status, 404);
  const numberWithParams = await json("POST", "/calls", { from: CALLER, to: NUMBER, parameters: { a: "b" } });
  assert.equal(numberWithParams.status, 400);
  assert.match(String(numberWithParams.body.message), /only a client/);
});
