// Live: the queue departments' lines and their agents, calls in progress and callers waiting for a
// ring group, with how long each has waited. The fragment is rendered here and swapped in by live.js
// on every server-sent snapshot; waits and times in state tick in the browser from data-since,
// against the server's clock (data-now). "Longest wait now" ticks the same way from the
// longest-waiting caller's start, so it always equals the longest wait listed.
import { html, type Html } from "../html.js";
import { duration, localClock } from "../format.js";
import type { LiveSnapshot } from "../dashboard-service.js";
import { inFlowWords } from "../labels.js";
import { STATE_ORDER, type LiveAgent, type LiveLine } from "../live-lines.js";
import { page, type PageContext } from "./layout.js";
import { monitorControls, softphoneUrl, stateControls, type LiveViewer } from "./live-controls.js";

const since = (from: string, now: string) => html`<span class="ticker" data-since="${from}">${duration((Date.parse(now) - Date.parse(from)) / 1000)}</span>`;

/** "break (lunch)", "busy (offered)": the state, and why when there is a reason. */
const stateBadge = (a: { state: string; reason: string | null }) => html`<span class="state ${a.state}">${a.state}${a.reason ? ` (${a.reason})` : ""}</span>`;

function line(l: LiveLine, now: string): Html {
  const summary = [`${l.waiting} waiting`, ...(l.callbacks > 0 ? [`${l.callbacks} call ${l.callbacks === 1 ? "back" : "backs"}`] : [])].join(" · ");
  return html`<section class="line" data-line="${l.department}">
<h3>${l.name} <small>${summary}</small></h3>
<p class="line-longest">Longest wait now <strong data-metric="line-longest">${l.longestWaitingSince ? since(l.longestWaitingSince, now) : duration(0)}</strong></p>
${
  l.callers.length === 0
    ? html`<p class="empty">Nobody in line.</p>`
    : html`<ol class="line-callers">${l.callers.map(
        (c) => html`<li data-entry="${c.entryId}"><a href="/calls/${c.sid}">${c.from}</a> <span class="wait">${c.kind === "callback" ? "held" : "waiting"} ${since(c.since, now)}</span>${
          c.kind === "callback" ? html` <span class="tag callback">call back</span>` : ""
        }${c.offeredTo ? html` <span class="tag offered">offered to ${c.offeredTo}</span>` : ""}</li>`,
      )}</ol>`
}
<ul class="line-agents plain">${STATE_ORDER.flatMap((state) => {
    const agents = l.agents.filter((a) => a.state === state);
    return agents.length === 0
      ? []
      : [
          html`<li data-state="${state}"><span class="state ${state}">${state} ${agents.length}</span> ${agents.map(
            (a, i) => html`${i > 0 ? ", " : ""}<span class="agent">${a.name}${a.overflow ? " (overflow)" : ""}${a.reason ? ` (${a.reason})` : ""} ${since(a.since, now)}</span>`,
          )}</li>`,
        ];
  })}</ul>
</section>`;
}

function currentCall(a: LiveAgent, now: string): Html {
  if (!a.call) return html`—`;
  const c = a.call;
  return html`${c.ringing ? "ringing: " : ""}<a href="/calls/${c.sid}">${c.department}${c.kind === "callback" ? " call back" : ""} · ${c.customer}</a> since ${since(c.since, now)}`;
}

function agentsTable(agents: LiveAgent[], now: string, viewer: LiveViewer | undefined): Html {
  // One conversation at a time: while the viewer monitors one, the others' buttons wait for Leave.
  const monitoringElsewhere = (call: NonNullable<LiveAgent["call"]>) =>
    viewer !== undefined && !call.monitors.some((m) => m.supervisor === viewer.who) && agents.some((a) => a.call?.monitors.some((m) => m.supervisor === viewer.who));
  return html`<div class="scroll"><table class="live-agents">
<thead><tr><th>Agent</th><th>State</th><th>In state</th><th>Current call</th>${viewer ? html`<th>Supervise</th>` : ""}</tr></thead>
<tbody>${agents.map(
    (a) => html`<tr data-agent="${a.id}">
<td class="name">${a.name}<br><small class="hint">${a.departments.join(", ") || "—"}</small></td>
<td class="state-cell">${stateBadge(a)}</td>
<td class="in-state">${since(a.since, now)}</td>
<td class="current${a.call ? "" : " none"}">${currentCall(a, now)}</td>
${
  viewer
    ? html`<td class="supervise">${a.call && !a.call.ringing ? html`<div data-conversation="${a.call.entryId}">${monitorControls(a.call, viewer, monitoringElsewhere(a.call))}</div>` : ""}<div class="state-controls">${stateControls(a, viewer)}</div></td>`
    : ""
}</tr>`,
  )}</tbody></table></div>`;
}

/** With `viewer` (one who supervises), the controls: monitoring conversations, agents' states. */
export function liveFragment(snapshot: LiveSnapshot, zone: string, viewer?: LiveViewer): Html {
  const { now } = snapshot;
  // A line's callers are shown in its line; the other departments' callers ring their agents.
  const lineNames = new Set(snapshot.lines.map((l) => l.name));
  const ringGroups = snapshot.queues.filter((q) => !lineNames.has(q.department));
  return html`<div data-now="${now}">
<section class="tiles" aria-label="Now">
  <div class="tile"><span class="value" data-metric="active">${snapshot.calls.length}</span><span class="label">calls in progress</span></div>
  <div class="tile"><span class="value" data-metric="waiting">${snapshot.waiting}</span><span class="label">waiting for an agent</span></div>
  <div class="tile"><span class="value" data-metric="longest">${snapshot.longestWaitingSince ? since(snapshot.longestWaitingSince, now) : duration(0)}</span><span class="label">longest wait now</span></div>
</section>
${
  snapshot.lines.length === 0
    ? ""
    : html`<h2>Lines</h2>
<div class="lines">${snapshot.lines.map((l) => line(l, now))}</div>`
}
${snapshot.agents.length === 0 ? "" : html`<h2>Agents</h2>${agentsTable(snapshot.agents, now, viewer)}`}
<h2>${snapshot.lines.length === 0 ? "Queues" : "Other departments"}</h2>
${
  ringGroups.length === 0
    ? html`<p class="empty">Nobody is waiting.</p>`
    : ringGroups.map(
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

export function livePage(ctx: PageContext, snapshot: LiveSnapshot, zone: string, viewer?: LiveViewer): Html {
  return page(ctx, {
    title: "Live",
    active: "/",
    body: html`<p class="hint">Updates as calls change. Times in ${zone}.</p>
${
  viewer
    ? html`<div class="ring-me"><label for="monitor-to">Ring me at</label> <input id="monitor-to" name="to" value="${viewer.ringAt ?? ""}" placeholder="+61491570156 or client:name" autocomplete="tel" inputmode="tel" size="24">
<small class="hint">where your phone rings when you listen, whisper or barge${
        viewer.softphone
          ? html` · <a id="monitor-softphone" href="${softphoneUrl(viewer.softphone, viewer.ringAt)}" data-softphone="${viewer.softphone}" target="_blank" rel="noopener">open the softphone as that phone</a> (local mode)`
          : ""
      }</small> <output id="live-notice" role="status"></output></div>`
    : ""
}
<div id="live" data-live-fragment="/live/fragment" aria-live="polite">${liveFragment(snapshot, zone, viewer)}</div>`,
    scripts: ["/dashboard/assets/live.js"],
  });
}
