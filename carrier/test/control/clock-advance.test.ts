// POST /_carrier/clock/advance on the manual clock waits for the webhooks in flight and moves from
// timer to timer, so the document a webhook answers is timed from when it answered, however far the
// clock is moved; and an advance the app asks for from inside its own webhook does not wait on it.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildCarrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { sayMs } from "../../src/verbs/media.js";

const SID = `AC${"3".repeat(32)}`;
const TOKEN = "d".repeat(32);
const NUMBER = "+15005550006";
const HANDSET = "+15005550100";
const START = Date.parse("2026-01-05T09:00:00Z");

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A voice app on loopback: each path answers its TwiML (or runs its handler). */
async function voiceApp(t: TestContext, routes: Record<string, string | Route>): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const route = routes[new URL(req.url ?? "/", "http://x").pathname];
      if (typeof route === "function") return void route(req, res);
      res.writeHead(route ? 200 : 404, { "content-type": "text/xml" }).end(route ? `<Response>${route}</Response>` : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The carrier on a loopback port, as an app reaches it; the control API over real HTTP. */
async function carrier(t: TestContext, clock: ManualClock) {
  const built = await buildCarrier({ accountSid: SID, authToken: TOKEN, publicUrl: "http://127.0.0.1:1", clock });
  t.after(() => built.app.close());
  const base = await built.app.listen({ port: 0, host: "127.0.0.1" });
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/_carrier${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { ...built, base, control };
}

interface View {
  status: string;
  endTime: string | null;
  timeline: { type: string; at: string; [field: string]: unknown }[];
}

const at = (event: { at: string } | undefined) => (event ? Date.parse(event.at) - START : undefined);

test("an advance of 200 s waits for each webhook, so a Gather after a Redirect times out 5 s after its document came", async (t) => {
  const app = await voiceApp(t, {
    "/voice": "<Say>Welcome</Say><Redirect>/menu</Redirect>",
    "/menu": '<Gather numDigits="1" timeout="5" action="/choice"/><Say>Goodbye</Say><Hangup/>',
  });
  const { store, control } = await carrier(t, new ManualClock());
  store.addNumber({ phoneNumber: NUMBER, voiceUrl: `${app}/voice` });
  const sid = String((await control("POST", "/calls", { from: HANDSET, to: NUMBER })).body.sid);
  await control("GET", `/calls/${sid}/settled`);

  const advanced = await control("POST", "/clock/advance", { seconds: 200 });
  assert.equal(advanced.status, 200);
  assert.equal(advanced.body.now, new Date(START + 200_000).toISOString());
  assert.equal(advanced.body.leftBehind, 0);

  const view = (await control("GET", `/calls/${sid}`)).body as unknown as View;
  const welcome = sayMs("Welcome");
  const gather = view.timeline.find((e) => e.type === "gather");
  assert.equal(at(gather), welcome, "the Gather began when /menu answered, after the Say");
  assert.equal(at(view.timeline.find((e) => e.type === "gather.timeout")), welcome + 5000);
  assert.equal(view.status, "completed");
  assert.equal(Date.parse(view.endTime ?? "") - START, welcome + 5000 + sayMs("Goodbye"), "Goodbye was said, then the call hung up");
});

test("an advance asked for from inside a webhook does not wait on that webhook: it is left behind after the settle limit", async (t) => {
  let base = "";
  let fromInside: Record<string, unknown> | undefined;
  const app = await voiceApp(t, {
    "/voice": '<Pause length="3"/><Redirect>/slow</Redirect>',
    // The app moves the clock before it answers, as a test app driving its own scenario might.
    "/slow": async (_req, res) => {
      const answer = await fetch(`${base}/_carrier/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"seconds":10}' });
      fromInside = (await answer.json()) as Record<string, unknown>;
      res.writeHead(200, { "content-type": "text/xml" }).end("<Response><Say>Done</Say></Response>");
    },
  });
  const clock = new ManualClock(undefined, { settleLimitMs: 200 });
  const built = await carrier(t, clock);
  base = built.base;
  built.store.addNumber({ phoneNumber: NUMBER, voiceUrl: `${app}/voice` });
  const sid = String((await built.control("POST", "/calls", { from: HANDSET, to: NUMBER })).body.sid);
  await built.control("GET", `/calls/${sid}/settled`);

  // The test's advance fires the Pause; /slow is requested, and asks for an advance of its own.
  const outside = await built.control("POST", "/clock/advance", { seconds: 5 });
  assert.equal(outside.status, 200);
  // The outer advance left /slow behind after 200 ms, then the inner one ran: it has nothing to wait for.
  assert.equal(outside.body.leftBehind, 1);
  await built.control("GET", `/calls/${sid}/settled`);
  assert.deepEqual(fromInside, { now: new Date(START + 15_000).toISOString(), fired: 0, leftBehind: 0 });
  const view = (await built.control("GET", `/calls/${sid}`)).body as unknown as View;
  const webhooks = view.timeline.filter((e) => e.type === "webhook").map((e) => [e.url, e.status]);
  assert.deepEqual(webhooks, [[`${app}/voice`, 200], [`${app}/slow`, 200]], "the webhook got its answer through: no 11205");
  assert.equal(at(view.timeline.find((e) => e.type === "say")), 15_000);
});
