// The Reports tables' CSV (report-tables.ts), pure: RFC 4180 quoting, a header naming each unit,
// formula injection defused, and the page's text and the CSV's from one definition.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cellDisplay, cellText, csvField, safeCell, toCsv, type Column } from "../../src/dashboard/report-tables.js";
import { buildReport, rangeProblem } from "../../src/dashboard/reports.js";
import { niceMax } from "../../src/dashboard/views/report-charts.js";
import { parseCsv } from "./csv.js";

interface Row {
  name: string;
  rate: number | null;
}
const columns: Column<Row>[] = [
  { header: "Name", value: (r) => r.name },
  { header: "Rate", unit: "%", decimals: 1, value: (r) => r.rate },
];

test("CSV: a header row, RFC 4180 quoting, CRLF lines, and cells that would run as formulas made text", () => {
  const rows: Row[] = [
    { name: "Plain", rate: 57.14285 },
    { name: 'Say "hi", then\r\nleave', rate: null },
    { name: "=HYPERLINK(\"http://x\")", rate: 0 },
    { name: "+61491570001", rate: 100 },
    { name: "-2", rate: 1 },
    { name: "@SUM(A1)", rate: 1 },
    { name: "\tTab", rate: 1 },
  ];
  const csv = toCsv(columns as Column<never>[], rows);
  assert.equal(
    csv,
    'Name,Rate (%)\r\nPlain,57.1\r\n"Say ""hi"", then\r\nleave",\r\n"\'=HYPERLINK(""http://x"")",0.0\r\n\'+61491570001,100.0\r\n\'-2,1.0\r\n\'@SUM(A1),1.0\r\n\'\tTab,1.0\r\n',
  );
  assert.deepEqual(parseCsv(csv), [
    ["Name", "Rate (%)"],
    ["Plain", "57.1"],
    ['Say "hi", then\r\nleave', ""],
    ['\'=HYPERLINK("http://x")', "0.0"],
    ["'+61491570001", "100.0"],
    ["'-2", "1.0"],
    ["'@SUM(A1)", "1.0"],
    ["'\tTab", "1.0"],
  ]);
  assert.equal(safeCell("Sales"), "Sales");
  assert.equal(csvField("a,b"), '"a,b"');
});

test("a cell's page text is the CSV's text with its unit, or — for no figure", () => {
  const row = { name: "x", rate: 28.5714 };
  const [, rate] = columns;
  assert.ok(rate);
  assert.equal(cellText(rate, row), "28.6");
  assert.equal(cellDisplay(rate, row), "28.6 %");
  assert.equal(cellText(rate, { name: "x", rate: null }), "");
  assert.equal(cellDisplay(rate, { name: "x", rate: null }), "—");
});

test("ranges: from after to, and longer than 366 days, are refused with the reason", () => {
  assert.equal(rangeProblem("2026-11-24", "2026-11-24"), undefined);
  assert.equal(rangeProblem("2024-01-01", "2024-12-31"), undefined, "a leap year is 366 days");
  assert.match(rangeProblem("2024-01-01", "2025-01-01") ?? "", /367 days long/);
  assert.match(rangeProblem("2026-11-25", "2026-11-24") ?? "", /is after to/);
});

test("charts: the y axis tops at 1, 2 or 5 times a power of ten", () => {
  assert.deepEqual([0, 1, 3, 7, 14, 20, 99, 101].map(niceMax), [1, 1, 5, 10, 20, 20, 100, 200]);
});

test("buildReport: rows keyed by a department's name go to its id; others get rows of their own; every day of the range is listed", () => {
  const cell = (department: string, count: number, extra = 0) => ({ department, day: "2026-11-24", hour: 9, count, extra });
  const report = buildReport({
    from: "2026-11-23",
    to: "2026-11-24",
    timezone: "Australia/Sydney",
    department: null,
    shortAbandonSeconds: 5,
    defaultServiceLevelSeconds: 20,
    departments: [{ id: "billing", name: "Billing", serviceLevelSeconds: 20, serviceLevelTarget: 80 }],
    visits: [],
    callbacks: [cell("Billing", 2, 1), cell("billing", 1, 1)],
    voicemails: [cell("", 1), cell("Old team", 3)],
    surveys: [cell("billing", 2, 9)],
    waitBins: [],
    agents: [],
    dayHours: () => 24,
  });
  assert.deepEqual(
    report.departments.map((d) => [d.department, d.name, d.figures.callbacksRequested, d.figures.callbacksCompleted, d.figures.voicemails, d.figures.surveyAverage]),
    [
      ["billing", "Billing", 3, 2, 0, 4.5],
      ["", "(no department)", 0, 0, 1, null],
      ["Old team", "Old team", 0, 0, 3, null],
    ],
  );
  assert.deepEqual([report.total.voicemails, report.total.callbacksRequested], [4, 3]);
  assert.deepEqual(report.days.map((d) => [d.day, d.figures.voicemails]), [["2026-11-23", 0], ["2026-11-24", 4]]);
  assert.equal(report.hours[9]?.figures.surveyCount, 2);
  assert.equal(report.total.serviceLevel, null);
});
