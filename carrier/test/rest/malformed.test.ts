// Malformed percent-encoding, in a URL (Fastify refuses it before routing: FST_ERR_BAD_URL) or in a
// form body (the REST plugin's own parser), is 400 in Twilio's error shape under /2010-04-01.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, basicAuth } from "./helpers.js";

async function carrierApp(t: { after(fn: () => Promise<void>): void }) {
  const carrier = await buildCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicUrl: "http://127.0.0.1:3999", clock: new ManualClock() });
  t.after(() => carrier.app.close());
  return carrier;
}

const AUTH = { authorization: basicAuth(ACCOUNT_SID, AUTH_TOKEN) };

test("a URL with malformed percent-encoding under /2010-04-01 is 400 in Twilio's error shape", async (t) => {
  const { app } = await carrierApp(t);
  for (const path of [`${ACCOUNT_PATH}/Calls/%E0%A4%A.json`, `${ACCOUNT_PATH}/Messages/%ZZ.json`]) {
    const response = await app.inject({ method: "GET", url: path, headers: AUTH });
    assert.equal(response.statusCode, 400, path);
    assert.match(String(response.headers["content-type"]), /^application\/json/);
    const body = response.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(body).sort(), ["code", "message", "more_info", "status"]);
    assert.equal(body.code, 20001);
    assert.equal(body.status, 400);
    assert.equal(body.more_info, "https://www.twilio.com/docs/errors/20001");
  }
  // Outside the REST API the carrier's own shape.
  const control = await app.inject({ method: "GET", url: "/_carrier/calls/%E0%A4%A" });
  assert.equal(control.statusCode, 400);
  assert.equal(control.json<{ error: string }>().error, "bad_request");
});

test("a form body with a malformed percent-encoding is 400 in Twilio's error shape, not read as written", async (t) => {
  const { app, store } = await carrierApp(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const headers = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
  for (const payload of ["To=%2B14155550199&From=%2B14155550100&Body=50%25%20off%", "To=%ZZ&From=%2B14155550100&Body=hi", "To=%2B14155550199&From=%2B14155550100&Body=%FF"]) {
    const response = await app.inject({ method: "POST", url: `${ACCOUNT_PATH}/Messages.json`, headers, payload });
    assert.equal(response.statusCode, 400, payload);
    const body = response.json<Record<string, unknown>>();
    assert.deepEqual(Object.keys(body).sort(), ["code", "message", "more_info", "status"]);
    assert.equal(body.code, 20001);
  }
  assert.equal(store.messages.size, 0);

  // Well-formed: decoded, "+" as a space, a repeated key as every value.
  const good = await app.inject({
    method: "POST",
    url: `${ACCOUNT_PATH}/Messages.json`,
    headers,
    payload: "To=%2B14155550199&From=%2B14155550100&Body=50%25+off%21&MediaUrl=https%3A%2F%2Fa.example%2F1.png&MediaUrl=https%3A%2F%2Fa.example%2F2.png",
  });
  assert.equal(good.statusCode, 201);
  assert.equal(good.json<{ body: string }>().body, "50% off!");
  assert.equal(good.json<{ num_media: string }>().num_media, "2");
});
