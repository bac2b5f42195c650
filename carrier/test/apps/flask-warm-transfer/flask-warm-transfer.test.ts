// The Flask warm transfer (app.py), a Python process on a free loopback port, run through the
// carrier with the same scenario as the Express one (../warm-transfer.ts): its `return str(resp)`
// answers are run as TwiML, RequestValidator accepts every request the carrier signs (the hold
// music's GET and the conference status callbacks included), and twilio-python's REST client,
// rebased on the carrier, drives the conference through the Participants API.
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { skipWithoutFlask, startFlaskApp } from "../flask.js";
import { ACCOUNT_SID, AUTH_TOKEN, startCarrier, type RunningCarrier } from "../carrier.js";
import { AGENT1, AGENT2, NUMBER, forgedCallback, prepare, warmTransfer, type ConferenceEvent, type WarmTransferApp } from "../warm-transfer.js";

const APP = fileURLToPath(new URL("app.py", import.meta.url));

const skip = skipWithoutFlask;

/** Starts app.py against the carrier; resolves with the app as the scenario sees it once it listens. */
async function startApp(t: TestContext, carrier: RunningCarrier): Promise<WarmTransferApp> {
  const env = {
    ...process.env,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: carrier.baseUrl,
    TWILIO_NUMBER: NUMBER,
    AGENT1,
    AGENT2,
  };
  const url = await startFlaskApp(t, APP, env);
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
