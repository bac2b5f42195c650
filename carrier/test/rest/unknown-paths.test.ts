// Unknown paths and methods under /2010-04-01 in the whole carrier app (with the softphone's static
// files served from "/"): Twilio's 20404 after authentication, and 20003/401 without it — never
// Fastify's own error body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, basicAuth } from "./helpers.js";

async function carrierApp(t: { after(fn: () => Promise<void>): void }) {
  const { app } = await buildCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicUrl: "http://127.0.0.1:3999", clock: new ManualClock() });
  t.after(() => app.close());
  return app;
}

const notFound = (path: string) => ({
  code: 20404,
  message: `The requested resource ${path} was not found`,
  more_info: "https://www.twilio.com/docs/errors/20404",
  status: 404,
});

const UNKNOWN: [method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string][] = [
  ["GET", `${ACCOUNT_PATH}/Transcriptions.json`],
  ["POST", `${ACCOUNT_PATH}/Conferences/CF00000000000000000000000000000000/Participants.json`],
  ["GET", `${ACCOUNT_PATH}/Calls/CA00000000000000000000000000000000/Streams.json`],
  ["PUT", `${ACCOUNT_PATH}/Calls.json`],
  ["PATCH", `${ACCOUNT_PATH}/Messages.json`],
  ["GET", `${ACCOUNT_PATH}/`],
  ["GET", "/2010-04-01/Nothing.json"],
];

test("an unknown path or method under /2010-04-01 answers 20404 in Twilio's shape once authenticated", async (t) => {
  const app = await carrierApp(t);
  for (const [method, path] of UNKNOWN) {
    const response = await app.inject({ method, url: `${path}?PageSize=2`, headers: { authorization: basicAuth(ACCOUNT_SID, AUTH_TOKEN) } });
    assert.equal(response.statusCode, 404, `${method} ${path}`);
    assert.match(String(response.headers["content-type"]), /^application\/json/);
    assert.deepEqual(response.json(), notFound(path), `${method} ${path}`);
  }
});

test("an unknown path without valid credentials is 401 / 20003, not 404", async (t) => {
  const app = await carrierApp(t);
  for (const [method, path] of UNKNOWN) {
    for (const headers of [{}, { authorization: basicAuth(ACCOUNT_SID, "wrong") }]) {
      const response = await app.inject({ method, url: path, headers });
      assert.equal(response.statusCode, 401, `${method} ${path}`);
      assert.match(String(response.headers["www-authenticate"]), /^Basic realm=/);
      assert.deepEqual(response.json(), { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 });
    }
  }
});

test("the softphone's pages are still served outside /2010-04-01", async (t) => {
  const app = await carrierApp(t);
  const response = await app.inject({ method: "GET", url: "/" });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/html/);
});
