// The call centre run inside the test process, for the one thing a separate process cannot offer: a
// clock the test moves (daily forecasts fall due at 07:00 local time). Everything else is as in
// production: its own database, pg-boss workers, HTTP on loopback, and the carrier reached only
// through its REST API and signed webhooks. Also the call centre's database, opened from a test to
// seed or inspect it while the process is stopped.
//
// The one file in e2e that imports the call centre's source (.dependency-cruiser.cjs names it).
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import type { OpenMeteoFixture } from "@callcentre/testkit";
import { buildApp } from "../../callcentre/src/app.js";
import { loadConfig } from "../../callcentre/src/config.js";
import { openDatabase, type Database } from "../../callcentre/src/db/database.js";
import { migrate } from "../../callcentre/src/db/migrate.js";
import { loadFlowFile } from "../../callcentre/src/flows/load-flow.js";
import { createTestDatabase } from "../../callcentre/test/template-database.js";

export { createTestDatabase };

export type { Database };

/** The call centre's database as its process opens it (DATABASE_URL, or the embedded server of DATA_DIR, shared with a running call centre), migrated. */
export async function centreDatabase(env: Record<string, string>): Promise<Database> {
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, shareEmbedded: true });
  await migrate(db);
  return db;
}

export interface HandClock {
  now(): Date;
  set(iso: string): void;
}

export async function startCentreInProcess(t: TestContext, carrier: { url: string }, dataDir: string, weather: OpenMeteoFixture, start: string) {
  let now = Date.parse(start);
  const clock: HandClock = { now: () => new Date(now), set: (iso) => void (now = Date.parse(iso)) };
  // A port the system picks, kept: the app listens on this very socket, whose URL it signs against.
  const socket = createServer().listen(0, "127.0.0.1");
  await once(socket, "listening");
  const port = (socket.address() as AddressInfo).port;
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
  // A listening socket's handle, as server.listen(handle) takes it.
  await app.listen({ host: "127.0.0.1", handle: (socket as unknown as { _handle: unknown })._handle } as object);
  await app.startBackgroundWork();
  t.after(async () => {
    await app.close();
    await db.close();
    await database.drop();
  });
  return { app, clock, centreUrl };
}
