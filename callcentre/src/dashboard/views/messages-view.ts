// Messages: conversations by number, the inbox of texts the service did not understand, and one
// conversation with a reply box (sent through the REST API).
import { html, type Html } from "../html.js";
import { localDateTime } from "../format.js";
import { MESSAGE_KIND, MESSAGE_STATUS, say } from "../labels.js";
import type { ConversationRow, MessageRow } from "../../repositories/messages-repository.js";
import { actionForm, page, type PageContext } from "./layout.js";

const conversationPath = (number: string) => `/messages/${encodeURIComponent(number)}`;

export function messagesPage(ctx: PageContext, data: { conversations: ConversationRow[]; inbox: MessageRow[]; zone: string }): Html {
  const { zone } = data;
  const unhandled = data.inbox.filter((m) => !m.handledAt);
  return page(ctx, {
    title: "Messages",
    active: "/messages",
    body: html`<h2>Inbox <small>${unhandled.length} to answer</small></h2>
${unhandled.length === 0 ? html`<p class="empty">The inbox is empty.</p>` : ""}
<ul class="plain inbox">${unhandled.map(
      (m) => html`<li class="card" data-message="${m.id}"><a href="${conversationPath(m.from)}"><strong>${m.from}</strong></a> · ${localDateTime(m.createdAt, zone)}
<p>${m.body || "(no text)"}</p>${actionForm(ctx, `/api/messages/${m.id}/handled`, "/messages", "Mark handled", { handled: "true" }, "secondary")}</li>`,
    )}</ul>
<h2>Conversations</h2>
${data.conversations.length === 0 ? html`<p class="empty">No messages yet.</p>` : ""}
<ul class="plain conversations">${data.conversations.map(
      (c) => html`<li class="card"><a href="${conversationPath(c.contact)}"><strong>${c.contact}</strong></a>
${c.unhandled > 0 ? html` <span class="badge">${c.unhandled} new</span>` : ""} · ${c.messages} ${c.messages === 1 ? "message" : "messages"} · ${localDateTime(c.lastAt, zone)}
<p class="last">${c.lastDirection === "inbound" ? "" : "You: "}${c.lastBody}</p></li>`,
    )}</ul>`,
  });
}

export function conversationPage(ctx: PageContext, data: { number: string; messages: MessageRow[]; optedOut: boolean; zone: string }): Html {
  const { zone, number } = data;
  const back = conversationPath(number);
  return page(ctx, {
    title: `Messages with ${number}`,
    active: "/messages",
    body: html`<ol class="thread">${data.messages.map(
      (m) => html`<li class="bubble ${m.direction === "inbound" ? "in" : "out"}" data-message="${m.id}">
<p>${m.body || (m.numMedia > 0 ? `(${m.numMedia} picture${m.numMedia === 1 ? "" : "s"})` : "(no text)")}</p>
<small>${localDateTime(m.createdAt, zone)} · ${m.direction === "inbound" ? say(MESSAGE_KIND, m.kind) : `${say(MESSAGE_KIND, m.kind)} · ${say(MESSAGE_STATUS, m.status)}${m.errorCode ? ` · error ${m.errorCode}` : ""}`}</small>
${m.kind === "inbox" && !m.handledAt ? actionForm(ctx, `/api/messages/${m.id}/handled`, back, "Mark handled", { handled: "true" }, "secondary") : ""}
</li>`,
    )}</ol>
${
  data.optedOut
    ? html`<p class="notice error">${number} has opted out (STOP). Nothing can be sent to it until it texts START.</p>`
    : html`<form method="post" action="/api/conversations/${encodeURIComponent(number)}/reply" class="reply">
<input type="hidden" name="_csrf" value="${ctx.csrfToken}"><input type="hidden" name="redirect" value="${back}">
<label for="reply-body">Reply</label>
<textarea id="reply-body" name="body" rows="3" maxlength="1600" required></textarea>
<button type="submit">Send</button>
</form>`
}`,
  });
}
