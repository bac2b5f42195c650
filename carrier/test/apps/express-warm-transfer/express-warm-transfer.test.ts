// The Express warm transfer (app.ts), run through the carrier as its users would run it: the caller
// waits in a conference named for the call while the app adds agent 1 over the Participants API;
// agent 1's desk puts the caller on hold, adds agent 2, talks to agent 2 where the caller cannot hear,
// takes the caller off hold and leaves; the caller and agent 2 talk on. Every webhook, conference
// status callbacks included, passes twilio.webhook()'s signature check; a forged one gets its 403.
import { test, type TestContext } from "node:test";
import type { AddressInfo } from "node:net";
import { ACCOUNT_SID, AUTH_TOKEN, startCarrier } from "../carrier.js";
import { AGENT1, AGENT2, NUMBER, forgedCallback, prepare, warmTransfer, type WarmTransferApp } from "../warm-transfer.js";
import { GREETING, HOLD_MUSIC, WAIT_MUSIC, createWarmTransferApp } from "./app.js";

async function setup(t: TestContext) {
  const carrier = await startCarrier(t);
  // The app learns its own URL once it listens; the config is read only when a call comes.
  const config = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: carrier.baseUrl, publicUrl: "", number: NUMBER, agent1: AGENT1, agent2: AGENT2 };
  const { app, events, rejected } = createWarmTransferApp(config);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  config.publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const running: WarmTransferApp = {
    url: config.publicUrl,
    texts: { greeting: GREETING, waitMusic: WAIT_MUSIC, holdMusic: HOLD_MUSIC },
    events: () => Promise.resolve(events),
    rejected: () => Promise.resolve(rejected),
  };
  await prepare(carrier, running);
  return { carrier, app: running };
}

test("a warm transfer: caller and agent 1 talk, the caller is held while agent 1 briefs agent 2, then agent 2 takes the call", async (t) => {
  const { carrier, app } = await setup(t);
  await warmTransfer(carrier, app);
});

test("a forged conference status callback gets the app's 403 and is not recorded; its TwiML is text/html", async (t) => {
  const { app } = await setup(t);
  await forgedCallback(app);
});

