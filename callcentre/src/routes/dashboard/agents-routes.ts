// The Agents page and its API: the flow's agents with their states, a change of an agent's state made
// for them (taking a "missed" agent off break, signing out one who left), and each queue department's
// line now — for supervisors and the owner (agentsRoutes); setting an agent's password (a new random
// one, shown once in the answer; never in a URL) — the owner's alone (agentPasswordRoutes).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { isQueueDepartment } from "../../flows/flow-schema.js";
import { agentsPage } from "../../dashboard/views/agents-view.js";
import { pageContext } from "./page-context.js";
import { notFound } from "../../lib/http-errors.js";
import { generatePassword, hashPassword } from "../../plugins/app/agent-passwords.js";
import { localPath, sessionActor } from "../../plugins/app/dashboard-auth.js";
import { parseWith } from "../twilio/webhook-params.js";
import { ActionBody, AgentIdParam, Notice } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";

/** What both parts of the page show: the agents, whether each has a password, their survey scores. */
function agentsData(opts: DashboardRoutesOptions) {
  const { repositories, clock } = opts;
  return async () => {
    const now = clock();
    const [agents, passwords, scores] = await Promise.all([
      repositories.agents.list(),
      repositories.desk.passwordsSet(),
      repositories.surveys.byAgent(new Date(now.getTime() - 30 * 86_400_000), now),
    ]);
    return { agents, passwords, surveys: new Map(scores.map((s) => [s.agentId, s])) };
  };
}

/** Setting agents' passwords: the owner's. */
export async function agentPasswordRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, service } = opts;
  const context = (request: FastifyRequest) => pageContext(request, flow.company);
  const list = agentsData(opts);

  /** Gives the agent a new random password (ending their sessions); returns it, to be shown once. */
  const newPassword = async (id: string) => {
    const agent = await repositories.agents.get(id);
    if (!agent?.inFlow) throw notFound(`no agent ${id}`);
    const password = generatePassword();
    await repositories.agents.setPasswordHash(id, await hashPassword(password));
    return { agent, password };
  };

  // The page's form: answers with the page itself, the new password on it.
  app.post("/agents/:id/password", async (request, reply) => {
    const { id } = parseWith(AgentIdParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { agent, password } = await newPassword(id);
    request.log.info({ agentId: id, by: sessionActorOf(request) }, "agent password set from the dashboard");
    const page = agentsPage(context(request), { ...(await list()), flow, zone: service.zone, newPassword: { agentId: id, name: agent.name, password } });
    return reply.type("text/html; charset=utf-8").send(page.toString());
  });

  app.post("/api/agents/:id/password", async (request) => {
    const { id } = parseWith(AgentIdParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { password } = await newPassword(id);
    request.log.info({ agentId: id, by: sessionActorOf(request) }, "agent password set through the API");
    return { ok: true, id, password };
  });
}

const sessionActorOf = (request: FastifyRequest) => (request.session ? sessionActor(request.session) : undefined);

export default async function agentsRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, service, desk, clock } = opts;
  const context = (request: FastifyRequest) => pageContext(request, flow.company);
  const list = agentsData(opts);

  app.get("/agents", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    const page = agentsPage(context(request), { ...(await list()), flow, zone: service.zone });
    return reply.type("text/html; charset=utf-8").send(page.toString());
  });

  app.get("/api/agents", async () => {
    const { agents, passwords, surveys } = await list();
    return { agents: agents.map((a) => ({ ...a, passwordSet: passwords.get(a.id) ?? false, survey30Days: surveys.get(a.id) ?? null })) };
  });

  app.post("/api/agents/:id/state", async (request, reply) => {
    const { id } = parseWith(AgentIdParam, request.params);
    const body = parseWith(StateBody, request.body ?? {});
    if (!desk) throw new ActionError(503, "no-acd", "the ACD is not running");
    const result = await desk.choose(id, body.state, body.reason ?? null);
    if (result === "unknown-agent") throw notFound(`no agent ${id}`);
    if (result === "not-in-flow") throw new ActionError(409, "not-in-flow", `agent ${id} is no longer in the flow file`);
    if (result === "busy") throw new ActionError(409, "busy", `agent ${id} is offered a call or on one: their state follows the call`);
    request.log.info({ agentId: id, state: body.state, by: sessionActorOf(request) }, "agent state set from the dashboard");
    // From the Live page's form: back to the page.
    if (body.redirect) return reply.redirect(localPath(body.redirect, "/", { done: "state" }), 303);
    return { ok: true, agent: result };
  });

  // Each queue department's line: who waits (first in line first) and how its agents stand.
  app.get("/api/queues", async () => {
    const now = clock();
    const departments = Object.entries(flow.nodes).filter(([, node]) => isQueueDepartment(node));
    return {
      queues: await Promise.all(
        departments.map(async ([id, node]) => ({
          department: id,
          name: node.type === "department" ? node.name : id,
          staffing: await repositories.queue.staffing(id),
          waiting: (await repositories.queue.line(id)).map((entry) => ({
            callSid: entry.callSid,
            kind: entry.kind,
            status: entry.status,
            waitSeconds: Math.max(0, Math.round((now.getTime() - entry.enqueuedAt.getTime()) / 1000)),
            agent: entry.agentId,
          })),
        })),
      ),
    };
  });
}

const StateBody = z.object({
  state: z.enum(["available", "break", "offline"]),
  reason: z.string().trim().min(1).max(100).optional(),
  _csrf: z.string().optional(),
  redirect: z.string().max(2000).optional(),
});
