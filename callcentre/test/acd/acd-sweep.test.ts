// Offers left ringing (docs/queue.md, "The state machine"): one whose agent's call was never placed
// (the instance that made the offer stopped first) is dropped and the caller offered again; one whose
// status callback never came is settled from the call's status at Twilio. The REST API is a local
// stand-in at the HTTP boundary; the clock is the test's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HandClock } from "../dashboard/call-driver.js";
import { BASE_URL, fakeTwilioApi, sid, testApp } from "../helpers.js";

test("an offer whose call was never placed is dropped; one whose status never came is settled from Twilio", async (t) => {
  const api = await fakeTwilioApi(t);
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now, config: { twilioApiBaseUrl: api.url } });
  const { queue, agents } = app.repositories;
  await agents.choose("noah", "available", null, clock.now());
  await queue.enqueue({ callSid: sid("CA", 1), department: "billing", number: "+61491570001", called: "+61255501234", enqueuedAt: clock.now() });
  // The offer is recorded, and the instance stops before placing Noah's call.
  const [lost] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.equal(lost?.agent.id, "noah");

  clock.advance(30);
  await app.acd.sweep(true);
  assert.equal((await queue.offer(lost.offer.id))?.status, "ringing", "not yet: a call may still be being placed");
  clock.advance(31);
  await app.acd.sweep(true);
  assert.equal((await queue.offer(lost.offer.id))?.status, "failed");
  assert.equal((await queue.entry(lost.entry.id))?.status, "queued", "the caller is back in place");
  const noah = await agents.get("noah");
  assert.deepEqual([noah?.state, noah?.missedInRow], ["available", 0], "no miss is counted against Noah");

  // Offered again: this time the call is placed, and its status callback is lost.
  const [again] = await app.acd.dispatch();
  assert.equal(again?.agent.id, "noah");
  const placed = api.requests.find((r) => r.method === "POST" && r.path.endsWith("/Calls.json"));
  assert.equal(placed?.form.get("To"), "+61491570111");
  assert.equal(placed?.form.get("Url"), `${BASE_URL}/twilio/voice/offer/${again.offer.id}`);
  const agentCall = (await queue.offer(again.offer.id))?.agentCallSid ?? "";
  assert.match(agentCall, /^CA[0-9a-f]{32}$/);

  clock.advance(61);
  await app.acd.sweep(true);
  assert.equal((await queue.offer(again.offer.id))?.status, "ringing", "within the ring timeout and a minute, the callback may still come");
  clock.advance(30);
  api.callStatuses.set(agentCall, "no-answer");
  await app.acd.sweep(true);
  assert.equal((await queue.offer(again.offer.id))?.status, "missed");
  assert.equal((await agents.get("noah"))?.missedInRow, 1);
  await app.acd.settled();
});
