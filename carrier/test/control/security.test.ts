// Who may use the carrier from a browser (src/request-guard.ts): a page on another site can neither
// place calls nor send texts (its Origin, and its form body, are refused), a DNS-rebinding page is
// refused by its Host, event streams are held to the same rules and capped, and URL credentials are
// shown nowhere, though the engine still uses them.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { buildCarrier, type CarrierLimits } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";

const SID = `AC${"2".repeat(32)}`;
const TOKEN = "e".repeat(32);
const NUMBER = "+15005550006";
const HANDSET = "+15005550100";
const GUARD_MS = 4000;

async function start(t: TestContext, options: { publicUrl?: string; limits?: Partial<CarrierLimits> } = {}) {
  const carrier = await buildCarrier({
    accountSid: SID,
    authToken: TOKEN,
    publicUrl: options.publicUrl ?? "http://127.0.0.1:4010",
    clock: new ManualClock(),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  t.after(() => carrier.app.close());
  carrier.store.addNumber({ phoneNumber: NUMBER, voiceUrl: "http://127.0.0.1:9/voice" });
  const send = async (method: "GET" | "POST" | "PUT", url: string, headers: Record<string, string> = {}, payload?: string) => {
    const res = await carrier.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.body, json: () => res.json() as Record<string, unknown> };
  };
  const json = (body: unknown) => ({ headers: { "content-type": "application/json" }, payload: JSON.stringify(body) });
  return { ...carrier, send, json };
}

/** A voice app whose every document is a long Gather, so calls stay up. */
async function gatherApp(t: TestContext): Promise<string> {
  const app = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/xml" }).end('<Response><Gather timeout="60"/></Response>'));
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => app.close(() => resolve())));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/voice`;
}

interface Opened {
  status: number;
  /** The first chunk of the body. */
  first: string;
  /** Everything received so far. */
  text(): string;
  response: IncomingMessage;
}

/** A GET over real HTTP (event streams never end, so inject cannot read them). */
function open(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("error", () => undefined);
      response.on("data", (chunk: string) => {
        const first = text === "";
        text += chunk;
        if (first) resolve({ status: response.statusCode ?? 0, first: chunk, text: () => text, response });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} (waited ${GUARD_MS} ms)`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("a form posted from another site's page places no call and sends no text", async (t) => {
  const c = await start(t);
  const form = new URLSearchParams({ from: HANDSET, to: NUMBER }).toString();
  const crossSite = await c.send("POST", "/_carrier/calls", { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, form);
  assert.equal(crossSite.status, 403);
  assert.equal(crossSite.json().error, "forbidden_origin");
  assert.match(String(crossSite.json().message), /https:\/\/evil\.example/);

  // Even with no Origin (a browser that left it out), a form body is not accepted on the control API.
  const noOrigin = await c.send("POST", "/_carrier/calls", { "content-type": "application/x-www-form-urlencoded" }, form);
  assert.equal(noOrigin.status, 415);
  assert.match(String(noOrigin.json().message), /JSON body/);
  const plain = await c.send("POST", "/_carrier/messages", { "content-type": "text/plain" }, JSON.stringify({ from: HANDSET, to: NUMBER, body: "hi" }));
  assert.equal(plain.status, 415);
  const blob = await c.send("POST", "/_carrier/messages", {}, JSON.stringify({ from: HANDSET, to: NUMBER, body: "hi" }));
  assert.equal(blob.status, 415, "a body without a Content-Type is not JSON");

  assert.equal(c.engine.calls.size, 0, "no call was placed");
  assert.equal(c.store.messages.size, 0, "no text was sent");
});

test("JSON from a foreign Origin is refused; from the carrier's own pages it is accepted", async (t) => {
  const c = await start(t);
  const number = c.store.numberByPhone(NUMBER);
  if (number) number.voiceUrl = await gatherApp(t);
  const body = c.json({ from: HANDSET, to: NUMBER });
  for (const origin of ["https://evil.example", "null", "http://127.0.0.1:4011", "http://localhost.evil.example:4010"]) {
    const refused = await c.send("POST", "/_carrier/calls", { ...body.headers, origin, host: "127.0.0.1:4010" }, body.payload);
    assert.equal(refused.status, 403, origin);
  }
  assert.equal(c.engine.calls.size, 0);

  const own = await c.send("POST", "/_carrier/calls", { ...body.headers, origin: "http://localhost:4010", host: "localhost:4010" }, body.payload);
  assert.equal(own.status, 201, own.body);
  const sid = String(own.json().sid);
  assert.equal((await c.send("GET", `/_carrier/calls/${sid}/settled?timeout=5`)).json().activity, "gathering");
  // The public URL's origin is the carrier's own too, whatever Host the request came to.
  const viaPublic = await c.send("POST", `/_carrier/calls/${sid}/digits`, { ...c.json({}).headers, origin: "http://127.0.0.1:4010", host: "localhost:4010" }, JSON.stringify({ digits: "1" }));
  assert.equal(viaPublic.status, 200, viaPublic.body);
  // hangup, answer and reject carry no body at all.
  const hangup = await c.send("POST", `/_carrier/calls/${sid}/hangup`, { origin: "http://localhost:4010", host: "localhost:4010" });
  assert.equal(hangup.status, 200, hangup.body);
  // Requests without an Origin (curl, tests, server-side clients) pass.
  assert.equal((await c.send("PUT", `/_carrier/phones/${HANDSET}/behaviour`, c.json({ behaviour: "answer" }).headers, c.json({ behaviour: "answer" }).payload)).status, 200);
});

test("a Host that is not a loopback name nor the public URL's is refused everywhere but the REST API", async (t) => {
  const c = await start(t);
  const evil = { host: "evil.example:4010" };
  const list = await c.send("GET", "/_carrier/calls", evil);
  assert.equal(list.status, 403);
  assert.equal(list.json().error, "forbidden_host");
  assert.match(String(list.json().message), /Host "evil\.example:4010" is refused/);
  const body = c.json({ from: HANDSET, to: NUMBER });
  assert.equal((await c.send("POST", "/_carrier/calls", { ...body.headers, ...evil }, body.payload)).status, 403);
  assert.equal(c.engine.calls.size, 0);
  assert.equal((await c.send("GET", "/", evil)).status, 403, "the softphone page");
  assert.equal((await c.send("GET", "/calls.html", evil)).status, 403, "the calls page");
  assert.equal((await c.send("GET", "/", { host: "127.0.0.1:4010" })).status, 200);

  for (const host of ["localhost:4010", "127.0.0.1:4010", "[::1]:4010", "phone.localhost:8080", "127.0.0.2", "localhost"]) {
    assert.equal((await c.send("GET", "/_carrier/calls", { host })).status, 200, host);
  }
  for (const host of ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "user@localhost"]) {
    assert.equal((await c.send("GET", "/_carrier/calls", { host })).status, 403, host);
  }

  // The REST API needs Basic auth and is reached by other names (containers): Host is not checked,
  // but a foreign page's Origin is refused there too, in Twilio's error shape.
  const auth = { authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}` };
  assert.equal((await c.send("GET", `/2010-04-01/Accounts/${SID}/Calls.json`, { ...auth, host: "host.docker.internal:4010" })).status, 200);
  const rest = await c.send("GET", `/2010-04-01/Accounts/${SID}/Calls.json`, { ...auth, origin: "https://evil.example" });
  assert.equal(rest.status, 403);
  assert.deepEqual(Object.keys(rest.json()).sort(), ["code", "message", "more_info", "status"]);
  assert.equal(rest.json().code, 20403);
});

test("the host of CARRIER_PUBLIC_URL is the carrier's own", async (t) => {
  const c = await start(t, { publicUrl: "https://carrier.example.net" });
  assert.equal((await c.send("GET", "/_carrier/calls", { host: "carrier.example.net" })).status, 200);
  const body = c.json({ from: HANDSET, to: NUMBER });
  const placed = await c.send("POST", "/_carrier/calls", { ...body.headers, host: "carrier.example.net", origin: "https://carrier.example.net" }, body.payload);
  assert.equal(placed.status, 201, placed.body);
  assert.equal((await c.send("GET", "/_carrier/calls", { host: "other.example.net" })).status, 403);
});

test("event streams refuse a foreign Host or Origin, and are capped", async (t) => {
  const c = await start(t, { limits: { eventStreams: 1 } });
  const base = await c.app.listen({ host: "127.0.0.1", port: 0 });
  const placed = await c.send("POST", "/_carrier/calls", c.json({ from: HANDSET, to: NUMBER }).headers, c.json({ from: HANDSET, to: NUMBER }).payload);
  const sid = String(placed.json().sid);
  for (const path of [`/_carrier/calls/${sid}/events`, `/_carrier/phones/${encodeURIComponent(HANDSET)}/events`]) {
    const rebinding = await open(`${base}${path}`, { host: "evil.example" });
    assert.equal(rebinding.status, 403, path);
    assert.match(rebinding.first, /forbidden_host/);
    const foreign = await open(`${base}${path}`, { origin: "https://evil.example" });
    assert.equal(foreign.status, 403, path);
    assert.match(foreign.first, /forbidden_origin/);
  }

  const first = await open(`${base}/_carrier/phones/${encodeURIComponent("+15005550199")}/events`, { origin: base });
  assert.equal(first.status, 200);
  assert.equal(first.first, ": connected\n\n");
  const second = await open(`${base}/_carrier/calls/${sid}/events`);
  assert.equal(second.status, 503);
  assert.match(JSON.parse(second.first).message, /1 event streams are open, the most this carrier serves/);
  assert.equal(c.streams.open, 1);

  first.response.destroy();
  await until(() => c.streams.open === 0, "the closed stream was not let go");
  const third = await open(`${base}/_carrier/calls/${sid}/events`);
  assert.equal(third.status, 200, "a closed stream frees its place");
  third.response.destroy();
});

test("URL credentials are shown as ***@ in every view, and still used to fetch", async (t) => {
  const seen: { path: string; authorization: string | undefined }[] = [];
  const app = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://app").pathname;
      seen.push({ path, authorization: req.headers.authorization });
      if (!req.headers.authorization) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="app"' }).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      if (path === "/voice") res.end(`<Response><Redirect>http://alice:s3cret@127.0.0.1:${port}/next</Redirect></Response>`);
      else if (path === "/sms") res.end(`<Response><Message><Body>Here</Body><Media>https://alice:s3cret@media.example/a.png</Media></Message></Response>`);
      else res.end('<Response><Gather timeout="30"><Say>Menu</Say></Gather></Response>');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => app.close(() => resolve())));
  const port = (app.address() as AddressInfo).port;

  const c = await start(t);
  const number = c.store.numberByPhone(NUMBER);
  assert.ok(number);
  number.voiceUrl = `http://alice:s3cret@127.0.0.1:${port}/voice`;
  number.smsUrl = `http://alice:s3cret@127.0.0.1:${port}/sms`;
  const base = await c.app.listen({ host: "127.0.0.1", port: 0 });
  const placed = await c.send("POST", "/_carrier/calls", c.json({ from: HANDSET, to: NUMBER }).headers, c.json({ from: HANDSET, to: NUMBER }).payload);
  const sid = String(placed.json().sid);
  const settled = await c.send("GET", `/_carrier/calls/${sid}/settled?timeout=5`);
  assert.equal(settled.json().activity, "gathering", settled.body);

  // The engine sent the credentials, after the 401 that asked for them.
  const expected = `Basic ${Buffer.from("alice:s3cret").toString("base64")}`;
  assert.deepEqual(
    seen.map((s) => `${s.path} ${s.authorization === expected ? "with" : s.authorization === undefined ? "without" : "wrong"}`),
    ["/voice without", "/voice with", "/next without", "/next with"],
  );

  const views = [settled.body, (await c.send("GET", `/_carrier/calls/${sid}`)).body, (await c.send("GET", "/_carrier/calls")).body];
  const stream = await open(`${base}/_carrier/calls/${sid}/events`);
  await until(() => stream.text().includes('"type":"gather"'), "the stream did not replay the timeline");
  stream.response.destroy();
  views.push(stream.text());

  await c.send("POST", "/_carrier/messages", c.json({ from: HANDSET, to: NUMBER, body: "hello" }).headers, c.json({ from: HANDSET, to: NUMBER, body: "hello" }).payload);
  const inbox = await c.send("GET", `/_carrier/phones/${encodeURIComponent(HANDSET)}/messages?wait=5&count=1`);
  assert.deepEqual((inbox.json().messages as { media: string[] }[]).flatMap((m) => m.media), ["https://***@media.example/a.png"]);
  views.push(inbox.body);

  for (const view of views) {
    assert.equal(view.includes("s3cret"), false, view);
    assert.equal(view.includes("alice"), false, view);
  }
  assert.ok(settled.body.includes(`"url":"http://***@127.0.0.1:${port}/voice"`), settled.body);
  assert.ok(settled.body.includes(`"url":"http://***@127.0.0.1:${port}/next"`), "the redirect event too");
});
