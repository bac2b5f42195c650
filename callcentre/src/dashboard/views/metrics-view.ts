// Metrics for a day (docs/callcentre-domain.md §1), with the formulas written on the page, a calls-per-hour
// chart drawn as inline SVG, and live refresh for today.
import { html, raw, type Html } from "../html.js";
import { duration, percent, secondsText } from "../format.js";
import type { DayMetrics } from "../dashboard-service.js";
import type { LineMetrics } from "../line-metrics.js";
import { OUTCOME, say } from "../labels.js";
import { SERVICE_LEVEL_SECONDS, SHORT_ABANDON_SECONDS, type QueueMetrics } from "../queue-metrics.js";
import { page, type PageContext } from "./layout.js";

const tile = (key: string, value: string | number, label: string) =>
  html`<div class="tile"><span class="value" data-metric="${key}">${value}</span><span class="label">${label}</span></div>`;

/** Calls per hour as a bar chart: 24 bars, labelled every third hour, each with its count as a title. */
export function hourChart(counts: number[]): Html {
  const max = Math.max(1, ...counts);
  const bar = 20;
  const height = 120;
  const bars = counts
    .map((count, hour) => {
      const h = Math.round((count / max) * height);
      return `<g class="bar"><title>${String(hour).padStart(2, "0")}:00 · ${count} ${count === 1 ? "call" : "calls"}</title><rect x="${hour * bar + 2}" y="${height - h + 4}" width="${bar - 4}" height="${h}" data-hour="${hour}" data-count="${count}"/>${
        count > 0 ? `<text x="${hour * bar + bar / 2}" y="${height - h}" text-anchor="middle">${count}</text>` : ""
      }</g>`;
    })
    .join("");
  const labels = counts
    .map((_, hour) => (hour % 3 === 0 ? `<text x="${hour * bar + bar / 2}" y="${height + 20}" text-anchor="middle">${String(hour).padStart(2, "0")}</text>` : ""))
    .join("");
  // Only numbers go into this markup.
  return raw(
    `<svg class="chart" viewBox="0 0 ${24 * bar} ${height + 26}" role="img" aria-label="Calls per hour"><line x1="0" y1="${height + 4}" x2="${24 * bar}" y2="${height + 4}"/>${bars}${labels}</svg>`,
  );
}

function departmentRow(name: string, m: QueueMetrics): Html {
  return html`<tr><td>${name}</td><td>${m.offered}</td><td>${m.answered}</td><td>${m.abandoned}</td><td>${m.shortAbandoned}</td><td>${m.deflected}</td>
<td>${percent(m.serviceLevel)}</td><td>${percent(m.abandonmentRate)}</td><td>${secondsText(m.averageSpeedOfAnswer)}</td><td>${duration(m.longestWait)}</td></tr>`;
}

function lineRow(department: string, name: string, m: LineMetrics): Html {
  const cb = m.callbacks;
  return html`<tr data-line="${department}"><td>${name}</td><td>${m.offered}</td><td>${m.answered}</td><td>${m.abandoned}</td><td>${m.shortAbandoned}</td><td>${m.deflected}</td>
<td>${percent(m.serviceLevel)}</td><td>${percent(m.abandonmentRate)}</td><td>${secondsText(m.averageSpeedOfAnswer)}</td><td>${m.waiting}</td><td>${duration(m.longestWaitNow)}</td>
<td>${cb.requested} / ${cb.completed} / ${cb.failed}</td><td>${m.survey.averageScore === null ? "—" : m.survey.averageScore.toFixed(2)} (${m.survey.count})</td></tr>`;
}

export function metricsFragment(m: DayMetrics): Html {
  const q = m.queue;
  return html`<section class="tiles" aria-label="Calls">
${tile("calls", m.calls, "calls received")}
${tile("offered", q.offered, "offered to departments")}
${tile("answered", q.answered, "answered")}
${tile("abandoned", q.abandoned, `abandoned (after ${SHORT_ABANDON_SECONDS} s)`)}
${tile("abandonment-rate", percent(q.abandonmentRate), "abandonment rate")}
${tile("service-level", percent(q.serviceLevel), `service level (${SERVICE_LEVEL_SECONDS} s)`)}
${tile("asa", secondsText(q.averageSpeedOfAnswer), "average speed of answer")}
${tile("longest-wait", duration(q.longestWait), "longest wait")}
${tile("waiting", q.waiting, "waiting now")}
${tile("short-abandoned", q.shortAbandoned, `short abandons (≤ ${SHORT_ABANDON_SECONDS} s)`)}
${tile("deflected", q.deflected, "not answered: voicemail or callback")}
${tile("voicemails", m.voicemails, "voicemails")}
${tile("sms-in", m.sms.inbound, "SMS in")}
${tile("sms-out", m.sms.outbound, "SMS out")}
</section>
<h2>Calls per hour</h2>
${hourChart(m.callsPerHour)}
<h2>By department</h2>
<div class="scroll"><table class="departments">
<thead><tr><th>Department</th><th>Offered</th><th>Answered</th><th>Abandoned</th><th>Short</th><th>Not answered</th><th>SL</th><th>Abandon rate</th><th>ASA</th><th>Longest</th></tr></thead>
<tbody>${m.departments.map((d) => departmentRow(d.department, d.metrics))}</tbody>
</table></div>
${m.departments.length === 0 ? html`<p class="empty">No calls reached a department this day.</p>` : ""}
${
  m.lines.length === 0
    ? ""
    : html`<h2>Lines</h2>
<p class="hint">Measured from each queue department's line itself: the callers who joined it this day.</p>
<div class="scroll"><table class="line-metrics">
<thead><tr><th>Line</th><th>Offered</th><th>Answered</th><th>Abandoned in queue</th><th>Short</th><th>Deflected</th><th>SL</th><th>Abandon rate</th><th>ASA</th><th>Waiting</th><th>Longest wait now</th><th>Call backs <small>requested / completed / failed</small></th><th>Survey <small>mean (count)</small></th></tr></thead>
<tbody>${m.lines.map((l) => lineRow(l.department, l.name, l.metrics))}</tbody>
</table></div>`
}
<h2>Outcomes of calls received</h2>
<ul class="plain outcomes">${Object.entries(m.outcomes).map(([outcome, n]) => html`<li data-outcome="${outcome}"><strong>${n}</strong> ${say(OUTCOME, outcome)}</li>`)}</ul>`;
}

export function metricsPage(ctx: PageContext, m: DayMetrics, today: boolean): Html {
  return page(ctx, {
    title: `Metrics for ${m.date}`,
    active: "/metrics",
    body: html`<form method="get" action="/metrics" class="filters">
<label>Day <input type="date" name="date" value="${m.date}" required></label><button type="submit">Show</button>
${today ? html`<span class="hint">Today, live.</span>` : html`<a href="/metrics">Today</a>`}
</form>
<div id="metrics"${today ? html` data-live-fragment="/metrics/fragment?date=${m.date}"` : ""}>${metricsFragment(m)}</div>
<details class="formulas" open>
<summary>How these are counted</summary>
<p>A call is <em>offered</em> when the flow transfers it to a department; its <em>wait</em> runs from the transfer until an agent answers or the caller hangs up. Days run from midnight in ${m.timezone}.</p>
<ul>
<li><strong>Service level</strong> = answered within ${SERVICE_LEVEL_SECONDS} s ÷ (answered + abandoned after ${SHORT_ABANDON_SECONDS} s) × 100</li>
<li><strong>Abandonment rate</strong> = abandoned after ${SHORT_ABANDON_SECONDS} s ÷ (answered + abandoned after ${SHORT_ABANDON_SECONDS} s) × 100</li>
<li><strong>Average speed of answer</strong> = total wait of answered calls ÷ answered calls</li>
<li><strong>Longest wait</strong> = the longest wait of the day, counting callers still waiting</li>
<li>Hang-ups within ${SHORT_ABANDON_SECONDS} s (short abandons) and calls nobody answered (sent to voicemail or a callback offer) are shown but counted in neither rate. With nothing to divide by, a rate shows —.</li>
</ul>
<p><strong>Lines</strong> are measured from the places callers took in each queue department's line, counted on the day their wait began. A caller's <em>wait</em> runs from joining the line (kept through a call back or a transfer to another line) until an agent accepts the call, or the caller hangs up.</p>
<ul>
<li><strong>Offered</strong> = callers who joined the line. A caller sent on because nobody was signed in or the line was full never joined it: that visit is in the department's row above, not here.</li>
<li><strong>Answered</strong> = callers an agent accepted. <strong>Abandoned in queue</strong> = callers who hung up after more than ${SHORT_ABANDON_SECONDS} s while waiting or while an offer rang (<strong>Short</strong>: within ${SHORT_ABANDON_SECONDS} s).</li>
<li><strong>Deflected</strong> = callers who left the line (voicemail, the maximum wait, nobody signed in, another department) or chose a call back; in neither rate.</li>
<li><strong>Service level</strong> = answered within ${SERVICE_LEVEL_SECONDS} s ÷ (answered + abandoned in queue after ${SHORT_ABANDON_SECONDS} s) × 100; <strong>abandonment rate</strong> = abandoned in queue after ${SHORT_ABANDON_SECONDS} s ÷ the same; <strong>ASA</strong> = total wait of answered callers ÷ answered callers.</li>
<li><strong>Waiting</strong> = callers on the phone in the line now; <strong>longest wait now</strong> = the longest wait among them (call backs holding a place are not on the phone and count in neither).</li>
<li><strong>Call backs</strong>: requested = callers who chose one; completed = the customer was called and the conversation took place; failed = the customer did not answer any attempt. The rest are still pending.</li>
<li><strong>Survey</strong> = the mean of the scores (1 to 5) given this day, and how many.</li>
</ul>
</details>`,
    scripts: today ? ["/dashboard/assets/live.js"] : [],
  });
}
