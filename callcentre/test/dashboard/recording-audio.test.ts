// The recording proxy (GET /api/recordings/<sid>/audio) over real HTTP, against a local stand-in for
// Twilio's media URLs: only audio is served from the dashboard's origin, and never as something a
// browser would run; the credentials and the request go only to the configured API; a gzipped answer
// arrives whole; a recording Twilio no longer has is a 404 that says so.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test, type TestContext } from "node:test";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { ACCOUNT_SID, AUTH_TOKEN, sid, signedPost, testApp, voiceParams } from "../helpers.js";
import { signIn } from "./dashboard-helpers.js";

/** A 16 kB WAV: a header, then silence (which gzip shrinks to almost nothing). */
const WAV = Buffer.concat([Buffer.from("RIFF\x24\x3e\x00\x00WAVEfmt ", "latin1"), Buffer.alloc(16_036)]);
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server answering each recording's media URL its own way; records what was asked for. */
async function mediaServer(t: TestContext, handlers: Record<string, Handler>) {
  const requests: { path: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
    const recording = /\/Recordings\/(RE[0-9a-f]{32})\.wav$/.exec(req.url ?? "")?.[1] ?? "";
    const handler = handlers[recording];
    if (!handler) {
      res.statusCode = 500;
      res.end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A voicemail on the call `n` whose RecordingUrl is `base`'s. */
async function voicemail(app: FastifyInstance, n: number, base: string): Promise<string> {
  const recordingSid = sid("RE", n);
  const recordingUrl = `${base}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`;
  const response = await signedPost(app, "/twilio/voice/voicemail/general-voicemail/recorded", voiceParams(sid("CA", n), { RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "4" }));
  assert.equal(response.statusCode, 200);
  return recordingSid;
}

async function setUp(t: TestContext, handlers: Record<string, Handler>) {
  const media = await mediaServer(t, handlers);
  const { app } = await testApp(t, { config: { twilioApiBaseUrl: media.url } });
  const session = await signIn(app);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const audio = (recordingSid: string) => fetch(`${origin}/api/recordings/${recordingSid}/audio`, { headers: { cookie: session.cookie } });
  return { app, media, audio };
}

const wav: Handler = (_req, res) => {
  res.setHeader("content-type", "audio/x-wav");
  res.end(WAV);
};

test("audio is served with nosniff and a CSP that allows nothing; anything else is a 502", async (t) => {
  const page = '<html><script>alert(document.cookie)</script></html>';
  const { app, media, audio } = await setUp(t, {
    [sid("RE", 1)]: wav,
    [sid("RE", 2)]: (_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(page);
    },
    [sid("RE", 3)]: (_req, res) => res.end(WAV), // no Content-Type at all
  });
  const served = await audio(await voicemail(app, 1, media.url));
  assert.equal(served.status, 200);
  assert.equal(served.headers.get("content-type"), "audio/x-wav");
  assert.equal(served.headers.get("x-content-type-options"), "nosniff");
  assert.equal(served.headers.get("content-security-policy"), "default-src 'none'; sandbox");
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), WAV);
  assert.equal(media.requests[0]?.authorization, BASIC, "fetched with the account's credentials");

  for (const n of [2, 3]) {
    const refused = await audio(await voicemail(app, n, media.url));
    assert.equal(refused.status, 502, `recording ${n}`);
    assert.match(refused.headers.get("content-type") ?? "", /^application\/json/);
    const body = await refused.text();
    assert.ok(!body.includes("<script>"), body);
    assert.match(JSON.parse(body).message, /is not audio/);
  }
});

test("only the configured Twilio API is asked: a RecordingUrl elsewhere gets no request and no credentials", async (t) => {
  const elsewhere = await mediaServer(t, { [sid("RE", 4)]: wav });
  const { app, media, audio } = await setUp(t, {});
  for (const [n, base] of [[4, elsewhere.url], [5, "https://api.twilio.com"]] as const) {
    const response = await audio(await voicemail(app, n, base));
    assert.equal(response.status, 502);
    assert.match(((await response.json()) as { message: string }).message, /not on the configured Twilio API/);
  }
  assert.deepEqual(elsewhere.requests, [], "nothing was sent there");
  assert.deepEqual(media.requests, []);
});

test("a gzipped recording arrives whole: the decoded length is what the browser is told", async (t) => {
  const compressed = gzipSync(WAV);
  assert.ok(compressed.length < 200, `${compressed.length} bytes on the wire`);
  const { app, media, audio } = await setUp(t, {
    // Compressed whatever the request asked for, as a misconfigured proxy in front of the API would.
    [sid("RE", 6)]: (_req, res) => {
      res.writeHead(200, { "content-type": "audio/x-wav", "content-encoding": "gzip", "content-length": compressed.length });
      res.end(compressed);
    },
  });
  const response = await audio(await voicemail(app, 6, media.url));
  assert.equal(response.status, 200);
  assert.notEqual(response.headers.get("content-length"), String(compressed.length));
  assert.equal(response.headers.get("content-encoding"), null);
  assert.deepEqual(Buffer.from(await response.arrayBuffer()), WAV, "all 16 kB");
});

test("a recording Twilio no longer has is a 404 that says so", async (t) => {
  const { app, media, audio } = await setUp(t, {
    [sid("RE", 7)]: (_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: 20404, message: "The requested resource was not found", status: 404 }));
    },
  });
  const response = await audio(await voicemail(app, 7, media.url));
  assert.equal(response.status, 404);
  assert.match(((await response.json()) as { message: string }).message, /^This recording is no longer available/);
});
