// `npm start` as a newcomer runs it: ready only when both programs say so (never on a word in their
// output), a start-up problem in one line that names the variable to change, and `kill -TERM` of npm
// stopping every process it started. Each run has its own data directory, and ports the system picks
// (PORT=0, CARRIER_PORT=0) unless a test holds one; the embedded PostgreSQL always.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { waitFor } from "@callcentre/testkit";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const READY = "Press Ctrl-C to stop both.";
/** A loopback port nothing listens on: Open-Meteo must never be reached. */
const NOWHERE = "http://127.0.0.1:9";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Every process below npm now; each is also killed at the end of the test if still alive. */
  tree: () => number[];
}

/** `npm start` in the repository, with its own data directory and ports; killed at the end if still running. */
async function npmStart(t: TestContext, ports: { port: number; carrierPort: number }, dataDir = mkdtempSync(join(tmpdir(), "npm-start-"))): Promise<Run> {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(ports.port),
      CARRIER_PORT: String(ports.carrierPort),
      // Set empty, so that a developer's .env cannot switch this run to real Twilio or a Postgres server.
      TWILIO_ACCOUNT_SID: "",
      TWILIO_AUTH_TOKEN: "",
      DATABASE_URL: "",
      WEATHER_GEOCODING_URL: `${NOWHERE}/v1/search`,
      WEATHER_FORECAST_URL: `${NOWHERE}/v1/forecast`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // "close": the output is complete once every process holding npm's stdout and stderr has exited.
  const exited = once(child, "close").then(([code]) => code as number | null);
  const seen = new Set<number>();
  const tree = () => {
    const now = descendants(child.pid ?? 0);
    for (const pid of now) seen.add(pid);
    return now;
  };
  t.after(async () => {
    tree();
    // Whatever npm left behind (what this file tests against) must not outlive the test.
    for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited, tree };
}

/** Parent pid and state of a process, from /proc; undefined once it is gone. */
function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state = "", ppid = "0"] = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Every process below `root`, walked through /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const found = stat(Number(entry));
    if (found) parents.set(Number(entry), found.ppid);
  }
  const below = (pid: number): number[] => [...parents].filter(([, ppid]) => ppid === pid).flatMap(([child]) => [child, ...below(child)]);
  return below(root);
}

const alive = (pid: number) => {
  const found = stat(pid);
  return found !== undefined && found.state !== "Z";
};
const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Holds a port on loopback, as another program would. */
async function holdPort(t: TestContext): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  return (server.address() as { port: number }).port;
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

test("npm start says the line is open and where to call once both are ready; kill -TERM of npm stops every process it started", async (t) => {
  const run = await npmStart(t, { port: 0, carrierPort: 0 });
  await waitFor(() => run.stdout().includes(READY) || run.child.exitCode !== null, "npm start to be ready", 60_000);
  assert.ok(run.stdout().includes(READY), `${run.stdout()}\n${run.stderr()}`);
  assert.match(run.stdout(), /^The line is open at all hours .*: callers hear the greeting and the menu\.$/m);
  assert.equal(run.stderr(), "");

  const tree = run.tree();
  const programs = tree.map(commandLine);
  // The compiled programs, with plain node: no tsx anywhere below npm.
  assert.ok(programs.some((cmd) => cmd.includes("carrier/dist/server.js")), programs.join("\n"));
  assert.ok(programs.some((cmd) => cmd.includes("callcentre/dist/server.js")), programs.join("\n"));
  assert.ok(!programs.some((cmd) => cmd.includes("tsx")), programs.join("\n"));

  process.kill(run.child.pid ?? 0, "SIGTERM");
  await waitFor(() => tree.every((pid) => !alive(pid)), "every process npm start started to stop", 30_000);
  await run.exited;
});

test("kill -9 of npm and of the call centre, then npm start again on that DATA_DIR: ready on the same database, one PostgreSQL", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "npm-start-"));
  const cluster = join(dataDir, "postgres");
  const first = await npmStart(t, { port: 0, carrierPort: 0 }, dataDir);
  await waitFor(() => first.stdout().includes(READY) || first.child.exitCode !== null, "npm start to be ready", 90_000);
  assert.ok(first.stdout().includes(READY), `${first.stdout()}\n${first.stderr()}`);
  const created = statSync(join(cluster, "PG_VERSION")).mtimeMs;
  const tree = first.tree();
  const centre = tree.find((pid) => commandLine(pid).includes("callcentre/dist/server.js"));
  const server = tree.find((pid) => commandLine(pid).includes(`-D ${cluster}`) && !commandLine(pid).startsWith("sh"));
  assert.ok(centre && server, tree.map(commandLine).join("\n"));
  // No clean shutdown anywhere: only the embedded server's watchdog sees its owner go.
  process.kill(first.child.pid ?? 0, "SIGKILL");
  process.kill(centre, "SIGKILL");
  await waitFor(() => tree.every((pid) => !alive(pid)), "every process npm start started to stop", 60_000);

  const second = await npmStart(t, { port: 0, carrierPort: 0 }, dataDir);
  await waitFor(() => second.stdout().includes(READY) || second.child.exitCode !== null, "npm start to be ready again", 90_000);
  assert.ok(second.stdout().includes(READY), `${second.stdout()}\n${second.stderr()}`);
  assert.equal(statSync(join(cluster, "PG_VERSION")).mtimeMs, created, "the same database, not a new one");
  const servers = second.tree().filter((pid) => commandLine(pid).includes(`-D ${cluster}`) && !commandLine(pid).startsWith("sh"));
  assert.equal(servers.length, 1, "one PostgreSQL on the cluster");
  const again = second.tree();
  process.kill(second.child.pid ?? 0, "SIGTERM");
  await waitFor(() => again.every((pid) => !alive(pid)), "every process the second npm start started to stop", 30_000);
  await second.exited;
});

test("a PORT in use stops npm start with one line that names PORT, exit code 1, no banner, and the carrier stopped", async (t) => {
  const port = await holdPort(t);
  const run = await npmStart(t, { port, carrierPort: 0 });
  assert.equal(await run.exited, 1);
  assert.equal(run.stderr(), `[callcentre] PORT ${port} is already in use (another call centre?): set PORT to a free port\n`);
  assert.doesNotMatch(run.stdout(), /answers|softphone at .* and call|Press Ctrl-C/);
  const carrierPort = Number(/^\[carrier\] carrier ready on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(run.stdout())?.[1]);
  assert.ok(carrierPort > 0, run.stdout());
  assert.ok(await refused(carrierPort), "the carrier it started has stopped");
});

test("a CARRIER_PORT in use stops npm start with one line that names CARRIER_PORT, exit code 1", async (t) => {
  const carrierPort = await holdPort(t);
  const run = await npmStart(t, { port: 0, carrierPort });
  assert.equal(await run.exited, 1);
  assert.equal(run.stderr(), `[carrier] CARRIER_PORT ${carrierPort} is already in use (another carrier?): set CARRIER_PORT to a free port\n`);
  assert.doesNotMatch(run.stdout(), /Press Ctrl-C/);
});

test("a DATA_DIR another call centre holds stops npm start with one line that names DATA_DIR, exit code 1", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "npm-start-"));
  // The lock is a pid file naming a live process: this test's own stands in for another call centre.
  writeFileSync(join(dataDir, "callcentre.pid"), String(process.pid));
  const run = await npmStart(t, { port: 0, carrierPort: 0 }, dataDir);
  assert.equal(await run.exited, 1);
  const lines = run.stderr().split("\n").filter(Boolean);
  assert.equal(lines.length, 1, run.stderr());
  assert.match(lines[0] ?? "", new RegExp(`^\\[callcentre\\] DATA_DIR ${dataDir} is in use by another process \\(pid ${process.pid}\\).*set DATA_DIR`));
  assert.doesNotMatch(run.stdout(), /Press Ctrl-C/);
});
