// Configuration is read once, from the environment (and ./.env when present), and validated.
// A bad or missing value stops start-up with a message naming the variable and the problem;
// secret values are never echoed.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const DEFAULT_FLOW_FILE = fileURLToPath(new URL("../flows/default.yaml", import.meta.url));
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** Where the credentials came from: the environment, or generated for local use and kept in DATA_DIR. */
  source: "environment" | "local";
}

export interface Config {
  port: number;
  host: string;
  /** Scheme, host and port Twilio uses to reach this service; webhook signatures are checked against it. */
  publicBaseUrl: string;
  twilio: TwilioCredentials;
  /** Base URL of the Twilio REST API (https://api.twilio.com, or a local carrier). */
  twilioApiBaseUrl: string;
  databaseUrl: string | undefined;
  /** Postgres: how long a connection or a query may take before the database counts as unavailable. */
  databaseTimeoutMs: number;
  /** Postgres: statements with parameters are prepared once per connection. */
  databasePreparedStatements: boolean;
  dataDir: string;
  flowFile: string;
  /** The call centre's own number (E.164): the default sender of the CLI and of notices. */
  phoneNumber: string | undefined;
  sms: SmsConfig;
  weather: WeatherConfig;
  dashboard: DashboardConfig;
  calls: CallsConfig;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export interface SmsConfig {
  /** How long an inbound SMS webhook may wait for a forecast before answering and sending it by REST. */
  replyBudgetMs: number;
  /** Outbound messages per second this instance sends (Twilio queues beyond the number's rate). */
  messagesPerSecond: number;
  /**
   * Who answers STOP/START/HELP: "twilio" (long codes and toll-free: Twilio replies, the app only records)
   * or "app" (standalone short codes: the app must confirm them itself).
   */
  keywordReplies: "twilio" | "app";
  /**
   * How long one attempt at a daily forecast holds it. Past that, the attempt counts as dead (its
   * process crashed): another takes over, checking Twilio's message log first. Must be longer than
   * an attempt can take (forecast fetch + REST call).
   */
  sendLeaseMs: number;
}

export interface CallsConfig {
  /**
   * A call not over that has shown no sign of life (webhook, status callback) for this long is looked up
   * through the REST API, in case its final status callback was lost (jobs/call-reconcile.ts).
   */
  reconcileAfterMs: number;
}

export interface DashboardConfig {
  /** The first-run password: it becomes the owner account's on the first start (a secret: never logged). */
  password: string;
  /** DASHBOARD_PASSWORD, or generated once and kept in `file` (DATA_DIR/dashboard-password). */
  source: "environment" | "generated";
  file?: string;
}

export interface WeatherConfig {
  geocodingUrl: string;
  forecastUrl: string;
  timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const emptyAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().trim().optional());

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      message: `must be an absolute http(s) URL, ${what}`,
    })
    .transform((value) => value.replace(/\/+$/, ""));

const EnvSchema = z.object({
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("127.0.0.1")),
  PUBLIC_BASE_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl("e.g. https://example.ngrok.app")
      .refine((value) => !URL.canParse(value) || (new URL(value).pathname === "/" && !new URL(value).search && !new URL(value).hash), {
        message: "must be scheme, host and port only, without a path or query (e.g. https://example.ngrok.app)",
      })
      .optional(),
  ),
  TWILIO_ACCOUNT_SID: z.preprocess(
    emptyAsUndefined,
    z.string().trim().regex(ACCOUNT_SID, "must be 'AC' followed by 32 hexadecimal digits").optional(),
  ),
  // The token is a secret: its problems are described without its value.
  TWILIO_AUTH_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().trim().min(16, "is too short to be a Twilio auth token (at least 16 characters; Twilio's are 32)").optional(),
  ),
  TWILIO_API_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl("e.g. https://api.twilio.com").optional()),
  CARRIER_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(4010)),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
        message: "must be a postgres:// or postgresql:// URL",
      })
      .optional(),
  ),
  // Well inside Twilio's 15 s webhook timeout, so that a voice webhook can still answer with the safe flow.
  DATABASE_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(10_000).default(5_000)),
  // "false" behind a connection pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
  DATABASE_PREPARED_STATEMENTS: z.preprocess(
    emptyAsUndefined,
    z.enum(["true", "false"], { error: "must be true or false" }).default("true").transform((value) => value === "true"),
  ),
  TWILIO_PHONE_NUMBER: z.preprocess(
    emptyAsUndefined,
    z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +61255501234").optional(),
  ),
  WEATHER_GEOCODING_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl("e.g. https://geocoding-api.open-meteo.com/v1/search").default("https://geocoding-api.open-meteo.com/v1/search"),
  ),
  WEATHER_FORECAST_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl("e.g. https://api.open-meteo.com/v1/forecast").default("https://api.open-meteo.com/v1/forecast"),
  ),
  WEATHER_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(14_000).default(5_000)),
  SMS_REPLY_BUDGET_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10_000).default(3_000)),
  SMS_MPS: z.preprocess(emptyAsUndefined, z.coerce.number().positive().max(10_000).default(1)),
  SMS_KEYWORD_REPLIES: z.preprocess(emptyAsUndefined, z.enum(["twilio", "app"]).default("twilio")),
  SMS_SEND_LEASE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(5).max(3600).default(120)),
  CALL_RECONCILE_AFTER_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(300)),
  // A secret: its problems are described without its value.
  DASHBOARD_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(12, "is too short: use at least 12 characters (or leave it unset to have one generated)").max(1024).optional(),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  FLOW_FILE: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
});

/** Reads ./.env (if any) into process.env without overriding variables already set. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.TWILIO_ACCOUNT_SID) !== Boolean(e.TWILIO_AUTH_TOKEN)) {
    const missing = e.TWILIO_ACCOUNT_SID ? "TWILIO_AUTH_TOKEN" : "TWILIO_ACCOUNT_SID";
    problems.push(`${missing} is missing: set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither`);
  }
  const flowFile = e.FLOW_FILE ? resolve(cwd, e.FLOW_FILE) : DEFAULT_FLOW_FILE;
  if (!existsSync(flowFile)) problems.push(`FLOW_FILE names a file that does not exist: ${flowFile}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR);
  const twilio: TwilioCredentials =
    e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, source: "environment" }
      : localCredentials(dataDir);
  return {
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    twilio,
    // Generated local credentials only work with the local carrier, so that is where they point by default.
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL ?? (twilio.source === "local" ? `http://127.0.0.1:${e.CARRIER_PORT}` : "https://api.twilio.com"),
    databaseUrl: e.DATABASE_URL,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_MS,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    dataDir,
    flowFile,
    phoneNumber: e.TWILIO_PHONE_NUMBER,
    sms: { replyBudgetMs: e.SMS_REPLY_BUDGET_MS, messagesPerSecond: e.SMS_MPS, keywordReplies: e.SMS_KEYWORD_REPLIES, sendLeaseMs: e.SMS_SEND_LEASE_SECONDS * 1000 },
    weather: { geocodingUrl: e.WEATHER_GEOCODING_URL, forecastUrl: e.WEATHER_FORECAST_URL, timeoutMs: e.WEATHER_TIMEOUT_MS },
    dashboard: e.DASHBOARD_PASSWORD ? { password: e.DASHBOARD_PASSWORD, source: "environment" } : localDashboardPassword(dataDir),
    calls: { reconcileAfterMs: e.CALL_RECONCILE_AFTER_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * Credentials for running without a Twilio account: generated once, kept in DATA_DIR/credentials.json
 * (mode 0600), and shared with the local carrier so both sides sign and verify with the same token.
 */
export function localCredentials(dataDir: string): TwilioCredentials {
  const file = join(dataDir, "credentials.json");
  const Stored = z.object({ accountSid: z.string().regex(ACCOUNT_SID), authToken: z.string().min(16) });
  if (existsSync(file)) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      content = undefined;
    }
    const stored = Stored.safeParse(content);
    if (!stored.success) throw new ConfigError([`${file} is not a valid credentials file; delete it to regenerate`]);
    return { ...stored.data, source: "local" };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const created = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return { ...created, source: "local" };
}

/**
 * Without DASHBOARD_PASSWORD, a password is generated once and kept in DATA_DIR/dashboard-password
 * (mode 0600): the dashboard is never open without one. Set DASHBOARD_PASSWORD when instances share a database.
 */
export function localDashboardPassword(dataDir: string): DashboardConfig {
  const file = join(dataDir, "dashboard-password");
  if (existsSync(file)) {
    const password = readFileSync(file, "utf8").trim();
    if (password.length < 12) throw new ConfigError([`${file} holds no usable password (at least 12 characters); delete it to regenerate`]);
    return { password, source: "generated", file };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(12).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { password, source: "generated", file };
}
