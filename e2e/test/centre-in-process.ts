// The call centre run inside the test process, for the one thing a separate process cannot offer: a
// clock the test moves (daily forecasts fall due at 07:00 local time). Everything else is as in
// production: its own database, pg-boss workers, HTTP on loopback, and the carrier reached only
// through its REST API and signed webhooks.
import type { TestContext } from "node:test";
import { buildApp } from "../../callcentre/src/app.js";
import { loadConfig } from "../../callcentre/src/config.js";
import { openDatabase } from "../../callcentre/src/db/database.js";
import { loadFlowFile } from "../../callcentre/src/flows/load-flow.js";
import type { OpenMeteoFixture } from "../../callcentre/test/weather/open-meteo-fixture.js";
import { createTestDatabase } from "../../callcentre/test/template-database.js";
import { freePort, type CarrierClient } from "./system.js";

export interface HandClock {
  now(): Date;
  set(iso: string): void;
}

export async function startCentreInProcess(t: TestContext, carrier: CarrierClient, dataDir: string, weather: OpenMeteoFixture, start: string) {
  let now = Date.parse(start);
  const clock: HandClock = { now: () => new Date(now), set: (iso) => void (now = Date.parse(iso)) };
  const port = await freePort();
  const centreUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_BASE_URL: centreUrl,
    TWILIO_API_BASE_URL: carrier.url,
    DATA_DIR: dataDir,
    WEATHER_GEOCODING_URL: weather.geocodingUrl,
    WEATHER_FORECAST_URL: weather.forecastUrl,
    SMS_MPS: "50",
    LOG_LEVEL: "warn",
  });
  const database = await createTestDatabase();
  const db = await openDatabase({ url: database.url, dataDir });
  const app = await buildApp({ config, db, flow: loadFlowFile(config.flowFile), clock: clock.now, jobs: { pollingIntervalSeconds: 0.5 } });
  await app.listen({ port, host: "127.0.0.1" });
  await app.startBackgroundWork();
  t.after(async () => {
    await app.close();
    await db.close();
    await database.drop();
  });
  return { app, clock, centreUrl };
}
