// The wallboard's routes (docs/wallboard.md): /api/wallboard's shape and figures on a line made through
// the real repositories on a hand clock, one department or all, an unknown department, and who may
// see it (no session: 401 or the sign-in page; an agent: refused).
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { sid, testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";
import { get, signIn } from "./dashboard-helpers.js";

async function setUp(t: TestContext) {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now });
  const driver = new CallDriver(app, clock);
  const { queue, agents } = app.repositories;
  const joins = async (from: string) => {
    const callSid = await driver.call(from);
    return queue.enqueue({ callSid, department: "billing", number: from, enqueuedAt: clock.now() });
  };
  const avaTakes = async (agentCall: string) => {
    const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
    assert.equal(offer?.agent.id, "ava");
    await queue.offerCalling(offer.offer.id, agentCall);
    assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
  };
  return { app, clock, queue, agents, joins, avaTakes };
}

test("/api/wallboard: Billing's tiles from its line, its agents and today's places, with the breached thresholds", async (t) => {
  const { app, clock, queue, agents, joins, avaTakes } = await setUp(t);
  const session = await signIn(app);
  await agents.choose("ava", "available", null, clock.now());
  await agents.choose("noah", "break", "lunch", clock.now());
  // Answered after 10 s; abandoned after 8 s; then one caller waits 150 s.
  await joins("+61491570301");
  clock.advance(10);
  await avaTakes(sid("CA", 0x7001));
  const gone = await joins("+61491570302");
  clock.advance(8);
  await queue.callerGone(gone.callSid, clock.now());
  const waiting = await joins("+61491570303");
  clock.advance(150);

  const response = await get(app, session, "/api/wallboard");
  assert.equal(response.statusCode, 200, response.body);
  const board = response.json();
  assert.equal(board.now, clock.now().toISOString());
  assert.equal(board.timezone, "Australia/Sydney");
  assert.equal(board.date, "2026-11-24");
  assert.equal(board.departments.length, 1);
  const [billing] = board.departments;
  assert.equal(billing.department, "billing");
  assert.equal(billing.name, "Billing");
  assert.equal(billing.waiting, 1);
  assert.equal(billing.longestWaitingSince, waiting.enqueuedAt.toISOString());
  assert.equal(billing.longestWaitSeconds, 150);
  assert.equal(billing.callsInProgress, 1, "Ava is on the first caller's call");
  assert.deepEqual(
    { offered: billing.today.offered, answered: billing.today.answered, abandoned: billing.today.abandoned, serviceLevel: billing.today.serviceLevel, abandonmentRate: billing.today.abandonmentRate },
    { offered: 3, answered: 1, abandoned: 1, serviceLevel: 50, abandonmentRate: 50 },
  );
  assert.equal(billing.last30Minutes.serviceLevel, 50);
  assert.deepEqual(
    Object.fromEntries(Object.entries(billing.agents as Record<string, { id: string; reason: string | null }[]>).map(([state, list]) => [state, list.map((a) => a.id + (a.reason ? ` (${a.reason})` : ""))])),
    { available: [], busy: ["ava (on a call)"], "wrap-up": [], break: ["noah (lunch)"], offline: [] },
  );
  assert.deepEqual(billing.thresholds, { serviceLevelBelow: 80, longestWaitOver: 120, waitingOver: 10, abandonmentOver: 10, alert: "sms" });
  assert.deepEqual(
    billing.checks.map((c: { measure: string; level: string; text: string }) => `${c.measure} ${c.level}: ${c.text}`),
    [
      "waiting ok: ",
      "longest-wait breached: over the 2:00 limit",
      "service-level breached: below the 80 % target",
      "service-level-today breached: below the 80 % target",
      "abandonment breached: over the 10 % limit",
    ],
  );

  const one = await get(app, session, "/api/wallboard?department=billing");
  assert.equal(one.statusCode, 200);
  assert.deepEqual(one.json().departments, board.departments);
});

test("/api/wallboard: an unknown department is 404; a bad or unknown parameter 400", async (t) => {
  const { app } = await setUp(t);
  const session = await signIn(app);
  assert.equal((await get(app, session, "/api/wallboard?department=nowhere")).statusCode, 404);
  assert.equal((await get(app, session, "/api/wallboard?department=faults")).statusCode, 404, "a ring group has no wallboard");
  assert.equal((await get(app, session, "/wallboard/nowhere")).statusCode, 404);
  assert.equal((await get(app, session, "/wallboard/fragment?department=nowhere")).statusCode, 404);
  assert.equal((await get(app, session, "/api/wallboard?department=Bad%20Id")).statusCode, 400);
  assert.equal((await get(app, session, "/api/wallboard?dept=billing")).statusCode, 400);
  assert.equal((await get(app, session, "/wallboard?tv=yes")).statusCode, 400);
});

test("wallboard: without a session the API is 401 and the pages go to sign-in; the pages render for a signed-in supervisor", async (t) => {
  const { app, clock, joins } = await setUp(t);
  for (const url of ["/api/wallboard", "/api/wallboard?department=billing", "/api/wallboard/stream"]) {
    assert.equal((await get(app, undefined, url)).statusCode, 401, url);
  }
  for (const url of ["/wallboard", "/wallboard/billing", "/wallboard/fragment"]) {
    const response = await get(app, undefined, url);
    assert.equal(response.statusCode, 303, url);
    assert.equal(response.headers.location, `/login?next=${encodeURIComponent(url)}`);
  }
  const session = await signIn(app);
  await joins("+61491570311");
  clock.advance(42);
  const page = await get(app, session, "/wallboard/billing?tv=1");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<body class="wallboard tv">/);
  assert.match(page.body, /data-live-stream="\/api\/wallboard\/stream"/);
  assert.match(page.body, /data-tile="waiting" data-level="ok">\s*<span class="wb-value">1<\/span>/);
  assert.match(page.body, /data-tile="longest-wait"[^>]*>\s*<span class="wb-value"><span class="ticker" data-since="[^"]+">0:42<\/span>/);
  assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script (the CSP allows none)");
  assert.doesNotMatch(page.body, /<style|\sstyle=/, "no inline style (the CSP allows none)");
  assert.match(page.body, /<link rel="stylesheet" href="\/dashboard\/assets\/wallboard\.css">/);
  const css = await get(app, undefined, "/dashboard/assets/wallboard.css");
  assert.equal(css.statusCode, 200, "served by the centre itself, no CDN");
  const all = await get(app, session, "/wallboard");
  assert.equal(all.statusCode, 200);
  assert.match(all.body, /<section class="wb-dept" data-department="billing"/);
  assert.equal(all.headers["cache-control"], "no-store");
});

test("wallboard: an agent's session cannot see it", async (t) => {
  const { app } = await setUp(t);
  // Agents sign in with their own password; set Ava's through the owner's API.
  const owner = await signIn(app);
  const set = await app.inject({ method: "POST", url: "/api/agents/ava/password", headers: { cookie: owner.cookie, "x-csrf-token": owner.csrf } });
  assert.equal(set.statusCode, 200, set.body);
  const login = await app.inject({ method: "POST", url: "/login", payload: { agent: "ava", password: set.json().password, next: "/" } });
  assert.equal(login.statusCode, 303);
  const cookie = String(login.headers["set-cookie"]).split(";")[0] ?? "";
  assert.equal((await app.inject({ method: "GET", url: "/api/wallboard", headers: { cookie } })).statusCode, 403);
  const page = await app.inject({ method: "GET", url: "/wallboard", headers: { cookie } });
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, "/desk");
});
