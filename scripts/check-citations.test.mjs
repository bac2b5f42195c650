// The citation checker, run as `npm run check:citations` runs it, on small git repositories of its own.
// Citations in these fixtures are assembled at run time, so the checker never finds them in this file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { citations } from "./check-citations.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "check-citations.mjs");
const S = "\u00a7"; // the section sign
const cite = (page, section) => `${page}.md ${S}${section}`;

const CONTRACT = ["# The contract", "## 1. Documents", "## 2. Voice verbs", "### 2.4 `<Gather>`", "### 2.5 `<Dial>`", ""].join("\n");
const DOMAIN = ["# Rules", "## 1. Queue metrics", "### 1.2 Formulas", ""].join("\n");

/** A git repository with the two pages and `files`, all added (not committed), and the checker's result on it. */
function run(t, files) {
  const root = mkdtempSync(join(tmpdir(), "citations-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const all = { "docs/twilio-contract.md": CONTRACT, "docs/callcentre-domain.md": DOMAIN, ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync("git", ["init", "-q"], { cwd: root });
  execFileSync("git", ["add", "."], { cwd: root });
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: root, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

test("a cited section that exists passes", (t) => {
  const result = run(t, {
    "src/gather.ts": `// <Gather> (docs/${cite("twilio-contract", "2.4")}): the action defaults to the document URL.\n`,
    "src/metrics.ts": `// As defined in ${cite("callcentre-domain", "1.2")}.\n`,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /all sections cited in 4 tracked files exist/);
});

test("a cited section that the page lacks fails, naming the file, the line and the section", (t) => {
  const result = run(t, {
    "src/ok.ts": `// fine: ${cite("twilio-contract", "1")}\n`,
    "src/dial.ts": `// first line\n// <Dial> (${cite("twilio-contract", "2.6")}): rings every number.\n`,
    "src/hours.ts": `// Precedence (\`callcentre-domain.md\` ${S}3).\n`,
  });
  assert.equal(result.status, 1);
  assert.deepEqual(result.stderr.trim().split("\n"), [
    `src/dial.ts:2: twilio-contract.md ${S}2.6 is not a section of docs/twilio-contract.md`,
    `src/hours.ts:1: callcentre-domain.md ${S}3 is not a section of docs/callcentre-domain.md`,
    "2 citations of a missing section",
  ]);
});

test("sections listed after a citation, and both ends of a range, are checked too", (t) => {
  const result = run(t, { "test/dial.test.ts": `// (${cite("twilio-contract", "2.4")}, ${S}2.5${"\u2013"}2.7, ${S}1)\n` });
  assert.equal(result.status, 1);
  assert.deepEqual(result.stderr.trim().split("\n"), [
    `test/dial.test.ts:1: twilio-contract.md ${S}2.7 is not a section of docs/twilio-contract.md`,
    "1 citation of a missing section",
  ]);
});

test("a bare section inside a page refers to that page; a link's anchor must be one of its headings", (t) => {
  const result = run(t, {
    "docs/twilio-contract.md": `${CONTRACT}Parameters as in ${S}5.1.\n`,
    "docs/carrier.md": "See [the verbs](twilio-contract.md#2-voice-verbs) and [signing](twilio-contract.md#7-x-twilio-signature).\n",
  });
  assert.equal(result.status, 1);
  assert.deepEqual(result.stderr.trim().split("\n"), [
    "docs/carrier.md:1: twilio-contract.md#7-x-twilio-signature is not a heading of docs/twilio-contract.md",
    `docs/twilio-contract.md:6: twilio-contract.md ${S}5.1 is not a section of docs/twilio-contract.md`,
    "2 citations of a missing section",
  ]);
});

test("a section sign elsewhere (a bare one in code, a legal reference with a space) is not a citation", () => {
  assert.deepEqual(citations(`// as Twilio says (${S}4.2); 47 CFR ${S} 64.1200\n`, undefined), []);
  assert.deepEqual(citations(`47 CFR ${S} 64.1200\n`, "callcentre-domain"), []);
});

test("an untracked file is not read", (t) => {
  const root = mkdtempSync(join(tmpdir(), "citations-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "docs"));
  writeFileSync(join(root, "docs/twilio-contract.md"), CONTRACT);
  writeFileSync(join(root, "scratch.ts"), `// ${cite("twilio-contract", "42")}\n`);
  execFileSync("git", ["init", "-q"], { cwd: root });
  execFileSync("git", ["add", "docs"], { cwd: root });
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: root, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
});
