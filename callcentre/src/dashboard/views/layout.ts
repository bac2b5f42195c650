// The page shell: navigation, sign-out, notices. Everything is served locally (no CDN).
import { html, type Html } from "../html.js";

/** The pages, each with the least role that may open it (docs/dashboard.md, "Accounts and roles"). */
export const NAV = [
  { path: "/", label: "Live", role: "supervisor" },
  { path: "/wallboard", label: "Wallboard", role: "supervisor" },
  { path: "/calls", label: "Calls", role: "supervisor" },
  { path: "/voicemail", label: "Voicemail", role: "supervisor" },
  { path: "/messages", label: "Messages", role: "supervisor" },
  { path: "/subscribers", label: "Subscribers", role: "supervisor" },
  { path: "/metrics", label: "Metrics", role: "supervisor" },
  { path: "/reports", label: "Reports", role: "supervisor" },
  { path: "/agents", label: "Agents", role: "supervisor" },
  { path: "/flow", label: "Flow", role: "owner" },
  { path: "/accounts", label: "Accounts", role: "owner" },
] as const;

export type NavPath = (typeof NAV)[number]["path"];

export interface PageContext {
  company: string;
  csrfToken: string;
  /** The session's role: the navigation shows the owner's pages only to an owner. Unset: a supervisor's view. */
  role?: "owner" | "supervisor" | undefined;
  /** The account signed in, shown beside "Sign out". */
  signedInAs?: string | undefined;
  /** A notice from the last action (?done=… or ?error=…), already put into words. */
  notice?: { kind: "done" | "error"; text: string } | undefined;
}

/** Sentences for the short codes actions redirect with. */
const NOTICES: Record<string, string> = {
  handled: "Marked as handled.",
  reopened: "Marked as new again.",
  "called-back": "Calling the customer back now.",
  replied: "Reply sent.",
  "opted-out": "That number has opted out (STOP): it cannot be texted until it texts START.",
  "no-sender": "There is no number to text from: set TWILIO_PHONE_NUMBER.",
  "no-number": "The caller withheld their number: there is nobody to call back.",
  "not-found": "That item no longer exists.",
  invalid: "That request was not valid.",
  "twilio-unreachable": "The Twilio REST API could not be reached: nothing was sent. Try again.",
  "account-saved": "Account saved.",
  "account-deleted": "Account deleted: its sessions have ended.",
  "password-changed": "Your password is changed: your other sessions have ended.",
  "last-owner": "That would leave no owner: make another account an owner first.",
  "account-exists": "That sign-in name is taken.",
  "agent-id": "That sign-in name is an agent's: choose another.",
  "wrong-password": "Your current password is not right: nothing was changed.",
  "on-duty": "You are on duty: the wallboard's threshold alerts come to your phone.",
  "off-duty": "You are off duty: no threshold alerts come to you.",
  // Monitoring and agents' states from the Live page (docs/monitoring.md).
  "monitor-listen": "Listening in: answer your phone. Nobody hears you.",
  "monitor-whisper": "Whispering: only the agent hears you.",
  "monitor-barge": "Barging in: the caller and the agent hear you.",
  "monitor-left": "You left the call.",
  "already-monitoring": "You are already monitoring a call: leave it first.",
  "not-in-progress": "That conversation is not in progress any more.",
  "not-joined": "Your phone has not joined the call yet: answer it first.",
  "no-phone": "Give a number to ring (Ring me at): your account has no phone.",
  "not-your-phone": "Your monitoring calls ring the phone on your account (the owner sets it) or a client:<identity>: not another number.",
  ended: "That monitoring session has ended.",
  "not-yours": "That monitoring session is another supervisor's.",
  state: "Agent's state changed.",
  busy: "Not changed: the agent is on a call; their state follows the call.",
};

export function noticeFrom(query: { done?: unknown; error?: unknown; code?: unknown }): PageContext["notice"] {
  if (typeof query.error === "string") {
    if (query.error === "twilio") {
      const code = typeof query.code === "string" && /^\d{1,6}$/.test(query.code) ? ` (error ${query.code})` : "";
      return { kind: "error", text: `Twilio refused the request${code}.` };
    }
    return NOTICES[query.error] ? { kind: "error", text: NOTICES[query.error] ?? "" } : undefined;
  }
  if (typeof query.done === "string" && NOTICES[query.done]) return { kind: "done", text: NOTICES[query.done] ?? "" };
  return undefined;
}

/**
 * The start of every page up to `</head>`: the viewport, the session's CSRF token (signed-in pages),
 * the title, the dashboard's stylesheet (or `stylesheets`) and an empty icon (no /favicon.ico request).
 */
export function documentHead(opts: { title: string; csrfToken?: string | undefined; stylesheets?: readonly string[] }): Html {
  const stylesheets = opts.stylesheets ?? ["/dashboard/assets/dashboard.css"];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.csrfToken !== undefined ? html`<meta name="csrf-token" content="${opts.csrfToken}">
` : ""}<title>${opts.title}</title>
${stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">
`)}<link rel="icon" href="data:,">
</head>`;
}

export function page(ctx: PageContext, opts: { title: string; active: NavPath | undefined; body: Html; scripts?: string[]; styles?: string[] }): Html {
  return html`${documentHead({ title: `${opts.title} · ${ctx.company}`, csrfToken: ctx.csrfToken, stylesheets: ["/dashboard/assets/dashboard.css", ...(opts.styles ?? [])] })}
<body>
<header class="top">
  <a class="brand" href="/">${ctx.company}</a>
  <nav aria-label="Dashboard">
    ${NAV.filter((item) => item.role === "supervisor" || ctx.role === "owner").map(
      (item) => html`<a href="${item.path}"${item.path === opts.active ? html` aria-current="page"` : ""}>${item.label}</a>`,
    )}
  </nav>
  <form method="post" action="/logout" class="logout">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    ${ctx.signedInAs ? html`<a class="signed-in-as" href="/account" title="Your account" data-signed-in-as="${ctx.signedInAs}">${ctx.signedInAs}</a> ` : ""}<button type="submit">Sign out</button>
  </form>
</header>
<main>
${ctx.notice ? html`<p class="notice ${ctx.notice.kind}" role="status">${ctx.notice.text}</p>` : ""}
<h1>${opts.title}</h1>
${opts.body}
</main>
${(opts.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</body>
</html>`;
}

/** A form that POSTs an action and comes back to `back`. */
export function actionForm(ctx: PageContext, action: string, back: string, label: string, fields: Record<string, string> = {}, style = ""): Html {
  return html`<form method="post" action="${action}" class="inline">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="${back}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit"${style ? html` class="${style}"` : ""}>${label}</button></form>`;
}

export function loginPage(opts: { company: string; next: string; error?: string | undefined; user?: string | undefined }): Html {
  return html`${documentHead({ title: `Sign in · ${opts.company}` })}
<body class="login">
<main>
<h1>${opts.company}</h1>
<p>Call centre: sign in with your own name (your account id, or your agent id) and password.</p>
${opts.error ? html`<p class="notice error" role="alert">${opts.error}</p>` : ""}
<form method="post" action="/login">
  <input type="hidden" name="next" value="${opts.next}">
  <label for="user">Sign-in name <small>(your account or agent id; empty for the first owner, "owner")</small></label>
  <input id="user" name="user" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="100" value="${opts.user ?? ""}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
  <button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`;
}
