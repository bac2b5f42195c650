// The HTTP server's limits, over real sockets: a client that trickles its request is cut off at the
// request deadline while the dashboard's live stream stays open; a client that hangs up in the middle
// of a request (Twilio gives up after 15 s) is not an error and not a database outage.
import assert from "node:assert/strict";
import { connect, type AddressInfo, type Socket } from "node:net";
import { test, type TestContext } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp, loggerOptions } from "../src/app.js";
import { fixedClock, OPEN_TIME, shippedFlow, sid, signedPost, testConfig, testDatabase, voiceParams, waitFor } from "./helpers.js";
import { signIn } from "./dashboard/dashboard-helpers.js";
import { openLiveStream } from "./dashboard/live-stream-client.js";

const REQUEST_TIMEOUT_MS = 400;

async function listeningApp(t: TestContext): Promise<{ app: FastifyInstance; logLines: string[]; port: number }> {
  const logLines: string[] = [];
  const app = await buildApp({
    config: testConfig(),
    db: await testDatabase(t),
    flow: shippedFlow(),
    clock: fixedClock(OPEN_TIME),
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    logger: { ...(loggerOptions("info") as object), stream: { write: (line: string) => void logLines.push(line) } },
  });
  t.after(() => app.close());
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, logLines, port: (app.server.address() as AddressInfo).port };
}

/** A raw connection that sends a webhook's headers and the start of its body, and no more (yet). */
async function partialWebhook(t: TestContext, port: number): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  const socket = connect(port, "127.0.0.1");
  t.after(() => socket.destroy());
  let received = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
  socket.on("error", () => undefined);
  socket.on("close", () => (closed = true));
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    "POST /twilio/voice/incoming HTTP/1.1\r\nHost: callcentre.example.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
      "X-Twilio-Signature: c2lnbmF0dXJl\r\nContent-Length: 4000\r\n\r\nCallSid=CA",
  );
  return { socket, received: () => received, closed: () => closed };
}

const levelOf = (line: string) => (JSON.parse(line) as { level: number }).level;

/** Nothing at error level or above, and nothing that calls it the database. */
function assertCalm(logLines: string[]): void {
  const loud = logLines.filter((line) => levelOf(line) >= 50);
  assert.deepEqual(loud, [], "no error-level line");
  assert.ok(!logLines.some((line) => /database unavailable|safe flow/i.test(line)), logLines.join(""));
}

test("a request trickled in slower than the deadline gets 408 and is closed; the live stream stays open", async (t) => {
  const { app, logLines, port } = await listeningApp(t);
  const session = await signIn(app);
  const stream = await openLiveStream(t, app, session.cookie);
  assert.equal(stream.status, 200);
  await waitFor(() => stream.events.length === 1, "the first snapshot");

  const slow = await partialWebhook(t, port);
  // One byte at a time: the connection is never idle, only slow.
  const trickle = setInterval(() => slow.socket.write("0"), 20);
  t.after(() => clearInterval(trickle));
  await waitFor(slow.closed, "the server to close the trickling connection", 10_000);
  clearInterval(trickle);
  assert.match(slow.received(), /^HTTP\/1\.1 408 /);

  // The stream outlived that deadline, and still carries changes.
  assert.equal(stream.ended(), false);
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 0x408)))).statusCode, 200);
  await waitFor(() => stream.events.length === 2, "a snapshot with the new call");
  assert.equal(JSON.parse(stream.events[1] ?? "").calls[0].sid, sid("CA", 0x408));
  assertCalm(logLines);
});

test("a client that hangs up in the middle of a webhook is logged calmly, not as a database outage", async (t) => {
  const { app, logLines, port } = await listeningApp(t);
  const aborted = await partialWebhook(t, port);
  const started = () => logLines.map((line) => JSON.parse(line) as { reqId?: string; msg: string }).find((line) => line.msg === "incoming request");
  await waitFor(() => started() !== undefined, "the request to start");
  const reqId = started()?.reqId;
  aborted.socket.destroy();
  // Whatever the service makes of it, it logs it under the request's id.
  await waitFor(() => logLines.some((line) => line.includes(`"reqId":"${reqId}"`) && !line.includes('"msg":"incoming request"')), "the abort to be handled");
  assertCalm(logLines);
  assert.ok(!logLines.some((line) => line.includes('"statusCode":503')), "not answered as 'unavailable'");
  // The service carries on.
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 0x499)))).statusCode, 200);
});
