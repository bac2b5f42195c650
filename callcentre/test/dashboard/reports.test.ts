// Reports (docs/dashboard.md, "Reports") on Postgres: every figure of a small known day worked out by
// hand (report-seed.ts), ranges across both of Sydney's daylight-saving changes of 2026 whose days
// and hours hold exactly the calls made at known instants, the CSV export against the JSON and the
// page, and the routes' validation and roles.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";
import { get, postForm, signIn, type Session } from "./dashboard-helpers.js";
import { seedKnownDay } from "./report-seed.js";
import { parseCsv } from "./csv.js";

const DAY = "2026-11-24";

async function setUp(t: TestContext) {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now });
  const session = await signIn(app);
  return { app, db, clock, session };
}

const api = async (app: FastifyInstance, session: Session, query: string) => {
  const response = await get(app, session, `/api/reports?${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};

const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);
};

test("every figure of a known day, per department, per agent, per day and hour, and the waits distribution", async (t) => {
  const { app, db, clock, session } = await setUp(t);
  await seedKnownDay(app, db, clock);
  const report = await api(app, session, `from=${DAY}&to=${DAY}`);
  assert.deepEqual([report.from, report.to, report.timezone, report.department], [DAY, DAY, "Australia/Sydney", null]);

  const byId = Object.fromEntries(report.departments.map((d: { department: string }) => [d.department, d]));
  assert.deepEqual(
    report.departments.map((d: { department: string; name: string; serviceLevelSeconds: number; serviceLevelTarget: number | null }) => [d.department, d.name, d.serviceLevelSeconds, d.serviceLevelTarget]),
    [
      ["billing", "Billing", 20, 80],
      ["faults", "Faults", 20, null],
      ["sales", "Sales", 20, null],
    ],
  );
  const sales = byId.sales.figures;
  assert.deepEqual(
    [sales.offered, sales.answered, sales.answeredWithinTarget, sales.abandoned, sales.shortAbandoned, sales.deflected, sales.waiting, sales.longestWait],
    [9, 5, 4, 2, 2, 0, 0, 40],
  );
  close(sales.serviceLevel, (4 / 7) * 100, "Sales SL");
  close(sales.abandonmentRate, (2 / 7) * 100, "Sales abandonment");
  close(sales.averageSpeedOfAnswer, 18.8, "Sales ASA");
  close(sales.averageAbandonTime, 19, "Sales abandon time");
  close(sales.averageWait, 139 / 9, "Sales average wait");
  assert.deepEqual([sales.callbacksRequested, sales.callbacksCompleted, sales.voicemails, sales.surveyCount, sales.surveyAverage], [1, 1, 0, 0, null]);

  const billing = byId.billing.figures;
  assert.deepEqual(
    [billing.offered, billing.answered, billing.answeredWithinTarget, billing.abandoned, billing.shortAbandoned, billing.deflected, billing.longestWait],
    [5, 3, 3, 1, 0, 1, 100],
  );
  close(billing.serviceLevel, 75, "Billing SL");
  close(billing.abandonmentRate, 25, "Billing abandonment");
  close(billing.averageSpeedOfAnswer, 37 / 3, "Billing ASA");
  close(billing.averageWait, 28.4, "Billing average wait");
  assert.deepEqual([billing.callbacksRequested, billing.callbacksCompleted, billing.voicemails, billing.surveyCount, billing.surveyAverage], [1, 1, 1, 2, 3]);

  const faults = byId.faults.figures;
  assert.deepEqual([faults.offered, faults.serviceLevel, faults.abandonmentRate, faults.averageSpeedOfAnswer, faults.averageWait], [0, null, null, null, null], "no calls: no rates, never 0 %");

  const total = report.total;
  assert.deepEqual([total.offered, total.answered, total.answeredWithinTarget, total.abandoned, total.shortAbandoned, total.deflected, total.longestWait], [14, 8, 7, 3, 2, 1, 100]);
  close(total.serviceLevel, (7 / 11) * 100, "total SL");
  close(total.averageSpeedOfAnswer, 131 / 8, "total ASA");
  close(total.averageWait, 281 / 14, "total average wait");
  assert.deepEqual([total.callbacksRequested, total.callbacksCompleted, total.voicemails, total.surveyCount, total.surveyAverage], [2, 2, 1, 2, 3]);

  // Every visit started between 12:00 and 13:00 in Sydney.
  assert.deepEqual(report.days.map((d: { day: string; hours: number }) => [d.day, d.hours]), [[DAY, 24]]);
  assert.deepEqual(report.days[0].figures, total);
  assert.deepEqual(report.hours[12].figures, total);
  assert.deepEqual(
    report.hours.filter((h: { figures: { offered: number } }) => h.figures.offered > 0).map((h: { hour: number }) => h.hour),
    [12],
  );

  const ava = report.agents.find((a: { agentId: string }) => a.agentId === "ava");
  assert.deepEqual(
    { ...ava },
    { agentId: "ava", name: "Ava Nguyen", handled: 4, averageHandleTime: 89.5, averageWrapUp: 22, occupancy: 71.6, missedOffers: 1, transfers: 1, surveyCount: 2, surveyAverage: 3 },
  );
  const noah = report.agents.find((a: { agentId: string }) => a.agentId === "noah");
  assert.deepEqual([noah.handled, noah.averageHandleTime, noah.occupancy, noah.missedOffers], [0, null, null, 0]);

  // Waits: Sales 3, 12, 19, 20, 40 answered, 2, 5, 8, 30 abandoned; Billing 12, 20, 5 answered, 100 abandoned, 5 deflected.
  assert.deepEqual(
    report.waits.map((w: { label: string; answered: number; abandoned: number; other: number }) => [w.label, w.answered, w.abandoned, w.other]),
    [
      ["0–10 s", 2, 3, 1],
      ["10–20 s", 5, 0, 0],
      ["20–30 s", 0, 1, 0],
      ["30–60 s", 1, 0, 0],
      ["60–120 s", 0, 1, 0],
      ["120–300 s", 0, 0, 0],
      ["300–600 s", 0, 0, 0],
      ["over 600 s", 0, 0, 0],
    ],
  );

  // One department: its figures alone, and the agents' call figures of that department.
  const onlySales = await api(app, session, `from=${DAY}&to=${DAY}&department=sales`);
  assert.deepEqual(onlySales.departments.map((d: { department: string }) => d.department), ["sales"]);
  assert.deepEqual(onlySales.total, sales);
  assert.equal(onlySales.agents.find((a: { agentId: string }) => a.agentId === "ava"), undefined, "Ava neither serves nor worked Sales");
  const onlyBilling = await api(app, session, `from=${DAY}&to=${DAY}&department=billing`);
  assert.deepEqual(onlyBilling.total, billing);
  assert.deepEqual(onlyBilling.agents.find((a: { agentId: string }) => a.agentId === "ava"), ava);

  // The day before: nothing, and "—" everywhere a rate would be.
  const before = await api(app, session, "from=2026-11-23&to=2026-11-23");
  assert.deepEqual([before.total.offered, before.total.serviceLevel, before.agents.find((a: { agentId: string }) => a.agentId === "ava").occupancy], [0, null, null]);
});

test("across the DST changes of Sydney in 2026, each local day and hour holds exactly the calls made in it", async (t) => {
  const { app, clock, session } = await setUp(t);
  const driver = new CallDriver(app, clock);
  /** A call reaches Sales at `iso` and hangs up 10 s later. */
  const callAt = async (iso: string) => {
    clock.advance((Date.parse(iso) - clock.now().getTime()) / 1000);
    await driver.abandonedAfter(10);
  };
  // Clocks go back at 03:00 on 5 April (AEDT +11 → AEST +10): 02:30 happens twice; the day has 25 hours.
  await callAt("2026-04-04T12:59:30Z"); // 4 April 23:59:30
  await callAt("2026-04-04T13:00:30Z"); // 5 April 00:00:30 AEDT
  await callAt("2026-04-04T15:30:00Z"); // 02:30 AEDT, the first
  await callAt("2026-04-04T16:30:00Z"); // 02:30 AEST, the second
  await callAt("2026-04-05T13:59:00Z"); // 5 April 23:59 AEST
  await callAt("2026-04-05T14:00:30Z"); // 6 April 00:00:30
  // Clocks go forward at 02:00 on 4 October (AEST +10 → AEDT +11): no 02:00 hour; the day has 23 hours.
  await callAt("2026-10-03T13:59:00Z"); // 3 October 23:59 AEST
  await callAt("2026-10-03T15:59:00Z"); // 4 October 01:59 AEST
  await callAt("2026-10-03T16:00:30Z"); // 4 October 03:00:30 AEDT
  await callAt("2026-10-04T12:59:00Z"); // 4 October 23:59 AEDT
  await callAt("2026-10-04T13:00:30Z"); // 5 October 00:00:30

  const offeredByHour = (report: { hours: { hour: number; figures: { offered: number } }[] }) =>
    Object.fromEntries(report.hours.filter((h) => h.figures.offered > 0).map((h) => [h.hour, h.figures.offered]));
  const days = (report: { days: { day: string; hours: number; figures: { offered: number } }[] }) => report.days.map((d) => [d.day, d.hours, d.figures.offered]);

  const april = await api(app, session, "from=2026-04-04&to=2026-04-06");
  assert.deepEqual(days(april), [
    ["2026-04-04", 24, 1],
    ["2026-04-05", 25, 4],
    ["2026-04-06", 24, 1],
  ]);
  assert.deepEqual(offeredByHour(april), { 0: 2, 2: 2, 23: 2 });
  const fallBack = await api(app, session, "from=2026-04-05&to=2026-04-05");
  assert.deepEqual([fallBack.total.offered, fallBack.total.abandoned], [4, 4], "the 25-hour day is one day");
  assert.deepEqual(offeredByHour(fallBack), { 0: 1, 2: 2, 23: 1 });

  const october = await api(app, session, "from=2026-10-03&to=2026-10-05");
  assert.deepEqual(days(october), [
    ["2026-10-03", 24, 1],
    ["2026-10-04", 23, 3],
    ["2026-10-05", 24, 1],
  ]);
  assert.deepEqual(offeredByHour(october), { 0: 1, 1: 1, 3: 1, 23: 2 });
  const springForward = await api(app, session, "from=2026-10-04&to=2026-10-04");
  assert.deepEqual(offeredByHour(springForward), { 1: 1, 3: 1, 23: 1 });

  // The whole half-year: all eleven, once each.
  const all = await api(app, session, "from=2026-04-01&to=2026-10-31");
  assert.equal(all.total.offered, 11);
  assert.equal(all.days.length, 214);
  assert.equal(all.days.reduce((n: number, d: { figures: { offered: number } }) => n + d.figures.offered, 0), 11);
  assert.equal(all.hours.reduce((n: number, h: { figures: { offered: number } }) => n + h.figures.offered, 0), 11);
});

test("each table's CSV has a header and the page's figures; the JSON's figures round to them", async (t) => {
  const { app, db, clock, session } = await setUp(t);
  await seedKnownDay(app, db, clock);
  const query = `from=${DAY}&to=${DAY}`;
  const report = await api(app, session, query);
  const page = (await get(app, session, `/reports?${query}`)).body;

  for (const table of ["departments", "agents", "days", "hours", "waits"]) {
    const response = await get(app, session, `/reports/export.csv?${query}&table=${table}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers["content-type"], "text/csv; charset=utf-8; header=present");
    assert.equal(response.headers["content-disposition"], `attachment; filename="report-${table}-${DAY}_${DAY}.csv"`);
    assert.ok(response.body.endsWith("\r\n"));
    const [header, ...rows] = parseCsv(response.body);
    // The page's table: each row's data-value cells, in order.
    const section = new RegExp(`<table data-table="${table}" aria-labelledby="table-${table}">([\\s\\S]*?)</table>`).exec(page)?.[1] ?? "";
    const pageHeaders = [...section.matchAll(/<th scope="col"[^>]*>([^<]*)(?: <small>\(([^)]*)\)<\/small>)?<\/th>/g)].map((m) => (m[2] ? `${m[1]} (${m[2]})` : m[1]));
    assert.deepEqual(header, pageHeaders, `${table}: the CSV's header is the page's`);
    const pageRows = [...section.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((m) => [...(m[1] ?? "").matchAll(/data-value="([^"]*)"/g)].map((v) => v[1]));
    assert.deepEqual(rows, pageRows, `${table}: the CSV's rows are the page's`);
  }

  const departments = parseCsv((await get(app, session, `/reports/export.csv?${query}&table=departments`)).body);
  const [header = [], ...rows] = departments;
  const column = (name: string) => header.indexOf(name);
  const sales = rows.find((r) => r[0] === "Sales") ?? [];
  assert.deepEqual(
    [sales[column("Offered")], sales[column("Service level (%)")], sales[column("ASA (s)")], sales[column("Abandonment rate (%)")], sales[column("Average wait (s)")], sales[column("Longest wait (s)")]],
    ["9", "57.1", "18.8", "28.6", "15.4", "40"],
  );
  const faults = rows.find((r) => r[0] === "Faults") ?? [];
  assert.deepEqual([faults[column("Service level (%)")], faults[column("Survey average")]], ["", ""], "no figure is an empty cell");
  const totalRow = rows.at(-1) ?? [];
  assert.equal(totalRow[0], "All departments");
  assert.equal(totalRow[column("Service level (%)")], report.total.serviceLevel.toFixed(1));
  assert.equal(totalRow[column("ASA (s)")], report.total.averageSpeedOfAnswer.toFixed(1));
  const agents = parseCsv((await get(app, session, `/reports/export.csv?${query}&table=agents`)).body);
  const ava = agents.find((r) => r[1] === "ava");
  assert.deepEqual(ava, ["Ava Nguyen", "ava", "4", "89.5", "22.0", "71.6", "1", "1", "3.00", "2"]);
  const days = parseCsv((await get(app, session, `/reports/export.csv?${query}&table=days`)).body);
  assert.deepEqual(days[1]?.slice(0, 3), [DAY, "24", "14"]);
  const filtered = await get(app, session, `/reports/export.csv?${query}&table=hours&department=billing`);
  assert.equal(filtered.headers["content-disposition"], `attachment; filename="report-hours-${DAY}_${DAY}-billing.csv"`);
  assert.equal(parseCsv(filtered.body)[13]?.[1], "5", "Billing's 5 visits in 12:00–13:00");
});

test("the page: range picker with presets, department filter, charts with text alternatives, tables and definitions", async (t) => {
  const { app, db, clock, session } = await setUp(t);
  await seedKnownDay(app, db, clock);
  const page = (await get(app, session, `/reports?from=2026-11-20&to=${DAY}`)).body;
  assert.match(page, /<title>Report for 2026-11-20 to 2026-11-24 · Bluegum Energy<\/title>/);
  assert.match(page, /<a href="\/reports" aria-current="page">Reports<\/a>/);
  assert.match(page, /<link rel="stylesheet" href="\/dashboard\/assets\/reports.css">/);
  assert.match(page, /<input type="date" name="from" value="2026-11-20" required>/);
  assert.match(page, /<option value="billing">Billing<\/option>/);
  assert.match(page, /<a href="\/reports\?from=2026-11-18&amp;to=2026-11-24">Last 7 days<\/a>/);
  assert.match(page, /<a href="\/reports\?from=2026-11-01&amp;to=2026-11-24">This month<\/a>/);
  assert.match(page, /<a href="\/reports\?from=2026-11-24&amp;to=2026-11-24">Today<\/a>/);
  for (const chart of ["calls-chart", "service-level-chart", "hours-chart", "waits-chart"]) {
    assert.match(page, new RegExp(`<figure class="report-chart" data-chart="${chart}"><svg [^>]*role="img" aria-labelledby="${chart}-title ${chart}-desc"`));
  }
  assert.match(page, /<title id="calls-chart-title">Calls per day<\/title><desc id="calls-chart-desc">14 offered and 8 answered over 5 intervals; the busiest, 11-24, had 14 offered.<\/desc>/);
  assert.match(page, /<rect data-series="offered" data-value="14"[^>]*><title>11-24: 14 offered<\/title><\/rect>/);
  assert.match(page, /<circle data-value="63.6"[^>]*><title>11-24: 63.6 %<\/title><\/circle>/);
  assert.match(page, /<strong>Service level<\/strong> = answered within the department's threshold ÷ \(answered \+ abandoned after 5 s\) × 100/);
  assert.match(page, /<strong>Occupancy<\/strong> = time on calls and in wrap-up ÷ time signed in and not on break/);
  assert.match(page, /<th scope="row" data-value="Sales">Sales<\/th><td data-value="20">20 s<\/td><td data-value="">—<\/td><td data-value="9">9<\/td>/);
  // Billing's line has the wallboard's 80 % target (the flow's thresholds.serviceLevelBelow); its 75 % is marked, in words too.
  assert.match(page, /<th scope="row" data-value="Billing">Billing<\/th><td data-value="20">20 s<\/td><td data-value="80.0">80.0 %<\/td>/);
  assert.match(page, /<td data-value="75.0" class="below-target" title="below the 80 % target">75.0 %<span class="visually-hidden"> \(below the 80 % target\)<\/span><\/td>/);
  assert.match(page, /The dashed line is the usual target, 80 %./);
  assert.match((await get(app, session, `/reports?from=${DAY}&to=${DAY}&department=billing`)).body, /The dashed line is Billing&#39;s target, 80 %./);
  assert.match(page, /<td data-value="57.1">57.1 %<\/td>/);
  assert.doesNotMatch(page, /style=|<script>/, "no inline style or script (CSP)");
  // One day: the charts are per hour.
  const oneDay = (await get(app, session, `/reports?from=${DAY}&to=${DAY}`)).body;
  assert.match(oneDay, /<title id="calls-chart-title">Calls per hour<\/title>/);
  assert.doesNotMatch(oneDay, /data-chart="hours-chart"/);
  // Without dates: today.
  assert.match((await get(app, session, "/reports")).body, /<title>Report for 2026-11-24 · /);
});

test("bad ranges and departments are a 400 that says why; without a session, the sign-in page or 401; an agent cannot open reports, a supervisor can", async (t) => {
  const { app, session } = await setUp(t);
  const bad = async (query: string, message: RegExp) => {
    for (const path of ["/api/reports", "/reports", "/reports/export.csv"]) {
      const response = await get(app, session, `${path}?${query}${path.endsWith(".csv") && !query.includes("table=") ? "&table=days" : ""}`);
      assert.equal(response.statusCode, 400, `${path}?${query}: ${response.body}`);
      assert.match(response.body, message);
    }
  };
  await bad("from=2026-13-01&to=2026-12-01", /from: must be a date, YYYY-MM-DD/);
  await bad("from=2026-02-30&to=2026-03-01", /from: must be a date, YYYY-MM-DD/);
  await bad("from=yesterday", /from: must be a date/);
  await bad("from=2026-11-24&to=2026-11-23", /from \(2026-11-24\) is after to \(2026-11-23\)/);
  await bad("from=2025-11-23&to=2026-11-24", /the range is 367 days long: a report covers at most 366 days/);
  await bad("from=2026-11-24&to=2026-11-24&department=nowhere", /department: nowhere is not a department of the flow \(billing, faults, sales\)/);
  await bad("from=2026-11-24&to=2026-11-24&colour=red", /Unrecognized key/);
  // The page gives the picker back, with the values given and the reason.
  const problem = await get(app, session, "/reports?from=2026-11-24&to=2026-11-23&department=sales");
  assert.equal(problem.statusCode, 400);
  assert.match(problem.body, /<p class="notice error" role="alert">That range cannot be reported: from \(2026-11-24\) is after to \(2026-11-23\): the range must start on or before its end<\/p>/);
  assert.match(problem.body, /<input type="date" name="from" value="2026-11-24" required>[\s\S]*<option value="sales" selected>Sales<\/option>/);
  assert.equal((await get(app, session, "/reports/export.csv?from=2026-11-24&to=2026-11-24&table=calls")).statusCode, 400);
  assert.equal((await get(app, session, "/reports/export.csv?from=2026-11-24&to=2026-11-24")).statusCode, 400, "the table is required");
  assert.equal((await get(app, session, "/api/reports?from=2025-11-24&to=2026-11-24")).statusCode, 200, "366 days (a leap year's worth) is allowed");

  const page = await get(app, undefined, "/reports?from=2026-11-24");
  assert.deepEqual([page.statusCode, page.headers.location], [303, "/login?next=%2Freports%3Ffrom%3D2026-11-24"]);
  assert.equal((await get(app, undefined, "/reports/export.csv?table=days")).statusCode, 303);
  const json = await get(app, undefined, "/api/reports");
  assert.equal(json.statusCode, 401);

  await app.repositories.agents.setPasswordHash("ava", await hashPassword("ava's long password", { N: 1024, r: 8, p: 1 }));
  const signedIn = await postForm(app, undefined, "/login", { user: "ava", password: "ava's long password" });
  assert.equal(signedIn.statusCode, 303, signedIn.body);
  const agent = { cookie: String(signedIn.headers["set-cookie"]).split(";")[0] ?? "", csrf: "" };
  const agentPage = await get(app, agent, "/reports");
  assert.deepEqual([agentPage.statusCode, agentPage.headers.location], [303, "/desk"]);
  assert.equal((await get(app, agent, "/api/reports")).statusCode, 403);
  assert.equal((await get(app, agent, "/reports/export.csv?table=agents")).statusCode, 303);

  // A supervisor's account may: reports are for supervisors and the owner.
  await app.repositories.accounts.create({ id: "sam", name: "Sam Lee", role: "supervisor" }, await hashPassword("sam's long password", { N: 1024, r: 8, p: 1 }), new Date());
  const sam = await signIn(app, "sam's long password", "sam");
  for (const path of ["/reports", "/api/reports", "/reports/export.csv?table=agents"]) assert.equal((await get(app, sam, path)).statusCode, 200, path);
  assert.match((await get(app, sam, "/reports")).body, /<a href="\/reports" aria-current="page">Reports<\/a>/);
});

test("an agent's occupancy is clipped to the range; a call accepted before midnight counts on its day with its whole talk and wrap-up", async (t) => {
  const { app, db, clock } = await setUp(t);
  const { queue, agents } = app.repositories;
  const to = (iso: string) => clock.advance((Date.parse(iso) - clock.now().getTime()) / 1000);
  to("2026-11-24T12:50:00Z"); // 23:50 in Sydney
  await agents.choose("ava", "available", null, clock.now());
  to("2026-11-24T12:58:00Z");
  const callSid = await new CallDriver(app, clock).call("+61491570601");
  await queue.enqueue({ callSid, department: "billing", number: "+61491570601", enqueuedAt: clock.now() });
  const [offer] = await db.transaction((tx) => queue.with(tx).dispatch(clock.now()));
  assert.ok(offer);
  to("2026-11-24T12:58:10Z");
  await queue.offerCalling(offer.offer.id, "CA00000000000000000000000000009f01");
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(offer.offer.id, clock.now())));
  to("2026-11-24T13:01:10Z"); // 00:01:10 on the 25th: 180 s of talk
  await queue.agentCallEnded("CA00000000000000000000000000009f01", clock.now(), 30);
  to("2026-11-24T13:10:00Z");
  await db.transaction((tx) => queue.with(tx).dispatch(clock.now())); // records the wrap-up's end, at 00:01:40
  await agents.choose("ava", "offline", null, clock.now());
  to("2026-11-25T01:00:00Z");
  const session = await signIn(app);
  const ava = async (day: string) => (await api(app, session, `from=${day}&to=${day}`)).agents.find((a: { agentId: string }) => a.agentId === "ava");
  const first = await ava("2026-11-24");
  assert.deepEqual([first.handled, first.averageHandleTime, first.averageWrapUp], [1, 210, 30]);
  close(first.occupancy, (110 / 600) * 100, "23:50–24:00: on the call from 23:58:10");
  const second = await ava("2026-11-25");
  assert.deepEqual([second.handled, second.averageHandleTime], [0, null]);
  close(second.occupancy, (100 / 600) * 100, "00:00–00:10: talk to 00:01:10, wrap-up to 00:01:40");
  const range = (await api(app, session, "from=2026-11-24&to=2026-11-25")).agents.find((a: { agentId: string }) => a.agentId === "ava");
  close(range.occupancy, (210 / 1200) * 100, "the whole stretch");
});
