// Live: calls in progress and callers waiting for a department, with how long each has waited. The
// fragment is rendered here and swapped in by live.js on every server-sent snapshot; waits tick in
// the browser from data-since, against the server's clock (data-now). "Longest wait now" ticks the
// same way from the longest-waiting caller's start, so it always equals the longest wait listed.
import { html, type Html } from "../html.js";
import { duration, localClock } from "../format.js";
import type { LiveSnapshot } from "../dashboard-service.js";
import { inFlowWords } from "../labels.js";
import { page, type PageContext } from "./layout.js";

const since = (from: string, now: string) => html`<span class="ticker" data-since="${from}">${duration((Date.parse(now) - Date.parse(from)) / 1000)}</span>`;

export function liveFragment(snapshot: LiveSnapshot, zone: string): Html {
  const { now } = snapshot;
  return html`<div data-now="${now}">
<section class="tiles" aria-label="Now">
  <div class="tile"><span class="value" data-metric="active">${snapshot.calls.length}</span><span class="label">calls in progress</span></div>
  <div class="tile"><span class="value" data-metric="waiting">${snapshot.waiting}</span><span class="label">waiting for an agent</span></div>
  <div class="tile"><span class="value" data-metric="longest">${snapshot.longestWaitingSince ? since(snapshot.longestWaitingSince, now) : duration(0)}</span><span class="label">longest wait now</span></div>
</section>
<h2>Queues</h2>
${
  snapshot.queues.length === 0
    ? html`<p class="empty">Nobody is waiting.</p>`
    : snapshot.queues.map(
        (queue) => html`<section class="queue" data-department="${queue.department}">
<h3>${queue.department} <small>${queue.waiting} waiting</small></h3>
<ol>${queue.callers.map((c) => html`<li><a href="/calls/${c.sid}">${c.from}</a> waiting ${since(c.since, now)}</li>`)}</ol>
</section>`,
      )
}
<h2>Calls in progress</h2>
${
  snapshot.calls.length === 0
    ? html`<p class="empty">No calls right now.</p>`
    : html`<div class="scroll"><table class="live-calls">
<thead><tr><th>Caller</th><th>Started</th><th>State</th><th>Department</th><th>Step</th><th>Waited</th></tr></thead>
<tbody>${snapshot.calls.map(
        (call) => html`<tr data-call="${call.sid}">
<td><a href="/calls/${call.sid}">${call.customer}</a></td>
<td>${localClock(new Date(call.startedAt), zone)}</td>
<td><span class="state ${call.state}">${call.state === "in-flow" ? inFlowWords(call.status) : call.state === "talking" ? `talking${call.agent ? ` to ${call.agent}` : ""}` : "waiting"}</span></td>
<td>${call.department ?? "—"}</td>
<td>${call.stepText ?? "—"}</td>
<td>${call.waitingSince ? since(call.waitingSince, now) : "—"}</td>
</tr>`,
      )}</tbody></table></div>`
}
</div>`;
}

export function livePage(ctx: PageContext, snapshot: LiveSnapshot, zone: string): Html {
  return page(ctx, {
    title: "Live",
    active: "/",
    body: html`<p class="hint">Updates as calls change. Times in ${zone}.</p>
<div id="live" data-live-fragment="/live/fragment" aria-live="polite">${liveFragment(snapshot, zone)}</div>`,
    scripts: ["/dashboard/assets/live.js"],
  });
}
