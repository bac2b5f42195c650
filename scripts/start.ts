// `npm start`. With TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN set, the call centre runs alone and
// talks to real Twilio. Without them, the local carrier starts too: both share the credentials in
// DATA_DIR/credentials.json, the call centre's number is provisioned on the carrier through its
// REST API, and the softphone's address is printed. The two programs stay separate processes.
// This file runs compiled, as scripts/dist/start.js, once build-if-stale.mjs has brought the build up
// to date (the root package.json's "start"), and so do the programs it starts: their dist/server.js,
// with plain node.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
if (existsSync(join(process.cwd(), ".env"))) process.loadEnvFile(join(process.cwd(), ".env"));

const env = process.env;
const realTwilio = Boolean(env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN);
const port = env.PORT || "3000";
let publicBaseUrl = (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, "");
const carrierPort = env.CARRIER_PORT || "4010";
const carrierHost = env.CARRIER_HOST || "127.0.0.1";
let carrierUrl = `http://${carrierHost}:${carrierPort}`;
const dataDir = resolve(env.DATA_DIR || "./data");
const centreNumber = env.TWILIO_PHONE_NUMBER || "+61255501234";

const children: ChildProcess[] = [];
let stopping = false;

/** What a child sends on its IPC channel once it listens (callcentre/src/server.ts, carrier/src/server.ts). */
interface Ready {
  event: "ready";
  url: string;
  /** The call centre's line: open or closed now, until when, how to open it. */
  line?: string;
}
const isReady = (message: unknown): message is Ready => typeof message === "object" && message !== null && (message as { event?: unknown }).event === "ready";

/** Relays a child's output line by line, each line marked with the child's name. */
function relay(name: string, from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream, onLine: () => void = () => undefined): void {
  let partial = "";
  from?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line) continue;
      onLine();
      to.write(`[${name}] ${line}\n`);
    }
  });
  from?.on("end", () => {
    if (partial) to.write(`[${name}] ${partial}\n`);
  });
}

/**
 * Starts one program and resolves when it says it is ready, on its IPC channel: never by looking for
 * a word in its output ("address already in use" contains "ready"). The channel also tells the child
 * when this process is gone, so it stops even if this one is killed outright.
 */
function run(name: string, entry: string, extraEnv: Record<string, string>): Promise<Ready> {
  if (stopping) return Promise.reject(new Error(`${name} not started: stopping`));
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  children.push(child);
  let explained = false;
  relay(name, child.stdout, process.stdout);
  relay(name, child.stderr, process.stderr, () => (explained = true));
  return new Promise((resolveReady, reject) => {
    child.on("message", (message) => {
      if (isReady(message)) resolveReady(message);
    });
    // "close", not "exit": by then its last words on stderr have been relayed.
    child.once("close", (code, signal) => {
      if (!stopping) {
        // A child that failed has said why, in one line; only a silent exit needs words from here.
        if (!explained) process.stderr.write(`[${name}] stopped (${signal ?? `exit code ${code}`}); stopping\n`);
        stop(code ? code : 1);
      }
      reject(new Error(`${name} exited`));
    });
  });
}

/** Stops every child: SIGTERM, and SIGKILL for any still there 10 s later. */
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 10_000).unref();
}
process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));
// `npm start` runs this through a shell, and npm forwards SIGTERM to that shell only. A shell such as
// dash (Debian's sh) neither passes it on nor execs the command, so this process would outlive npm.
// A new parent says the one that started us is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop(0);
}, 500).unref();

async function provisionNumber(): Promise<void> {
  const { accountSid, authToken } = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) as { accountSid: string; authToken: string };
  const res = await fetch(`${carrierUrl}/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      PhoneNumber: centreNumber,
      FriendlyName: "Call centre",
      VoiceUrl: `${publicBaseUrl}/twilio/voice/incoming`,
      StatusCallback: `${publicBaseUrl}/twilio/voice/status`,
      SmsUrl: `${publicBaseUrl}/twilio/sms/incoming`,
    }),
  });
  if (!res.ok) throw new Error(`could not provision ${centreNumber} on the carrier: ${res.status} ${await res.text()}`);
}

async function main(): Promise<void> {
  if (realTwilio) {
    const centre = await run("callcentre", "callcentre/dist/server.js", {});
    process.stdout.write(["", centre.line ?? "", "Press Ctrl-C to stop.", ""].join("\n"));
    return;
  }
  const carrier = await run("carrier", "carrier/dist/server.js", { DATA_DIR: dataDir });
  // Port 0: each program listens on a port the system picks, and says which.
  if (carrierPort === "0") carrierUrl = carrier.url;
  const centre = await run("callcentre", "callcentre/dist/server.js", { DATA_DIR: dataDir, TWILIO_API_BASE_URL: carrierUrl, CARRIER_PORT: new URL(carrierUrl).port });
  if (port === "0" && !env.PUBLIC_BASE_URL) publicBaseUrl = centre.url;
  await provisionNumber();
  process.stdout.write(
    [
      "",
      `The call centre answers ${centreNumber} on the local carrier.`,
      centre.line ?? "",
      `Open the softphone at ${carrierUrl}/ and call ${centreNumber}.`,
      `Watch it on the dashboard at ${publicBaseUrl}/ (password: ${env.DASHBOARD_PASSWORD ? "DASHBOARD_PASSWORD" : `in ${join(dataDir, "dashboard-password")}`}).`,
      "Press Ctrl-C to stop both.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  if (!stopping) {
    process.stderr.write(`${(error as Error).message}\n`);
    stop(1);
  }
});
