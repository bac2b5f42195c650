// The agent's own pages beside the desk (docs/desk.md, "Your calls and inboxes"): their calls and
// today's figures, the voicemails of their departments and the SMS inbox — read-only: handling,
// replying and calling back stay with supervisors.
import type { MessageRow } from "../../repositories/messages-repository.js";
import type { AgentCallRow, AgentStats } from "../../repositories/agent-work-repository.js";
import type { VoicemailRow } from "../../repositories/recordings-repository.js";
import { duration, localDateTime } from "../format.js";
import { html, type Html } from "../html.js";
import { deskShell, type DeskContext, type DeskNavPath } from "./desk-view.js";

/** A desk page of its own: its title as the heading. */
const historyPage = (ctx: DeskContext, opts: { title: string; active: DeskNavPath; body: Html; scripts?: string[] }): Html =>
  deskShell(ctx, { ...opts, body: html`<h1>${opts.title}</h1>
${opts.body}` });

const score = (value: number | null) => (value === null ? "—" : value.toFixed(1));

export function myCallsPage(ctx: DeskContext, data: { calls: AgentCallRow[]; today: AgentStats; departments: Map<string, string> }): Html {
  const { today } = data;
  return historyPage(ctx, {
    title: "My calls",
    active: "/desk/calls",
    body: html`<section class="tiles" aria-label="Today">
<div class="tile" data-stat="handled"><span class="label">Calls today</span><span class="value">${today.handled}</span></div>
<div class="tile" data-stat="talk"><span class="label">Average talk</span><span class="value">${today.averageTalkSeconds === null ? "—" : duration(today.averageTalkSeconds)}</span></div>
<div class="tile" data-stat="missed"><span class="label">Missed offers</span><span class="value">${today.missedOffers}</span></div>
<div class="tile" data-stat="survey"><span class="label">Survey (${today.surveys})</span><span class="value">${score(today.averageSurveyScore)}</span></div>
</section>
${data.calls.length === 0 ? html`<p class="empty">You have not taken a call yet.</p>` : ""}
<div class="scroll"><table class="my-calls">
<thead><tr><th>Answered</th><th>Caller</th><th>Line</th><th>Talk</th><th>Outcome</th><th>Survey</th></tr></thead>
<tbody>${data.calls.map(
      (c) => html`<tr data-entry="${c.entryId}">
<td>${localDateTime(c.connectedAt, ctx.zone)}</td>
<td>${c.number}${c.city ? html` <small>${c.city}</small>` : ""}</td>
<td>${data.departments.get(c.department) ?? c.department}${c.kind === "callback" ? " (call back)" : ""}</td>
<td>${c.endedAt ? duration(Math.round((c.endedAt.getTime() - c.connectedAt.getTime()) / 1000)) : "on the call"}</td>
<td>${c.disposition ?? c.outcome ?? "—"}</td>
<td>${c.surveyScore ?? "—"}</td>
</tr>`,
    )}</tbody></table></div>`,
  });
}

export function deskVoicemailPage(ctx: DeskContext, data: { voicemails: VoicemailRow[]; departments: string[] }): Html {
  return historyPage(ctx, {
    title: "Voicemail",
    active: "/desk/voicemail",
    scripts: ["/dashboard/assets/player.js"],
    body: html`<p class="hint">Voicemail left for ${data.departments.join(", ") || "no department"}: your departments. A supervisor marks them handled and calls back.</p>
${data.voicemails.length === 0 ? html`<p class="empty">No voicemail for your departments.</p>` : ""}
${data.voicemails.map(
  (v) => html`<article class="voicemail card" data-recording="${v.sid}">
<header><strong>${v.from}</strong> · ${localDateTime(v.callStartedAt, ctx.zone)} · ${duration(v.durationSeconds)}${v.department ? ` · ${v.department}` : ""}${v.handledAt ? " · handled" : " · new"}</header>
<audio controls preload="none" src="/desk/api/recordings/${v.sid}/audio" data-recording="${v.sid}"></audio>
<blockquote class="transcription">${v.transcriptionText ?? (v.transcriptionStatus === "failed" ? "Transcription failed." : "No transcription yet.")}</blockquote>
</article>`,
)}`,
  });
}

export function deskMessagesPage(ctx: DeskContext, data: { inbox: MessageRow[] }): Html {
  return historyPage(ctx, {
    title: "Messages",
    active: "/desk/messages",
    body: html`<p class="hint">Texts for the centre's people (the SMS inbox is one for all departments). A supervisor replies and marks them handled.</p>
${data.inbox.length === 0 ? html`<p class="empty">The inbox is empty.</p>` : ""}
<ul class="plain">${data.inbox.map(
      (m) => html`<li class="card" data-message="${m.id}"><strong>${m.contact}</strong> · ${localDateTime(m.createdAt, ctx.zone)}${m.handledAt ? " · handled" : " · new"}
<blockquote>${m.body}</blockquote></li>`,
    )}</ul>`,
  });
}
