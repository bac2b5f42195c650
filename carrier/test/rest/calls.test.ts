import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier, until } from "./helpers.js";

const OURS = "+14155550100";
const HANDSET = "+14155550199";
const SECOND_HANDSET = "+14155550188";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
/** Keeps an answered call live: on the manual clock a long pause lasts until time is advanced. */
const HOLD = '<Response><Pause length="600"/></Response>';

test("a call created with Twiml is queued, then rings; fetch and list show it", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  const number = store.addNumber({ phoneNumber: OURS });

  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: "<Response><Say>Hello</Say></Response>" });
  assert.match(created.sid, /^CA[0-9a-f]{32}$/);
  assert.equal(created.status, "queued");
  assert.equal(created.accountSid, ACCOUNT_SID);
  assert.equal(created.to, HANDSET);
  assert.equal(created.toFormatted, "(415) 555-0199");
  assert.equal(created.from, OURS);
  assert.equal(created.direction, "outbound-api");
  assert.equal(created.duration, null);
  assert.equal(created.endTime, null);
  assert.equal(created.parentCallSid, null);
  assert.equal(created.phoneNumberSid, number.sid);
  assert.equal(created.price, null);
  assert.equal(created.priceUnit, "USD");
  assert.equal(created.queueTime, "0");
  assert.equal(created.answeredBy, null);
  assert.equal(created.apiVersion, "2010-04-01");
  assert.equal(created.uri, `${ACCOUNT_PATH}/Calls/${created.sid}.json`);
  assert.equal(created.subresourceUris?.recordings, `${ACCOUNT_PATH}/Calls/${created.sid}/Recordings.json`);

  const call = engine.calls.get(created.sid);
  assert.ok(call);
  await until(store, "call-status", () => call.status === "ringing");
  const fetched = await client.calls(created.sid).fetch();
  assert.equal(fetched.status, "ringing");
  assert.ok(fetched.startTime instanceof Date);

  const other = await client.calls.create({ to: SECOND_HANDSET, from: OURS, twiml: HOLD });
  const sids = (list: { sid: string }[]) => list.map((c) => c.sid);
  assert.deepEqual(sids(await client.calls.list()), [other.sid, created.sid]);
  assert.deepEqual(sids(await client.calls.list({ to: HANDSET })), [created.sid]);
  assert.deepEqual(sids(await client.calls.list({ from: OURS, pageSize: 1 })), [other.sid, created.sid]);
  assert.deepEqual(sids(await client.calls.list({ status: "ringing", to: HANDSET })), [created.sid]);
  assert.deepEqual(sids(await client.calls.list({ status: "completed" })), []);
  assert.deepEqual(sids(await client.calls.list({ parentCallSid: created.sid })), []);
});

test("Status=completed hangs up a live call; a later update is refused with 21220", async (t) => {
  const { client, store, engine, clock } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  store.handset(HANDSET).behaviour = "answer";

  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  const call = engine.calls.get(created.sid);
  assert.ok(call);
  await until(store, "call-status", () => call.status === "in-progress");
  await clock.advance(5_000);

  const live = await client.calls(created.sid).fetch();
  assert.equal(live.status, "in-progress");
  assert.equal(live.duration, null);

  const ended = await client.calls(created.sid).update({ status: "completed" });
  assert.equal(ended.status, "completed");
  assert.equal(ended.duration, "5");
  assert.ok(ended.endTime instanceof Date);
  assert.equal(call.isEnded, true);

  await assert.rejects(client.calls(created.sid).update({ twiml: "<Response><Say>Too late</Say></Response>" }), {
    status: 400,
    code: 21220,
    message: "Call is not in-progress. Cannot redirect.",
  });
  await assert.rejects(client.calls(created.sid).update({ url: "https://app.example/next" }), { status: 400, code: 21220 });
  await assert.rejects(client.calls(created.sid).update({ status: "completed" }), { status: 400, code: 21220 });
});

test("new Twiml replaces the running document at once", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  store.handset(HANDSET).behaviour = "answer";
  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  const call = engine.calls.get(created.sid);
  assert.ok(call);
  await until(store, "call-status", () => call.status === "in-progress");

  const updated = await client.calls(created.sid).update({ twiml: "<Response><Hangup/></Response>" });
  assert.equal(updated.sid, created.sid);
  await until(store, "call-status", () => call.isEnded);
  assert.equal(call.status, "completed");
  assert.ok(call.timeline.list().some((e) => e.type === "redirected"));
});

test("Status=canceled cancels a ringing call; Status=completed on a ringing call cancels it too", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const first = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  const second = await client.calls.create({ to: SECOND_HANDSET, from: OURS, twiml: HOLD });
  await until(store, "call-status", () => engine.calls.get(first.sid)?.status === "ringing" && engine.calls.get(second.sid)?.status === "ringing");

  assert.equal((await client.calls(first.sid).update({ status: "canceled" })).status, "canceled");
  assert.equal((await client.calls(second.sid).update({ status: "completed" })).status, "canceled");
  assert.equal((await client.calls(first.sid).fetch()).duration, "0");
});

test("Status=canceled leaves an answered call alone", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  store.handset(HANDSET).behaviour = "answer";
  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  await until(store, "call-status", () => engine.calls.get(created.sid)?.status === "in-progress");
  assert.equal((await client.calls(created.sid).update({ status: "canceled" })).status, "in-progress");
});

test("call parameters are validated with Twilio's codes", async (t) => {
  const { client, store, engine, request } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const twiml = "<Response/>";
  await assert.rejects(client.calls.create({ to: "12345", from: OURS, twiml }), { status: 400, code: 21211 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: "+14155550000", twiml }), { status: 400, code: 21210 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: OURS, twiml: `<Response><Say>${"a".repeat(4000)}</Say></Response>` }), { status: 400, code: 32018 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: OURS, url: "not a url" }), { status: 400, code: 21205 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: OURS, url: "https://app.example/voice", method: "PUT" }), { status: 400, code: 21209 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: OURS, twiml, timeout: -1 }), { status: 400, code: 21208 });
  await assert.rejects(
    client.calls.create({ to: HANDSET, from: OURS, twiml, statusCallback: "https://app.example/status", statusCallbackEvent: ["answered", "hung-up"] }),
    { status: 400, code: 21626 },
  );
  await assert.rejects(client.calls.create({ to: HANDSET, from: OURS }), { status: 400, code: 21205 });

  const response = await request(`${ACCOUNT_PATH}/Calls.json`, { method: "POST", headers: FORM, body: "From=%2B14155550100&Twiml=%3CResponse%2F%3E" });
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    code: 21201,
    message: "No 'To' number is specified",
    more_info: "https://www.twilio.com/docs/errors/21201",
    status: 400,
  });
  assert.equal(engine.calls.size, 0);
});

test("repeated StatusCallbackEvent parameters configure the call's status callback", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const withEvents = await client.calls.create({
    to: HANDSET,
    from: OURS,
    twiml: HOLD,
    statusCallback: "http://127.0.0.1:9/status",
    statusCallbackEvent: ["initiated", "answered"],
    statusCallbackMethod: "GET",
  });
  const config = engine.calls.get(withEvents.sid)?.statusCallback;
  assert.deepEqual([...(config?.events ?? [])], ["initiated", "answered"]);
  assert.equal(config?.method, "GET");

  const byDefault = await client.calls.create({ to: SECOND_HANDSET, from: OURS, twiml: HOLD, statusCallback: "http://127.0.0.1:9/status" });
  assert.deepEqual([...(engine.calls.get(byDefault.sid)?.statusCallback?.events ?? [])], ["completed"]);
});

test("an unknown call is 404 with code 20404", async (t) => {
  const { client } = await startCarrier(t);
  await assert.rejects(client.calls("CA00000000000000000000000000000000").fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.calls("CA00000000000000000000000000000000").update({ status: "completed" }), { status: 404, code: 20404 });
});

test("a call is deleted once it has ended; one still ringing or live is 20009", async (t) => {
  const { client, store, engine } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD });
  const call = engine.calls.get(created.sid);
  assert.ok(call);
  await until(store, "call-status", () => call.status === "ringing");
  await assert.rejects(client.calls(created.sid).remove(), { status: 400, code: 20009 });
  assert.ok(engine.calls.has(created.sid), "a call in flight stays");

  await client.calls(created.sid).update({ status: "canceled" });
  await until(store, "call-status", () => call.status === "canceled");
  assert.equal(await client.calls(created.sid).remove(), true);
  await assert.rejects(client.calls(created.sid).fetch(), { status: 404, code: 20404 });
  assert.deepEqual(await client.calls.list(), []);
  await assert.rejects(client.calls(created.sid).remove(), { status: 404, code: 20404 });
});
