// GET /_carrier/applications: the TwiML apps a client can place its own call through (the
// softphone's agent mode offers them), with credentials in their URLs hidden.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";

test("the control API lists the account's TwiML apps, URL credentials hidden", async (t) => {
  const carrier = await buildCarrier({ accountSid: `AC${"1".repeat(32)}`, authToken: "f".repeat(32), publicUrl: "http://127.0.0.1:1", clock: new ManualClock() });
  t.after(() => carrier.app.close());
  const list = async () => (await carrier.app.inject({ method: "GET", url: "/_carrier/applications" })).json() as { applications: unknown[] };
  assert.deepEqual(await list(), { applications: [] });
  const support = carrier.store.addApplication({ friendlyName: "Support", voiceUrl: "https://user:secret@app.example/voice" });
  const bare = carrier.store.addApplication({});
  assert.deepEqual(await list(), {
    applications: [
      { sid: support.sid, friendlyName: "Support", voiceUrl: "https://***@app.example/voice" },
      { sid: bare.sid, friendlyName: null, voiceUrl: null },
    ],
  });
});
