// Starts the carrier and the call centre as two processes on loopback, sharing one data directory
// (so they share the generated account credentials), and provisions the call centre's number on
// the carrier through the REST API — exactly what a developer does by hand. Each listens on a port the
// system picks (port 0) and reports it. Imports neither's src; Open-Meteo is stood in for by the test
// kit's recorded-fixture server, on loopback.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { parseDocument } from "yaml";
import { startOpenMeteoFixture, startProgram, type OpenMeteoFixture, type Program } from "@callcentre/testkit";
import { createTestDatabase } from "./centre-in-process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CENTRE_NUMBER = "+61255501234";

/** Starts one of the two programs; resolves once it reports ready (and its URL); stopped when the test ends. */
function start(t: TestContext, entry: string, env: Record<string, string>): Promise<Program> {
  return startProgram(entry, { t, env: { PATH: process.env.PATH, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}), ...env } });
}

export type FlowVariant = "always-open" | "always-closed";

/**
 * A shipped flow whose hours do not depend on the time of day: the default flow (open at all hours),
 * or the business-hours flow with no open period and no holidays.
 */
export function flowFile(dir: string, variant: FlowVariant): string {
  const shipped = variant === "always-open" ? "default.yaml" : "business-hours.yaml";
  const doc = parseDocument(readFileSync(join(ROOT, "callcentre/flows", shipped), "utf8"));
  if (variant === "always-open") doc.delete("hours");
  else {
    doc.setIn(["hours", "weekly"], {});
    doc.setIn(["hours", "holidays"], []);
  }
  const file = join(dir, `${variant}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

export interface System {
  carrier: CarrierClient;
  centreUrl: string;
  weather: OpenMeteoFixture;
  /** Shared by both programs: credentials.json, and the generated dashboard-password. */
  dataDir: string;
}

/** The carrier alone, as a process with a manual clock, and its client. */
export async function startCarrier(t: TestContext, dataDir: string): Promise<CarrierClient> {
  return (await startCarrierProcess(t, dataDir)).carrier;
}

/**
 * The carrier's process on a port the system picks, or on `port` (again, after it was killed: a restart
 * keeps no calls), and its client.
 */
export async function startCarrierProcess(t: TestContext, dataDir: string, port = 0): Promise<{ carrier: CarrierClient; process: Program }> {
  const process = await start(t, "carrier/src/server.ts", { CARRIER_PORT: String(port), CARRIER_CLOCK: "manual", DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const credentials = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) as { accountSid: string; authToken: string };
  return { carrier: new CarrierClient(process.url, credentials), process };
}

/** Creates the call centre's number on the carrier, pointing at its voice and SMS webhooks. */
export async function provisionNumber(carrier: CarrierClient, centreUrl: string): Promise<void> {
  await carrier.rest("IncomingPhoneNumbers.json", {
    PhoneNumber: CENTRE_NUMBER,
    FriendlyName: "Bluegum Energy",
    VoiceUrl: `${centreUrl}/twilio/voice/incoming`,
    StatusCallback: `${centreUrl}/twilio/voice/status`,
    SmsUrl: `${centreUrl}/twilio/sms/incoming`,
  });
}

/**
 * A database of the scenario's own on the run's server, copied from the migrated template (pg-boss's
 * schema included), dropped at the end: what one scenario stores (an opted-out number, say) must not
 * leak into the next. Returns the call centre's DATABASE_URL.
 */
export async function scenarioDatabase(t: TestContext, url?: string): Promise<Record<string, string>> {
  const database = await createTestDatabase(url);
  t.after(() => database.drop());
  return { DATABASE_URL: database.url };
}

export async function startSystem(t: TestContext, variant: FlowVariant = "always-open"): Promise<System> {
  const dataDir = mkdtempSync(join(tmpdir(), "e2e-"));
  const database = await scenarioDatabase(t);
  const weather = await startOpenMeteoFixture(t);
  const carrier = await startCarrier(t, dataDir);
  const centreUrl = (await startCentre(t, centreEnv({ carrier, dataDir, weather, variant, env: database }))).url;
  await provisionNumber(carrier, centreUrl);
  return { carrier, centreUrl, weather, dataDir };
}

export interface CentreOptions {
  carrier: CarrierClient;
  dataDir: string;
  weather: OpenMeteoFixture;
  variant?: FlowVariant;
  /** More variables (DATABASE_URL, SMS_MPS, …). */
  env?: Record<string, string>;
}

/**
 * The call centre's environment, as a user would set it to run beside the carrier; on a port the system
 * picks, which its PUBLIC_BASE_URL then names (unless `env` sets one).
 */
export function centreEnv({ carrier, dataDir, weather, variant = "always-open", env = {} }: CentreOptions): Record<string, string> {
  return {
    PORT: "0",
    TWILIO_API_BASE_URL: carrier.url,
    DATA_DIR: dataDir,
    FLOW_FILE: flowFile(dataDir, variant),
    WEATHER_GEOCODING_URL: weather.geocodingUrl,
    WEATHER_FORECAST_URL: weather.forecastUrl,
    LOG_LEVEL: "info",
    ...env,
  };
}

/** Starts the call centre process; resolves once it says it is ready: its `url` is its PUBLIC_BASE_URL. */
export function startCentre(t: TestContext, env: Record<string, string>): Promise<Program> {
  return start(t, "callcentre/src/server.ts", env);
}

export interface TimelineEvent {
  seq: number;
  type: string;
  [field: string]: unknown;
}

export interface CallView {
  sid: string;
  status: string;
  activity: string;
  settled: boolean;
  timeline: TimelineEvent[];
}

/** The carrier's control API (docs/carrier.md) and REST API, over HTTP. */
export class CarrierClient {
  constructor(
    readonly url: string,
    readonly credentials: { accountSid: string; authToken: string },
  ) {}

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_carrier${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async rest(resource: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const auth = Buffer.from(`${this.credentials.accountSid}:${this.credentials.authToken}`).toString("base64");
    const res = await fetch(`${this.url}/2010-04-01/Accounts/${this.credentials.accountSid}/${resource}`, {
      method: "POST",
      headers: { authorization: `Basic ${auth}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`POST ${resource}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  async placeCall(from: string, to = CENTRE_NUMBER): Promise<string> {
    return (await this.json<{ sid: string }>("POST", "/calls", { from, to })).sid;
  }

  /**
   * The call once it waits on the caller or a handset, or has ended. Prompts that play outside a
   * <Gather> wait on the manual clock: it is moved to the end of each, one timer at a time, so no
   * timeout that waits on the caller is skipped.
   */
  async settled(sid: string): Promise<CallView> {
    let call = await this.json<CallView>("GET", `/calls/${sid}/settled?timeout=20`);
    while (call.activity === "media") {
      const clock = await this.json<{ now: string; nextTimerAt: string | null }>("GET", "/clock");
      if (!clock.nextTimerAt) break;
      await this.advance(Math.max(0.001, (Date.parse(clock.nextTimerAt) - Date.parse(clock.now)) / 1000));
      call = await this.json<CallView>("GET", `/calls/${sid}/settled?timeout=20`);
    }
    return call;
  }

  call(sid: string): Promise<CallView> {
    return this.json("GET", `/calls/${sid}`);
  }

  async press(sid: string, digits: string): Promise<CallView> {
    await this.keys(sid, digits);
    return this.settled(sid);
  }

  /** Presses keys and returns at once: the clock does not move (press() settles the call after). */
  async keys(sid: string, digits: string): Promise<void> {
    const { accepted } = await this.json<{ accepted: boolean }>("POST", `/calls/${sid}/digits`, { digits });
    if (!accepted) throw new Error(`nothing was listening for ${digits}`);
  }

  /** The clock: its time and its next timer. */
  clock(): Promise<{ now: string; nextTimerAt: string | null }> {
    return this.json("GET", "/clock");
  }

  /** Presses keys without waiting for the call to settle (several handsets keying in at once). */
  async pressOnly(sid: string, digits: string): Promise<void> {
    const { accepted } = await this.json<{ accepted: boolean }>("POST", `/calls/${sid}/digits`, { digits });
    if (!accepted) throw new Error(`nothing was listening for ${digits}`);
  }

  async say(sid: string, text: string): Promise<void> {
    const { accepted } = await this.json<{ accepted: boolean }>("POST", `/calls/${sid}/speech`, { text });
    if (!accepted) throw new Error(`nothing was listening for "${text}"`);
  }

  hangup(sid: string): Promise<unknown> {
    return this.json("POST", `/calls/${sid}/hangup`);
  }

  answer(sid: string): Promise<unknown> {
    return this.json("POST", `/calls/${sid}/answer`);
  }

  /** The handset declines a call ringing on it (busy). */
  reject(sid: string): Promise<unknown> {
    return this.json("POST", `/calls/${sid}/reject`);
  }

  async advance(seconds: number): Promise<void> {
    await this.json("POST", "/clock/advance", { seconds });
  }

  /** Moves the manual clock to its next timer, if there is one. */
  async advanceToNextTimer(): Promise<void> {
    const clock = await this.json<{ now: string; nextTimerAt: string | null }>("GET", "/clock");
    if (clock.nextTimerAt) await this.advance(Math.max(0.001, (Date.parse(clock.nextTimerAt) - Date.parse(clock.now)) / 1000));
  }

  phoneCalls(number: string): Promise<{ calls: { sid: string; status: string; activity: string }[] }> {
    return this.json("GET", `/phones/${encodeURIComponent(number)}/calls`);
  }

  /** The handset `from` texts `to` (the call centre's number by default). */
  async text(from: string, body: string, to = CENTRE_NUMBER): Promise<string> {
    return (await this.json<{ sid: string }>("POST", "/messages", { from, to, body })).sid;
  }

  /** Every message sent from `from`, through the REST API's list, page by page. */
  async sentFrom(from: string): Promise<{ sid: string; to: string; body: string; status: string }[]> {
    const auth = Buffer.from(`${this.credentials.accountSid}:${this.credentials.authToken}`).toString("base64");
    const found: { sid: string; to: string; body: string; status: string }[] = [];
    let next: string | null = `/2010-04-01/Accounts/${this.credentials.accountSid}/Messages.json?${new URLSearchParams({ From: from, PageSize: "1000" })}`;
    while (next) {
      const res = await fetch(`${this.url}${next}`, { headers: { authorization: `Basic ${auth}` } });
      if (!res.ok) throw new Error(`GET ${next}: ${res.status} ${await res.text()}`);
      const page = (await res.json()) as { messages: { sid: string; to: string; body: string; status: string }[]; next_page_uri: string | null };
      found.push(...page.messages);
      next = page.next_page_uri;
    }
    return found;
  }

  /** Messages of a handset, once at least `count` have been delivered to it. */
  messages(number: string, count = 1): Promise<{ messages: { from: string; to: string; body: string; direction: string }[]; delivered: number }> {
    return this.json("GET", `/phones/${encodeURIComponent(number)}/messages?wait=20&count=${count}`);
  }
}

/** What was said on the call, in order. */
export const said = (call: CallView): string[] => call.timeline.filter((e) => e.type === "say").map((e) => String(e.text));
