// `callcentre accounts list|add|password|remove`: in-process against a test database (the commands open
// it from DATABASE_URL, as the server does).
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { registerAccountsCommands, type AccountsCommandsOptions } from "../../src/cli/accounts-commands.js";
import { openDatabase } from "../../src/db/database.js";
import { verifyPassword } from "../../src/plugins/app/agent-passwords.js";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { AgentsRepository } from "../../src/repositories/agents-repository.js";
import { testDatabaseUrl } from "../helpers.js";
import { run } from "./cli-harness.js";
import { fakeTwilioRest } from "./fake-twilio-rest.js";

const NOW = new Date("2026-11-24T01:00:00Z");
const HASH = "scrypt$1024$8$1$c2FsdA$a2V5";
const NO_STDIN = () => Promise.reject(new Error("stdin is not read"));

/** A test database with the first owner and an agent, Ava. */
async function seeded(t: TestContext): Promise<{ url: string; accounts: AccountsRepository }> {
  const url = await testDatabaseUrl(t);
  const db = await openDatabase({ url });
  t.after(() => db.close());
  const accounts = new AccountsRepository(db);
  await accounts.create({ id: "owner", name: "Owner", role: "owner" }, HASH, NOW);
  await new AgentsRepository(db).sync([{ id: "ava", name: "Ava Nguyen", phone: "+61491570101", departments: [] }], NOW);
  return { url, accounts };
}

async function accountsCli(t: TestContext, url: string, argv: string[], options: AccountsCommandsOptions = {}) {
  const api = await fakeTwilioRest(t);
  return run(api, argv, { env: { DATABASE_URL: url, LOG_LEVEL: "silent" }, extraCommands: [registerAccountsCommands({ now: () => NOW, ...options })] });
}

test("accounts add at a terminal generates the password and prints it once; list shows the account", async (t) => {
  const { url, accounts } = await seeded(t);
  const added = await accountsCli(t, url, ["accounts", "add", "sam", "--name", "Sam Lee", "--phone", "+61491570111", "--on-duty"], { stdinIsTTY: true, readStdin: NO_STDIN });
  assert.equal(added.code, 0, added.stderr);
  const [first, intro, password] = added.stdout.split("\n");
  assert.equal(first, "Account sam (Sam Lee, supervisor) added.");
  assert.equal(intro, "Its password, shown only this once:");
  assert.match(password ?? "", /^[A-Za-z0-9_-]{24}$/);
  assert.ok(await verifyPassword(password ?? "", await accounts.passwordHash("sam")));

  const list = await accountsCli(t, url, ["accounts", "list"]);
  const lines = list.stdout.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^ID\s+NAME\s+ROLE\s+PHONE\s+CLIENT\s+ON DUTY$/);
  assert.match(lines[1] ?? "", /^owner\s+Owner\s+owner\s+-\s+-\s+no$/);
  assert.match(lines[2] ?? "", /^sam\s+Sam Lee\s+supervisor\s+\+61491570111\s+-\s+yes$/);
  assert.equal(lines.length, 3);
});

test("accounts add with a piped password; bad options, a taken id or an agent's id change nothing", async (t) => {
  const { url, accounts } = await seeded(t);
  const piped = await accountsCli(t, url, ["accounts", "add", "olga", "--name", "Olga", "--role", "owner"], { stdinIsTTY: false, readStdin: async () => "olga's long password\n" });
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotMatch(piped.stdout, /olga's long password/);
  assert.ok(await verifyPassword("olga's long password", await accounts.passwordHash("olga")));
  assert.equal((await accounts.find("olga"))?.role, "owner");

  const refusals: [string[], RegExp][] = [
    [["accounts", "add", "bad id", "--name", "x"], /id: must be 1 to 64 of a-z/],
    [["accounts", "add", "eve", "--name", "Eve", "--role", "admin"], /--role: /],
    [["accounts", "add", "eve", "--name", "Eve", "--phone", "0491570111"], /--phone: must be an E\.164 number/],
    [["accounts", "add", "olga", "--name", "Olga again"], /there is already an account 'olga'; nothing was changed/],
    [["accounts", "add", "ava", "--name", "Ava"], /'ava' is an agent's id/],
  ];
  for (const [argv, message] of refusals) {
    const result = await accountsCli(t, url, argv, { stdinIsTTY: true, readStdin: NO_STDIN });
    assert.equal(result.code, 1, argv.join(" "));
    assert.match(result.stderr, message);
  }
  const short = await accountsCli(t, url, ["accounts", "add", "eve", "--name", "Eve"], { stdinIsTTY: false, readStdin: async () => "short\n" });
  assert.match(short.stderr, /a password must be at least 12 characters; nothing was changed/);
  assert.deepEqual((await accounts.list()).map((a) => a.id).sort(), ["olga", "owner"]);
});

test("accounts password sets a piped or generated password; remove keeps the last owner", async (t) => {
  const { url, accounts } = await seeded(t);
  const piped = await accountsCli(t, url, ["accounts", "password", "owner"], { stdinIsTTY: false, readStdin: async () => "the owner's new password\n" });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, "Password set for owner (Owner).\nAny session they had has ended.\n");
  assert.ok(await verifyPassword("the owner's new password", await accounts.passwordHash("owner")));
  const generated = await accountsCli(t, url, ["accounts", "password", "owner", "--generate"], { stdinIsTTY: false, readStdin: NO_STDIN });
  assert.match(generated.stdout, /^New password for owner \(Owner\), shown only this once:\n[A-Za-z0-9_-]{24}\n/);
  const unknown = await accountsCli(t, url, ["accounts", "password", "nobody", "--generate"]);
  assert.match(unknown.stderr, /no account 'nobody'/);

  const last = await accountsCli(t, url, ["accounts", "remove", "owner"]);
  assert.equal(last.code, 1);
  assert.match(last.stderr, /'owner' is the last owner/);
  await accounts.create({ id: "sam", name: "Sam", role: "supervisor" }, HASH, NOW);
  const removed = await accountsCli(t, url, ["accounts", "remove", "sam"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(removed.stdout, "Account sam (Sam) removed; any session it had has ended.\n");
  assert.equal(await accounts.find("sam"), undefined);
});

test("accounts set changes what it is given and nothing else; on and off duty; the last owner stays an owner", async (t) => {
  const { url, accounts } = await seeded(t);
  await accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor", phone: "+61491570111" }, HASH, NOW);

  const onDuty = await accountsCli(t, url, ["accounts", "set", "sam", "--on-duty", "--client", "sam-desk"]);
  assert.equal(onDuty.code, 0, onDuty.stderr);
  assert.equal(onDuty.stdout, "Account sam (Sam Lee, supervisor, +61491570111, client:sam-desk, on duty) changed.\n");
  assert.deepEqual(
    (({ name, role, phone, client, onDuty: duty }) => ({ name, role, phone, client, duty }))((await accounts.find("sam"))!),
    { name: "Sam Lee", role: "supervisor", phone: "+61491570111", client: "sam-desk", duty: true },
  );

  const off = await accountsCli(t, url, ["accounts", "set", "sam", "--off-duty", "--phone", "none"]);
  assert.equal(off.code, 0, off.stderr);
  assert.equal((await accounts.find("sam"))?.onDuty, false);
  assert.equal((await accounts.find("sam"))?.phone, null);

  const refusals: [string[], RegExp][] = [
    [["accounts", "set", "sam"], /nothing to change/],
    [["accounts", "set", "sam", "--on-duty", "--off-duty"], /choose one/],
    [["accounts", "set", "sam", "--phone", "0491 570 111"], /--phone/],
    [["accounts", "set", "sam", "--role", "agent"], /--role/],
    [["accounts", "set", "nobody", "--on-duty"], /no account 'nobody'/],
    [["accounts", "set", "owner", "--role", "supervisor"], /last owner/],
  ];
  for (const [argv, message] of refusals) {
    const refused = await accountsCli(t, url, argv);
    assert.notEqual(refused.code, 0, argv.join(" "));
    assert.match(refused.stderr, message, argv.join(" "));
  }
  assert.equal((await accounts.find("owner"))?.role, "owner");
  assert.equal((await accounts.find("sam"))?.client, "sam-desk", "a refused change changes nothing");
});
