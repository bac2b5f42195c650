// The boundaries in .dependency-cruiser.cjs bite: depcruise, with the repository's own configuration,
// run over small workspaces written to a temporary folder (never into the repository, whose own check
// must stay clean), fails on each kind of forbidden import and passes the allowed ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../src/program.js";

const DEPCRUISE = join(ROOT, "node_modules/.bin/depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

/** Writes `files` (path → source) into a fresh folder and runs depcruise there; the violations it reports. */
function cruise(files: Record<string, string>): { status: number | null; violations: string[]; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "boundaries-"));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const roots = [...new Set(Object.keys(files).map((path) => path.split("/")[0] ?? ""))];
  const run = spawnSync(DEPCRUISE, ["--config", CONFIG, "--output-type", "err", ...roots], { cwd: dir, encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`;
  const violations = [...output.matchAll(/error (\S+): (\S+) →\s+(\S+)/g)].map(([, rule, from, to]) => `${rule} ${from} → ${to}`);
  return { status: run.status, violations, output };
}

const ALLOWED = {
  "callcentre/src/app.ts": `export const app = 1;\n`,
  "callcentre/test/helpers.ts": `import { app } from "../src/app.js";\nexport const helper = app;\n`,
  "carrier/src/engine.ts": `export const engine = 1;\n`,
  "testkit/src/index.ts": `export const waitFor = 1;\n`,
  "e2e/test/system.ts": `import { waitFor } from "../../testkit/src/index.js";\nexport const system = waitFor;\n`,
  "e2e/test/centre-in-process.ts": `import { app } from "../../callcentre/src/app.js";\nexport const centre = app;\n`,
  "bench/src/main.ts": `import { system } from "../../e2e/test/system.js";\nexport const main = system;\n`,
};

test("the allowed imports pass: a workspace's own tests, testkit, e2e from bench, the named exception", () => {
  const { status, violations, output } = cruise(ALLOWED);
  assert.deepEqual(violations, [], output);
  assert.equal(status, 0, output);
});

test("each forbidden import fails the check, named by its rule", () => {
  const { status, violations, output } = cruise({
    ...ALLOWED,
    "callcentre/src/twilio.ts": `import { engine } from "../../carrier/src/engine.js";\nexport const twilio = engine;\n`,
    "carrier/src/webhooks.ts": `import type { app } from "../../callcentre/src/app.js";\nexport type Webhooks = typeof app;\n`,
    "e2e/test/voice.test.ts": `import { engine } from "../../carrier/src/engine.js";\nexport const voice = engine;\n`,
    "bench/src/webhook.ts": `import { app } from "../../callcentre/src/app.js";\nexport const webhook = app;\n`,
    "e2e/test/sms.test.ts": `import { helper } from "../../callcentre/test/helpers.js";\nexport const sms = helper;\n`,
    "testkit/src/fixture.ts": `import { app } from "../../callcentre/src/app.js";\nexport const fixture = app;\n`,
    "testkit/src/a.ts": `import type { B } from "./b.js";\nexport interface A { b: B }\n`,
    "testkit/src/b.ts": `import type { A } from "./a.js";\nexport interface B { a: A }\n`,
  });
  assert.notEqual(status, 0, "the run fails");
  assert.deepEqual(violations.sort(), [
    "carrier-not-callcentre carrier/src/webhooks.ts → callcentre/src/app.ts",
    "callcentre-not-carrier callcentre/src/twilio.ts → carrier/src/engine.ts",
    "e2e-and-bench-not-src bench/src/webhook.ts → callcentre/src/app.ts",
    "e2e-and-bench-not-src e2e/test/voice.test.ts → carrier/src/engine.ts",
    // A cycle of type-only imports, reported once.
    "no-circular testkit/src/a.ts → testkit/src/b.ts",
    "no-other-workspaces-tests e2e/test/sms.test.ts → callcentre/test/helpers.ts",
    "testkit-imports-no-workspace testkit/src/fixture.ts → callcentre/src/app.ts",
  ].sort(), output);
});
