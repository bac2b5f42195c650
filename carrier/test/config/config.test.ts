import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CarrierConfigError, loadCarrierConfig } from "../../src/config.js";

test("generated credentials live in a DATA_DIR only the carrier's user can read", () => {
  const cwd = mkdtempSync(join(tmpdir(), "carrier-config-"));
  const config = loadCarrierConfig({}, cwd);
  assert.equal(config.dataDir, join(cwd, "data"));
  assert.equal(config.credentialsSource, "generated");
  assert.equal(statSync(config.dataDir).mode & 0o777, 0o700, "DATA_DIR is 0700 when the carrier creates it");
  const file = join(config.dataDir, "credentials.json");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { accountSid: config.accountSid, authToken: config.authToken });
  const again = loadCarrierConfig({}, cwd);
  assert.equal(again.credentialsSource, "stored");
  assert.equal(again.authToken, config.authToken);
});

test("a bad variable is named with what is wrong", () => {
  assert.throws(() => loadCarrierConfig({ CARRIER_PORT: "port" }, tmpdir()), (error: unknown) => error instanceof CarrierConfigError && /CARRIER_PORT/.test(error.message));
  assert.throws(
    () => loadCarrierConfig({ CARRIER_ACCOUNT_SID: `AC${"0".repeat(32)}` }, tmpdir()),
    (error: unknown) => error instanceof CarrierConfigError && /CARRIER_AUTH_TOKEN is missing/.test(error.message),
  );
});
