// The carrier's configuration, from the environment, validated once. Without credentials, an
// account SID and auth token are generated once and kept in DATA_DIR/credentials.json — the same
// file the call centre reads, so the two agree on the token that signs and checks webhooks.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_CALL_HISTORY } from "./limits.js";

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

export interface CarrierConfig {
  port: number;
  host: string;
  /** Where apps reach the carrier (recording URLs); defaults to http://HOST:PORT. */
  publicUrl: string;
  accountSid: string;
  authToken: string;
  credentialsSource: "environment" | "generated" | "stored";
  clock: "real" | "manual";
  dataDir: string;
  /** Ended calls kept in memory, with their timelines (CARRIER_CALL_HISTORY). */
  callHistory: number;
}

export class CarrierConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid carrier configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CarrierConfigError";
  }
}

const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const Env = z.object({
  CARRIER_PORT: z.preprocess(blank, z.coerce.number().int().min(0).max(65535).default(4010)),
  CARRIER_HOST: z.preprocess(blank, z.string().default("127.0.0.1")),
  CARRIER_PUBLIC_URL: z.preprocess(
    blank,
    z
      .string()
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "must be an absolute http(s) URL")
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),
  ),
  CARRIER_ACCOUNT_SID: z.preprocess(blank, z.string().regex(ACCOUNT_SID, "must be 'AC' followed by 32 hexadecimal digits").optional()),
  CARRIER_AUTH_TOKEN: z.preprocess(blank, z.string().min(16, "must be at least 16 characters").optional()),
  CARRIER_CLOCK: z.preprocess(blank, z.enum(["real", "manual"]).default("real")),
  CARRIER_CALL_HISTORY: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_CALL_HISTORY)),
  DATA_DIR: z.preprocess(blank, z.string().default("./data")),
});

export function loadCarrierConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CarrierConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new CarrierConfigError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
  const e = parsed.data;
  if (Boolean(e.CARRIER_ACCOUNT_SID) !== Boolean(e.CARRIER_AUTH_TOKEN)) {
    throw new CarrierConfigError([
      `${e.CARRIER_ACCOUNT_SID ? "CARRIER_AUTH_TOKEN" : "CARRIER_ACCOUNT_SID"} is missing: set both CARRIER_ACCOUNT_SID and CARRIER_AUTH_TOKEN, or neither`,
    ]);
  }
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR);
  const credentials =
    e.CARRIER_ACCOUNT_SID && e.CARRIER_AUTH_TOKEN
      ? { accountSid: e.CARRIER_ACCOUNT_SID, authToken: e.CARRIER_AUTH_TOKEN, source: "environment" as const }
      : storedCredentials(dataDir);
  return {
    port: e.CARRIER_PORT,
    host: e.CARRIER_HOST,
    publicUrl: e.CARRIER_PUBLIC_URL ?? `http://${e.CARRIER_HOST.includes(":") ? `[${e.CARRIER_HOST}]` : e.CARRIER_HOST}:${e.CARRIER_PORT}`,
    accountSid: credentials.accountSid,
    authToken: credentials.authToken,
    credentialsSource: credentials.source,
    clock: e.CARRIER_CLOCK,
    dataDir,
    callHistory: e.CARRIER_CALL_HISTORY,
  };
}

function storedCredentials(dataDir: string): { accountSid: string; authToken: string; source: "generated" | "stored" } {
  const file = join(dataDir, "credentials.json");
  if (existsSync(file)) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      content = undefined;
    }
    const stored = z.object({ accountSid: z.string().regex(ACCOUNT_SID), authToken: z.string().min(16) }).safeParse(content);
    if (!stored.success) throw new CarrierConfigError([`${file} is not a valid credentials file; delete it to regenerate`]);
    return { ...stored.data, source: "stored" };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const created = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return { ...created, source: "generated" };
}
