import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, DEFAULT_FLOW_FILE, loadConfig } from "../src/config.js";

const tmp = () => mkdtempSync(join(tmpdir(), "cc-config-"));
const problemsOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env, tmp());
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail("configuration was accepted");
};

test("with nothing set: port 3000, the embedded database in ./data, the default flow, local credentials", () => {
  const cwd = tmp();
  const config = loadConfig({}, cwd);
  assert.equal(config.port, 3000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.publicBaseUrl, "http://localhost:3000");
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, join(cwd, "data"));
  assert.equal(config.flowFile, DEFAULT_FLOW_FILE);
  assert.equal(config.twilioApiBaseUrl, "http://127.0.0.1:4010", "local credentials: the local carrier");
  assert.equal(loadConfig({ CARRIER_PORT: "4999" }, cwd).twilioApiBaseUrl, "http://127.0.0.1:4999");
  assert.equal(config.twilio.source, "local");
  assert.match(config.twilio.accountSid, /^AC[0-9a-f]{32}$/);
  const file = join(cwd, "data", "credentials.json");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { accountSid: config.twilio.accountSid, authToken: config.twilio.authToken });
  assert.deepEqual(loadConfig({}, cwd).twilio, config.twilio, "generated once, then reused");
});

test("each bad variable is named with what is wrong", () => {
  assert.match(problemsOf({ PORT: "http" }), /PORT/);
  assert.match(problemsOf({ PORT: "70000" }), /PORT/);
  assert.match(problemsOf({ PUBLIC_BASE_URL: "example.com" }), /PUBLIC_BASE_URL must be an absolute http\(s\) URL/);
  assert.match(problemsOf({ PUBLIC_BASE_URL: "https://example.com/app" }), /PUBLIC_BASE_URL must be scheme, host and port only/);
  assert.match(problemsOf({ PUBLIC_BASE_URL: "https://example.com?a=1" }), /PUBLIC_BASE_URL must be scheme, host and port only/);
  assert.match(problemsOf({ DATABASE_URL: "mysql://x" }), /DATABASE_URL must be a postgres:\/\//);
  assert.match(problemsOf({ TWILIO_ACCOUNT_SID: "AC123" }), /TWILIO_ACCOUNT_SID must be 'AC' followed by 32 hexadecimal digits/);
  assert.match(problemsOf({ FLOW_FILE: "missing.yaml" }), /FLOW_FILE names a file that does not exist/);
  assert.match(problemsOf({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
  assert.match(problemsOf({ TWILIO_PHONE_NUMBER: "0255501234" }), /TWILIO_PHONE_NUMBER must be an E\.164 number/);
  assert.match(problemsOf({ WEATHER_FORECAST_URL: "api.open-meteo.com" }), /WEATHER_FORECAST_URL must be an absolute http\(s\) URL/);
  assert.match(problemsOf({ WEATHER_TIMEOUT_MS: "20000" }), /WEATHER_TIMEOUT_MS/);
  assert.match(problemsOf({ SMS_MPS: "0" }), /SMS_MPS/);
  assert.match(problemsOf({ SMS_REPLY_BUDGET_MS: "soon" }), /SMS_REPLY_BUDGET_MS/);
  assert.match(problemsOf({ SMS_KEYWORD_REPLIES: "carrier" }), /SMS_KEYWORD_REPLIES/);
  assert.match(problemsOf({ DATABASE_PREPARED_STATEMENTS: "no" }), /DATABASE_PREPARED_STATEMENTS must be true or false/);
  for (const bad of ["0", "86401", "5m", "1.5"]) assert.match(problemsOf({ CALL_RECONCILE_AFTER_SECONDS: bad }), /- CALL_RECONCILE_AFTER_SECONDS /);
});

test("CALL_RECONCILE_AFTER_SECONDS: 300 by default", () => {
  assert.equal(loadConfig({}, tmp()).calls.reconcileAfterMs, 300_000);
  assert.equal(loadConfig({ CALL_RECONCILE_AFTER_SECONDS: "30" }, tmp()).calls.reconcileAfterMs, 30_000);
});

test("the auth token's value never appears in an error", () => {
  const secret = "short-secret";
  const message = problemsOf({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`, TWILIO_AUTH_TOKEN: secret });
  assert.match(message, /TWILIO_AUTH_TOKEN is too short/);
  assert.doesNotMatch(message, new RegExp(secret));
});

test("Twilio credentials come as a pair", () => {
  assert.match(problemsOf({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}` }), /TWILIO_AUTH_TOKEN is missing/);
  assert.match(problemsOf({ TWILIO_AUTH_TOKEN: "b".repeat(32) }), /TWILIO_ACCOUNT_SID is missing/);
  const config = loadConfig({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`, TWILIO_AUTH_TOKEN: "b".repeat(32) }, tmp());
  assert.equal(config.twilio.source, "environment");
});

test("empty values count as unset and trailing slashes are dropped", () => {
  const config = loadConfig({ PORT: "", PUBLIC_BASE_URL: "https://abc.ngrok.app/", TWILIO_API_BASE_URL: "http://127.0.0.1:5000/" }, tmp());
  assert.equal(config.port, 3000);
  assert.equal(config.publicBaseUrl, "https://abc.ngrok.app");
  assert.equal(config.twilioApiBaseUrl, "http://127.0.0.1:5000");
});

test("a damaged credentials file is reported with how to mend it", () => {
  const cwd = tmp();
  loadConfig({}, cwd);
  writeFileSync(join(cwd, "data", "credentials.json"), "{not json");
  assert.throws(() => loadConfig({}, cwd), /credentials\.json is not a valid credentials file; delete it to regenerate/);
});

test("the dashboard password: DASHBOARD_PASSWORD, or one generated once into DATA_DIR (mode 0600), never echoed", () => {
  const cwd = tmp();
  const generated = loadConfig({}, cwd).dashboard;
  assert.equal(generated.source, "generated");
  assert.ok(generated.password.length >= 16);
  const file = join(cwd, "data", "dashboard-password");
  assert.equal(generated.file, file);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(loadConfig({}, cwd).dashboard.password, generated.password, "generated once, then reused");
  assert.deepEqual(loadConfig({ DASHBOARD_PASSWORD: "a long enough password" }, cwd).dashboard, { password: "a long enough password", source: "environment" });
  const message = problemsOf({ DASHBOARD_PASSWORD: "hunter2" });
  assert.match(message, /DASHBOARD_PASSWORD is too short: use at least 12 characters/);
  assert.doesNotMatch(message, /hunter2/);
  writeFileSync(file, "short\n");
  assert.throws(() => loadConfig({}, cwd), /dashboard-password holds no usable password \(at least 12 characters\); delete it to regenerate/);
});
