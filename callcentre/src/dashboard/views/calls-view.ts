// Calls: the searchable log, and one call's page with its steps, department visits, recordings
// (voicemails with their transcriptions, conversations with agents) and post-call surveys.
import { html, type Html } from "../html.js";
import { duration, localClock, localDateTime } from "../format.js";
import { CALL_STATUS, CALLBACK_STATUS, DIRECTION, describeStep, OUTCOME, RECORDING_KIND, RECORDING_STATUS, nodeName, say, TRANSFER_RESULT } from "../labels.js";
import type { Flow } from "../../flows/flow-schema.js";
import type { CallEventRow, CallRow } from "../../repositories/calls-repository.js";
import { STORED_CALL_STATUSES } from "../../repositories/calls-repository.js";
import type { RecordingRow } from "../../repositories/recordings-repository.js";
import type { CallbackRequestRow } from "../../repositories/callbacks-repository.js";
import type { CallSurvey } from "../../repositories/surveys-repository.js";
import type { TransferRow } from "../../repositories/transfers-repository.js";
import { CALLS_PAGE_SIZE, type CallLogQuery } from "../dashboard-service.js";
import { page, type PageContext } from "./layout.js";

type CallFilter = CallLogQuery;


function query(filter: CallFilter, pageNumber: number): string {
  const params = new URLSearchParams();
  for (const key of ["from", "to", "number", "status", "department"] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  if (pageNumber > 1) params.set("page", String(pageNumber));
  const text = params.toString();
  return text ? `/calls?${text}` : "/calls";
}

const option = (value: string, selected: string | undefined, label = value) => html`<option value="${value}"${value === selected ? html` selected` : ""}>${label}</option>`;

export function callsPage(ctx: PageContext, data: { calls: CallRow[]; total: number; filter: CallFilter; departments: string[]; zone: string }): Html {
  const { filter, zone } = data;
  const pages = Math.max(1, Math.ceil(data.total / CALLS_PAGE_SIZE));
  return page(ctx, {
    title: "Calls",
    active: "/calls",
    body: html`<form method="get" action="/calls" class="filters" role="search">
  <label>From <input type="date" name="from" value="${filter.from ?? ""}"></label>
  <label>To <input type="date" name="to" value="${filter.to ?? ""}"></label>
  <label>Number <input type="search" name="number" value="${filter.number ?? ""}" placeholder="+61 or part" inputmode="tel"></label>
  <label>Status <select name="status">${option("", filter.status, "any")}${STORED_CALL_STATUSES.map((s) => option(s, filter.status, say(CALL_STATUS, s)))}</select></label>
  <label>Department <select name="department">${option("", filter.department, "any")}${data.departments.map((d) => option(d, filter.department))}</select></label>
  <button type="submit">Search</button>
</form>
<p class="hint">${data.total} ${data.total === 1 ? "call" : "calls"}; dates are days in ${zone}.</p>
<div class="scroll"><table class="calls">
<thead><tr><th>Started</th><th>From</th><th>To</th><th>Status</th><th>Department</th><th>Outcome</th><th>Duration</th></tr></thead>
<tbody>${data.calls.map(
      (call) => html`<tr>
<td><a href="/calls/${call.sid}">${localDateTime(call.startedAt, zone)}</a></td>
<td>${call.from}</td><td>${call.to}</td><td>${say(CALL_STATUS, call.status)}</td><td>${call.department ?? "—"}</td><td>${say(OUTCOME, call.outcome)}</td>
<td>${duration(call.durationSeconds)}</td></tr>`,
    )}</tbody></table></div>
<nav class="pager" aria-label="Pages">
${filter.page > 1 ? html`<a href="${query(filter, filter.page - 1)}" rel="prev">← Newer</a>` : ""}
<span>Page ${filter.page} of ${pages}</span>
${filter.page < pages ? html`<a href="${query(filter, filter.page + 1)}" rel="next">Older →</a>` : ""}
</nav>`,
  });
}

/** A call step in words: "14:03:27 Chose: main menu Billing (key 1)". */
function step(flow: Flow, event: CallEventRow, zone: string): Html {
  const { what, where, details } = describeStep(flow, event);
  return html`<li><time>${localClock(event.occurredAt, zone)}</time> <strong>${what}</strong>${where ? html`: <span class="where">${where}</span>` : ""}${details ? ` · ${details}` : ""}</li>`;
}

export function audio(recordingSid: string): Html {
  return html`<audio controls preload="none" src="/api/recordings/${recordingSid}/audio" data-recording="${recordingSid}"></audio>`;
}

/**
 * A recording on a call's page. A voicemail has its transcription; a conversation with an agent has
 * its status when it is not simply done: "still recording" while the conversation goes on, "paused"
 * while the agent has paused it (a card number being read), "failed" or "no audio" when Twilio says so.
 */
function recording(r: RecordingRow): Html {
  const status = r.status && r.status !== "completed" ? ` · ${say(RECORDING_STATUS, r.status)}` : "";
  return html`<article class="recording" data-recording-kind="${r.kind}" data-recording-status="${r.status}">
<p>${say(RECORDING_KIND, r.kind)} · ${duration(r.durationSeconds)}${r.department ? ` · ${r.department}` : ""}${status}</p>
${audio(r.sid)}
${
  r.kind === "conversation"
    ? ""
    : html`<blockquote class="transcription">${r.transcriptionText ?? (r.transcriptionStatus === "failed" ? "Transcription failed." : "No transcription yet.")}</blockquote>`
}
</article>`;
}

/** A post-call survey: the score, the agent, and the caller's spoken comment with a player. */
function survey(s: CallSurvey, departmentName: string, zone: string): Html {
  return html`<article class="survey" data-survey="${s.entryId}">
<p><strong data-score="${s.score}">${s.score} out of 5</strong> · ${departmentName}${s.agentName ? ` · ${s.agentName}` : ""} · ${localDateTime(s.at, zone)}</p>
${
  s.commentUrl
    ? html`<p>Comment (${duration(s.commentSeconds)}): <a href="/api/surveys/${s.entryId}/comment/audio">open the recording</a></p>
<audio controls preload="none" src="/api/surveys/${s.entryId}/comment/audio" data-recording="survey-${s.entryId}"></audio>`
    : html`<p class="hint">No comment left.</p>`
}
</article>`;
}

export function callPage(
  ctx: PageContext,
  data: {
    call: CallRow;
    events: CallEventRow[];
    transfers: (TransferRow & { waitSeconds: number })[];
    recordings: RecordingRow[];
    callback: CallbackRequestRow | null;
    surveys: CallSurvey[];
    zone: string;
    flow: Flow;
  },
): Html {
  const { call, zone } = data;
  return page(ctx, {
    title: `Call from ${call.from}`,
    active: "/calls",
    scripts: ["/dashboard/assets/player.js"],
    body: html`<dl class="facts">
<dt>Call SID</dt><dd><code>${call.sid}</code></dd>
<dt>From</dt><dd>${call.from}${call.fromCity ? ` (${[call.fromCity, call.fromState, call.fromCountry].filter(Boolean).join(", ")})` : ""}</dd>
<dt>To</dt><dd>${call.to}</dd>
<dt>Direction</dt><dd>${say(DIRECTION, call.direction)}</dd>
<dt>Status</dt><dd>${say(CALL_STATUS, call.status)}</dd>
<dt>Outcome</dt><dd>${say(OUTCOME, call.outcome)}</dd>
<dt>Department</dt><dd>${call.department ?? "—"}</dd>
<dt>Started</dt><dd>${localDateTime(call.startedAt, zone)}</dd>
<dt>Ended</dt><dd>${localDateTime(call.endedAt, zone)}</dd>
<dt>Duration</dt><dd>${duration(call.durationSeconds)}</dd>
</dl>
<h2>Steps <small>${zone}</small></h2>
<ol class="steps">${data.events.map((e) => step(data.flow, e, zone))}</ol>
${
  data.transfers.length > 0
    ? html`<h2>Departments</h2><div class="scroll"><table><thead><tr><th>Department</th><th>Waited</th><th>Result</th><th>Agent</th></tr></thead><tbody>
${data.transfers.map((t) => html`<tr><td>${t.department}</td><td>${duration(t.waitSeconds)}</td><td>${say(TRANSFER_RESULT, t.result ?? (t.answeredAt ? "talking" : "waiting"))}</td><td>${t.agent ?? "—"}</td></tr>`)}
</tbody></table></div>`
    : ""
}
${data.recordings.length > 0 ? html`<h2>Recordings</h2>${data.recordings.map(recording)}` : ""}
${data.surveys.length > 0 ? html`<h2>Survey</h2>${data.surveys.map((s) => survey(s, nodeName(data.flow, s.department), zone))}` : ""}
${data.callback ? html`<h2>Callback request</h2><p>${say(CALLBACK_STATUS, data.callback.status)} · requested ${localDateTime(data.callback.requestedAt, zone)}${data.callback.department ? ` for ${data.callback.department}` : ""}</p>` : ""}`,
  });
}
