// Child processes as a user runs them (`node …/dist/server.js`, `npm run broadcast`), each in
// its own process group so that a wrapper's children (npm → tsx → node) go down with it. Every child
// is registered: stopAll() ends them at the end of a run, and killAllNow() on Ctrl-C or a crash.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";

/** The repository root: children run from it, as `npm run …` does. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** For messages: "call centre", "carrier"… */
  name: string;
  command: string;
  args: string[];
  /** The child's whole environment (nothing is inherited but what is listed here). */
  env: Record<string, string>;
  cwd?: string;
  /** Called with each line the child writes (stdout and stderr). */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export class Child {
  readonly exited: Promise<Exit>;
  readonly startedAt = performance.now();
  private readonly tail: string[] = [];
  private exit: Exit | undefined;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    onLine?: SpawnOptions["onLine"],
  ) {
    this.exited = new Promise((resolve) => {
      process.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    for (const stream of ["stdout", "stderr"] as const) {
      let partial = "";
      process[stream]?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          this.tail.push(line);
          if (this.tail.length > 200) this.tail.shift();
          onLine?.(line, stream);
        }
      });
    }
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} has no pid (it failed to start)`);
    return this.process.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** The last lines the child wrote, for error reports. */
  output(lines = 40): string {
    return this.tail.slice(-lines).join("\n");
  }

  /** Resolves with the first line matching `pattern` (its match), or rejects if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const seen = this.tail.map((line) => pattern.exec(line)).find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
      const onData = () => {
        const match = this.tail.map((line) => pattern.exec(line)).find((m) => m !== null);
        if (match) finish(() => resolve(match));
      };
      const onExit = () => fail(new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ${pattern}:\n${this.output()}`));
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.process.stdout?.off("data", onData);
        this.process.stderr?.off("data", onData);
        this.process.off("exit", onExit);
        then();
      };
      const fail = (error: Error) => finish(() => reject(error));
      // After the line splitter (registered first) has run.
      this.process.stdout?.on("data", onData);
      this.process.stderr?.on("data", onData);
      this.process.once("exit", onExit);
    });
  }

  /** SIGTERM to the process group, then SIGKILL after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.exit) return this.exit;
    signalGroup(this.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.pid, "SIGKILL"), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    // A wrapper (npm) may exit before its children: make sure the group is gone.
    signalGroup(this.pid, "SIGKILL");
    live.delete(this);
    return exit;
  }
}

const live = new Set<Child>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const proc = spawn(options.command, options.args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const child = new Child(options.name, proc, options.onLine);
  live.add(child);
  void child.exited.then(() => live.delete(child));
  await Promise.race([once(proc, "spawn"), once(proc, "error").then(([error]) => Promise.reject(error as Error))]);
  return child;
}

/**
 * How the bench starts the two programs: `node <args>` from the repository root, compiled, as
 * `npm start` runs them (`npm run bench` builds first when dist/ is stale).
 */
export const PROGRAMS = {
  centre: ["callcentre/dist/server.js"],
  carrier: ["carrier/dist/server.js"],
} as const;

/** Starts PROGRAMS[program] with `nodeArgs` (e.g. --cpu-prof) before it. */
export function spawnProgram(program: keyof typeof PROGRAMS, name: string, env: Record<string, string>, nodeArgs: string[] = [], onLine?: SpawnOptions["onLine"]): Promise<Child> {
  return spawnChild({ name, command: process.execPath, args: [...nodeArgs, ...PROGRAMS[program]], env, ...(onLine ? { onLine } : {}) });
}

/** The environment every child starts from: enough to find node and npm, nothing of the bench's own. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const name of ["HOME", "TMPDIR", "LANG", "TZ"]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/** Polls `url` until it answers 2xx; returns when it did (performance.now()). */
export async function waitForHttp(url: string, child: Child, timeoutMs = 120_000, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.hasExited) throw new Error(`${child.name} exited before ${url} answered:\n${child.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return performance.now();
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.output()}`);
    await delay(intervalMs);
  }
}

/** Ends every child still running, gracefully (the end of a run, or an error). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(5_000).catch(() => undefined)));
}

/** Ctrl-C or a crash: no time to wait. */
export function killAllNow(): void {
  for (const child of live) {
    if (child.process.pid !== undefined) signalGroup(child.process.pid, "SIGKILL");
  }
  live.clear();
}
