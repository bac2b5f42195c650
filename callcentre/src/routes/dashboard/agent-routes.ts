// The agents and lines for the owner's dashboard (and scripts): agents with their states, a change of
// an agent's state made for them (taking a "missed" agent off break, signing out one who left), and
// each queue department's line now.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isQueueDepartment } from "../../flows/flow-schema.js";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { notFound } from "../../lib/http-errors.js";
import { parseWith } from "../twilio/webhook-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";

const AgentParam = z.object({ id: z.string().min(1).max(100) });
const StateBody = z.object({
  state: z.enum(["available", "break", "offline"]),
  reason: z.string().trim().min(1).max(100).optional(),
  _csrf: z.string().optional(),
  redirect: z.string().max(2000).optional(),
});

export default async function agentRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, acd, flow, clock } = opts;

  app.get("/api/agents", async () => ({ agents: await repositories.agents.list() }));

  app.post("/api/agents/:id/state", async (request) => {
    const { id } = parseWith(AgentParam, request.params);
    const body = parseWith(StateBody, request.body ?? {});
    const result = await acd.choose(id, body.state, body.reason ?? null);
    if (result === "unknown-agent") throw notFound(`no agent "${id}"`);
    if (result === "not-in-flow") throw new ActionError(409, "not-in-flow", `agent "${id}" is no longer in the flow file`);
    if (result === "busy") throw new ActionError(409, "busy", `agent "${id}" is offered a call or on one: their state follows the call`);
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
