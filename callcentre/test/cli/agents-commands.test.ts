// `callcentre agents list|password`: in-process against a test database (the commands open it from
// DATABASE_URL, as the server does), and once as a process with the password piped to stdin.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { registerAgentsCommands, type AgentsCommandsOptions } from "../../src/cli/agents-commands.js";
import { openDatabase } from "../../src/db/database.js";
import { verifyPassword } from "../../src/plugins/app/agent-passwords.js";
import { AgentsRepository } from "../../src/repositories/agents-repository.js";
import { testDatabaseUrl } from "../helpers.js";
import { cliEnv, run } from "./cli-harness.js";
import { ACCOUNT_SID, AUTH_TOKEN, fakeTwilioRest } from "./fake-twilio-rest.js";

const NOW = new Date("2026-11-24T01:00:00Z");

/** A test database with Ava (billing) and Bob (billing, sales overflow; on a lunch break). */
async function seeded(t: TestContext): Promise<{ url: string; agents: AgentsRepository }> {
  const url = await testDatabaseUrl(t);
  const db = await openDatabase({ url });
  t.after(() => db.close());
  const agents = new AgentsRepository(db);
  await agents.sync(
    [
      { id: "ava", name: "Ava Nguyen", phone: "+61491570101", departments: [{ department: "billing", level: "first-line" }] },
      { id: "bob", name: "Bob Smith", client: "bob", departments: [{ department: "billing", level: "first-line" }, { department: "sales", level: "overflow" }] },
    ],
    NOW,
  );
  await agents.choose("bob", "break", "lunch", NOW);
  return { url, agents };
}

async function agentsCli(t: TestContext, url: string, argv: string[], options: AgentsCommandsOptions) {
  const api = await fakeTwilioRest(t);
  return run(api, argv, { env: { DATABASE_URL: url, LOG_LEVEL: "silent" }, extraCommands: [registerAgentsCommands(options)] });
}

test("agents list: id, name, departments, state and whether a password is set", async (t) => {
  const { url, agents } = await seeded(t);
  await agents.setPasswordHash("ava", "scrypt$16384$8$1$c2FsdA$a2V5");
  const result = await agentsCli(t, url, ["agents", "list"], {});
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^ID\s+NAME\s+DEPARTMENTS\s+STATE\s+PASSWORD$/);
  assert.match(lines[1] ?? "", /^ava\s+Ava Nguyen\s+billing\s+offline\s+set$/);
  assert.match(lines[2] ?? "", /^bob\s+Bob Smith\s+billing, sales \(overflow\)\s+break \(lunch\)\s+not set$/);
  assert.equal(lines.length, 3);
});

test("agents password: a piped password is set (its line break dropped); a short one or an unknown agent changes nothing", async (t) => {
  const { url, agents } = await seeded(t);
  const piped = await agentsCli(t, url, ["agents", "password", "ava"], { stdinIsTTY: false, readStdin: async () => "correct horse staple\n" });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, "Password set for ava (Ava Nguyen).\nAny session they had has ended; they sign in at /login with their agent id.\n");
  assert.doesNotMatch(piped.stdout + piped.stderr, /horse/, "the password is not echoed");
  assert.ok(await verifyPassword("correct horse staple", await agents.passwordHash("ava")));

  const short = await agentsCli(t, url, ["agents", "password", "bob"], { stdinIsTTY: false, readStdin: async () => "too short\n" });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /a password must be at least 12 characters; nothing was changed/);
  assert.equal(await agents.passwordHash("bob"), null);

  const unknown = await agentsCli(t, url, ["agents", "password", "carol"], { stdinIsTTY: false, readStdin: async () => "a long enough password" });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no agent 'carol': 'callcentre agents list' shows the agents/);
});

test("agents password at a terminal (or with --generate) generates a strong password and prints it once", async (t) => {
  const { url, agents } = await seeded(t);
  const result = await agentsCli(t, url, ["agents", "password", "bob"], { stdinIsTTY: true, readStdin: () => Promise.reject(new Error("stdin is not read")) });
  assert.equal(result.code, 0, result.stderr);
  const [intro, password] = result.stdout.split("\n");
  assert.equal(intro, "New password for bob (Bob Smith), shown only this once:");
  assert.match(password ?? "", /^[A-Za-z0-9_-]{24}$/);
  assert.ok(await verifyPassword(password ?? "", await agents.passwordHash("bob")));

  const generated = await agentsCli(t, url, ["agents", "password", "ava", "--generate"], { stdinIsTTY: false, readStdin: () => Promise.reject(new Error("stdin is not read")) });
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /^New password for ava \(Ava Nguyen\), shown only this once:\n[A-Za-z0-9_-]{24}\n/, "--generate without a terminal");
});

test("callcentre agents password as a process reads the password piped to it", async (t) => {
  const { url, agents } = await seeded(t);
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", fileURLToPath(new URL("../../src", import.meta.url))], { stdio: "inherit" });
  const api = await fakeTwilioRest(t);
  const env = { ...cliEnv(api), PATH: process.env.PATH, DATABASE_URL: url, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: "silent" };
  const bin = fileURLToPath(new URL("../../bin/callcentre.js", import.meta.url));
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [bin, "agents", "password", "ava"], { cwd: mkdtempSync(join(tmpdir(), "cc-agents-")), env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end("piped through stdin\n");
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Password set for ava \(Ava Nguyen\)\./);
  assert.ok(await verifyPassword("piped through stdin", await agents.passwordHash("ava")));
});
