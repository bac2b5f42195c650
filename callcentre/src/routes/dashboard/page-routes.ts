// The dashboard's HTML pages. Each: parse the query → ask the service or a repository → render.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Html } from "../../dashboard/html.js";
import { callPage, callsPage, type CallFilter } from "../../dashboard/views/calls-view.js";
import { flowPage, type FlowFileState } from "../../dashboard/views/flow-view.js";
import { noticeFrom, type PageContext } from "../../dashboard/views/layout.js";
import { liveFragment, livePage } from "../../dashboard/views/live-view.js";
import { conversationPage, messagesPage } from "../../dashboard/views/messages-view.js";
import { metricsFragment, metricsPage } from "../../dashboard/views/metrics-view.js";
import { subscribersPage } from "../../dashboard/views/subscribers-view.js";
import { voicemailPage } from "../../dashboard/views/voicemail-view.js";
import { FlowError, parseFlow } from "../../flows/load-flow.js";
import { parseWith } from "../twilio/webhook-params.js";
import { CallSidParam, CallsQuery, MetricsQuery, Notice, NumberParam, VoicemailQuery } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./index.js";

const LIST_LIMIT = 200;

export default async function pageRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { service, repositories, flow, config } = opts;
  const zone = service.zone;

  const context = (request: FastifyRequest): PageContext => ({
    company: flow.company,
    csrfToken: request.session?.csrfToken ?? "",
    notice: noticeFrom(request.query as Record<string, unknown>),
  });
  const send = (reply: FastifyReply, body: Html) => reply.type("text/html; charset=utf-8").send(body.toString());
  const departments = Object.values(flow.nodes).flatMap((node) => (node.type === "department" ? [node.name] : []));

  app.get("/", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    return send(reply, livePage(context(request), await service.live(), zone));
  });

  app.get("/live/fragment", async (_request, reply) => send(reply, liveFragment(await service.live(), zone)));

  app.get("/calls", async (request, reply) => {
    const q = parseWith(CallsQuery, request.query);
    const filter: CallFilter = { from: q.from, to: q.to, number: q.number, status: q.status, department: q.department, page: q.page };
    const { calls, total } = await service.searchCalls(q);
    return send(reply, callsPage(context(request), { calls, total, filter, departments, zone }));
  });

  app.get("/calls/:sid", async (request, reply) => {
    const detail = await service.callDetail(parseWith(CallSidParam, request.params).sid);
    return send(reply, callPage(context(request), { ...detail, zone }));
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

  app.get("/flow", async (request, reply) => send(reply, flowPage(context(request), flow, flowFileState(config.flowFile, flow))));
}

/** The flow file as it is on disk now: still valid? changed since start? */
export function flowFileState(file: string, loaded: import("../../flows/flow-schema.js").Flow): FlowFileState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { file, problems: [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`], changed: false };
  }
  try {
    return { file, problems: [], changed: !isDeepStrictEqual(parseFlow(text, file), loaded) };
  } catch (error) {
    if (error instanceof FlowError) return { file, problems: error.problems, changed: true };
    throw error;
  }
}
