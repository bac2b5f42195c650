// The carrier's server cuts off a client that takes too long to send its request (a slow loris,
// dribbling its headers or its body): 408, then the connection closes. Event streams and long polls
// are GETs whose requests are complete at once, so they stay open as long as they need. The limit is
// lowered for the test; every wait is on an event, with a guard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { sendMessage } from "../../src/messages/messaging.js";

const LIMIT_MS = 300;
const GUARD_MS = 5000;
const NUMBER = "+15005550006";
const HANDSET = "+15005550100";

function guarded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} (waited ${GUARD_MS} ms)`)), GUARD_MS)));
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Opens a raw connection, sends `head`, then one more byte of `drip` every 50 ms until the server hangs up. */
async function slowLoris(port: number, head: string, drip: string): Promise<{ answer: string; ms: number }> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  const started = Date.now();
  let answer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (answer += chunk));
  socket.on("error", () => undefined);
  socket.write(head);
  let sent = 0;
  const dribble = setInterval(() => {
    if (!socket.destroyed && !socket.writableEnded) socket.write(drip[sent++ % drip.length] ?? " ");
  }, 50);
  try {
    await guarded(once(socket, "close"), "the server kept the slow connection open");
  } finally {
    clearInterval(dribble);
  }
  return { answer, ms: Date.now() - started };
}

test("a request dribbled past the time limit gets 408 and a closed connection; streams and long polls stay open", async (t) => {
  const logged: { level: number; msg?: string }[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as { level: number; msg?: string });
      done();
    },
  });
  const { app, store, engine } = await buildCarrier({
    accountSid: `AC${"3".repeat(32)}`,
    authToken: "d".repeat(32),
    publicUrl: "http://127.0.0.1:4010",
    clock: new ManualClock(),
    logger: { level: "info", stream: logs },
    limits: { requestTimeoutMs: LIMIT_MS },
  });
  t.after(() => app.close());
  store.addNumber({ phoneNumber: NUMBER });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const port = Number(new URL(base).port);

  // A handset's event stream and a long poll for its first text, opened before the slow clients.
  let streamed = "";
  const stream = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
    httpRequest(`${base}/_carrier/phones/${encodeURIComponent(HANDSET)}/events`, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (streamed += chunk));
      resolve(res);
    })
      .on("error", reject)
      .end();
  });
  t.after(() => stream.destroy());
  const poll = fetch(`${base}/_carrier/phones/${encodeURIComponent(HANDSET)}/messages?wait=30&count=1`);

  const body = await slowLoris(
    port,
    "POST /_carrier/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{",
    ` "from": "${HANDSET}", "to": "${NUMBER}", "body": "never" `,
  );
  assert.match(body.answer, /^HTTP\/1\.1 408 /);
  assert.ok(body.ms >= LIMIT_MS, `cut off after ${body.ms} ms, not before the limit`);
  assert.equal(store.messages.size, 0, "the dribbled text was never sent");

  const headers = await slowLoris(port, "GET /_carrier/clock HTTP/1.1\r\n", "X-Slow: yes\r\n");
  assert.match(headers.answer, /^HTTP\/1\.1 408 /);

  // Both slow clients outlived the limit; the stream and the long poll, opened earlier, are still there.
  sendMessage(store, engine.webhooks, { from: NUMBER, to: HANDSET, body: "still here?", direction: "outbound-api" });
  const answered = await guarded(poll, "the long poll did not answer");
  assert.equal(answered.status, 200);
  assert.deepEqual(((await answered.json()) as { messages: { body: string }[] }).messages.map((m) => m.body), ["still here?"]);
  await guarded(
    new Promise<void>((resolve) => {
      const check = () => (streamed.includes("still here?") ? resolve() : stream.once("data", () => setImmediate(check)));
      check();
    }),
    "the event stream did not carry the text",
  );
  assert.equal(stream.destroyed, false);

  // The server still answers, and nothing was logged as an error on the way.
  assert.equal((await fetch(`${base}/_carrier/clock`)).status, 200);
  assert.deepEqual(logged.filter((line) => line.level >= 50), []);
});
