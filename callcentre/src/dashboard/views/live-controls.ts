// The Live page's controls for those who supervise (docs/monitoring.md): on a conversation in progress,
// Listen / Whisper / Barge, and for the supervisor monitoring it the mode they are in and Leave; on an
// agent, a change of state made for them (take a "missed" agent off break, sign out one who left).
// Plain forms that post to the dashboard's API and come back to the page; live.js posts them in the
// background instead, adding the number to ring from the page's "Ring me at" field.
import { html, type Html } from "../html.js";
import type { LiveAgent, LiveMonitor } from "../live-lines.js";

/** Who is looking at the page: their session's CSRF token, and who they are for monitoring. */
export interface LiveViewer {
  csrfToken: string;
  /** The account's id ("owner", "sam"…). */
  who: string;
  /** Where their phone rings by default (the account's), for the forms posted without script. */
  ringAt?: string | undefined;
  /** In local mode (the REST API is a carrier's), the carrier's softphone: a handset to answer on. */
  softphone?: string | undefined;
}

/** The softphone's URL as the handset `address` (E.164 or client:identity) rings on. */
export function softphoneUrl(softphone: string, address: string | undefined): string {
  if (!address) return softphone;
  const handset = address.startsWith("client:") ? ["client", address.slice("client:".length)] : ["number", address];
  return `${softphone}?${new URLSearchParams([handset as [string, string]]).toString()}`;
}

export const MODE_WORDS: Record<LiveMonitor["mode"], { button: string; doing: string; hint: string }> = {
  listen: { button: "Listen", doing: "listening", hint: "Hear the call; nobody hears you." },
  whisper: { button: "Whisper", doing: "whispering", hint: "Coach the agent; the caller does not hear you." },
  barge: { button: "Barge", doing: "in the call", hint: "Join the call: both hear you." },
};
const MODES = ["listen", "whisper", "barge"] as const;
/** What live.js says once a control's request is done. */
const DONE: Record<LiveMonitor["mode"], string> = {
  listen: "Listening in: answer your phone. Nobody hears you.",
  whisper: "Whispering: only the agent hears you.",
  barge: "Barging in: the caller and the agent hear you.",
};

const hidden = (viewer: LiveViewer) => html`<input type="hidden" name="_csrf" value="${viewer.csrfToken}"><input type="hidden" name="redirect" value="/">`;

/**
 * The monitoring controls of one conversation (an agent's call that is no longer ringing). With
 * `elsewhere` (the viewer is monitoring another conversation), its buttons are shown disabled, saying why.
 */
export function monitorControls(call: NonNullable<LiveAgent["call"]>, viewer: LiveViewer, elsewhere = false): Html {
  const mine = call.monitors.find((m) => m.supervisor === viewer.who);
  const others = call.monitors.filter((m) => m !== mine);
  const othersLine =
    others.length === 0
      ? ""
      : html`<span class="monitors">${others.map((m, i) => html`${i > 0 ? ", " : ""}<span class="tag monitor">${m.supervisor} ${m.joined ? MODE_WORDS[m.mode].doing : "ringing"}</span>`)}</span>`;
  if (mine) {
    return html`<div class="monitor-controls" data-monitor-id="${mine.id}" data-mode="${mine.mode}" data-joined="${String(mine.joined)}">
<span class="tag monitor mine">${mine.joined ? html`You are ${MODE_WORDS[mine.mode].doing}` : "Your phone is ringing"}</span>
<form method="post" action="/api/monitors/${mine.id}/mode" class="inline" data-live-action>${hidden(viewer)}${MODES.map(
      (mode) => html`<button type="submit" name="mode" value="${mode}" class="secondary" title="${MODE_WORDS[mode].hint}" data-done="${DONE[mode]}" aria-pressed="${String(mode === mine.mode)}"${mode === mine.mode || !mine.joined ? html` disabled` : ""}>${MODE_WORDS[mode].button}</button> `,
    )}</form>
<form method="post" action="/api/monitors/${mine.id}/leave" class="inline" data-live-action>${hidden(viewer)}<button type="submit" class="danger" data-done="You left the call.">Leave</button></form>
${othersLine}</div>`;
  }
  return html`<div class="monitor-controls">
<form method="post" action="/api/conversations/${call.entryId}/monitor" class="inline" data-live-action data-monitor>${hidden(viewer)}<input type="hidden" name="to" value="${viewer.ringAt ?? ""}">${MODES.map(
    (mode) =>
      html`<button type="submit" name="mode" value="${mode}" class="secondary" title="${elsewhere ? "You are monitoring another call: leave it first." : MODE_WORDS[mode].hint}" data-done="${DONE[mode]}"${elsewhere ? html` disabled` : ""}>${MODE_WORDS[mode].button}</button> `,
  )}</form>
${othersLine}</div>`;
}

/** What live.js says once an agent's state is changed. */
const STATE_DONE = { available: "is available", break: "is on a break", offline: "is signed out" } as const;

/** The states a supervisor may set for an agent now: never while busy (their state follows the call). */
export function stateControls(agent: LiveAgent, viewer: LiveViewer): Html {
  if (agent.state === "busy") return html``;
  const choices: { state: "available" | "break" | "offline"; label: string; reason?: string }[] = [];
  // Not "sign in" for an offline agent: calls would ring a phone nobody may be at.
  if (agent.state === "break" || agent.state === "wrap-up") choices.push({ state: "available", label: "Make available" });
  if (agent.state === "available") choices.push({ state: "break", label: "Break", reason: "supervisor" });
  if (agent.state !== "offline") choices.push({ state: "offline", label: "Sign out" });
  return html`${choices.map(
    (c) => html`<form method="post" action="/api/agents/${agent.id}/state" class="inline" data-live-action>${hidden(viewer)}<input type="hidden" name="state" value="${c.state}">${
      c.reason ? html`<input type="hidden" name="reason" value="${c.reason}">` : ""
    }<button type="submit" class="${c.state === "available" ? "primary" : "secondary"}" data-done="${agent.name} ${STATE_DONE[c.state]}.">${c.label}</button></form> `,
  )}`;
}
