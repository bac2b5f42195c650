// Agents' passwords: scrypt with a random salt in the documented format, checked in constant time; an
// unknown agent or a malformed hash is a refusal, never an error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentFingerprint, DUMMY_HASH, generatePassword, hashPassword, passwordProblem, SCRYPT_PARAMS, verifyPassword } from "../../../src/plugins/app/agent-passwords.js";

test("a hash is scrypt$N$r$p$salt$key with a fresh salt, and verifies only its own password", async () => {
  const one = await hashPassword("a long enough password");
  const two = await hashPassword("a long enough password");
  assert.match(one, new RegExp(`^scrypt\\$${SCRYPT_PARAMS.N}\\$${SCRYPT_PARAMS.r}\\$${SCRYPT_PARAMS.p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
  assert.notEqual(one, two, "a random salt each time");
  assert.equal(await verifyPassword("a long enough password", one), true);
  assert.equal(await verifyPassword("a long enough passwore", one), false);
  assert.equal(await verifyPassword("", one), false);
  assert.notEqual(agentFingerprint(one), agentFingerprint(two));
});

test("no hash, or a malformed one, is a refusal after the same scrypt work", async () => {
  // The same work: the dummy has the parameters every stored hash is made with.
  assert.ok(DUMMY_HASH.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`));
  for (const stored of [undefined, null, "", "bcrypt$2a$10$x", "scrypt$1$8$1$c2FsdA$a2V5", "scrypt$3$8$1$c2FsdA$" + "A".repeat(43), "scrypt$99999999$8$1$c2FsdA$" + "A".repeat(43)]) {
    assert.equal(await verifyPassword("anything at all", stored), false, String(stored));
  }
});

test("generated passwords are long and random; short ones are refused", () => {
  const a = generatePassword();
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(a, generatePassword());
  assert.equal(passwordProblem(a), undefined);
  assert.match(passwordProblem("short") ?? "", /at least 12 characters/);
});
