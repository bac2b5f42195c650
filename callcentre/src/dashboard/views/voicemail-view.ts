// Voicemail: new and handled messages with a player and the transcription, mark handled, call back;
// and the callers who asked to be called back.
import { html, type Html } from "../html.js";
import { duration, localDateTime } from "../format.js";
import type { VoicemailRow } from "../../repositories/recordings-repository.js";
import type { CallbackRequestRow } from "../../repositories/callbacks-repository.js";
import { audio } from "./calls-view.js";
import { actionForm, page, type PageContext } from "./layout.js";

export function voicemailPage(
  ctx: PageContext,
  data: { handled: boolean; voicemails: VoicemailRow[]; callbacks: CallbackRequestRow[]; zone: string },
): Html {
  const { zone } = data;
  const back = data.handled ? "/voicemail?status=handled" : "/voicemail";
  return page(ctx, {
    title: "Voicemail",
    active: "/voicemail",
    scripts: ["/dashboard/assets/player.js"],
    body: html`<nav class="tabs" aria-label="Voicemail">
<a href="/voicemail"${data.handled ? "" : html` aria-current="page"`}>New</a>
<a href="/voicemail?status=handled"${data.handled ? html` aria-current="page"` : ""}>Handled</a>
</nav>
${data.voicemails.length === 0 ? html`<p class="empty">No ${data.handled ? "handled" : "new"} voicemail.</p>` : ""}
${data.voicemails.map(
  (v) => html`<article class="voicemail card" data-recording="${v.sid}">
<header><strong>${v.from}</strong> · ${localDateTime(v.callStartedAt, zone)} · ${duration(v.durationSeconds)}${v.department ? ` · ${v.department}` : ""}
 · <a href="/calls/${v.callSid}">call</a></header>
${audio(v.sid)}
<blockquote class="transcription">${v.transcriptionText ?? (v.transcriptionStatus === "failed" ? "Transcription failed." : "No transcription yet.")}</blockquote>
<footer>
${v.handledAt ? actionForm(ctx, `/api/voicemails/${v.sid}/handled`, back, "Mark as new", { handled: "false" }, "secondary") : actionForm(ctx, `/api/voicemails/${v.sid}/handled`, back, "Mark handled", { handled: "true" })}
${actionForm(ctx, `/api/voicemails/${v.sid}/call-back`, back, "Call back", {}, "secondary")}
${v.calledBackAt ? html`<span class="hint">Called back ${localDateTime(v.calledBackAt, zone)}</span>` : ""}
</footer>
</article>`,
)}
<h2>Callback requests</h2>
${data.callbacks.length === 0 ? html`<p class="empty">Nobody is waiting for a call back.</p>` : ""}
<ul class="plain">${data.callbacks.map(
      (c) => html`<li class="card"><strong>${c.number}</strong> · ${localDateTime(c.requestedAt, zone)}${c.department ? ` · ${c.department}` : ""}
 · <a href="/calls/${c.callSid}">call</a> ${actionForm(ctx, `/api/callbacks/${c.callSid}/call-back`, back, "Call back")}</li>`,
    )}</ul>`,
  });
}
