// kill -9 in the middle of a daily-forecast broadcast, then a restart: every subscriber receives
// exactly one message. The call centre is a process sending through the carrier's REST API; the
// kill lands while a batch of deliveries is claimed ("sending"), which the restarted process takes
// over when their lease ends, checking the carrier's message log before sending any of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenMeteoFixture, waitFor } from "@callcentre/testkit";
import { centreDatabase, type Database } from "./centre-in-process.js";
import { CENTRE_NUMBER, centreEnv, provisionNumber, scenarioDatabase, startCarrier, startCentre } from "./system.js";

const SUBSCRIBERS = 300;
const number = (i: number) => `+61491570${String(400 + i).padStart(3, "0")}`;

/** Subscribers in Sydney whose 07:00 forecast fell due a minute ago. */
async function seedSubscribers(db: Database): Promise<void> {
  await db.query(
    `insert into subscriptions (number, from_number, place_name, place_label, latitude, longitude, timezone, send_time, next_send_at, created_at, updated_at)
     select n, $1, 'Sydney', 'Sydney, New South Wales, Australia', -33.86785, 151.20732, 'Australia/Sydney', '07:00',
            now() - interval '1 minute', now(), now()
     from unnest($2::text[]) as n`,
    [CENTRE_NUMBER, Array.from({ length: SUBSCRIBERS }, (_, i) => number(i))],
  );
}

test("kill -9 mid-broadcast, restart: every subscriber receives exactly one forecast", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-crash-"));
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  // The number only has to exist to send from: nothing calls or texts the call centre here.
  await provisionNumber(carrier, "http://127.0.0.1:9");
  const env = centreEnv({
    carrier,
    dataDir,
    weather,
    // 60 messages a second: the broadcast takes about 5 s, long enough to be cut in the middle.
    env: { ...(await scenarioDatabase(t)), SMS_MPS: "60", SMS_SEND_LEASE_SECONDS: "5" },
  });
  const seed = await centreDatabase(env);
  await seedSubscribers(seed);
  await seed.close();

  const sent = async () => (await carrier.sentFrom(CENTRE_NUMBER)).length;
  const first = await startCentre(t, env);
  // A little past a third: sends go in batches, and this is in the middle of one.
  await waitFor(async () => (await sent()) >= SUBSCRIBERS / 3 + 10, "a third of the forecasts to be sent", 60_000);
  await first.stop("SIGKILL");
  const atKill = await sent();
  assert.ok(atKill < SUBSCRIBERS, `killed mid-broadcast (${atKill} of ${SUBSCRIBERS} sent)`);

  // What the kill left behind: deliveries claimed by the dead process, and deliveries not started.
  const crashed = await centreDatabase(env);
  const left = await crashed.query<{ status: string; n: number }>("select status, count(*)::int as n from forecast_deliveries group by status");
  await crashed.close();
  const count = (status: string) => left.find((row) => row.status === status)?.n ?? 0;
  assert.ok(count("sending") > 0, `the kill cut off deliveries mid-send: ${JSON.stringify(left)}`);
  assert.ok(count("queued") > 0, "deliveries left to send");

  const second = await startCentre(t, env);
  await waitFor(async () => (await sent()) >= SUBSCRIBERS, "every forecast to be sent", 90_000);
  await second.stop("SIGTERM");

  // Stopped: nothing more can be sent. Each subscriber has exactly one message, and the database agrees.
  const messages = await carrier.sentFrom(CENTRE_NUMBER);
  const perNumber = new Map<string, number>();
  for (const m of messages) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
  const duplicates = [...perNumber].filter(([, n]) => n > 1);
  assert.deepEqual(duplicates, [], "no subscriber received two forecasts");
  assert.equal(perNumber.size, SUBSCRIBERS, "every subscriber received one");
  assert.ok(messages.every((m) => /^Sydney today:/.test(m.body)));

  const db = await centreDatabase(env);
  t.after(() => db.close());
  const statuses = await db.query<{ status: string; n: number }>("select status, count(*)::int as n from forecast_deliveries group by status");
  assert.deepEqual(statuses, [{ status: "sent", n: SUBSCRIBERS }]);
  const recorded = await db.query<{ sid: string }>("select message_sid as sid from forecast_deliveries order by message_sid");
  assert.deepEqual(
    recorded.map((r) => r.sid),
    messages.map((m) => m.sid).sort(),
    "each delivery records the SID of the one message the carrier has",
  );
});
