// Runs every *.test.ts below the given folders with Node's own test runner (through tsx).
// Node 20's `--test` does not expand globs, so the files are listed here.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: run-tests.mjs <folder> [folder…]");
  process.exit(2);
}
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true }).map((name) => join(root, String(name))))
  .filter((file) => file.endsWith(".test.ts"))
  .sort();
if (files.length === 0) {
  console.error(`no *.test.ts files under ${roots.join(", ")}`);
  process.exit(1);
}
// Spec output for people, TAP into a file for the closing "N passed, N failed" line.
const tapDir = mkdtempSync(join(tmpdir(), "tests-"));
const tapFile = join(tapDir, "results.tap");
const result = spawnSync(
  process.execPath,
  [
    "--import", "tsx", "--test",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: "inherit" },
);
const tap = readFileSync(tapFile, "utf8");
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);
console.log(`\n${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped`);
process.exit(result.status ?? 1);
