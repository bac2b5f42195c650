import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { Clock } from "../../src/lib/clock.js";
import { nextOccurrence } from "../../src/sms/schedule.js";
import type { Database } from "../../src/db/database.js";
import { ACCOUNT_SID, fakeTwilioApi, sid, signedPost, testApp, testConfig, testDatabase, waitFor } from "../helpers.js";
import { startOpenMeteoFixture } from "@callcentre/testkit";

const CENTRE = "+61255501234";
const SYDNEY = { placeName: "Sydney", placeLabel: "Sydney, New South Wales, AU", latitude: -33.86785, longitude: 151.20732, timezone: "Australia/Sydney" };
const LONDON = { placeName: "London", placeLabel: "London, England, GB", latitude: 51.50853, longitude: -0.12574, timezone: "Europe/London" };

function handClock(start: string) {
  let now = Date.parse(start);
  const clock: Clock = () => new Date(now);
  return { clock, set: (iso: string) => (now = Date.parse(iso)) };
}

async function forecastApp(t: TestContext, clock: Clock, shared: { db?: Database; api?: Awaited<ReturnType<typeof fakeTwilioApi>> } = {}) {
  const { db } = shared;
  const weather = await startOpenMeteoFixture(t);
  const api = shared.api ?? (await fakeTwilioApi(t));
  const { app, db: database } = await testApp(t, {
    clock,
    ...(db ? { db } : {}),
    config: {
      twilioApiBaseUrl: api.url,
      weather: { geocodingUrl: weather.geocodingUrl, forecastUrl: weather.forecastUrl, timeoutMs: 2_000 },
      sms: { ...testConfig().sms },
    },
  });
  const subscribe = (number: string, place: typeof SYDNEY, sendTime = "07:00") =>
    app.repositories.subscriptions.upsert(
      { number, fromNumber: CENTRE, ...place, sendTime, nextSendAt: nextOccurrence(sendTime, place.timezone, clock()) },
      clock(),
    );
  return { app, db: database, api, weather, subscribe };
}

test("each subscriber gets the forecast at 07:00 in their own zone, once a day", async (t) => {
  const time = handClock("2026-11-24T01:00:00Z"); // 12:00 in Sydney, 01:00 in London
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  await subscribe("+61491570156", SYDNEY);
  await subscribe("+447700900123", LONDON);
  const step = async (iso: string) => {
    time.set(iso);
    const due = await app.forecasts.dispatchDue();
    await app.workers.drain();
    return due;
  };
  assert.equal(await step("2026-11-24T06:59:00Z"), 0);
  assert.equal(await step("2026-11-24T07:00:00Z"), 1, "07:00 in London");
  assert.deepEqual(api.created.map((m) => m.to), ["+447700900123"]);
  assert.match(String(api.created[0]?.body), /^London today: .+ Tmrw: /);
  assert.equal(await step("2026-11-24T19:59:59Z"), 0);
  assert.equal(await step("2026-11-24T20:00:00Z"), 1, "07:00 on the 25th in Sydney (AEDT, +11)");
  assert.equal(await step("2026-11-24T20:05:00Z"), 0, "nothing twice");
  // A broadcast now finds both have had today's already.
  assert.deepEqual(await app.forecasts.broadcast(), { subscribers: 2, queued: 0, dates: ["2026-11-25", "2026-11-24"] });
  assert.equal(await step("2026-11-25T07:00:00Z"), 1);
  assert.deepEqual(api.created.map((m) => m.to), ["+447700900123", "+61491570156", "+447700900123"]);
  for (const m of api.created) assert.equal(m.from, CENTRE);
  const stored = await app.repositories.messages.conversation("+447700900123");
  assert.deepEqual(stored.map((m) => [m.kind, m.direction]), [["daily-forecast", "outbound-api"], ["daily-forecast", "outbound-api"]]);
});

test("daylight saving: 07:00 in Sydney is 21:00Z before the October change and 20:00Z after it", async (t) => {
  const time = handClock("2026-10-02T12:00:00Z");
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  const sub = await subscribe("+61491570156", SYDNEY);
  assert.equal(sub.nextSendAt.toISOString(), "2026-10-02T21:00:00.000Z", "3 October, 07:00 AEST");
  time.set("2026-10-02T21:00:00Z");
  assert.equal(await app.forecasts.dispatchDue(), 1);
  assert.equal((await app.repositories.subscriptions.byNumber("+61491570156"))?.nextSendAt.toISOString(), "2026-10-03T20:00:00.000Z", "4 October, 07:00 AEDT");
  time.set("2026-10-03T19:59:00Z");
  assert.equal(await app.forecasts.dispatchDue(), 0);
  time.set("2026-10-03T20:00:00Z");
  assert.equal(await app.forecasts.dispatchDue(), 1);
  await app.workers.drain();
  assert.equal(api.created.length, 2);
  const deliveries = await app.repositories.subscriptions.deliveriesFor(sub.id);
  assert.deepEqual(deliveries.map((d) => [d.localDate, d.dueAt.toISOString(), d.status]), [
    ["2026-10-03", "2026-10-02T21:00:00.000Z", "sent"],
    ["2026-10-04", "2026-10-03T20:00:00.000Z", "sent"],
  ]);
});

test("a forecast missed by hours (the service was down) is skipped, not sent late", async (t) => {
  const time = handClock("2026-11-24T01:00:00Z");
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  await subscribe("+447700900123", LONDON);
  time.set("2026-11-24T11:00:00Z"); // four hours after 07:00 in London
  assert.equal(await app.forecasts.dispatchDue(), 0);
  await app.workers.drain();
  assert.equal(api.created.length, 0);
  assert.equal((await app.repositories.subscriptions.byNumber("+447700900123"))?.nextSendAt.toISOString(), "2026-11-25T07:00:00.000Z");
});

test("a number that texts STOP after its forecast was queued receives nothing", async (t) => {
  const time = handClock("2026-11-24T06:00:00Z");
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  const sub = await subscribe("+447700900123", LONDON);
  time.set("2026-11-24T07:00:00Z");
  assert.equal(await app.forecasts.dispatchDue(), 1);
  const stop = await signedPost(app, "/twilio/sms/incoming", {
    MessageSid: sid("SM", 0x77),
    AccountSid: ACCOUNT_SID,
    From: "+447700900123",
    To: CENTRE,
    Body: "STOP",
    NumMedia: "0",
  });
  assert.equal(stop.statusCode, 200);
  await app.workers.drain();
  assert.equal(api.created.length, 0);
  const [delivery] = await app.repositories.subscriptions.deliveriesFor(sub.id);
  assert.equal(delivery?.status, "skipped");
  time.set("2026-11-25T07:00:00Z");
  assert.equal(await app.forecasts.dispatchDue(), 0, "a cancelled subscription is not due again");
});

test("21610 from Twilio marks the number opted out and cancels its subscription", async (t) => {
  const time = handClock("2026-11-24T07:00:00Z");
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  await subscribe("+447700900123", LONDON);
  await app.forecasts.broadcast();
  api.fail(400, 21610, "Attempt to send to unsubscribed recipient");
  await app.workers.drain();
  assert.equal(api.requests.filter((r) => r.method === "POST").length, 1, "not retried");
  assert.equal(await app.repositories.contacts.isOptedOut("+447700900123"), true);
  const sub = await app.repositories.subscriptions.byNumber("+447700900123");
  assert.equal(sub?.cancelReason, "opted out (21610)");
  assert.equal((await app.repositories.subscriptions.deliveriesFor(sub?.id ?? 0))[0]?.status, "skipped");
});

test("429 and 5xx are retried with the queue's backoff; the message goes once", async (t) => {
  const time = handClock("2026-11-24T07:00:00Z");
  const { app, api, subscribe } = await forecastApp(t, time.clock);
  const first = await subscribe("+447700900123", LONDON);
  const second = await subscribe("+447700900124", LONDON);
  await app.forecasts.broadcast();
  // The twilio client retries a 429 itself, three times (four requests per send); eight 429s outlast
  // that for at least one send, which the queue then retries (tests retry at once: TEST_POLICIES).
  api.fail(429, 20429, "Too Many Requests", 8);
  await app.workers.drain();
  assert.equal(api.created.length, 2, "each sent once");
  assert.equal(api.requests.filter((r) => r.method === "POST").length, 10, "eight 429s, then the two sends");
  const deliveries = [...(await app.repositories.subscriptions.deliveriesFor(first.id)), ...(await app.repositories.subscriptions.deliveriesFor(second.id))];
  assert.deepEqual(deliveries.map((d) => d.status), ["sent", "sent"]);
  assert.ok(deliveries.some((d) => d.attempts >= 2), "the queue retried a send the client gave up on");
});

test("forecast service down: the send is retried, and marked failed after the last attempt", async (t) => {
  const time = handClock("2026-11-24T07:00:00Z");
  const { app, api, weather, subscribe } = await forecastApp(t, time.clock);
  const sub = await subscribe("+447700900123", LONDON);
  weather.fail("forecast", 503, { error: true, reason: "Service unavailable" });
  await app.forecasts.broadcast();
  await app.workers.drain();
  assert.equal(api.created.length, 0);
  const [delivery] = await app.repositories.subscriptions.deliveriesFor(sub.id);
  assert.equal(delivery?.status, "failed");
  assert.equal(delivery?.attempts, 4, "first attempt and three retries");
  assert.match(delivery?.reason ?? "", /forecast unavailable/);
});

test("exactly once across a restart: a send cut off after Twilio took it is found in Twilio's log, not sent again", async (t) => {
  const time = handClock("2026-11-24T07:00:00Z");
  const db = await testDatabase(t);
  const api = await fakeTwilioApi(t); // one Twilio account behind both instances
  const first = await forecastApp(t, time.clock, { db, api });
  const numbers = ["+447700900001", "+447700900002", "+447700900003"];
  for (const n of numbers) await first.subscribe(n, LONDON);
  assert.equal((await first.app.forecasts.broadcast()).queued, 3);

  // The first instance sends; Twilio takes the first message, but its answer never comes back.
  const held = api.holdNextAnswer();
  const stuck = first.app.workers.drain().catch(() => undefined);
  await waitFor(async () => (await db.query("select 1 from forecast_deliveries where status = 'sending'")).length === 1 && api.created.length === 3, "two sends done and one cut off");

  // A second instance starts on the same database (the first is presumed dead); the lease has run out.
  await db.query("update forecast_deliveries set updated_at = now() - interval '10 minutes' where status = 'sending'");
  const second = await forecastApp(t, time.clock, { db, api });
  assert.equal(await second.app.forecasts.recoverStale(), 1);
  await second.app.workers.drain();
  held.release();
  await stuck;

  assert.deepEqual(api.created.map((m) => m.to).sort(), numbers, "each subscriber exactly one message");
  const counts = await second.app.repositories.subscriptions.countByStatus(["2026-11-24"]);
  assert.deepEqual(counts, { queued: 0, sending: 0, sent: 3, skipped: 0, failed: 0 });
  const sids = (await db.query<{ sid: string }>("select sid from messages where kind = 'daily-forecast' order by sid")).map((r) => r.sid);
  assert.deepEqual(sids, api.created.map((m) => String(m.sid)).sort(), "each message recorded once, with Twilio's SID");
});
