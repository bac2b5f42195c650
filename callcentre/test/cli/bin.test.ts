// bin/callcentre.js as a process: the compiled CLI with plain node, ./.env, exit codes and streams.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ACCOUNT_SID, AUTH_TOKEN, fakeTwilioRest } from "./fake-twilio-rest.js";

const BIN = fileURLToPath(new URL("../../bin/callcentre.js", import.meta.url));

// The bin runs dist/: build it as `npm run callcentre` does (nothing to do when it is up to date).
before(() => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", fileURLToPath(new URL("../../src", import.meta.url))], { stdio: "inherit" });
});

/** Runs the executable in `cwd` with only `env` (plus PATH): nothing leaks in from the test's environment. */
function callcentre(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test("callcentre --help: usage on stdout, exit code 0", async () => {
  const result = await callcentre(["--help"], mkdtempSync(join(tmpdir(), "cc-bin-")));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: callcentre \[options\] \[command\]/);
});

test("callcentre sms send reads ./.env, talks to TWILIO_API_BASE_URL and prints the SID", async (t) => {
  const api = await fakeTwilioRest(t);
  const cwd = mkdtempSync(join(tmpdir(), "cc-bin-"));
  writeFileSync(
    join(cwd, ".env"),
    [`TWILIO_ACCOUNT_SID=${ACCOUNT_SID}`, `TWILIO_AUTH_TOKEN=${AUTH_TOKEN}`, `TWILIO_API_BASE_URL=${api.url}`, "TWILIO_PHONE_NUMBER=+61255501234"].join("\n"),
  );
  const result = await callcentre(["sms", "send", "--to", "+61491570156", "--body", "hi"], cwd);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^SM[0-9a-f]{32}\n$/);
  assert.equal(api.requests[0]?.form.get("From"), "+61255501234");
});

test("callcentre exits 1 on a configuration error and on a bad number", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "cc-bin-"));
  const config = await callcentre(["sms", "list"], cwd, { TWILIO_ACCOUNT_SID: "AC123" });
  assert.equal(config.code, 1);
  assert.match(config.stderr, /^Invalid configuration:\n {2}- TWILIO_ACCOUNT_SID must be 'AC' followed by 32 hexadecimal digits\n$/);
  const number = await callcentre(["call", "0491570156"], cwd);
  assert.equal(number.code, 1);
  assert.match(number.stderr, /missing the \+ and country code/);
});
