// Scale-out: two call-centre processes share one Postgres, and the carrier's webhooks reach them
// through a round-robin, as behind a load balancer. Each call's requests land on both; every call is
// recorded once with its steps once, and each subscriber's scheduled forecast is sent once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { postgresReachable, startOpenMeteoFixture } from "@callcentre/testkit";
import { roundRobin } from "./round-robin.js";
import { CENTRE_NUMBER, centreEnv, provisionNumber, scenarioDatabase, startCarrier, startCentre } from "./system.js";

const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const CALLS = 12;
const SUBSCRIBERS = 60;
const caller = (i: number) => `+61491570${String(200 + i).padStart(3, "0")}`;
const subscriber = (i: number) => `+61491570${String(500 + i).padStart(3, "0")}`;

test("two instances behind a round-robin share Postgres: calls recorded once, forecasts sent once", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip(`needs Postgres at ${POSTGRES_URL}`);
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-scale-"));
  const database = await scenarioDatabase(t, POSTGRES_URL);
  const db = new pg.Client({ connectionString: database.DATABASE_URL });
  await db.connect();
  // The scenario's database is dropped (closing this connection) when the test ends.
  db.on("error", () => undefined);
  t.after(() => db.end());
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  const balancer = await roundRobin();
  t.after(() => balancer.close());
  // The number exists before either instance starts: they send forecasts from it as soon as they are up.
  await provisionNumber(carrier, balancer.url);

  // Both sign-check against the balancer's URL, the one Twilio (here, the carrier) is given.
  const env = centreEnv({ carrier, dataDir, weather, env: { ...database, PUBLIC_BASE_URL: balancer.url, SMS_MPS: "100" } });
  // Each reports where it listens, behind the balancer's URL.
  const instance = async () => balancer.add(String((await startCentre(t, env)).ready.listening));
  await instance();
  // Subscribers due now, added once the first instance has created the tables; both instances dispatch.
  await db.query(
    `insert into subscriptions (number, from_number, place_name, place_label, latitude, longitude, timezone, send_time, next_send_at, created_at, updated_at)
     select n, $1, 'Sydney', 'Sydney, New South Wales, Australia', -33.86785, 151.20732, 'Australia/Sydney', '07:00', now() - interval '1 minute', now(), now()
     from unnest($2::text[]) as n`,
    [CENTRE_NUMBER, Array.from({ length: SUBSCRIBERS }, (_, i) => subscriber(i))],
  );
  await instance();

  // Callers go through the menu: the main menu, 1 for billing, 0 back to the main menu, then hang up.
  // One caller at a time, while the forecasts go out from both instances: settled() moves the
  // carrier's one manual clock through a caller's prompts, and with callers in parallel that moved
  // another caller's <Gather> past its timeout (a fourth menu.entered, seen under load). Each
  // caller's requests still alternate between the two instances.
  const sids: string[] = [];
  for (let i = 0; i < CALLS; i++) {
    const sid = await carrier.placeCall(caller(i));
    assert.equal((await carrier.settled(sid)).activity, "gathering");
    await carrier.press(sid, "1");
    await carrier.press(sid, "0");
    await carrier.hangup(sid);
    sids.push(sid);
  }
  const waitUntil = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await waitUntil(
    async () => (await db.query("select 1 from calls where status = 'completed'")).rowCount === CALLS,
    "every call's final status",
  );
  await waitUntil(
    async () => (await db.query("select 1 from forecast_deliveries where status in ('queued', 'sending')")).rowCount === 0 && (await carrier.sentFrom(CENTRE_NUMBER)).length >= SUBSCRIBERS,
    "every forecast",
  );

  assert.ok(balancer.served.every((n) => n > CALLS), `both instances answered webhooks: ${balancer.served.join(" and ")}`);

  const calls = await db.query<{ sid: string; status: string }>("select sid, status from calls order by sid");
  assert.deepEqual(calls.rows.map((c) => c.sid), [...sids].sort(), "each call recorded once");
  const steps = await db.query<{ sid: string; kind: string; n: number }>(
    `select call_sid as sid, kind, count(*)::int as n from call_events
     where kind in ('call.incoming', 'menu.entered', 'menu.option') group by call_sid, kind order by call_sid, kind`,
  );
  for (const sid of sids) {
    const of = (kind: string) => steps.rows.find((row) => row.sid === sid && row.kind === kind)?.n;
    assert.deepEqual([of("call.incoming"), of("menu.entered"), of("menu.option")], [1, 3, 2], `${sid}: each step once`);
  }
  const callbacks = await db.query<{ n: number }>("select count(*)::int as n from status_callbacks");
  assert.equal(callbacks.rows[0]?.n, CALLS, "one final status callback each");

  // Both instances dispatched and sent; each subscriber has exactly one forecast.
  const perNumber = new Map<string, number>();
  for (const m of await carrier.sentFrom(CENTRE_NUMBER)) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
  assert.equal(perNumber.size, SUBSCRIBERS);
  assert.deepEqual([...perNumber.values()].filter((n) => n !== 1), [], "no forecast twice");
  const deliveries = await db.query<{ status: string; n: number }>("select status, count(*)::int as n from forecast_deliveries group by status");
  assert.deepEqual(deliveries.rows, [{ status: "sent", n: SUBSCRIBERS }]);
});
