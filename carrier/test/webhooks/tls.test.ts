// A TLS handshake that fails is Twilio's 11220 ("SSL/TLS handshake error"), not the generic 11200:
// an application whose certificate is not trusted (self-signed, fixtures/README.md), and an
// https:// URL answered by a server that does not speak TLS.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer, get } from "node:https";
import type { AddressInfo } from "node:net";
import { sendWebhook } from "../../src/webhooks/http.js";
import { AUTH_TOKEN, setup } from "../engine/harness.js";

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url));
const CERT = fixture("self-signed-cert.pem");
const KEY = fixture("self-signed-key.pem");
const TWIML = "<Response><Say>Secure</Say></Response>";

async function listen(t: TestContext, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/voice`;
}

/** An HTTPS app answering TwiML, with the self-signed certificate. */
function secureApp(): Server {
  return createHttpsServer({ cert: CERT, key: KEY }, (_req, res) => {
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(TWIML);
  });
}

test("an application with a certificate the carrier does not trust fails with 11220", async (t) => {
  const url = await listen(t, secureApp());
  // The server itself is sound: a client that trusts its certificate gets the document.
  const body = await new Promise<string>((resolve, reject) => {
    get(url, { ca: CERT }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve(text));
    }).on("error", reject);
  });
  assert.equal(body, TWIML);

  const response = await sendWebhook(AUTH_TOKEN, { url, method: "POST", params: {}, kind: "voice" });
  assert.equal(response.ok, false);
  assert.equal(response.errorCode, 11220);
  assert.match(response.error ?? "", /SELF_SIGNED/);
});

test("an https:// URL answered by a server without TLS fails with 11220", async (t) => {
  const plain = createHttpServer((_req, res) => res.end(TWIML));
  const url = await listen(t, plain);
  const response = await sendWebhook(AUTH_TOKEN, { url, method: "POST", params: {}, kind: "voice" });
  assert.equal(response.errorCode, 11220, response.error);
});

test("the call's timeline records 11220 for a voice URL whose handshake fails", async (t) => {
  const url = await listen(t, secureApp());
  const h = await setup(t, { number: () => ({ voiceUrl: url }) });
  const call = h.call();
  const error = await h.until(call, "error");
  assert.equal(error.code, 11220);
  await h.ended(call);
});
