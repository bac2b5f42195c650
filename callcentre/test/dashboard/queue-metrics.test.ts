import { test } from "node:test";
import assert from "node:assert/strict";
import { queueMetrics, metricsByDepartment, type QueueVisit } from "../../src/dashboard/queue-metrics.js";
import { localDayRange } from "../../src/dashboard/format.js";
import { escapeHtml, html, raw } from "../../src/dashboard/html.js";

const T0 = new Date("2026-11-24T01:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const answered = (wait: number, department = "Sales"): QueueVisit => ({ department, startedAt: T0, answeredAt: at(wait), endedAt: at(wait + 60), result: "answered" });
const abandoned = (wait: number, department = "Sales"): QueueVisit => ({ department, startedAt: T0, answeredAt: null, endedAt: at(wait), result: "abandoned" });

test("the worked example of docs/callcentre-domain.md §1.2 gives its figures", () => {
  const visits = [3, 12, 19, 20, 40].map((w) => answered(w)).concat([2, 5, 8, 30].map((w) => abandoned(w)));
  const m = queueMetrics(visits, at(3600));
  assert.equal(m.offered, 9);
  assert.equal(m.answered, 5);
  assert.equal(m.answeredWithinTarget, 4, "a wait of exactly 20 s is within 20 s");
  assert.equal(m.shortAbandoned, 2, "a wait of exactly 5 s is a short abandon");
  assert.equal(m.abandoned, 2);
  assert.equal(m.serviceLevel?.toFixed(1), "57.1");
  assert.equal(m.abandonmentRate?.toFixed(1), "28.6");
  assert.equal(m.averageSpeedOfAnswer, 18.8);
  assert.equal(m.averageAbandonTime, 19);
  assert.equal(m.longestWait, 40);
});

test("no answered or abandoned calls: the rates are empty (—), not 0 % or 100 %", () => {
  const deflected: QueueVisit = { department: "Sales", startedAt: T0, answeredAt: null, endedAt: at(25), result: "deflected" };
  const m = queueMetrics([deflected, abandoned(3)], at(100));
  assert.deepEqual([m.serviceLevel, m.abandonmentRate, m.averageSpeedOfAnswer], [null, null, null]);
  assert.equal(m.deflected, 1);
  assert.equal(m.shortAbandoned, 1);
});

test("a caller still waiting counts in the longest wait, up to now", () => {
  const waiting: QueueVisit = { department: "Faults", startedAt: T0, answeredAt: null, endedAt: null, result: null };
  const m = queueMetrics([waiting, answered(10)], at(95));
  assert.equal(m.waiting, 1);
  assert.equal(m.longestWait, 95);
  assert.deepEqual(
    metricsByDepartment([waiting, answered(10)], at(95)).map((d) => [d.department, d.metrics.offered]),
    [["Faults", 1], ["Sales", 1]],
  );
});

test("a local day runs midnight to midnight in the centre's zone, 23 or 25 hours across a DST change", () => {
  const sydney = localDayRange("2026-11-24", "Australia/Sydney");
  assert.equal(sydney.from.toISOString(), "2026-11-23T13:00:00.000Z");
  assert.equal(sydney.to.toISOString(), "2026-11-24T13:00:00.000Z");
  const springForward = localDayRange("2026-10-04", "Australia/Sydney");
  assert.equal((springForward.to.getTime() - springForward.from.getTime()) / 3600_000, 23);
  const fallBack = localDayRange("2026-04-05", "Australia/Sydney");
  assert.equal((fallBack.to.getTime() - fallBack.from.getTime()) / 3600_000, 25);
});

test("html escapes every interpolated value except trusted markup", () => {
  const body = `<img src=x onerror="alert('1')">&`;
  assert.equal(html`<p>${body}</p>`.toString(), "<p>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</p>");
  assert.equal(html`<p>${[body, raw("<b>ok</b>")]}</p>`.toString(), `<p>${escapeHtml(body)}<b>ok</b></p>`);
  assert.equal(html`${undefined}${null}${false}${0}`.toString(), "0");
});
