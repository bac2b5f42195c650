// The agent's desk (docs/desk.md): their state and the buttons that change it, the call offered to
// them, the call they are on with who is calling, and the wrap-up after it. The panel is rendered here,
// on the page and again for every snapshot the desk's event stream pushes (desk.js swaps it in);
// waits and talk time tick in the browser from data-since, against the server's clock (data-now).
import type { DeskSnapshot } from "../../desk/desk-service.js";
import { BREAK_REASONS } from "../../desk/desk-service.js";
import { DISPOSITIONS } from "../../repositories/desk-repository.js";
import { duration, localClock, localDateTime } from "../format.js";
import { html, type Html } from "../html.js";
import { CALL_STATUS, DIRECTION, OUTCOME, say } from "../labels.js";
import { documentHead } from "./layout.js";

export interface DeskContext {
  company: string;
  csrfToken: string;
  zone: string;
  /**
   * In local mode (the REST API is a Twilio-compatible carrier, not Twilio), the carrier's softphone:
   * the desk links to it as the agent's own handset.
   */
  softphone?: string | undefined;
  /** A notice from the last action (?done=… or ?error=…), already put into words. */
  notice?: { kind: "done" | "error"; text: string } | undefined;
}

/** The desk's pages: the desk itself, and the agent's own beside it (desk-history-view.ts). */
export const DESK_NAV = [
  { path: "/desk", label: "Desk" },
  { path: "/desk/calls", label: "My calls" },
  { path: "/desk/voicemail", label: "Voicemail" },
  { path: "/desk/messages", label: "Messages" },
] as const;

export type DeskNavPath = (typeof DESK_NAV)[number]["path"];

export function deskNav(active: DeskNavPath): Html {
  return html`<nav aria-label="Desk">${DESK_NAV.map((item) => html`<a href="${item.path}"${item.path === active ? html` aria-current="page"` : ""}>${item.label}</a>`)}</nav>`;
}

const NOTICES: Record<string, string> = {
  saved: "Saved.",
  busy: "Not changed: a call is ringing for you or you are on one. Your state follows the call until it ends.",
  "not-in-flow": "Not changed: you are no longer one of the flow's agents.",
  "no-device": "That device is not set up for you.",
  "not-your-call": "That call cannot be wrapped up any more.",
  "not-found": "That item no longer exists.",
  invalid: "That request was not valid.",
  "no-acd": "The call distributor is not running: your state cannot be changed now.",
  "no-call": "Not done: you are not on a call (or the caller has not joined yet).",
  "no-recording": "This call is not being recorded.",
  unavailable: "That agent is not available now.",
  "no-consult": "There is no consultation to complete or end.",
  "unknown-target": "There is no such line or agent to transfer to.",
  twilio: "Twilio refused the change (the caller may not have joined yet): try again.",
};

export function deskNotice(query: { done?: unknown; error?: unknown }): DeskContext["notice"] {
  const pick = (kind: "done" | "error", code: unknown) => (typeof code === "string" && Object.hasOwn(NOTICES, code) ? { kind, text: NOTICES[code] ?? "" } : undefined);
  return pick("error", query.error) ?? pick("done", query.done);
}

const STATE_WORDS: Record<DeskSnapshot["agent"]["state"], string> = {
  offline: "Offline",
  available: "Available",
  busy: "Busy",
  "wrap-up": "Wrap-up",
  break: "On break",
};

const REASON_WORDS: Record<(typeof BREAK_REASONS)[number], string> = { break: "Short break", lunch: "Lunch", training: "Training", meeting: "Meeting" };

/** A break's reason in words: one the agent chose, or the ACD's "missed" (too many offers missed in a row). */
const breakWords = (reason: string | null) =>
  reason === "missed" ? "after missed calls" : reason && Object.hasOwn(REASON_WORDS, reason) ? REASON_WORDS[reason as keyof typeof REASON_WORDS] : reason;

const DISPOSITION_WORDS: Record<(typeof DISPOSITIONS)[number], string> = {
  resolved: "Resolved",
  "follow-up": "Follow-up needed",
  escalated: "Escalated",
  other: "Other",
};

const since = (from: string, now: string) => html`<span class="ticker" data-since="${from}">${duration((Date.parse(now) - Date.parse(from)) / 1000)}</span>`;

function hidden(ctx: DeskContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="/desk">`;
}

function stateLine(s: DeskSnapshot, now: string): Html {
  const { agent, work } = s;
  const detail =
    agent.state === "busy" ? (work?.status === "connected" ? "on a call" : "a call is ringing") : agent.state === "break" ? breakWords(agent.reason) : undefined;
  return html`<p class="desk-state"><span class="state ${agent.state}" data-state="${agent.state}">${STATE_WORDS[agent.state]}${detail ? html` · ${detail}` : ""}</span>
<span class="hint">for ${since(agent.stateSince, now)}</span></p>`;
}

function stateForms(ctx: DeskContext, s: DeskSnapshot): Html {
  const busy = s.agent.state === "busy";
  const disabled = busy ? html` disabled` : "";
  const current = (state: string, reason?: string) => s.agent.state === state && (reason === undefined || s.agent.reason === reason);
  return html`<div class="desk-actions">
${busy ? html`<p class="hint" data-why="busy">Your state follows the call until it ends.</p>` : ""}
<form method="post" action="/desk/api/state" class="inline">${hidden(ctx)}<input type="hidden" name="state" value="available">
<button type="submit"${disabled}${current("available") ? html` aria-pressed="true"` : ""}>${s.agent.state === "wrap-up" ? "Ready" : "Available"}</button></form>
<form method="post" action="/desk/api/state" class="inline">${hidden(ctx)}<input type="hidden" name="state" value="offline">
<button type="submit" class="secondary"${disabled}${current("offline") ? html` aria-pressed="true"` : ""}>Offline</button></form>
<form method="post" action="/desk/api/state" class="break-form">${hidden(ctx)}<input type="hidden" name="state" value="break">
<label for="break-reason" class="visually-hidden">Break reason</label>
<select id="break-reason" name="reason"${disabled}>${BREAK_REASONS.map((r) => html`<option value="${r}"${s.agent.state === "break" && s.agent.reason === r ? " selected" : ""}>${REASON_WORDS[r]}</option>`)}</select>
<button type="submit" class="secondary"${disabled}>Break</button></form>
</div>`;
}

/** In local mode, a link that opens the carrier's softphone as the handset the agent's offers ring. */
function softphoneLink(ctx: DeskContext, s: DeskSnapshot): Html | "" {
  if (!ctx.softphone) return "";
  const useClient = s.agent.client !== null && (s.agent.device === "client" || s.agent.phone === null);
  const handset: [string, string] | undefined = useClient ? ["client", s.agent.client ?? ""] : s.agent.phone ? ["number", s.agent.phone] : undefined;
  if (!handset) return "";
  const url = `${ctx.softphone}?${new URLSearchParams([handset]).toString()}`;
  return html`<p class="hint softphone">Your phone here: <a href="${url}" target="_blank" rel="noopener" data-softphone>the softphone as ${handset[0] === "client" ? `client:${handset[1]}` : handset[1]}</a> (local mode).</p>`;
}

function deviceForm(ctx: DeskContext, s: DeskSnapshot): Html | "" {
  if (!s.agent.hasPhone || !s.agent.hasClient) return "";
  return html`<form method="post" action="/desk/api/device" class="device-form">${hidden(ctx)}
<label for="device">Calls ring on</label>
<select id="device" name="device">
<option value="phone"${s.agent.device === "phone" ? " selected" : ""}>my phone</option>
<option value="client"${s.agent.device === "client" ? " selected" : ""}>the softphone</option>
</select>
<button type="submit" class="secondary">Use it</button></form>`;
}

/** Twilio gives cities in capitals ("SYDNEY"): "Sydney". */
export const cityName = (city: string) => city.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (c) => c.toUpperCase());

const answerOn = (s: DeskSnapshot) => (s.agent.device === "client" ? "answer in the softphone" : "answer on your phone");

function offerPanel(s: DeskSnapshot, now: string): Html | "" {
  const work = s.work;
  if (!work || work.status !== "ringing") return "";
  return html`<section class="card offer" role="alert" data-offer="${work.offerId}">
<h2>${work.departmentName} call from ${work.city ? cityName(work.city) : work.number}, waiting ${since(work.enqueuedAt, now)} — ${answerOn(s)}</h2>
${s.caller?.name ? html`<p>${s.caller.name} · ${work.number}</p>` : html`<p>${work.number}</p>`}
</section>`;
}

function history(ctx: DeskContext, caller: NonNullable<DeskSnapshot["caller"]>): Html {
  const { zone } = ctx;
  return html`<div class="desk-history">
<section><h3>Earlier calls</h3>${
    caller.previousCalls.length === 0
      ? html`<p class="empty">None.</p>`
      : html`<ul class="plain">${caller.previousCalls.map(
          (c) => html`<li><time>${localDateTime(new Date(c.startedAt), zone)}</time> ${say(DIRECTION, c.direction)}${c.department ? ` · ${c.department}` : ""} · ${c.outcome ? say(OUTCOME, c.outcome) : say(CALL_STATUS, c.status)}${c.durationSeconds !== null ? ` · ${duration(c.durationSeconds)}` : ""}</li>`,
        )}</ul>`
  }</section>
<section><h3>Voicemails</h3>${
    caller.voicemails.length === 0
      ? html`<p class="empty">None.</p>`
      : html`<ul class="plain">${caller.voicemails.map(
          (v) => html`<li><time>${localDateTime(new Date(v.createdAt), zone)}</time>${v.department ? ` · ${v.department}` : ""} · ${duration(v.durationSeconds)}${v.transcriptionText ? html`<blockquote class="transcription">${v.transcriptionText}</blockquote>` : ""}</li>`,
        )}</ul>`
  }</section>
<section><h3>Texts</h3>${
    caller.texts.length === 0
      ? html`<p class="empty">None.</p>`
      : html`<ul class="plain">${caller.texts.map(
          (m) => html`<li><time>${localDateTime(new Date(m.createdAt), zone)}</time> ${m.direction === "inbound" ? "from them" : "from us"}: <span class="text-body">${m.body}</span></li>`,
        )}</ul>`
  }</section>
</div>`;
}

function callerFacts(s: DeskSnapshot, caller: NonNullable<DeskSnapshot["caller"]>): Html {
  return html`<dl class="facts">
<dt>Number</dt><dd data-caller-number>${caller.number}</dd>
<dt>Name</dt><dd>${caller.name ?? "—"}</dd>
<dt>From</dt><dd>${caller.city ? cityName(caller.city) : "—"}</dd>
<dt>Waited</dt><dd>${duration(caller.waitedSeconds)}</dd>
<dt>Way in</dt><dd>${caller.path.length === 0 ? "straight to the department" : html`<ol class="path">${caller.path.map((step) => html`<li>${step}</li>`)}</ol>`}</dd>
</dl>`;
}

function callPanel(ctx: DeskContext, s: DeskSnapshot, now: string): Html | "" {
  const work = s.work;
  if (!work || work.status !== "connected" || !s.caller) return "";
  return html`<section class="card on-call" data-entry="${work.entryId}">
<h2>On a call: ${work.departmentName} <small>talking ${work.connectedAt ? since(work.connectedAt, now) : "—"}</small></h2>
${callerFacts(s, s.caller)}
${callControls(ctx, work.controls)}
${history(ctx, s.caller)}
</section>`;
}

/** One control: a small form that posts an action (and, for a transfer, its target). */
function control(ctx: DeskContext, action: string, label: string, extra: Html | "" = "", kind = "") {
  return html`<form method="post" action="/desk/api/call" class="control">${hidden(ctx)}<input type="hidden" name="action" value="${action}">${extra}<button type="submit" class="${kind}" data-action="${action}">${label}</button></form>`;
}

/** Hold, mute, recording, transfers (cold and warm) and hang up, for the conversation the agent has. */
function callControls(ctx: DeskContext, c: NonNullable<DeskSnapshot["work"]>["controls"]): Html {
  if (!c) return html`<div id="call-controls"></div>`;
  const targets = html`<select name="to" aria-label="Transfer to">${c.departments.map((d) => html`<option value="department:${d.id}">${d.name} (line)</option>`)}${c.agents.map(
    (a) => html`<option value="agent:${a.id}">${a.name} (${STATE_WORDS[a.state as keyof typeof STATE_WORDS] ?? a.state})</option>`,
  )}</select>`;
  const consulting = c.consult
    ? html`<p class="consult" data-consult="${c.consult.status}">${c.consult.status === "ringing" ? html`Calling ${c.consult.name}…` : html`Talking with ${c.consult.name}; the caller is on hold.`}</p>
<div class="controls-row">${c.consult.status === "joined" ? control(ctx, "complete-transfer", `Hand over to ${c.consult.name}`, "", "primary") : ""}${control(ctx, "cancel-consult", "Back to the caller")}</div>`
    : c.departments.length + c.agents.length === 0
      ? ""
      : html`<form method="post" action="/desk/api/call" class="controls-row transfer">${hidden(ctx)}${targets}<button type="submit" name="action" value="transfer" data-action="transfer">Transfer</button>${
        c.agents.length > 0 ? html`<button type="submit" name="action" value="consult" data-action="consult" title="Put the caller on hold and talk to the agent first">Consult first</button>` : ""
      }</form>`;
  return html`<div id="call-controls" data-held="${String(c.callerHeld)}" data-muted="${String(c.muted)}" data-recording="${c.records ? (c.recordingPaused ? "paused" : "on") : "off"}">
<div class="controls-row">
${c.consult ? "" : control(ctx, c.callerHeld ? "resume" : "hold", c.callerHeld ? "Resume" : "Hold")}
${control(ctx, c.muted ? "unmute" : "mute", c.muted ? "Unmute" : "Mute")}
${c.records ? control(ctx, c.recordingPaused ? "resume-recording" : "pause-recording", c.recordingPaused ? "Resume recording" : "Pause recording") : ""}
${control(ctx, "hangup", "Hang up", "", "danger")}
</div>
${c.recordingPaused ? html`<p class="hint">Recording paused: resume it once the card details are given.</p>` : ""}
${consulting}
</div>`;
}

function wrapUpPanel(ctx: DeskContext, s: DeskSnapshot): Html | "" {
  const w = s.wrapUp;
  if (s.agent.state !== "wrap-up") return "";
  if (!w) return html`<section class="card wrap-up"><h2>Wrap-up</h2><p class="empty">No call to wrap up.</p></section>`;
  return html`<section class="card wrap-up" data-entry="${w.entryId}">
<h2>Wrap-up: ${w.departmentName} call from ${w.number}</h2>
${w.endedAt ? html`<p class="hint">Ended at ${localClock(new Date(w.endedAt), ctx.zone)}${s.agent.wrapUntil ? ` · you are available again by ${localClock(new Date(s.agent.wrapUntil), ctx.zone)}` : ""}.</p>` : ""}
<form method="post" action="/desk/api/wrap-up" class="wrap-up-form">${hidden(ctx)}<input type="hidden" name="entryId" value="${w.entryId}">
<label for="disposition">Disposition</label>
<select id="disposition" name="disposition" data-keep="disposition-${w.entryId}">${DISPOSITIONS.map(
    (d) => html`<option value="${d}"${(w.disposition ?? "resolved") === d ? " selected" : ""}>${DISPOSITION_WORDS[d]}</option>`,
  )}</select>
<label for="note">Note</label>
<textarea id="note" name="note" rows="3" maxlength="2000" data-keep="note-${w.entryId}">${w.note ?? ""}</textarea>
<p><button type="submit">Save</button>${w.disposition ? html` <span class="hint" data-saved>Saved: ${DISPOSITION_WORDS[w.disposition]}</span>` : ""}</p>
</form>
${s.caller ? html`<details><summary>Who called</summary>${callerFacts(s, s.caller)}${history(ctx, s.caller)}</details>` : ""}
</section>`;
}

function idlePanel(s: DeskSnapshot): Html | "" {
  if (s.work || s.agent.state === "wrap-up") return "";
  const words: Record<string, string> = {
    available: "Waiting for a call. When one is offered to you it shows here.",
    offline: "You are offline: no calls are offered to you. Choose Available to take calls.",
    break: "You are on a break: no calls are offered to you.",
    busy: "Your call is being connected.",
  };
  return html`<section class="card idle"><p>${words[s.agent.state] ?? ""}</p></section>`;
}

/** The part of the desk that follows the snapshot. */
export function deskPanel(ctx: DeskContext, s: DeskSnapshot, now: string): Html {
  const departments = s.agent.departments.map((d) => (d.level === "overflow" ? `${d.name} (overflow)` : d.name)).join(", ");
  return html`<div data-now="${now}" data-state="${s.agent.state}" class="desk-grid">
<section class="card desk-me" aria-label="My state">
<h2>${s.agent.name}</h2>
${departments ? html`<p class="hint">${departments}</p>` : ""}
${stateLine(s, now)}
${stateForms(ctx, s)}
${deviceForm(ctx, s)}
${softphoneLink(ctx, s)}
</section>
<div class="desk-work" aria-live="polite">
${offerPanel(s, now)}${callPanel(ctx, s, now)}${wrapUpPanel(ctx, s)}${idlePanel(s)}
</div>
</div>`;
}

/** A desk page: the desk's header (its navigation, sign-out), `body` in <main>, then `scripts`. */
export function deskShell(ctx: DeskContext, opts: { title: string; active: DeskNavPath; body: Html; scripts?: string[] }): Html {
  return html`${documentHead({ title: `${opts.title} · ${ctx.company}`, csrfToken: ctx.csrfToken })}
<body class="desk">
<header class="top">
  <a class="brand" href="/desk">${ctx.company}</a>
  ${deskNav(opts.active)}
  <form method="post" action="/logout" class="logout">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    <button type="submit">Sign out</button>
  </form>
</header>
<main>
${opts.body}
</main>
${(opts.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</body>
</html>`;
}

export function deskPage(ctx: DeskContext, s: DeskSnapshot, now: string): Html {
  return deskShell(ctx, {
    title: `Desk · ${s.agent.name}`,
    active: "/desk",
    body: html`${ctx.notice ? html`<p class="notice ${ctx.notice.kind}" role="status">${ctx.notice.text}</p>` : ""}
<h1 class="visually-hidden">Desk</h1>
<div id="desk-panel" data-desk-stream="/desk/stream">${deskPanel(ctx, s, now)}</div>`,
    scripts: ["/dashboard/assets/desk.js"],
  });
}
