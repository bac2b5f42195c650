import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { registerBroadcastCommand } from "../../src/cli/broadcast-command.js";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { SubscriptionsRepository } from "../../src/repositories/subscriptions-repository.js";
import { startOpenMeteoFixture, startProgram } from "@callcentre/testkit";
import { cliEnv, run } from "./cli-harness.js";
import { fakeTwilioRest } from "./fake-twilio-rest.js";


const SYDNEY = { placeName: "Sydney", placeLabel: "Sydney, New South Wales, AU", latitude: -33.86785, longitude: 151.20732, timezone: "Australia/Sydney" };

test("broadcast sends today's forecast to every active subscriber once, with progress; a second run sends none", async (t) => {
  const api = await fakeTwilioRest(t);
  const weather = await startOpenMeteoFixture(t);
  const base = cliEnv(api);
  const env = { ...base, WEATHER_GEOCODING_URL: weather.geocodingUrl, WEATHER_FORECAST_URL: weather.forecastUrl, SMS_MPS: "100", LOG_LEVEL: "silent" };
  const seed = await openDatabase({ dataDir: base.DATA_DIR });
  await migrate(seed);
  const subscriptions = new SubscriptionsRepository(seed);
  for (const number of ["+61491570001", "+61491570002", "+61491570003"]) {
    await subscriptions.upsert({ number, fromNumber: "+61255501234", ...SYDNEY, sendTime: "07:00", nextSendAt: new Date(Date.now() + 86_400_000) }, new Date());
  }
  await subscriptions.cancel("+61491570003", "unsubscribed", new Date());
  await seed.close();

  let progress = "";
  const broadcast = registerBroadcastCommand({ intervalMs: 20, tty: false, stderr: (text) => (progress += text) });
  const first = await run(api, ["broadcast"], { env, extraCommands: [broadcast] });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^2 active subscribers; 2 forecasts queued \(0 had today's already\)\ndone: 2 sent, 0 skipped, 0 failed\n$/);
  assert.match(progress, /\[#{30}\] 2\/2 \(100%\) sent 2, skipped 0, failed 0/);
  const sent = api.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));
  assert.deepEqual(sent.map((r) => r.form.get("To")).sort(), ["+61491570001", "+61491570002"]);
  assert.ok(sent.every((r) => /^Sydney today: /.test(r.form.get("Body") ?? "")));

  const second = await run(api, ["broadcast"], { env, extraCommands: [broadcast] });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, "2 active subscribers; 0 forecasts queued (2 had today's already)\n");
  assert.equal(api.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json")).length, 2);
});

test("broadcast beside a running call centre uses its embedded server, and leaves it running", async (t) => {
  const api = await fakeTwilioRest(t);
  const weather = await startOpenMeteoFixture(t);
  const base = cliEnv(api, { DATABASE_URL: undefined });
  const env = { ...base, WEATHER_GEOCODING_URL: weather.geocodingUrl, WEATHER_FORECAST_URL: weather.forecastUrl, SMS_MPS: "100", LOG_LEVEL: "silent" };
  const server = await startProgram("callcentre/src/server.ts", {
    env: { PATH: process.env.PATH, ...env, DATABASE_URL: "", PORT: "0", LOG_LEVEL: "info" },
    t,
  });
  const serverPostmaster = readFileSync(join(base.DATA_DIR ?? "", "postgres", "postmaster.pid"), "utf8").split("\n")[0];

  // The server owns the database: the test reaches it as the CLI does.
  const seed = await openDatabase({ dataDir: base.DATA_DIR, shareEmbedded: true });
  const subscriptions = new SubscriptionsRepository(seed);
  for (const number of ["+61491570001", "+61491570002"]) {
    await subscriptions.upsert({ number, fromNumber: "+61255501234", ...SYDNEY, sendTime: "07:00", nextSendAt: new Date(Date.now() + 86_400_000) }, new Date());
  }
  await seed.close();

  const broadcast = registerBroadcastCommand({ intervalMs: 20, tty: false, stderr: () => undefined });
  const result = await run(api, ["broadcast"], { env, extraCommands: [broadcast] });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^2 active subscribers; 2 forecasts queued \(0 had today's already\)\ndone: 2 sent, 0 skipped, 0 failed\n$/);
  // The call centre's workers may have sent some of them: each subscriber still has exactly one.
  const sent = api.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));
  assert.deepEqual(sent.map((r) => r.form.get("To")).sort(), ["+61491570001", "+61491570002"]);

  // Still the server's own postmaster, and the call centre still answers with its database.
  assert.equal(readFileSync(join(base.DATA_DIR ?? "", "postgres", "postmaster.pid"), "utf8").split("\n")[0], serverPostmaster);
  assert.deepEqual(await (await fetch(`${server.ready.listening}/healthz`)).json(), { status: "ok", database: "embedded" });
  await server.stop("SIGTERM");
  assert.equal(await server.exited(), 0);
});
