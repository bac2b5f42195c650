// Subscribers: daily-forecast subscriptions with their next send, and numbers that opted out.
import { html, type Html } from "../html.js";
import { localDateTime } from "../format.js";
import type { ContactRow } from "../../repositories/contacts-repository.js";
import type { SubscriptionRow } from "../../repositories/subscriptions-repository.js";
import { page, type PageContext } from "./layout.js";

export function subscribersPage(ctx: PageContext, data: { subscriptions: SubscriptionRow[]; optedOut: ContactRow[]; zone: string }): Html {
  const { zone } = data;
  const active = data.subscriptions.filter((s) => !s.cancelledAt && !s.optedOut);
  return page(ctx, {
    title: "Subscribers",
    active: "/subscribers",
    body: html`<p class="hint">${active.length} active daily-forecast ${active.length === 1 ? "subscription" : "subscriptions"}. Next sends in the subscriber's zone, and in ${zone}.</p>
<div class="scroll"><table class="subscriptions">
<thead><tr><th>Number</th><th>Place</th><th>Time</th><th>Next send</th><th>Status</th></tr></thead>
<tbody>${data.subscriptions.map(
      (s) => html`<tr data-number="${s.number}">
<td><a href="/messages/${encodeURIComponent(s.number)}">${s.number}</a></td>
<td>${s.placeLabel}</td>
<td>${s.sendTime} <small>${s.timezone}</small></td>
<td>${s.cancelledAt || s.optedOut ? "—" : html`${localDateTime(s.nextSendAt, s.timezone)} <small>(${localDateTime(s.nextSendAt, zone)} here)</small>`}</td>
<td>${s.optedOut ? "opted out" : s.cancelledAt ? `cancelled ${localDateTime(s.cancelledAt, zone)}${s.cancelReason ? ` (${s.cancelReason})` : ""}` : "active"}</td>
</tr>`,
    )}</tbody></table></div>
${data.subscriptions.length === 0 ? html`<p class="empty">No subscriptions yet: texting SUBSCRIBE and a place starts one.</p>` : ""}
<h2>Opted out</h2>
${data.optedOut.length === 0 ? html`<p class="empty">No number has opted out.</p>` : ""}
<ul class="plain">${data.optedOut.map((c) => html`<li><a href="/messages/${encodeURIComponent(c.number)}">${c.number}</a> · since ${localDateTime(c.optedOutAt, zone)}</li>`)}</ul>`,
  });
}
