// The Reports page: a range of local dates and a department, the charts, every table with its CSV
// export, and the definitions with their formulas (docs/dashboard.md, "Reports").
import { html, type Html } from "../html.js";
import { cellDisplay, cellText, hourLabel, reportTable, type Column, type ReportTable } from "../report-tables.js";
import type { Report } from "../reports.js";
import type { ReportDepartment } from "../reports-service.js";
import { callsChart, serviceLevelChart, waitsChart } from "./report-charts.js";
import { page, type PageContext } from "./layout.js";

export interface ReportsPageInput {
  report: Report;
  departments: ReportDepartment[];
  presets: { label: string; from: string; to: string }[];
}

const query = (report: Pick<Report, "from" | "to" | "department">, extra: Record<string, string> = {}) =>
  new URLSearchParams({ from: report.from, to: report.to, ...(report.department ? { department: report.department } : {}), ...extra }).toString();

/** A table of the report, each figure also in data-value (what the CSV holds), with its export link. */
function table(report: Report, name: ReportTable, caption: string): Html {
  const { columns, rows } = reportTable(report, name);
  const cols = columns as Column<unknown>[];
  return html`<section class="report-table" aria-labelledby="table-${name}">
<h2 id="table-${name}">${caption}</h2>
<p class="export"><a href="/reports/export.csv?${query(report, { table: name })}" download>Download CSV</a></p>
<div class="scroll"><table data-table="${name}" aria-labelledby="table-${name}">
<thead><tr>${cols.map((c) => html`<th scope="col"${c.title ? html` title="${c.title}"` : ""}>${c.header}${c.unit ? html` <small>(${c.unit})</small>` : ""}</th>`)}</tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr>${cols.map((c, i) =>
        i === 0
          ? html`<th scope="row" data-value="${cellText(c, row)}">${cellDisplay(c, row)}</th>`
          : flagged(c, row),
      )}</tr>`,
  )}</tbody>
</table></div>
</section>`;
}

/** A cell the page marks (a service level below its target) says why, in its title and in words for screen readers. */
function flagged(column: Column<unknown>, row: unknown): Html {
  const why = column.flag?.(row);
  if (!why) return html`<td data-value="${cellText(column, row)}">${cellDisplay(column, row)}</td>`;
  return html`<td data-value="${cellText(column, row)}" class="below-target" title="${why}">${cellDisplay(column, row)}<span class="visually-hidden"> (${why})</span></td>`;
}

const tile = (key: string, value: string, label: string) =>
  html`<div class="tile"><span class="value" data-metric="${key}">${value}</span><span class="label">${label}</span></div>`;

const pctText = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} %`);
const secText = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} s`);

function definitions(report: Report): Html {
  const short = report.shortAbandonSeconds;
  return html`<section class="formulas" aria-labelledby="definitions"><h2 id="definitions">How these are counted</h2>
<p>Days and hours are local to <strong>${report.timezone}</strong>: a day runs from midnight to midnight there, so a day with a daylight-saving change has 23 or 25 hours, and an hour of the day (02:00–03:00) that happens twice counts both. Only inbound calls count (a call back placed from the dashboard is not queue traffic). A <em>visit</em> is a call reaching a department (joining its line, or its agents' phones ringing); it is counted in the day and hour it started.</p>
<ul>
<li><strong>Offered</strong> = visits. <strong>Answered</strong> = visits an agent answered (accepted). <strong>Abandoned</strong> = visits whose caller hung up after more than ${short} s of waiting; <strong>short abandons</strong> hung up within ${short} s (a wait of exactly ${short} s is short). <strong>Deflected</strong> = visits that left for voicemail, a call back or another department. Short abandons and deflections are in neither rate.</li>
<li><strong>Service level</strong> = answered within the department's threshold ÷ (answered + abandoned after ${short} s) × 100. A wait equal to the threshold is within it. A service level below the department's <strong>target</strong> (the wallboard's limit for its line) is marked.</li>
<li><strong>Abandonment rate</strong> = abandoned after ${short} s ÷ (answered + abandoned after ${short} s) × 100.</li>
<li><strong>ASA</strong> (average speed of answer) = total wait of answered visits ÷ answered visits.</li>
<li><strong>Average wait</strong> = total wait of all visits ÷ offered; <strong>longest wait</strong> = the longest of them. A wait runs from the start of the visit to the answer, the hang-up or leaving the line; a caller still waiting counts up to now.</li>
<li><strong>Call backs requested</strong> = callers who chose a call back in a line, or asked for one in the menu; <strong>completed</strong> = a line's call back whose conversation took place, or a request called back from the dashboard.</li>
<li><strong>Voicemails</strong> = messages left on calls that started in the range. <strong>Survey average</strong> = mean score (1 to 5) of the surveys given in the range, with their number.</li>
<li><strong>Waits distribution</strong>: every visit's wait in bins (upper bound included: a wait of 20 s is in 10–20 s).</li>
</ul>
<p>Per agent (agents of the queue departments):</p>
<ul>
<li><strong>Calls handled</strong> = calls the agent accepted in the range (a caller, a call back, or a colleague's consultation in a warm transfer).</li>
<li><strong>Average handle time</strong> = (talk + hold + wrap-up) ÷ handled calls whose conversation has ended. Talk and hold run from the acceptance to the end of the agent's call; wrap-up is the wrap-up that follows, counted whole.</li>
<li><strong>Average wrap-up</strong> = total wrap-up ÷ the same calls.</li>
<li><strong>Occupancy</strong> = time on calls and in wrap-up ÷ time signed in and not on break (available, ringing, on a call, wrap-up) × 100, within the range.</li>
<li><strong>Missed offers</strong> = offers (and consultations) the agent did not answer or declined. <strong>Transfers made</strong> = cold transfers and completed warm transfers. <strong>Survey average</strong> = the mean score of the agent's calls.</li>
<li>With a department chosen, the call figures are that department's; occupancy is the agent's whole time.</li>
</ul>
<p>A rate or average with nothing to divide by shows "—" (an empty cell in the CSV), never 0 % or 100 %.</p>
</section>`;
}

/** The range picker: two local dates, a department, and the presets. */
function picker(chosen: Pick<Report, "from" | "to" | "department">, departments: ReportDepartment[], presets: ReportsPageInput["presets"]): Html {
  return html`<form method="get" action="/reports" class="filters report-range">
<label>From <input type="date" name="from" value="${chosen.from}" required></label>
<label>To <input type="date" name="to" value="${chosen.to}" required></label>
<label>Department <select name="department"><option value="">All departments</option>${departments.map(
    (d) => html`<option value="${d.id}"${d.id === chosen.department ? html` selected` : ""}>${d.name}</option>`,
  )}</select></label>
<button type="submit">Show</button>
</form>
<nav class="presets" aria-label="Ranges">${presets.map(
    (p) =>
      html`<a href="/reports?${query({ from: p.from, to: p.to, department: chosen.department })}"${p.from === chosen.from && p.to === chosen.to ? html` aria-current="true"` : ""}>${p.label}</a>`,
  )}</nav>`;
}

/** A range that cannot be reported: the picker again, with the values given and the reason. */
export function reportsProblemPage(ctx: PageContext, input: Omit<ReportsPageInput, "report"> & { asked: { from: string; to: string; department: string | null }; problem: string }): Html {
  return page(ctx, {
    title: "Reports",
    active: "/reports",
    styles: ["/dashboard/assets/reports.css"],
    body: html`<p class="notice error" role="alert">That range cannot be reported: ${input.problem}</p>
${picker(input.asked, input.departments, input.presets)}`,
  });
}

export function reportsPage(ctx: PageContext, input: ReportsPageInput): Html {
  const { report, departments, presets } = input;
  const t = report.total;
  const oneDay = report.days.length === 1;
  const intervals = oneDay
    ? report.hours.map((h) => ({ label: hourLabel(h.hour).slice(0, 5), figures: h.figures }))
    : report.days.map((d) => ({ label: d.day.slice(5), figures: d.figures }));
  const chosen = departments.find((d) => d.id === report.department);
  const target = chosen?.serviceLevelTarget ? { percent: chosen.serviceLevelTarget, name: `${chosen.name}'s target` } : { percent: 80, name: "the usual target" };
  const title = report.from === report.to ? `Report for ${report.from}` : `Report for ${report.from} to ${report.to}`;
  return page(ctx, {
    title,
    active: "/reports",
    styles: ["/dashboard/assets/reports.css"],
    body: html`${picker(report, departments, presets)}
<p class="hint">${report.department ? departments.find((d) => d.id === report.department)?.name : "All departments"} · ${report.days.length} ${report.days.length === 1 ? "day" : "days"} · times in ${report.timezone} · <a href="/api/reports?${query(report)}">JSON</a></p>
<section class="tiles" aria-label="Totals">
${tile("offered", String(t.offered), "offered")}
${tile("answered", String(t.answered), "answered")}
${tile("service-level", pctText(t.serviceLevel), "service level")}
${tile("asa", secText(t.averageSpeedOfAnswer), "average speed of answer")}
${tile("abandonment-rate", pctText(t.abandonmentRate), "abandonment rate")}
${tile("longest-wait", `${t.longestWait.toFixed(0)} s`, "longest wait")}
</section>
<div class="charts">
${callsChart("calls-chart", oneDay ? "Calls per hour" : "Calls per day", intervals.map((i) => ({ label: i.label, offered: i.figures.offered, answered: i.figures.answered })))}
${serviceLevelChart("service-level-chart", oneDay ? "Service level per hour" : "Service level per day", intervals.map((i) => ({ label: i.label, value: i.figures.serviceLevel })), target.percent, target.name)}
${oneDay ? "" : callsChart("hours-chart", "Calls per hour of the day, whole range", report.hours.map((h) => ({ label: hourLabel(h.hour).slice(0, 2), offered: h.figures.offered, answered: h.figures.answered })))}
${waitsChart("waits-chart", "Waits distribution", report.waits)}
</div>
${table(report, "departments", "By department")}
${table(report, "agents", "By agent")}
${table(report, "days", "By day")}
${table(report, "hours", "By hour of the day")}
${table(report, "waits", "Waits distribution")}
${definitions(report)}`,
  });
}

