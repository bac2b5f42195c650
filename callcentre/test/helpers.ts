// Test helpers: a fresh database per test (a copy of the migrated template on the run's Postgres server,
// template-database.ts), a test app, signed Twilio requests, and a local stand-in for Twilio's REST API at
// the HTTP boundary.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import twilio from "twilio";
import { buildApp, loggerOptions, type AppDependencies } from "../src/app.js";
import type { Config } from "../src/config.js";
import { openDatabase, type Database } from "../src/db/database.js";
import type { Flow } from "../src/flows/flow-schema.js";
import { loadFlowFile } from "../src/flows/load-flow.js";
import { DEFAULT_FLOW_FILE } from "../src/config.js";
import type { Clock } from "../src/lib/clock.js";
import type { TwilioClient } from "../src/twilio-client.js";
import { createTestDatabase } from "./template-database.js";

// Shared with the other workspaces' tests.
export { postgresReachable, waitFor } from "@callcentre/testkit";

export const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
export const BASE_URL = "https://callcentre.example.test";
export const DASHBOARD_PASSWORD = "correct horse battery staple";

export const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;

/** A fresh, migrated database of the test's own (pg-boss's schema and queues included); dropped when the test ends. */
export async function testDatabase(t: TestContext): Promise<Database> {
  const database = await createTestDatabase();
  const db = await openDatabase({ url: database.url, maxConnections: 4 });
  t.after(async () => {
    await db.close();
    await database.drop();
  });
  return db;
}

/** The URL of a fresh, migrated database of the test's own, for a process the test starts; dropped when the test ends. */
export async function testDatabaseUrl(t: TestContext): Promise<string> {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  return database.url;
}

/**
 * Drops a test's schema and pg-boss's beside it, on a connection of its own (the test may have closed
 * the app's database on purpose).
 */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.query(`drop schema if exists ${schema}_jobs cascade`);
  await admin.end();
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: "127.0.0.1",
    publicBaseUrl: BASE_URL,
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" },
    twilioApiBaseUrl: "http://127.0.0.1:9",
    databaseUrl: process.env.DATABASE_URL,
    databaseTimeoutMs: 5_000,
    databasePreparedStatements: true,
    dataDir: "/nonexistent",
    flowFile: DEFAULT_FLOW_FILE,
    phoneNumber: "+61255501234",
    sms: { replyBudgetMs: 3_000, messagesPerSecond: 1_000, keywordReplies: "twilio", sendLeaseMs: 120_000 },
    weather: { geocodingUrl: "http://127.0.0.1:9/v1/search", forecastUrl: "http://127.0.0.1:9/v1/forecast", timeoutMs: 2_000 },
    dashboard: { password: DASHBOARD_PASSWORD, source: "environment" },
    calls: { reconcileAfterMs: 300_000 },
    logLevel: "silent",
    ...overrides,
  };
}

let defaultFlow: Flow | undefined;
export function shippedFlow(): Flow {
  defaultFlow ??= loadFlowFile(DEFAULT_FLOW_FILE);
  return defaultFlow;
}

/** The shipped flow with Sydney business hours and holidays (callcentre/flows/business-hours.yaml). */
export const BUSINESS_HOURS_FLOW_FILE = fileURLToPath(new URL("../flows/business-hours.yaml", import.meta.url));
let hoursFlow: Flow | undefined;
export function businessHoursFlow(): Flow {
  hoursFlow ??= loadFlowFile(BUSINESS_HOURS_FLOW_FILE);
  return hoursFlow;
}

/** Tuesday 24 November 2026, 12:00 in Sydney: the business-hours flow's office is open. */
export const OPEN_TIME = new Date("2026-11-24T01:00:00Z");
export const fixedClock = (at: Date): Clock => () => new Date(at);

const immediate = { retryDelay: 0, retryBackoff: false };
const TEST_POLICIES = {
  "forecast-send": { ...immediate, retryLimit: 3 },
  "sms-reply": { ...immediate, retryLimit: 2 },
  "notification-send": { ...immediate, retryLimit: 3 },
};

export interface TestApp {
  app: FastifyInstance;
  db: Database;
}

export async function testApp(
  t: TestContext,
  options: {
    flow?: Flow;
    clock?: Clock;
    config?: Partial<Config>;
    db?: Database;
    logLines?: string[];
    twilio?: TwilioClient;
    /** The queues' retry policies; by default retries come at once. */
    policies?: NonNullable<AppDependencies["jobs"]>["policies"];
    /** The ACD as the agents' desk uses it. */
    desk?: AppDependencies["desk"];
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await testDatabase(t));
  const app = await buildApp({
    config: testConfig(options.config),
    db,
    flow: options.flow ?? shippedFlow(),
    clock: options.clock ?? fixedClock(OPEN_TIME),
    ...(options.twilio ? { twilio: options.twilio } : {}),
    ...(options.desk ? { desk: options.desk } : {}),
    // Retries at once, so that a test can run a job's attempts to the end with workers.drain().
    jobs: { policies: options.policies ?? TEST_POLICIES },
    logger: options.logLines
      ? { ...(loggerOptions("info") as object), stream: { write: (line: string) => void options.logLines?.push(line) } }
      : false,
  });
  t.after(() => app.close());
  return { app, db };
}

export type Params = Record<string, string>;

/** The parameters Twilio sends with every voice request (docs/twilio-contract.md §5.1). */
export function voiceParams(callSid: string, extra: Params = {}): Params {
  return {
    CallSid: callSid,
    AccountSid: ACCOUNT_SID,
    From: "+61491570001",
    To: "+61255501234",
    Caller: "+61491570001",
    Called: "+61255501234",
    CallStatus: "in-progress",
    Direction: "inbound",
    ApiVersion: "2010-04-01",
    FromCity: "SYDNEY",
    FromState: "NSW",
    FromCountry: "AU",
    FromZip: "2000",
    ToCity: "SYDNEY",
    ToState: "NSW",
    ToCountry: "AU",
    ToZip: "",
    ...extra,
  };
}

/** POSTs form parameters to `path`, signed the way Twilio signs them. */
export function signedPost(app: FastifyInstance, path: string, params: Params, token = AUTH_TOKEN) {
  const signature = twilio.getExpectedTwilioSignature(token, `${BASE_URL}${path}`, params);
  return app.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    payload: new URLSearchParams(params).toString(),
  });
}

/** A recording's bytes as the fake API serves them: a WAV header and a little silence. */
export const RECORDING_WAV = Buffer.concat([Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1"), Buffer.alloc(32)]);

export interface ApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * A local HTTP server standing in for Twilio's REST API (Messages, Calls and recording media): answers as Twilio does,
 * records every request, and can be told to fail.
 */
export async function fakeTwilioApi(t: TestContext) {
  const requests: ApiRequest[] = [];
  let failWith: { status: number; code: number; message: string } | undefined;
  let failuresLeft = Number.POSITIVE_INFINITY;
  let hold: Promise<void> | undefined;
  let count = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => resolve(body));
    });
  const created: Record<string, unknown>[] = [];
  const callStatuses = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const request: ApiRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
      form: new URLSearchParams(await read(req)),
    };
    requests.push(request);
    res.setHeader("content-type", "application/json");
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname.endsWith("/Messages.json")) {
      // The message log, newest first, filtered as Twilio filters it (To, From).
      const to = url.searchParams.get("To");
      const from = url.searchParams.get("From");
      const messages = created.filter((m) => (!to || m.to === to) && (!from || m.from === from)).reverse();
      res.end(JSON.stringify({ messages, uri: url.pathname, first_page_uri: url.pathname, next_page_uri: null, previous_page_uri: null, page: 0, page_size: 50, start: 0, end: messages.length }));
      return;
    }
    if (req.method === "GET" && /\/Recordings\/RE[0-9a-f]{32}\.wav$/.test(url.pathname)) {
      // Recording media, behind HTTP basic auth as with Twilio's "enforce HTTP auth on media".
      if (request.authorization !== `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ code: 20003, message: "Authenticate", status: 401 }));
        return;
      }
      res.setHeader("content-type", "audio/x-wav");
      res.end(RECORDING_WAV);
      return;
    }
    const fetched = req.method === "GET" ? /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(url.pathname) : null;
    if (fetched) {
      // A call as Twilio's REST API shows it: the status a test set for it, else "no-answer".
      const callSid = fetched[1] ?? "";
      res.end(JSON.stringify({ sid: callSid, account_sid: ACCOUNT_SID, status: callStatuses.get(callSid) ?? "no-answer", direction: "outbound-api", api_version: "2010-04-01" }));
      return;
    }
    if (failWith && failuresLeft > 0) {
      failuresLeft -= 1;
      res.statusCode = failWith.status;
      res.end(JSON.stringify({ ...failWith, more_info: `https://www.twilio.com/docs/errors/${failWith.code}` }));
      return;
    }
    count += 1;
    const now = new Date().toUTCString().replace("GMT", "+0000");
    const participant = req.method === "POST" ? /\/Conferences\/(CF[0-9a-f]{32})\/Participants(?:\/(CA[0-9a-f]{32}))?\.json$/.exec(url.pathname) : null;
    if (participant) {
      // A conference participant added (a call placed into the conference) or updated, as Twilio shows it.
      const form = Object.fromEntries(request.form);
      const flag = (name: string) => form[name] === "true";
      const callSid = participant[2] ?? sid("CA", 0xe000 + count);
      res.statusCode = participant[2] ? 200 : 201;
      res.end(JSON.stringify({ account_sid: ACCOUNT_SID, conference_sid: participant[1], call_sid: callSid, muted: flag("Muted"), coaching: flag("Coaching"), call_sid_to_coach: form.CallSidToCoach ?? null, hold: false, status: participant[2] ? "connected" : "queued", label: form.Label ?? null, date_created: now, date_updated: now }));
      return;
    }
    const updated = req.method === "POST" ? /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(url.pathname) : null;
    if (updated) {
      const callSid = updated[1] ?? "";
      const status = request.form.get("Status") ?? callStatuses.get(callSid) ?? "in-progress";
      callStatuses.set(callSid, status);
      res.end(JSON.stringify({ sid: callSid, account_sid: ACCOUNT_SID, status, direction: "outbound-api", api_version: "2010-04-01" }));
      return;
    }
    if (url.pathname.endsWith("/Calls.json")) {
      const call = {
        sid: sid("CA", 0xc000 + count),
        account_sid: ACCOUNT_SID,
        from: request.form.get("From"),
        to: request.form.get("To"),
        status: "queued",
        direction: "outbound-api",
        date_created: now,
        date_updated: now,
        api_version: "2010-04-01",
        uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid("CA", 0xc000 + count)}.json`,
      };
      created.push(call);
      res.statusCode = 201;
      res.end(JSON.stringify(call));
      return;
    }
    const message = {
      sid: sid("SM", count),
      account_sid: ACCOUNT_SID,
      from: request.form.get("From"),
      to: request.form.get("To"),
      body: request.form.get("Body"),
      status: "queued",
      direction: "outbound-api",
      num_segments: "1",
      num_media: "0",
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: "USD",
      api_version: "2010-04-01",
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid("SM", count)}.json`,
    };
    created.push(message);
    const held = hold;
    hold = undefined;
    if (held) await held;
    res.statusCode = 201;
    res.end(JSON.stringify(message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The messages it accepted, oldest first. */
    created,
    /** What a fetch of a call (GET Calls/{sid}.json) says its status is. */
    callStatuses,
    /**
     * Accepts the next message but holds the answer until `release()`: the sender cannot know whether
     * Twilio took it (a timeout, or a crash right after the request).
     */
    holdNextAnswer() {
      let release = () => undefined as void;
      hold = new Promise<void>((resolve) => (release = resolve));
      t.after(() => release());
      return { release: () => release() };
    },
    /** Answers the next `times` requests (all, by default) with a Twilio error. */
    fail(status: number, code: number, message: string, times = Number.POSITIVE_INFINITY) {
      failWith = { status, code, message };
      failuresLeft = times;
    },
  };
}
