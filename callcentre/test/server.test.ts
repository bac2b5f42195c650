// The process as `npm start` runs it: configuration from the environment, migrations, the flow,
// a listening server that answers a signed call, logs without secrets or phone numbers, and a
// clean exit on SIGTERM, at once even with a request in flight on a keep-alive connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import twilio from "twilio";
import { parseDocument } from "yaml";
import { DEFAULT_FLOW_FILE } from "../src/config.js";
import { startProgram } from "@callcentre/testkit";
import { sid, testDatabaseUrl, voiceParams, waitFor } from "./helpers.js";

/** The server as `npm start` runs it; it reports its URL, with the port the system picked for PORT=0. */
const start = (env: Record<string, string>, t?: TestContext) =>
  startProgram("callcentre/src/server.ts", {
    env: { PATH: process.env.PATH, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}), ...env },
    ...(t ? { t } : {}),
  });

test("the server starts on the port the system picks, answers a signed call with the default greeting and menu, and stops on SIGTERM", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "cc-server-"));
  // The shipped flow without its business hours, so that the answer does not depend on the time the test runs.
  const flow = parseDocument(readFileSync(DEFAULT_FLOW_FILE, "utf8"));
  flow.delete("hours");
  const flowFile = join(dataDir, "always-open.yaml");
  writeFileSync(flowFile, flow.toString());
  const server = await start({ PORT: "0", DATA_DIR: dataDir, DATABASE_URL: await testDatabaseUrl(t), LOG_LEVEL: "info", FLOW_FILE: flowFile }, t);
  // PUBLIC_BASE_URL's default is where it listens, real port included: signatures and callback URLs match it.
  const baseUrl = server.url;
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  assert.equal(server.ready.listening, baseUrl);

  const { accountSid, authToken } = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  const params = voiceParams(sid("CA", Date.now()), { AccountSid: accountSid, CallStatus: "ringing" });
  const url = `${baseUrl}/twilio/voice/incoming`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params),
  });
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /Thank you for calling Bluegum Energy/);
  assert.ok(body.includes(`<Gather input="dtmf speech" action="${baseUrl}/twilio/voice/menu/main-menu?attempt=1"`), body);
  assert.match(body, /For billing and payments, press 1, or say billing\./);
  assert.deepEqual(await (await fetch(`${baseUrl}/healthz`)).json(), { status: "ok", database: process.env.DATABASE_URL ? "external" : "embedded" });

  server.child.kill("SIGTERM");
  assert.equal(await server.exited(), 0);
  const logs = server.output();
  assert.match(logs, /call centre for Bluegum Energy ready/);
  assert.match(logs, /"line":"The line is open at all hours \(the flow has no business hours\): callers hear the greeting and the menu\."/, "the banner says what a caller hears now");
  assert.ok(!logs.includes(authToken), "the auth token is never logged");
  assert.ok(!logs.includes("+61491570001"), "the caller's number is never logged in full");
});

/** Whether nothing listens on the port any more (a closing server stops accepting first). */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

test("SIGTERM with a request in flight on a keep-alive connection: the request is answered and the process exits at once", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "cc-server-"));
  const server = await start({ PORT: "0", DATA_DIR: dataDir, DATABASE_URL: await testDatabaseUrl(t) }, t);
  const baseUrl = server.url;
  const port = Number(new URL(baseUrl).port);

  const { accountSid, authToken } = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  const params = voiceParams(sid("CA", Date.now()), { AccountSid: accountSid, CallStatus: "ringing" });
  const url = `${baseUrl}/twilio/voice/incoming`;
  const body = new URLSearchParams(params).toString();
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  // With `Expect: 100-continue` the server has taken the request (before it began to close) when it
  // says continue; the body is held back until it is closing, so the answer goes out after that.
  const req = request(url, {
    method: "POST",
    agent,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(body),
      "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params),
      expect: "100-continue",
    },
  });
  req.flushHeaders();
  await once(req, "continue");

  server.child.kill("SIGTERM");
  await waitFor(() => refusesConnections(port), "the server to stop accepting connections");
  const response = once(req, "response") as Promise<[IncomingMessage]>;
  req.end(body);
  const [res] = await response;
  let answer = "";
  for await (const chunk of res) answer += String(chunk);
  assert.equal(res.statusCode, 200);
  // The whole TwiML document: the shipped flow's greeting and menu, at any hour.
  assert.match(answer, /^<\?xml .*<Response><Play>.*<Gather .*<\/Response>$/s);
  assert.equal(res.headers.connection, "close", "a connection busy at shutdown is not kept alive");

  // Not after the keep-alive timeout (72 s), which is how long the busy connection used to hold it up.
  await waitFor(() => server.child.exitCode !== null || server.child.signalCode !== null, "the process to exit", 5_000);
  assert.equal(server.child.exitCode, 0);
});

test("a configuration error stops start-up with a message naming the variable", async () => {
  await assert.rejects(start({ PORT: "eighty", DATA_DIR: mkdtempSync(join(tmpdir(), "cc-server-")) }), /exited \(1\) before it was ready:\nInvalid configuration:\n\s+- PORT /);
});

test("an invalid flow file stops start-up with the file, line and field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cc-flow-"));
  const flow = join(dir, "flow.yaml");
  writeFileSync(flow, "company: X\ngreeting: Hi.\nstart: nowhere\nnodes: {}\n");
  await assert.rejects(start({ FLOW_FILE: flow, DATA_DIR: dir }), (error: Error) => {
    assert.match(error.message, /exited \(1\) before it was ready/);
    assert.ok(error.message.includes(`${flow}:3:8: start: unknown node "nowhere"`), error.message);
    return true;
  });
});
