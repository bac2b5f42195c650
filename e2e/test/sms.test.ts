// Text messages from a handset through the carrier: a forecast on request, a daily forecast when the
// clock reaches the subscriber's time, and STOP, after which nothing more arrives until START.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenMeteoFixture, waitFor } from "@callcentre/testkit";
import { startCentreInProcess } from "./centre-in-process.js";
import { CENTRE_NUMBER, provisionNumber, startCarrier, startSystem } from "./system.js";

const HANDSET = "+61491570156";
const SYDNEY_FORECAST = /^Sydney today: Light showers, 16 to 21C, rain 80%, wind 25km\/h\. Tmrw: Partly cloudy, 12 to 19C\./;
const STOP_CONFIRMATION = /unsubscribed/i;

test("a handset texts 'weather Sydney' and receives the forecast; after STOP only the carrier's confirmation", async (t) => {
  const { carrier } = await startSystem(t);
  await carrier.text(HANDSET, "weather Sydney");
  let inbox = (await carrier.messages(HANDSET, 1)).messages.filter((m) => m.to === HANDSET);
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0]?.from, CENTRE_NUMBER);
  assert.match(inbox[0]?.body ?? "", SYDNEY_FORECAST);
  assert.ok((inbox[0]?.body.length ?? 0) <= 160);

  await carrier.text(HANDSET, "STOP");
  inbox = (await carrier.messages(HANDSET, 2)).messages.filter((m) => m.to === HANDSET);
  assert.equal(inbox.length, 2, "one confirmation, from the carrier (as Twilio sends it), none from the call centre");
  assert.match(inbox[1]?.body ?? "", STOP_CONFIRMATION);
});

test("a subscriber receives the daily forecast when the clock reaches 07:00 in Sydney, and nothing after STOP", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-sms-"));
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  // Tuesday 24 November 2026, 12:00 in Sydney.
  const { app, clock, centreUrl } = await startCentreInProcess(t, carrier, dataDir, weather, "2026-11-24T01:00:00Z");
  await provisionNumber(carrier, centreUrl);

  await carrier.text(HANDSET, "subscribe Sydney 7:00");
  let inbox = (await carrier.messages(HANDSET, 1)).messages.filter((m) => m.to === HANDSET);
  assert.equal(inbox[0]?.body, "Subscribed: the Sydney forecast every day at 07:00 Sydney time. Text STOP DAILY to end it, STOP to end all texts.");

  clock.set("2026-11-24T19:59:00Z"); // 06:59 on the 25th
  assert.equal(await app.forecasts.dispatchDue(), 0);
  clock.set("2026-11-24T20:00:00Z"); // 07:00
  app.forecasts.poke();
  inbox = (await carrier.messages(HANDSET, 2)).messages.filter((m) => m.to === HANDSET);
  assert.equal(inbox.length, 2);
  assert.match(inbox[1]?.body ?? "", SYDNEY_FORECAST);

  await carrier.text(HANDSET, "STOP");
  inbox = (await carrier.messages(HANDSET, 3)).messages.filter((m) => m.to === HANDSET);
  assert.match(inbox[2]?.body ?? "", STOP_CONFIRMATION);
  // The carrier confirms at once and forwards the STOP to the call centre on its own time.
  await waitFor(async () => (await app.repositories.subscriptions.byNumber(HANDSET))?.cancelReason === "opted out", "the STOP to reach the call centre");

  clock.set("2026-11-25T20:00:00Z"); // 07:00 the next day
  assert.equal(await app.forecasts.dispatchDue(), 0, "nothing is due for an opted-out number");
  await app.workers.drain();
  const after = (await carrier.messages(HANDSET)).messages.filter((m) => m.to === HANDSET);
  assert.equal(after.length, 3, "nothing more arrived");

  // Back in: the carrier confirms START, and the call centre answers again (but the daily forecast
  // stays cancelled until the person subscribes again).
  await carrier.text(HANDSET, "START");
  await waitFor(async () => !(await app.repositories.contacts.isOptedOut(HANDSET)), "the START to reach the call centre");
  await carrier.text(HANDSET, "Sydney");
  inbox = (await carrier.messages(HANDSET, 5)).messages.filter((m) => m.to === HANDSET);
  assert.match(inbox[3]?.body ?? "", /re-subscribed/i);
  assert.match(inbox[4]?.body ?? "", SYDNEY_FORECAST);
  assert.notEqual((await app.repositories.subscriptions.byNumber(HANDSET))?.cancelledAt, null);
});
