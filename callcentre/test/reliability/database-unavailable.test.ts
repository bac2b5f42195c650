// The database goes away under a running call centre (on the real Postgres, through a TCP proxy the
// test takes down): voice webhooks still answer in time with the safe flow (an apology and the flow's
// fallback number), the health check says so, and everything works again when the database returns.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { buildApp } from "../../src/app.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { FlowSchema } from "../../src/flows/flow-schema.js";
import { fixedClock, postgresReachable, OPEN_TIME, shippedFlow, sid, signedPost, testConfig, voiceParams, waitFor } from "../helpers.js";
import { createTestDatabase, withDatabase } from "../template-database.js";
import { TcpProxy } from "./tcp-proxy.js";

const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Short, so that the test is quick; the default is 5 s. Either way well inside Twilio's 15 s. */
const TIMEOUT_MS = 1_000;
const TWILIO_TIMEOUT_MS = 15_000;
const FALLBACK = "+61491570100";

function postgresProxy(): Promise<TcpProxy> {
  const target = new URL(POSTGRES_URL);
  return TcpProxy.start(target.hostname, Number(target.port || 5432));
}

function viaProxyUrl(proxy: TcpProxy, database: string): string {
  const url = new URL(withDatabase(POSTGRES_URL, database));
  url.hostname = proxy.address.host;
  url.port = String(proxy.address.port);
  return url.toString();
}

/** A migrated database of the test's own, and the app's database reached through a proxy. */
async function databaseBehindProxy(t: TestContext): Promise<{ db: Database; proxy: TcpProxy; direct: Database; name: string }> {
  const database = await createTestDatabase(POSTGRES_URL);
  const direct = await openDatabase({ url: database.url, maxConnections: 2 });
  const proxy = await postgresProxy();
  const db = await openDatabase({ url: viaProxyUrl(proxy, database.name), maxConnections: 4, timeoutMs: TIMEOUT_MS });
  t.after(async () => {
    await proxy.close();
    await db.close();
    await direct.close();
    await database.drop();
  });
  return { db, proxy, direct, name: database.name };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", parseTagValue: false, parseAttributeValue: false, isArray: (name) => ["Say", "Number"].includes(name) });
type Twiml = { Response: Record<string, unknown> & { Say?: ({ "#text": string } | string)[]; Dial?: { Number: (string | { "#text": string })[]; action?: string; timeout?: string } } };
const parse = (body: string) => xml.parse(body) as Twiml;
const text = (node: { "#text": string } | string | undefined) => (typeof node === "string" ? node : node?.["#text"]);

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work;
  return { result, ms: performance.now() - started };
}

test("database unavailable: the safe flow answers in time, and the call centre recovers", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip(`needs Postgres at ${POSTGRES_URL}`);
  const { db, proxy, direct, name } = await databaseBehindProxy(t);
  const app = await buildApp({
    config: testConfig({ databaseTimeoutMs: TIMEOUT_MS }),
    db,
    flow: shippedFlow(),
    clock: fixedClock(OPEN_TIME),
    logger: false,
  });
  t.after(() => app.close());
  const incoming = (n: number) => signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", n), { CallStatus: "ringing" }));
  const recorded = async (n: number) => (await direct.query("select 1 from calls where sid = $1", [sid("CA", n)])).length === 1;

  await t.test("while it is up, the flow runs and the call is recorded", async () => {
    const response = await incoming(1);
    assert.equal(response.statusCode, 200);
    assert.ok(parse(response.body).Response.Gather, "the main menu");
    assert.ok(await recorded(1));
    assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  });

  const assertSafeFlow = (body: string) => {
    const response = parse(body).Response;
    assert.equal(response.Gather, undefined, "no menu: its choices could not be recorded");
    assert.match(text(response.Say?.[0]) ?? "", /our systems are having trouble/);
    assert.deepEqual(response.Dial?.Number.map(text), [FALLBACK]);
    assert.equal(response.Dial?.action, "https://callcentre.example.test/twilio/voice/fallback/dialled");
  };

  await t.test("server stopped: an apology and the fallback number, at once", async () => {
    await proxy.down();
    const { result, ms } = await timed(incoming(2));
    assert.equal(result.statusCode, 200);
    assert.match(String(result.headers["content-type"]), /xml/);
    assertSafeFlow(result.body);
    assert.ok(ms < TWILIO_TIMEOUT_MS, `answered in ${ms} ms`);
    // A caller already in the menu is put through too.
    const menu = await signedPost(app, "/twilio/voice/menu/main-menu?attempt=1", voiceParams(sid("CA", 1), { Digits: "1" }));
    assertSafeFlow(menu.body);
    const health = await app.inject({ method: "GET", url: "/healthz" });
    assert.equal(health.statusCode, 503);
    // Nothing about the database (its address is in the reason): that is for the log.
    assert.deepEqual(health.json(), { status: "unavailable" });
    // An asynchronous callback cannot be kept: 503, not a hang and not a 500.
    const status = await signedPost(app, "/twilio/voice/status", voiceParams(sid("CA", 1), { CallStatus: "completed", CallDuration: "30" }));
    assert.equal(status.statusCode, 503);
  });

  await t.test("the fallback's <Dial action> needs no database", async () => {
    const dialled = (status: string) =>
      signedPost(app, "/twilio/voice/fallback/dialled", voiceParams(sid("CA", 2), { DialCallStatus: status, DialCallSid: sid("CA", 99) }));
    const unanswered = parse((await dialled("no-answer")).body).Response;
    assert.match(text(unanswered.Say?.[0]) ?? "", /nobody could take your call/);
    assert.ok("Hangup" in unanswered);
    const talked = parse((await dialled("completed")).body).Response;
    assert.match(text(talked.Say?.[0]) ?? "", /Goodbye/);
    assert.ok("Hangup" in talked);
  });

  await t.test("no answer at all (a dead link): every request still answers within the timeout", async () => {
    await proxy.blackhole();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => timed(incoming(10 + i))));
    for (const { result, ms } of results) {
      assert.equal(result.statusCode, 200);
      assertSafeFlow(result.body);
      assert.ok(ms < TIMEOUT_MS * 3, `answered in ${Math.round(ms)} ms (timeout ${TIMEOUT_MS} ms)`);
    }
    const health = await timed(app.inject({ method: "GET", url: "/healthz" }));
    assert.equal(health.result.statusCode, 503);
    assert.ok(health.ms < TWILIO_TIMEOUT_MS);
  });

  await t.test("back up: the flow runs again, and a late status callback records an outage call", async () => {
    await proxy.up();
    // Connections broken by the outage are dropped as they fail; a fresh one is made for the next request.
    let response = await incoming(20);
    for (let i = 0; i < 5 && !parse(response.body).Response.Gather; i++) response = await incoming(20);
    assert.ok(parse(response.body).Response.Gather, "the main menu again");
    assert.ok(await recorded(20));
    assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    // Call 2 was answered by the safe flow while the database was down; its final status callback is kept.
    assert.equal(await recorded(2), false);
    const status = await signedPost(app, "/twilio/voice/status", voiceParams(sid("CA", 2), { CallStatus: "completed", CallDuration: "42", SequenceNumber: "0" }));
    assert.equal(status.statusCode, 204);
    const [call] = await direct.query<{ status: string }>("select status from calls where sid = $1", [sid("CA", 2)]);
    assert.equal(call?.status, "completed");
  });

  await t.test("a transaction past its deadline is rolled back, never committed late", async () => {
    // Slow, not down: the transaction waits on a lock held elsewhere until after its deadline.
    const insert = `insert into calls (sid, account_sid, from_number, to_number, direction, status, status_rank, started_at, updated_at)
      values ($1, 'AC0', '+61491570001', '+61255501234', 'inbound', 'ringing', 2, now(), now())`;
    const own = await postgresProxy();
    const lone = await openDatabase({ url: viaProxyUrl(own, name), maxConnections: 1, timeoutMs: TIMEOUT_MS });
    t.after(async () => {
      await lone.close();
      await own.close();
    });
    await direct.transaction(async (tx) => {
      await tx.query("lock table calls in exclusive mode");
      const late = lone.transaction((inner) => inner.query(insert, [sid("CA", 30)]), { timeoutMs: 300 });
      await assert.rejects(late, /no answer within 300 ms/);
    });
    // The lock is released: the insert runs, then the transaction finds its deadline passed and drops
    // the connection instead of committing.
    await waitFor(() => own.connections === 0, "the late transaction's connection to be dropped");
    assert.equal(await recorded(30), false);
  });
});

test("without a fallback number, the safe flow apologises and ends the call", async (t) => {
  if (!(await postgresReachable(POSTGRES_URL))) return t.skip(`needs Postgres at ${POSTGRES_URL}`);
  const { db, proxy } = await databaseBehindProxy(t);
  const flow = FlowSchema.parse({ company: "Acme", greeting: "Hello.", start: "menu", nodes: { menu: { type: "menu", prompt: "Press 1.", options: [{ key: "1", label: "One", goto: "hangup" }] } } });
  const app = await buildApp({ config: testConfig({ databaseTimeoutMs: TIMEOUT_MS }), db, flow, clock: fixedClock(OPEN_TIME), logger: false });
  t.after(() => app.close());
  await proxy.down();
  const response = await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 1), { CallStatus: "ringing" }));
  assert.equal(response.statusCode, 200);
  const twiml = parse(response.body).Response;
  assert.match(text(twiml.Say?.[0]) ?? "", /something went wrong on our side/);
  assert.ok("Hangup" in twiml);
  assert.equal(twiml.Dial, undefined);
});
