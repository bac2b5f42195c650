// The agent's own pages beside the desk, read-only (docs/desk.md, "Your calls and inboxes"): their
// calls and today's figures, the voicemails of the departments they serve (with the audio, only of
// those), and the SMS inbox. Registered in the desk's group: only an agent's session reaches them.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { LIST_LIMIT } from "../../dashboard/dashboard-service.js";
import { localDayRange } from "../../dashboard/format.js";
import { deskMessagesPage, deskVoicemailPage, myCallsPage } from "../../dashboard/views/desk-history-view.js";
import type { DeskContext } from "../../dashboard/views/desk-view.js";
import { notFound } from "../../lib/http-errors.js";
import type { DashboardRoutesOptions } from "../dashboard/dashboard-options.js";
import { RecordingParam } from "../dashboard/dashboard-params.js";
import { recordingRelay } from "../dashboard/recording-routes.js";
import { parseWith } from "../twilio/webhook-params.js";

export default async function deskHistoryRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, service, clock } = opts;
  const work = repositories.agentWork;
  const relay = recordingRelay(opts.config);
  const departmentNames = new Map(Object.entries(flow.nodes).flatMap(([id, node]) => (node.type === "department" ? [[id, node.name] as const] : [])));

  const agentOf = (request: FastifyRequest): string => {
    const agentId = request.session?.agentId;
    if (!agentId) throw new Error("desk route without an agent's session");
    return agentId;
  };
  /** The names of the departments the agent serves (a voicemail keeps its department's name). */
  const departmentsOf = async (agentId: string): Promise<string[]> => {
    const agent = await repositories.agents.get(agentId);
    return (agent?.departments ?? []).map((d) => departmentNames.get(d.department) ?? d.department);
  };
  const context = (request: FastifyRequest): DeskContext => ({ company: flow.company, csrfToken: request.session?.csrfToken ?? "", zone: service.zone });
  const mine = async (agentId: string) => {
    const { from, to } = localDayRange(service.today(), service.zone);
    const [calls, today] = await Promise.all([work.calls(agentId, LIST_LIMIT), work.stats(agentId, from, to)]);
    return { calls, today };
  };
  const html = (body: { toString(): string }) => body.toString();

  app.get("/desk/calls", async (request, reply) => {
    const data = await mine(agentOf(request));
    return reply.type("text/html; charset=utf-8").send(html(myCallsPage(context(request), { ...data, departments: departmentNames })));
  });

  app.get("/desk/api/calls", async (request) => ({ now: clock().toISOString(), ...(await mine(agentOf(request))) }));

  app.get("/desk/voicemail", async (request, reply) => {
    const departments = await departmentsOf(agentOf(request));
    const voicemails = await work.voicemails(departments, LIST_LIMIT);
    return reply.type("text/html; charset=utf-8").send(html(deskVoicemailPage(context(request), { voicemails, departments })));
  });

  app.get("/desk/api/voicemails", async (request) => ({ voicemails: await work.voicemails(await departmentsOf(agentOf(request)), LIST_LIMIT) }));

  // Only a voicemail of one of the agent's departments: any other recording is "not found" to them.
  app.get("/desk/api/recordings/:sid/audio", async (request, reply) => {
    const { sid } = parseWith(RecordingParam, request.params);
    const voicemail = await work.voicemail(await departmentsOf(agentOf(request)), sid);
    if (!voicemail) throw notFound(`no voicemail ${sid} for your departments`);
    return relay(request, reply, sid, voicemail.url);
  });

  app.get("/desk/messages", async (request, reply) => {
    const inbox = await repositories.messages.inbox(LIST_LIMIT);
    return reply.type("text/html; charset=utf-8").send(html(deskMessagesPage(context(request), { inbox })));
  });

  app.get("/desk/api/inbox", async () => ({ messages: await repositories.messages.inbox(LIST_LIMIT) }));
}
