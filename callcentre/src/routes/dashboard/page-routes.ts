// The dashboard's HTML pages for supervisors (and the owner); the owner's own: config-routes.ts,
// accounts-routes.ts. Each: parse the query → ask the service or a repository → render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Html } from "../../dashboard/html.js";
import { LIST_LIMIT } from "../../dashboard/dashboard-service.js";
import { callPage, callsPage } from "../../dashboard/views/calls-view.js";
import { pageContext } from "./page-context.js";
import type { LiveViewer } from "../../dashboard/views/live-controls.js";
import { liveFragment, livePage } from "../../dashboard/views/live-view.js";
import { conversationPage, messagesPage } from "../../dashboard/views/messages-view.js";
import { metricsFragment, metricsPage } from "../../dashboard/views/metrics-view.js";
import { subscribersPage } from "../../dashboard/views/subscribers-view.js";
import { voicemailPage } from "../../dashboard/views/voicemail-view.js";
import { parseWith } from "../twilio/webhook-params.js";
import { CallSidParam, CallsQuery, MetricsQuery, Notice, NumberParam, VoicemailQuery } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { ringAtOf, supervisorOf } from "./monitor-routes.js";

export default async function pageRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { service, repositories, flow } = opts;
  const zone = service.zone;

  const context = (request: FastifyRequest) => pageContext(request, flow.company);
  const send = (reply: FastifyReply, body: Html) => reply.type("text/html; charset=utf-8").send(body.toString());
  const departments = Object.values(flow.nodes).flatMap((node) => (node.type === "department" ? [node.name] : []));

  // The Live page, with the controls of one who supervises (monitoring, agents' states). Local mode:
  // the REST API is a carrier's, whose softphone (at its root) can be the supervisor's phone.
  const softphone = /^https:\/\/api\.twilio\.com\/?$/.test(opts.config.twilioApiBaseUrl) ? undefined : new URL("/", opts.config.twilioApiBaseUrl).toString();
  const viewer = async (request: FastifyRequest): Promise<LiveViewer> => {
    const who = supervisorOf(request);
    return { csrfToken: request.session?.csrfToken ?? "", who, ringAt: await ringAtOf(repositories, who), softphone };
  };

  app.get("/", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    return send(reply, livePage(context(request), await service.live(), zone, await viewer(request)));
  });

  app.get("/live/fragment", async (request, reply) => send(reply, liveFragment(await service.live(), zone, await viewer(request))));

  app.get("/calls", async (request, reply) => {
    const q = parseWith(CallsQuery, request.query);
    const { calls, total } = await service.searchCalls(q);
    return send(reply, callsPage(context(request), { calls, total, filter: q, departments, zone }));
  });

  app.get("/calls/:sid", async (request, reply) => {
    const detail = await service.callDetail(parseWith(CallSidParam, request.params).sid);
    return send(reply, callPage(context(request), { ...detail, zone, flow }));
  });

  app.get("/voicemail", async (request, reply) => {
    const { status } = parseWith(VoicemailQuery, request.query);
    const handled = status === "handled";
    const [voicemails, callbacks] = await Promise.all([
      repositories.recordings.voicemails(handled, LIST_LIMIT),
      repositories.callbacks.list(true, LIST_LIMIT),
    ]);
    return send(reply, voicemailPage(context(request), { handled, voicemails, callbacks, zone }));
  });

  app.get("/messages", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    const [conversations, inbox] = await Promise.all([repositories.messages.conversations(LIST_LIMIT), repositories.messages.inbox(LIST_LIMIT)]);
    return send(reply, messagesPage(context(request), { conversations, inbox, zone }));
  });

  app.get("/messages/:number", async (request, reply) => {
    const { number } = parseWith(NumberParam, request.params);
    parseWith(Notice.strict(), request.query);
    return send(reply, conversationPage(context(request), { ...(await service.conversation(number)), zone }));
  });

  app.get("/subscribers", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    return send(reply, subscribersPage(context(request), { ...(await service.subscribers()), zone }));
  });

  app.get("/metrics", async (request, reply) => {
    const today = service.today();
    const date = parseWith(MetricsQuery, request.query).date ?? today;
    return send(reply, metricsPage(context(request), await service.metrics(date), date === today));
  });

  app.get("/metrics/fragment", async (request, reply) => {
    const date = parseWith(MetricsQuery, request.query).date ?? service.today();
    return send(reply, metricsFragment(await service.metrics(date)));
  });
}
