// A small known day for the report tests (reports.test.ts, reports-browser.test.ts), on a hand clock
// from 2026-11-24 12:00 in Sydney: the domain reference's worked example at Sales, made through the
// webhooks, and a morning of Ava's at Billing's line, made through the real repositories in the order
// the ACD makes its transitions. The figures the tests expect are worked out by hand in the comments.
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import type { Database } from "../../src/db/database.js";
import { sid } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";

/**
 * Sales (a ring group): answered after 3, 12, 19, 20 and 40 s (each then talks 60 s), abandoned after
 * 2, 5, 8 and 30 s: offered 9, answered 5, within 20 s 4, abandoned 2, short 2, SL 4 ÷ 7, abandonment
 * 2 ÷ 7, ASA 94 ÷ 5 = 18.8 s, average wait 139 ÷ 9, longest 40 s. Plus a menu call-back request to
 * Sales, called back from the dashboard. 439 s of the clock.
 *
 * Billing (a line), from T = the start + 500 s, Ava's states (her occupancy counts from T to T+800):
 *   T      available; B1 joins          T+10   offered B1        T+12  on a call (B1 waited 12 s)
 *   T+112  wrap-up (30 s), B1 scores 4 T+142  available         T+150 B2 joins, offered B2
 *   T+165  misses it, available, offered B2 again               T+170 on a call (B2 waited 20 s)
 *   T+220  wrap-up (until ready), B2 scores 2                   T+240 available
 *   T+300  break (lunch)               T+600  available; B3 joins, offered   T+605 on a call (5 s)
 *   T+665  cold transfer of B3 to Noah (offline): Ava in wrap-up (30 s); B3's new visit starts at
 *          T+600, their original wait       T+695 available
 *   T+700  B3 hangs up (waited 100 s in the second visit: abandoned)
 *   T+710  B4 joins; T+715 chooses a call back (deflected after 5 s)
 *   T+720  Ava offered the call back; T+722 on a call; T+782 wrap-up (until ready); T+790 available
 *   T+800  offline. A voicemail for Billing on another call.
 * Ava: handled 4, talk 100 + 50 + 60 + 60 = 270 s, wrap-up 30 + 20 + 30 + 8 = 88 s: AHT 358 ÷ 4 =
 * 89.5 s, average wrap-up 22 s; working 800 − 300 (break) = 500 s, on calls and wrap-up 358 s:
 * occupancy 71.6 %; missed 1, transfers 1, surveys 2 averaging 3.
 * Billing's visits: waits 12, 20, 5 (answered), 100 (abandoned), 5 (deflected): offered 5, answered 3,
 * within 20 s 3, abandoned 1, deflected 1: SL 75 %, abandonment 25 %, ASA 37 ÷ 3, average wait 142 ÷ 5
 * = 28.4 s, longest 100 s; call backs 1 requested, 1 completed; voicemails 1; surveys 2, mean 3.
 */
export async function seedKnownDay(app: FastifyInstance, db: Database, clock: HandClock): Promise<{ start: Date; end: Date }> {
  const start = clock.now();
  const driver = new CallDriver(app, clock);
  const { queue, agents, surveys, transfers, calls, callbacks, recordings } = app.repositories;

  for (const wait of [3, 12, 19, 20, 40]) await driver.answeredAfter(wait);
  for (const wait of [2, 5, 8]) await driver.abandonedAfter(wait);
  const lastSales = await driver.toSales("+61491570009");
  await callbacks.request({ callSid: lastSales, number: "+61491570009", department: "Sales" }, clock.now());
  clock.advance(30);
  await driver.ended(lastSales, "+61491570009");
  await callbacks.calledBack(lastSales, sid("CA", 0x9901), clock.now());

  const at = (seconds: number) => {
    const target = start.getTime() + (500 + seconds) * 1000;
    clock.advance((target - clock.now().getTime()) / 1000);
  };
  const dispatch = () => db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  const joins = async (from: string) => {
    const callSid = await driver.call(from);
    await transfers.start(callSid, "billing", "Billing", clock.now());
    return queue.enqueue({ callSid, department: "billing", number: from, enqueuedAt: clock.now() });
  };
  /** Ava is offered the next in line. */
  const offered = async () => {
    const [offer] = await dispatch();
    assert.equal(offer?.agent.id, "ava");
    return offer.offer.id;
  };
  /** Ava accepts, as the ACD records it (Acd.accept): the visit is answered too. */
  const accepts = async (offerId: number, agentCall: string) => {
    await queue.offerCalling(offerId, agentCall);
    const accepted = await db.transaction(async (tx) => {
      const result = await queue.with(tx).accept(offerId, clock.now());
      if (result?.entry.kind === "call") await transfers.with(tx).answered(result.entry.callSid, "Ava Nguyen", clock.now());
      return result;
    });
    assert.ok(accepted);
    return accepted.entry;
  };

  at(0);
  await agents.choose("ava", "available", null, clock.now());
  const b1 = await joins("+61491570301");
  at(10);
  const o1 = await offered();
  at(12);
  const e1 = await accepts(o1, sid("CA", 0x9001));
  at(112);
  await queue.agentCallEnded(sid("CA", 0x9001), clock.now(), 30);
  await surveys.scored(e1, 4, clock.now());
  await driver.ended(b1.callSid, "+61491570301");

  at(150);
  const b2 = await joins("+61491570302");
  const o2 = await offered();
  at(165);
  assert.ok(await db.transaction((tx) => queue.with(tx).miss(o2, "missed", "no-answer", clock.now(), 3)));
  const o2b = await offered();
  at(170);
  const e2 = await accepts(o2b, sid("CA", 0x9002));
  at(220);
  await queue.agentCallEnded(sid("CA", 0x9002), clock.now(), 0);
  await surveys.scored(e2, 2, clock.now());
  await driver.ended(b2.callSid, "+61491570302");
  at(240);
  await agents.choose("ava", "available", null, clock.now());
  at(300);
  await agents.choose("ava", "break", "lunch", clock.now());

  at(600);
  await agents.choose("ava", "available", null, clock.now());
  const b3 = await joins("+61491570303");
  const o3 = await offered();
  at(605);
  const e3 = await accepts(o3, sid("CA", 0x9003));
  at(665);
  await db.transaction(async (tx) => {
    const next = await queue.with(tx).transfer(e3.id, { department: "billing", forAgent: "noah" }, clock.now());
    assert.ok(next);
    await transfers.with(tx).end(e3.callSid, "answered", {}, clock.now());
    await transfers.with(tx).start(e3.callSid, "billing", "Billing", next.enqueuedAt);
    await calls.with(tx).addEvents(e3.callSid, [{ kind: "transfer.cold", node: "billing", detail: { agent: "ava", to: "noah" } }], clock.now());
  });
  await queue.agentCallEnded(sid("CA", 0x9003), clock.now(), 30);
  at(700);
  await queue.callerGone(b3.callSid, clock.now());
  await transfers.callEnded(b3.callSid, clock.now());

  at(710);
  const b4 = await joins("+61491570304");
  at(715);
  assert.equal(await queue.toCallback(b4.callSid), true);
  await transfers.end(b4.callSid, "deflected", {}, clock.now());
  at(720);
  const o4 = await offered();
  at(722);
  const e4 = await accepts(o4, sid("CA", 0x9004));
  await queue.callbackDialled(e4.id, sid("CA", 0x9104));
  at(782);
  await queue.agentCallEnded(sid("CA", 0x9004), clock.now(), 0);
  at(790);
  await agents.choose("ava", "available", null, clock.now());
  at(800);
  await agents.choose("ava", "offline", null, clock.now());

  const voicemailCall = await driver.call("+61491570305");
  await recordings.saveVoicemail({ sid: sid("RE", 0x9201), callSid: voicemailCall, url: "https://api.twilio.com/2010-04-01/Recordings/x", durationSeconds: 12, node: "billing-voicemail", department: "Billing" });
  at(900);
  return { start, end: clock.now() };
}
