// The two programs as processes on loopback, started as a user starts them (and as e2e/test/system.ts
// does): the carrier and the call centre share a DATA_DIR, so they share the generated credentials;
// the centre's number is created on the carrier over REST. Neither program's src is imported.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@callcentre/testkit";
import { flowFile } from "../../../e2e/test/system.js";
import type { Scope } from "./cleanup.js";
import type { DatabaseTarget } from "./centre-database.js";
import { CarrierClient, type Credentials } from "./carrier-client.js";
import { baseEnv, spawnProgram, waitForHttp, type Child } from "./processes.js";

export const CENTRE_NUMBER = "+61255501234";
/** A loopback port nothing listens on: for URLs that must never be used (no network beyond loopback). */
export const CLOSED_URL = "http://127.0.0.1:9";

export { freePort };

/** The shipped flow without business hours (e2e's "always-open"): every call reaches the menu. */
export const alwaysOpenFlow = (dir: string): string => flowFile(dir, "always-open");

export interface CarrierProcess {
  child: Child;
  url: string;
  client: CarrierClient;
}

export async function startCarrier(
  scope: Scope,
  options: { dataDir: string; clock: "manual" | "real"; pool?: number; /** --cpu-prof into this directory */ profileDir?: string | undefined },
): Promise<CarrierProcess> {
  const port = await freePort();
  const nodeArgs = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  // Every call of a run is checked on the carrier at the end (verify-calls.ts): it must remember them all.
  const env = { ...baseEnv(), CARRIER_PORT: String(port), CARRIER_CLOCK: options.clock, DATA_DIR: options.dataDir, CARRIER_LOG_LEVEL: "warn", CARRIER_CALL_HISTORY: "1000000" };
  const child = await spawnProgram("carrier", "carrier", env, nodeArgs);
  scope.defer("stop the carrier", async () => {
    await child.stop();
  });
  await child.waitForLine(/carrier ready on/);
  const credentials = readCredentials(options.dataDir);
  const url = `http://127.0.0.1:${port}`;
  const client = new CarrierClient(url, credentials, options.pool ?? 64);
  scope.defer("close carrier connections", () => client.close());
  return { child, url, client };
}

export function readCredentials(dataDir: string): Credentials {
  return JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) as Credentials;
}

/** A fresh data directory for the call centre with the carrier's credentials in it. */
export function dataDirWithCredentials(scope: Scope, from: string, prefix: string): string {
  const dir = scope.tempDir(prefix);
  copyFileSync(join(from, "credentials.json"), join(dir, "credentials.json"));
  return dir;
}

/** Creates the call centre's number on the carrier, pointing at its voice, status and SMS webhooks. */
export async function provisionNumber(carrier: CarrierClient, centreUrl: string): Promise<void> {
  await carrier.createNumber({
    PhoneNumber: CENTRE_NUMBER,
    FriendlyName: "Bluegum Energy",
    VoiceUrl: `${centreUrl}/twilio/voice/incoming`,
    StatusCallback: `${centreUrl}/twilio/voice/status`,
    SmsUrl: `${centreUrl}/twilio/sms/incoming`,
  });
}

export interface CentreOptions {
  dataDir: string;
  database: DatabaseTarget;
  flowFile: string;
  port?: number;
  /** Where the REST API is (the carrier), or CLOSED_URL when the run makes no REST call. */
  twilioApiBaseUrl: string;
  /** TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN etc.; without them, DATA_DIR/credentials.json is used. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile (--cpu-prof) into this directory when the process exits. */
  profileDir?: string | undefined;
}

let onSlowStop: ((seconds: number) => void) | undefined;

/** Where to report a call centre that took more than 5 s to exit after SIGTERM. */
export function reportSlowStops(report: (seconds: number) => void): void {
  onSlowStop = report;
}

export interface CentreProcess {
  child: Child;
  url: string;
  /** performance.now() when /healthz first answered. */
  healthyAt: number;
  /** SIGTERM, and wait for a clean exit; throws if the exit was not clean. */
  stop(): Promise<void>;
}

/** The environment of the call centre (PROGRAMS.centre) for these options. */
export function centreEnv(options: CentreOptions, port: number): Record<string, string> {
  return {
    ...baseEnv(),
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TWILIO_API_BASE_URL: options.twilioApiBaseUrl,
    DATA_DIR: options.dataDir,
    FLOW_FILE: options.flowFile,
    LOG_LEVEL: "warn",
    WEATHER_GEOCODING_URL: `${CLOSED_URL}/v1/search`,
    WEATHER_FORECAST_URL: `${CLOSED_URL}/v1/forecast`,
    ...options.database.env,
    ...options.env,
  };
}

/** Spawns the call centre and returns once /healthz answers (with LOG_LEVEL=warn it prints no ready line). */
export async function startCentre(scope: Scope, options: CentreOptions): Promise<CentreProcess> {
  const port = options.port ?? (await freePort());
  const nodeArgs = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const child = await spawnProgram("centre", "call centre", centreEnv(options, port), nodeArgs);
  scope.defer("stop the call centre", async () => {
    await child.stop();
  });
  const url = `http://127.0.0.1:${port}`;
  const healthyAt = await waitForHttp(`${url}/healthz`, child);
  return {
    child,
    url,
    healthyAt,
    async stop() {
      // Not 15 s: a request in flight at SIGTERM keeps the centre's shutdown waiting ~70 s for the
      // client's keep-alive connection (see the report); a SIGKILL would skip its clean shutdown.
      const stopping = performance.now();
      const exit = await child.stop(90_000);
      const seconds = (performance.now() - stopping) / 1000;
      if (exit.code !== 0) throw new Error(`the call centre did not exit cleanly (${JSON.stringify(exit)}):\n${child.output()}`);
      if (seconds > 5) onSlowStop?.(seconds);
    },
  };
}
