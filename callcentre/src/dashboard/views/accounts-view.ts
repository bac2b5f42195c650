// Accounts (the owner's page): the owners and supervisors, each with a form to change them, reset their
// password or delete them; a form to add one; and the owner's own password. A password that is made
// here is shown once, on the page that answers the form (never in a URL, never stored in clear).
import type { AccountRow } from "../../repositories/accounts-repository.js";
import { localDateTime } from "../format.js";
import { html, type Html } from "../html.js";
import { actionForm, page, type PageContext } from "./layout.js";

export interface AccountsPageData {
  accounts: AccountRow[];
  zone: string;
  /** A password just made or set: shown once. `password` is undefined when it was the one chosen. */
  newPassword?: { id: string; name: string; password: string | undefined; created: boolean } | undefined;
}

const roleOption = (role: string, current: string) => html`<option value="${role}"${role === current ? html` selected` : ""}>${role}</option>`;

export function accountsPage(ctx: PageContext, data: AccountsPageData): Html {
  const shown = data.newPassword;
  return page(ctx, {
    title: "Accounts",
    active: "/accounts",
    body: html`${
      shown
        ? html`<section class="notice done new-password" role="status">
<p>${shown.created ? "Account created" : "New password"} for ${shown.name} (<code>${shown.id}</code>)${shown.password ? ", shown only this once: give it to them now." : ": the password chosen is set."}</p>
${shown.password ? html`<p><code class="password" data-password>${shown.password}</code></p>` : ""}
<p class="hint">They sign in at /login with <code>${shown.id}</code> and this password.${shown.created ? "" : " Any session they had has ended."}</p>
</section>`
        : ""
    }
<p class="hint">Owners may do everything: configuration and accounts. Supervisors see the live views, calls, recordings, messages and metrics, and change agents' states. Agents are the flow file's, on the <a href="/agents">Agents</a> page. Also: <code>callcentre accounts</code>.</p>
<div class="scroll"><table class="accounts">
<thead><tr><th>Account</th><th>Name · role · phone · client · on duty</th><th>Password</th><th></th></tr></thead>
<tbody>${data.accounts.map(
      (a) => html`<tr data-account="${a.id}">
<td><code>${a.id}</code><br><small class="hint">since ${localDateTime(a.createdAt, data.zone)}</small></td>
<td><form method="post" action="/api/accounts/${encodeURIComponent(a.id)}" class="account-edit">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="/accounts">
<label>Name <input name="name" value="${a.name}" maxlength="100" required></label>
<label>Role <select name="role">${roleOption("owner", a.role)}${roleOption("supervisor", a.role)}</select></label>
<label>Phone <input name="phone" value="${a.phone ?? ""}" placeholder="+61…" maxlength="16"></label>
<label>Client <input name="client" value="${a.client ?? ""}" maxlength="121"></label>
<input type="hidden" name="onDuty" value="false"><label><input type="checkbox" name="onDuty" value="true"${a.onDuty ? html` checked` : ""}> On duty</label>
<button type="submit" class="secondary">Save</button></form></td>
<td><form method="post" action="/accounts/${encodeURIComponent(a.id)}/password" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><button type="submit" class="secondary">Reset password</button></form></td>
<td>${actionForm(ctx, `/api/accounts/${encodeURIComponent(a.id)}/delete`, "/accounts", "Delete", {}, "secondary")}</td>
</tr>`,
    )}</tbody></table></div>
<h2>Add an account</h2>
<form method="post" action="/accounts" class="account-new">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}">
<label>Sign-in name (id) <input name="id" required maxlength="64" pattern="[a-z0-9][a-z0-9._\\-]{0,63}" autocapitalize="none" spellcheck="false"></label>
<label>Name <input name="name" required maxlength="100"></label>
<label>Role <select name="role">${roleOption("supervisor", "supervisor")}${roleOption("owner", "supervisor")}</select></label>
<label>Phone <input name="phone" placeholder="+61…" maxlength="16"></label>
<label>Client <input name="client" maxlength="121"></label>
<label><input type="checkbox" name="onDuty" value="true"> On duty</label>
<label>Password <small>(at least 12 characters; empty: one is made and shown once)</small> <input name="password" type="password" autocomplete="new-password" maxlength="1024"></label>
<button type="submit">Add account</button>
</form>
<p class="hint">Your own password: <a href="/account">your account</a>.</p>`,
  });
}

/** Your account (any owner or supervisor): who you are, and a form to change your password. */
export function ownAccountPage(ctx: PageContext, account: AccountRow): Html {
  return page(ctx, {
    title: "Your account",
    active: undefined,
    body: html`<p><code>${account.id}</code> · ${account.name} · ${account.role}</p>
<h2>On duty</h2>
<form method="post" action="/api/account/duty" class="own-duty">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="/account">
<p data-on-duty="${String(account.onDuty)}">${
      account.onDuty
        ? html`You are <strong>on duty</strong>: the wallboard's threshold alerts are texted to ${account.phone ?? "your phone (none is set: ask the owner to add it)"}.`
        : html`You are <strong>off duty</strong>: no threshold alerts are sent to you.`
    }</p>
<button type="submit" name="onDuty" value="${account.onDuty ? "false" : "true"}"${account.onDuty ? html` class="secondary"` : ""}>${account.onDuty ? "Go off duty" : "Go on duty"}</button>
</form>
<h2>Change your password</h2>
<form method="post" action="/api/account/password" class="own-password">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="/account">
<label for="current">Current password</label><input id="current" name="current" type="password" autocomplete="current-password" required maxlength="1024">
<label for="new-password">New password <small>(at least 12 characters)</small></label><input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="1024">
<label for="confirm">New password again</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="1024">
<button type="submit">Change password</button>
</form>
<p class="hint">Your other sessions end; this one goes on.</p>`,
  });
}
