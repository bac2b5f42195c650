// Agents (supervisors and the owner): each agent of the flow with their state; for the owner, a button
// that gives them a new password, shown once on the page that answers it (never in a URL, never stored in clear).
import type { AgentRow } from "../../repositories/agents-repository.js";
import { html, type Html } from "../html.js";
import { localDateTime } from "../format.js";
import { nodeName } from "../labels.js";
import type { Flow } from "../../flows/flow-schema.js";
import { page, type PageContext } from "./layout.js";

export interface AgentsPageData {
  agents: AgentRow[];
  passwords: Map<string, boolean>;
  /** Each agent's post-call surveys over the last 30 days: how many, and their mean score. */
  surveys: Map<string, { count: number; averageScore: number }>;
  flow: Flow;
  zone: string;
  /** A password just set: shown once. */
  newPassword?: { agentId: string; name: string; password: string } | undefined;
}

export function agentsPage(ctx: PageContext, data: AgentsPageData): Html {
  const { agents, passwords, surveys, flow, zone } = data;
  return page(ctx, {
    title: "Agents",
    active: "/agents",
    body: html`${
      data.newPassword
        ? html`<section class="notice done new-password" role="status">
<p>New password for ${data.newPassword.name} (<code>${data.newPassword.agentId}</code>), shown only this once: give it to them now.</p>
<p><code class="password" data-password>${data.newPassword.password}</code></p>
<p class="hint">They sign in at /login with their agent id and this password; their desk is at /desk. Any session they had has ended.</p>
</section>`
        : ""
    }
<p class="hint">Agents sign in with their agent id and their own password and work calls at the desk (/desk). The flow file says who they are; an owner setting a password here (or with <code>callcentre agents password &lt;id&gt;</code>) lets them sign in.</p>
${
  agents.length === 0
    ? html`<p class="empty">The flow has no agents.</p>`
    : html`<div class="scroll"><table class="agents">
<thead><tr><th>Name · agent id</th><th>Departments</th><th>State · since</th><th>Rings on</th><th title="Post-call surveys of the last 30 days: the mean score (1 to 5) and how many">Survey, 30 days</th><th>Password</th></tr></thead>
<tbody>${agents.map(
        (a) => html`<tr data-agent="${a.id}">
<td>${a.name}<br><code>${a.id}</code></td>
<td>${a.departments.map((d) => nodeName(flow, d.department) + (d.level === "overflow" ? " (overflow)" : "")).join(", ") || "—"}</td>
<td><span class="state ${a.state}">${a.state}${a.reason ? ` · ${a.reason}` : ""}</span><br><small class="hint">${localDateTime(a.stateSince, zone)}</small></td>
<td>${a.device === "client" ? "softphone" : a.device === "phone" ? "phone" : "not chosen"}</td>
<td data-survey="${a.id}">${(() => {
      const survey = surveys.get(a.id);
      return survey ? `${survey.averageScore.toFixed(1)} from ${survey.count}` : "—";
    })()}</td>
<td data-password-state="${passwords.get(a.id) ? "set" : "not-set"}">${passwords.get(a.id) ? "set" : "not set"}${
        ctx.role === "owner"
          ? html` <form method="post" action="/agents/${encodeURIComponent(a.id)}/password" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><button type="submit" class="secondary">Set password</button></form>`
          : ""
      }</td>
</tr>`,
      )}</tbody></table></div>`
}`,
  });
}
