// The owner's Agents page and its API: the flow's agents with their states, and setting a password
// (a new random one, shown once in the answer; never in a URL).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { agentsPage } from "../../dashboard/views/agents-view.js";
import { noticeFrom, type PageContext } from "../../dashboard/views/layout.js";
import { notFound } from "../../lib/http-errors.js";
import { generatePassword, hashPassword } from "../../plugins/app/agent-passwords.js";
import { parseWith } from "../twilio/webhook-params.js";
import { ActionBody, AgentIdParam, Notice } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";

export default async function agentsRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, service } = opts;
  const context = (request: FastifyRequest): PageContext => ({
    company: flow.company,
    csrfToken: request.session?.csrfToken ?? "",
    notice: noticeFrom(request.query as Record<string, unknown>),
  });
  const list = async () => {
    const [agents, passwords] = await Promise.all([repositories.agents.list(), repositories.desk.passwordsSet()]);
    return { agents, passwords };
  };

  /** Gives the agent a new random password (ending their sessions); returns it, to be shown once. */
  const newPassword = async (id: string) => {
    const agent = await repositories.agents.get(id);
    if (!agent?.inFlow) throw notFound(`no agent ${id}`);
    const password = generatePassword();
    await repositories.agents.setPasswordHash(id, await hashPassword(password));
    return { agent, password };
  };

  app.get("/agents", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    const page = agentsPage(context(request), { ...(await list()), flow, zone: service.zone });
    return reply.type("text/html; charset=utf-8").send(page.toString());
  });

  // The page's form: answers with the page itself, the new password on it.
  app.post("/agents/:id/password", async (request, reply) => {
    const { id } = parseWith(AgentIdParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { agent, password } = await newPassword(id);
    request.log.info({ agentId: id }, "agent password set from the dashboard");
    const page = agentsPage(context(request), { ...(await list()), flow, zone: service.zone, newPassword: { agentId: id, name: agent.name, password } });
    return reply.type("text/html; charset=utf-8").send(page.toString());
  });

  app.get("/api/agents", async () => {
    const { agents, passwords } = await list();
    return { agents: agents.map((a) => ({ ...a, passwordSet: passwords.get(a.id) ?? false })) };
  });

  app.post("/api/agents/:id/password", async (request) => {
    const { id } = parseWith(AgentIdParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { password } = await newPassword(id);
    request.log.info({ agentId: id }, "agent password set through the API");
    return { ok: true, id, password };
  });
}
