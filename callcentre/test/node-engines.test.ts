// The README promises a Node.js version; every package the lock file installs must run on it.
// (cookie@2 and content-disposition@3 need Node 22: they came in through plugin updates.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import semver from "semver";

const root = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");

interface LockEntry {
  engines?: { node?: string } | string[];
  optional?: boolean;
}

function promisedNode(): string {
  const match = /Requirements: Node\.js (\d+\.\d+) or newer/.exec(read("README.md"));
  assert.ok(match, "the README states the Node.js version it needs");
  return `${match[1]}.0`;
}

test("the README, package.json and the workspaces promise the same Node.js", () => {
  const minimum = promisedNode();
  for (const file of ["package.json", "callcentre/package.json", "carrier/package.json"]) {
    const range = (JSON.parse(read(file)) as { engines: { node: string } }).engines.node;
    assert.equal(semver.minVersion(range)?.version, minimum, `${file} engines.node (${range})`);
  }
});

test("every installed package runs on the Node.js the README promises", () => {
  const minimum = promisedNode();
  const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, LockEntry> };
  const refused = Object.entries(lock.packages)
    .filter(([, entry]) => !entry.optional && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
    .filter(([, entry]) => !semver.satisfies(minimum, (entry.engines as { node: string }).node))
    .map(([name, entry]) => `${name} needs node ${(entry.engines as { node: string }).node}`);
  assert.deepEqual(refused, [], `packages that need a newer Node.js than ${minimum}`);
});
