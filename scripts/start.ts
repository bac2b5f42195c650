// `npm start`. With TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN set, the call centre runs alone and
// talks to real Twilio. Without them, the local carrier starts too: both share the credentials in
// DATA_DIR/credentials.json, the call centre's number is provisioned on the carrier through its
// REST API, and the softphone's address is printed. The two programs stay separate processes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
if (existsSync(join(process.cwd(), ".env"))) process.loadEnvFile(join(process.cwd(), ".env"));

const env = process.env;
const realTwilio = Boolean(env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN);
const port = env.PORT || "3000";
const publicBaseUrl = (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, "");
const carrierPort = env.CARRIER_PORT || "4010";
const carrierHost = env.CARRIER_HOST || "127.0.0.1";
const carrierUrl = `http://${carrierHost}:${carrierPort}`;
const dataDir = resolve(env.DATA_DIR || "./data");
const centreNumber = env.TWILIO_PHONE_NUMBER || "+61255501234";

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, entry: string, extraEnv: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, entry)], {
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let seen = "";
  return new Promise((resolveReady, reject) => {
    const relay = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      const text = chunk.toString();
      seen += text;
      for (const line of text.split("\n")) if (line) stream.write(`[${name}] ${line}\n`);
      if (ready.test(seen)) resolveReady();
    };
    child.stdout?.on("data", relay(process.stdout));
    child.stderr?.on("data", relay(process.stderr));
    child.once("exit", (code) => {
      if (!stopping) {
        process.stderr.write(`[${name}] exited with code ${code}; stopping\n`);
        stop(code ?? 1);
      }
      reject(new Error(`${name} exited`));
    });
  });
}

function stop(code: number): void {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  process.exitCode = code;
}
process.once("SIGINT", () => stop(0));
process.once("SIGTERM", () => stop(0));

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
    await run("callcentre", "callcentre/src/server.ts", {}, /ready/);
    return;
  }
  await run("carrier", "carrier/src/server.ts", { DATA_DIR: dataDir }, /carrier ready/);
  await run("callcentre", "callcentre/src/server.ts", { DATA_DIR: dataDir, TWILIO_API_BASE_URL: carrierUrl }, /ready/);
  await provisionNumber();
  process.stdout.write(
    [
      "",
      `The call centre answers ${centreNumber} on the local carrier.`,
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
