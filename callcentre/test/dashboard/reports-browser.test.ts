// The Reports page in Chromium (playwright-core, Debian's chromium): a week with calls, its charts
// drawn (bars and points where the figures say), a table's CSV downloaded from the page and compared
// with the table, no CSP violation, and the page at desktop, TV and phone sizes. Screenshots are kept
// in test-artifacts/reports/.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chromiumPath } from "@callcentre/testkit";
import { DASHBOARD_PASSWORD, testApp } from "../helpers.js";
import { CallDriver, HandClock } from "./call-driver.js";
import { parseCsv } from "./csv.js";
import { seedKnownDay } from "./report-seed.js";

const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/reports/", import.meta.url));
const WAIT = { timeout: 15_000 };
const SIZES = [
  { name: "desktop", width: 1366, height: 768 },
  { name: "tv", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

test("the Reports page draws its charts, downloads a table's CSV with the table's figures, and fits a desktop, a TV and a phone", async (t) => {
  const clock = new HandClock();
  const { app, db } = await testApp(t, { clock: clock.now });
  const driver = new CallDriver(app, clock);
  // The days before: a few Sales calls each morning at 09:00 in Sydney (22:00 UTC the day before).
  const start = clock.now().getTime();
  for (const [daysBack, waits] of [
    [4, [5, 25, -12]],
    [3, [8, 14, 33, 61, -40]],
    [2, [2, 19, -3]],
    [1, [9, 11, 45, 130, -7, -90]],
  ] as const) {
    clock.advance((start - daysBack * 86_400_000 - 3 * 3600_000 - clock.now().getTime()) / 1000);
    for (const wait of waits) await (wait > 0 ? driver.answeredAfter(wait) : driver.abandonedAfter(-wait));
  }
  clock.advance((start - clock.now().getTime()) / 1000);
  await seedKnownDay(app, db, clock);

  await app.listen({ port: 0, host: "127.0.0.1" });
  // localhost is a secure context: the session cookie (Secure, as the public URL is https) is kept.
  const origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: SIZES[0], acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });

  await page.goto(`${origin}/reports?from=2026-11-18&to=2026-11-24`);
  await page.getByLabel("Password").fill(DASHBOARD_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Report for 2026-11-18 to 2026-11-24" }).waitFor(WAIT);

  // The charts: images with their names, drawn at a real size, with a bar or point per figure.
  for (const name of ["Calls per day", "Service level per day", "Calls per hour of the day, whole range", "Waits distribution"]) {
    const chart = page.getByRole("img", { name });
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 100, `${name} is drawn (${JSON.stringify(box)})`);
  }
  const calls = page.locator('[data-chart="calls-chart"]');
  const offered = await calls.locator('rect[data-series="offered"]').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("data-value"))));
  assert.deepEqual(offered, [0, 0, 3, 5, 3, 6, 14], "a pair of bars per day, Tuesday's 14 visits last");
  const tallest = await calls.locator('rect[data-series="offered"][data-value="14"]').boundingBox();
  const smaller = await calls.locator('rect[data-series="offered"][data-value="3"]').first().boundingBox();
  assert.ok(tallest && smaller && tallest.height > smaller.height * 4, "bars are drawn to scale");
  assert.equal(await page.locator('[data-chart="service-level-chart"] circle').count(), 5, "a point per day with a service level");
  const waitBars = await page.locator('[data-chart="waits-chart"] g.bin').count();
  assert.equal(waitBars, 8);

  // The days table and its CSV, downloaded as a person would.
  const table = page.getByRole("table", { name: "By day" });
  const shown = await table.locator("tbody tr").evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => (cell.textContent ?? "").trim())));
  const header = await table.locator("thead th").evaluateAll((cells) => cells.map((cell) => (cell.textContent ?? "").trim()));
  const downloading = page.waitForEvent("download", WAIT);
  await page.locator('section[aria-labelledby="table-days"]').getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), "report-days-2026-11-18_2026-11-24.csv");
  const file = join(ARTIFACTS, download.suggestedFilename());
  mkdirSync(ARTIFACTS, { recursive: true });
  await download.saveAs(file);
  const [csvHeader, ...csvRows] = parseCsv(readFileSync(file, "utf8"));
  assert.deepEqual(csvHeader, header);
  // The page shows "—" for no figure and a unit after a figure; the CSV, an empty cell and the figure.
  assert.deepEqual(
    csvRows,
    shown.map((row) => row.map((text) => (text === "—" ? "" : text.replace(/ (%|s)$/, "")))),
  );
  assert.deepEqual(csvRows.at(-1)?.slice(0, 3), ["2026-11-24", "24", "14"]);

  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.evaluate("window.scrollTo(0, 0)");
    // A string: the call centre's types have no DOM.
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    assert.ok(overflow <= 0, `the Reports page is ${overflow}px wider than the ${size.name} screen`);
    await page.screenshot({ path: join(ARTIFACTS, `reports-${size.name}.png`), fullPage: size.name !== "tv" });
    await page.locator(".charts").screenshot({ path: join(ARTIFACTS, `reports-charts-${size.name}.png`) });
  }
  await page.goto(`${origin}/reports?from=2026-11-24&to=2026-11-24&department=billing`);
  await page.getByRole("img", { name: "Calls per hour" }).waitFor(WAIT);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: join(ARTIFACTS, "reports-one-day-billing.png"), fullPage: true });
  assert.deepEqual(problems, []);
});
