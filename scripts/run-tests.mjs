// Runs every *.test.ts below the given folders (or the given files; --workspaces: every workspace's
// test folder, as the root's `npm test` does) with Node's own test runner (through tsx), several files
// at a time, on one Postgres server for the whole run.
//
// The database server: DATABASE_URL when it is set; otherwise the call centre's embedded PostgreSQL
// server started here, in a temporary directory on a free loopback port,
// and stopped and removed at the end, after a failure or a Ctrl-C too. Either way the test files
// get its URL as DATABASE_URL; callcentre/test/template-database.ts gives each test a database of
// its own, copied from a migrated template.
//
// Concurrency: TEST_CONCURRENCY files at a time (default: the number of CPUs, at least 2). The
// slowest files of the last run start first (durations kept in node_modules/.cache/run-tests/), so
// that a long file does not start last and run alone.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** With --workspaces: the test folder of every workspace that has a test script (`npm test` at the root). */
function workspaceTestFolders() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  return workspaces
    .filter((workspace) => JSON.parse(readFileSync(join(REPO, workspace, "package.json"), "utf8")).scripts?.test)
    .map((workspace) => relative(process.cwd(), join(REPO, workspace, "test")));
}

const roots = process.argv.slice(2).flatMap((arg) => (arg === "--workspaces" ? workspaceTestFolders() : [arg]));
if (roots.length === 0) {
  console.error("usage: run-tests.mjs --workspaces | <folder or file> [folder or file…]");
  process.exit(2);
}
const files = roots
  .flatMap((root) =>
    statSync(root).isDirectory() ? readdirSync(root, { recursive: true }).map((name) => join(root, String(name))) : [root],
  )
  .filter((file) => file.endsWith(".test.ts"))
  .sort();
if (files.length === 0) {
  console.error(`no *.test.ts files under ${roots.join(", ")}`);
  process.exit(1);
}

const DURATIONS_FILE = join(REPO, "node_modules", ".cache", "run-tests", "durations.json");
const fileKey = (file) => relative(REPO, resolve(file));

function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, "utf8"));
  } catch {
    return {};
  }
}

/**
 * Starts the call centre's own embedded PostgreSQL (callcentre/src/db/embedded.ts, compiled; built
 * first when dist/ is stale) for this run, in a temporary directory: the server the product runs,
 * with its watchdog (a kill -9 of this runner still stops it), its generated password kept in the
 * directory (0600), and as root its user namespace. Tuned for throw-away test data: no fsync, no
 * full-page writes.
 */
async function startEmbeddedPostgres() {
  const built = spawnSync(process.execPath, [join(REPO, "scripts", "build-if-stale.mjs")], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const embedded = await import(pathToFileURL(join(REPO, "callcentre", "dist", "db", "embedded.js")).href);
  const dataDir = mkdtempSync(join(tmpdir(), "cc-test-pg-"));
  const log = [];
  try {
    const server = await embedded.startEmbeddedPostgres({
      dataDir: join(dataDir, "data"),
      log: (level, message) => log.push(`${level}: ${message}`),
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "300" },
    });
    return { server, url: server.url, dataDir };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    console.error(`could not start the embedded PostgreSQL server for the tests: ${error?.message ?? error}\n${log.join("\n")}`);
    console.error("set DATABASE_URL to a Postgres server to run the tests on it instead");
    process.exit(1);
  }
}

let database;
if (!process.env.DATABASE_URL) {
  const started = Date.now();
  database = await startEmbeddedPostgres();
  console.log(`# embedded PostgreSQL for this run on ${new URL(database.url).host} (started in ${Date.now() - started} ms)`);
}
const databaseUrl = process.env.DATABASE_URL ?? database.url;

const stopDatabase = async () => {
  if (!database) return;
  const { server, dataDir } = database;
  database = undefined;
  await server.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
};

const durations = readDurations();
const ordered = [...files].sort((a, b) => (durations[fileKey(b)] ?? 0) - (durations[fileKey(a)] ?? 0));
const concurrency = Number(process.env.TEST_CONCURRENCY) || Math.max(2, availableParallelism());

// Spec output for people, TAP into a file for the closing "N passed, N failed" line and the durations.
const tapDir = mkdtempSync(join(tmpdir(), "tests-"));
const tapFile = join(tapDir, "results.tap");
const durationsFile = join(tapDir, "durations.json");
const child = spawn(
  process.execPath,
  [
    "--import", "tsx", "--test",
    `--test-concurrency=${concurrency}`,
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tapFile}`,
    `--test-reporter=${join(REPO, "scripts", "file-durations-reporter.mjs")}`, `--test-reporter-destination=${durationsFile}`,
    ...ordered,
  ],
  { stdio: "inherit", env: { ...process.env, DATABASE_URL: databaseUrl } },
);
// A Ctrl-C reaches the whole process group; a SIGTERM sent to this process alone is passed on.
// The server has a process group of its own: it is stopped below, once the tests have ended.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
const status = await new Promise((resolveStatus) => child.on("exit", (code, signal) => resolveStatus(code ?? (signal ? 1 : 0))));
await stopDatabase();

const tap = readFileSync(tapFile, "utf8");
let fileDurations = {};
try {
  fileDurations = Object.fromEntries(Object.entries(JSON.parse(readFileSync(durationsFile, "utf8"))).map(([file, ms]) => [fileKey(file), Math.round(ms)]));
} catch {
  // No durations (the run was interrupted): the next run keeps the last order.
}
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);

// Remember how long each file's tests took, for the next run's order, and say which were slowest.
if (Object.keys(fileDurations).length > 0) {
  mkdirSync(dirname(DURATIONS_FILE), { recursive: true });
  writeFileSync(DURATIONS_FILE, JSON.stringify({ ...readDurations(), ...fileDurations }, null, 2));
  const slowest = Object.entries(fileDurations).sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`\nslowest files: ${slowest.map(([file, ms]) => `${relative(process.cwd(), join(REPO, file))} ${(ms / 1000).toFixed(1)} s`).join(", ")}`);
}
console.log(`\n${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped (${files.length} files, ${concurrency} at a time)`);
process.exit(status);
