// The Flask warm transfer (app.py), a Python process on a free loopback port, run through the
// carrier with the same scenario as the Express one (../warm-transfer.ts): its `return str(resp)`
// answers are run as TwiML, RequestValidator accepts every request the carrier signs (the hold
// music's GET and the conference status callbacks included), and twilio-python's REST client,
// rebased on the carrier, drives the conference through the Participants API.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ACCOUNT_SID, AUTH_TOKEN, startCarrier, type RunningCarrier } from "../carrier.js";
import { AGENT1, AGENT2, NUMBER, forgedCallback, prepare, warmTransfer, type ConferenceEvent, type WarmTransferApp } from "../warm-transfer.js";

const APP = fileURLToPath(new URL("app.py", import.meta.url));

/**
 * A Python with Flask and twilio: $PYTHON, the one on the PATH, or Debian's (python3-flask and
 * python3-twilio install into /usr/bin/python3, which a pyenv or venv on the PATH may hide).
 */
function findPython(): string | undefined {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => Boolean(c));
  return candidates.find((python) => spawnSync(python, ["-c", "import flask, twilio"], { stdio: "ignore" }).status === 0);
}

const python = findPython();
const MISSING = "no python3 with Flask and twilio (apt-get install python3-flask python3-twilio, or set PYTHON)";
/** Skipped on a machine without them; in CI (.ci/run installs them) their absence fails the test. */
const skip = python || process.env.CI ? false : MISSING;

/** Starts app.py against the carrier; resolves with the app as the scenario sees it once it listens. */
async function startApp(t: TestContext, carrier: RunningCarrier): Promise<WarmTransferApp> {
  assert.ok(python, MISSING);
  const env = {
    ...process.env,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: carrier.baseUrl,
    TWILIO_NUMBER: NUMBER,
    AGENT1,
    AGENT2,
  };
  const child = spawn(python, [APP], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once("line", (line) => {
      const match = /^listening on (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`app.py said: ${line}`));
    });
    void exited.then(() => reject(new Error(`app.py exited before it listened: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const results = async () =>
    (await (await fetch(`${url}/results`)).json()) as { events: ConferenceEvent[]; rejected: { path: string; status: number }[] };
  return {
    url,
    texts: {
      greeting: "Thanks for calling. Please hold while we connect you to an agent.",
      waitMusic: "Your call is important to us. An agent will be with you shortly.",
      holdMusic: "Please stay on the line while your agent consults a colleague.",
    },
    events: async () => (await results()).events,
    rejected: async () => (await results()).rejected,
  };
}

test("a warm transfer in Flask: caller and agent 1 talk, the caller is held while agent 1 briefs agent 2, then agent 2 takes the call", { skip }, async (t) => {
  const carrier = await startCarrier(t);
  const app = await startApp(t, carrier);
  await prepare(carrier, app);
  await warmTransfer(carrier, app);
});

test("a forged conference status callback gets the Flask app's 403 and is not recorded; its TwiML is text/html", { skip }, async (t) => {
  const carrier = await startCarrier(t);
  const app = await startApp(t, carrier);
  await forgedCallback(app);
});
