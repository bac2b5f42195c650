// The wallboard's alerts (docs/wallboard.md, "Alerts"), on a hand clock: a breached threshold texts
// each account on duty once, through a stand-in for Twilio's REST API, from the department's number;
// the breach ends when the figure recovers, and the next breach texts again; evaluators racing on one
// database start a breach once and send one alert; phone numbers are masked in the log.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseFlow } from "../../src/flows/load-flow.js";
import { WallboardAlerts, alertText } from "../../src/jobs/wallboard-alerts.js";
import { WallboardAlertsRepository } from "../../src/repositories/wallboard-alerts-repository.js";
import type { Database } from "../../src/db/database.js";
import { ACCOUNT_SID, fakeTwilioApi, sid, testApp } from "../helpers.js";
import { HandClock } from "../dashboard/call-driver.js";

const FLOW_FILE = fileURLToPath(new URL("../../flows/default.yaml", import.meta.url));
const SHIPPED_LIMITS = "        serviceLevelBelow: 80\n        longestWaitOver: 120\n        waitingOver: 10\n        abandonmentOver: 10\n        alert: sms\n";

/** The shipped flow with Billing's thresholds reduced to `limits` (YAML lines under `thresholds:`). */
function flowWith(limits: string) {
  const text = readFileSync(FLOW_FILE, "utf8");
  assert.equal(text.split(SHIPPED_LIMITS).length, 2);
  return parseFlow(text.replace(SHIPPED_LIMITS, limits), FLOW_FILE);
}

const SUPERVISOR_PHONE = "+61491570555";
const OWNER_PHONE = "+61491570666";

/** An account as the test needs it; "owner" exists already (made on start), so it is updated. */
async function addAccount(db: Database, a: { id: string; phone: string | null; onDuty: boolean; role?: string }) {
  await db.query(
    `insert into accounts (id, name, role, password_hash, phone, on_duty, created_at, updated_at) values ($1, $1, $2, 'scrypt$x', $3, $4, now(), now())
     on conflict (id) do update set phone = excluded.phone, on_duty = excluded.on_duty`,
    [a.id, a.role ?? "supervisor", a.phone, a.onDuty],
  );
}

async function setUp(t: TestContext, limits = "        longestWaitOver: 120\n        alert: sms\n") {
  const clock = new HandClock();
  const api = await fakeTwilioApi(t);
  const logLines: string[] = [];
  const { app, db } = await testApp(t, { clock: clock.now, flow: flowWith(limits), config: { twilioApiBaseUrl: api.url }, logLines });
  await addAccount(db, { id: "sam", phone: SUPERVISOR_PHONE, onDuty: true });
  await addAccount(db, { id: "owner", phone: OWNER_PHONE, onDuty: false, role: "owner" });
  await addAccount(db, { id: "kim", phone: null, onDuty: true });
  let n = 0;
  const joins = async () => {
    n += 1;
    return app.repositories.queue.enqueue({ callSid: sid("CA", 0x9000 + n), department: "billing", number: `+6149157${String(n).padStart(4, "0")}`, enqueuedAt: clock.now() });
  };
  const messages = () => api.requests.filter((r) => r.method === "POST" && r.path === `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  return { app, db, clock, api, logLines, joins, messages };
}

test("alerts: a breach texts each on-duty phone once, from Billing's number, through the REST API; it ends on recovery, and the next breach texts again", async (t) => {
  const { app, db, clock, joins, messages, logLines } = await setUp(t);
  const caller = await joins();
  clock.advance(120);
  assert.deepEqual(await app.wallboardAlerts.run(), { started: [], ended: 0, alerts: 0 }, "exactly at the limit is not over it");

  clock.advance(1);
  const first = await app.wallboardAlerts.run();
  assert.equal(first.alerts, 1, "one on-duty account has a phone");
  assert.deepEqual(
    first.started.map((b) => [b.department, b.measure, b.value, b.threshold, b.startedAt.toISOString(), b.endedAt]),
    [["billing", "longest-wait", 121, 120, clock.now().toISOString(), null]],
  );
  await app.workers.drain();
  assert.equal(messages().length, 1);
  const [sms] = messages();
  assert.equal(sms?.form.get("To"), SUPERVISOR_PHONE);
  assert.equal(sms?.form.get("From"), "+61255501234", "Billing's callerId");
  assert.equal(sms?.form.get("Body"), "Billing: longest wait 2:01, over the 2:00 limit, at 12:02. https://callcentre.example.test/wallboard/billing");
  const [notice] = await app.repositories.notifications.forSubject(`breach-${first.started[0]?.id}`);
  assert.equal(notice?.status, "sent");

  // Still breached a minute later: the same breach, no second text.
  clock.advance(60);
  assert.deepEqual(await app.wallboardAlerts.run(), { started: [], ended: 0, alerts: 0 });
  await app.workers.drain();
  assert.equal(messages().length, 1);

  // The caller is taken: the line is empty, the breach ends.
  await app.repositories.queue.callerGone(caller.callSid, clock.now());
  clock.advance(60);
  assert.deepEqual(await app.wallboardAlerts.run(), { started: [], ended: 1, alerts: 0 });
  const [ended] = await new WallboardAlertsRepository(db).history(1);
  assert.equal(ended?.endedAt?.toISOString(), clock.now().toISOString());
  assert.equal(ended?.alerts, 1);

  // A new caller waits past the limit: a new breach, a new text.
  await joins();
  clock.advance(125);
  const second = await app.wallboardAlerts.run();
  assert.equal(second.started.length, 1);
  assert.notEqual(second.started[0]?.id, first.started[0]?.id);
  await app.workers.drain();
  assert.equal(messages().length, 2);
  assert.match(messages()[1]?.form.get("Body") ?? "", /^Billing: longest wait 2:05, over the 2:00 limit/);

  const log = logLines.join("\n");
  assert.match(log, /wallboard threshold breached/);
  assert.match(log, /\+614\*{5}555/, "the phone, masked");
  assert.doesNotMatch(log, /491570555/, "never the whole number");
});

test("alerts: evaluators racing on one database start the breach once and send one text", async (t) => {
  const { app, db, clock, joins, messages } = await setUp(t);
  await joins();
  clock.advance(200);
  const evaluators = Array.from({ length: 6 }, () => new WallboardAlerts({ db, repositories: app.repositories, flow: flowWith("        longestWaitOver: 120\n        alert: sms\n"), config: { phoneNumber: undefined, publicBaseUrl: "https://callcentre.example.test" }, jobs: app.jobs, clock: clock.now, log: app.log, zone: "Australia/Sydney" }));
  const results = await Promise.all([...evaluators.map((e) => e.run()), app.wallboardAlerts.run()]);
  assert.equal(results.reduce((sum, r) => sum + r.started.length, 0), 1, "one breach started");
  assert.equal(results.reduce((sum, r) => sum + r.alerts, 0), 1, "one alert queued");
  await app.workers.drain();
  assert.equal(messages().length, 1);

  // The unique index holds the rule on its own too: two starts in separate transactions, one breach.
  const breaches = new WallboardAlertsRepository(db);
  const both = await Promise.all([0, 1].map(() => db.transaction((tx) => breaches.with(tx).start({ department: "billing", measure: "waiting", value: 12, threshold: 10 }, clock.now()))));
  assert.equal(both.filter(Boolean).length, 1);
});

test("alerts: with alert: none a breach is kept but nobody is texted", async (t) => {
  const quiet = await setUp(t, "        waitingOver: 0\n        alert: none\n");
  await quiet.joins();
  const run = await quiet.app.wallboardAlerts.run();
  assert.equal(run.started.length, 1);
  assert.equal(run.started[0]?.measure, "waiting");
  assert.equal(run.alerts, 0);
  await quiet.app.workers.drain();
  assert.equal(quiet.messages().length, 0);
});

test("alert text: one GSM-7 segment, the figure and why", () => {
  const at = new Date("2026-11-24T03:04:05Z");
  const base = { department: "billing", at, zone: "Australia/Sydney", baseUrl: "https://callcentre.example.test" };
  assert.equal(
    alertText({ ...base, name: "Billing", check: { measure: "service-level", level: "breached", value: 62.5, limit: 80, text: "below the 80 % target" } }),
    "Billing: service level 62.5% (last 30 min), below the 80% target, at 14:04. https://callcentre.example.test/wallboard/billing",
  );
  assert.equal(
    alertText({ ...base, name: "Billing", check: { measure: "waiting", level: "breached", value: 11, limit: 10, text: "over the 10 callers limit" } }),
    "Billing: 11 callers waiting, over the 10 callers limit, at 14:04. https://callcentre.example.test/wallboard/billing",
  );
  const long = alertText({ ...base, name: "Facturación y cobros — clientes empresariales", baseUrl: `https://${"x".repeat(90)}.example`, check: { measure: "abandonment", level: "breached", value: 12.25, limit: 10, text: "over the 10 % limit" } });
  assert.ok(long.length <= 160, long);
  assert.match(long, /^Facturacion y cobros - cliente: abandoned 12\.3% today, over the 10% limit, at 14:04\.$/);
});
