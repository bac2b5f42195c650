// Starting one of the repository's programs (the call centre, the carrier…) as a child process, and
// reading the URL it reports. Each program listens on port 0 (PORT=0, CARRIER_PORT=0) and says which
// port it got in an IPC message { event: "ready", url }, sent once it listens: no port is picked by the
// test, so none can be taken by someone else between picking and listening, and readiness never depends
// on a word in the output.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

/** The repository's root: programs are started from there, as `npm start` does. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a program sends on its IPC channel once it listens (callcentre/src/server.ts, carrier/src/server.ts). */
export interface ReadyMessage {
  event: "ready";
  /** Where it is reached: its public URL, with the real port when it was started on port 0. */
  url: string;
  /** The call centre: the address it listens on, which differs from `url` behind a proxy. */
  listening?: string;
  [field: string]: unknown;
}

export interface Program {
  child: ChildProcess;
  ready: ReadyMessage;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited; at once if it already has. */
  exited(): Promise<number | NodeJS.Signals | null>;
  /** SIGTERM (or `signal`), and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** The whole environment of the child (nothing is inherited but what is passed here). */
  env: Record<string, string | undefined>;
  /** Stopped (SIGTERM) when this test ends. */
  t?: TestContext;
  cwd?: string;
  /** Default 180 s: time to start through tsx, and migrate a database, on a busy machine. */
  timeoutMs?: number;
}

const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === "object" && message !== null && (message as { event?: unknown }).event === "ready" && typeof (message as { url?: unknown }).url === "string";

/**
 * Runs `node --import tsx <entry>` (a path from the repository's root) and resolves once it reports
 * ready; rejects with its output if it exits or stays silent for `timeoutMs`.
 */
export async function startProgram(entry: string, { env, t, cwd = ROOT, timeoutMs = 180_000 }: StartOptions): Promise<Program> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, entry)], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exit = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals | null);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const program: Program = {
    child,
    ready: { event: "ready", url: "" },
    url: "",
    output: () => output,
    exited: () => exit,
    async stop(signal = "SIGTERM") {
      if (!gone()) child.kill(signal);
      await exit;
    },
  };
  t?.after(() => program.stop());
  let timer: NodeJS.Timeout | undefined;
  try {
    program.ready = await new Promise<ReadyMessage>((resolve, reject) => {
      child.on("message", (message) => {
        if (isReady(message)) resolve(message);
      });
      void exit.then((code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output}`)));
      timer = setTimeout(() => reject(new Error(`${entry} was not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    });
  } catch (error) {
    await program.stop("SIGKILL");
    throw error;
  } finally {
    clearTimeout(timer);
  }
  program.url = program.ready.url;
  return program;
}
