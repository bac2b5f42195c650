// The dashboard's JSON API (what the pages show, for scripts and tests), its actions (which the
// pages' forms post to, coming back with ?done= or ?error=) and the live event stream. Recordings'
// audio: recording-routes.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CALLS_PAGE_SIZE, LIST_LIMIT } from "../../dashboard/dashboard-service.js";
import { sessionEventStream, type SessionStreams } from "../../dashboard/session-streams.js";
import { localPath } from "../../plugins/app/dashboard-auth.js";
import { notFound } from "../../lib/http-errors.js";
import { parseWith } from "../twilio/webhook-params.js";
import {
  ActionBody,
  CallbackParam,
  CallbacksQuery,
  CallSidParam,
  CallsQuery,
  HandledBody,
  MessageIdParam,
  MetricsQuery,
  NumberParam,
  RecordingParam,
  ReplyBody,
  VoicemailQuery,
} from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";

/** Answers an action: back to the form's page with ?done=, or JSON for API clients. */
function done(request: FastifyRequest, reply: FastifyReply, code: string, result: Record<string, unknown>) {
  const redirect = (request.body as { redirect?: unknown } | undefined)?.redirect;
  if (typeof redirect !== "string") return reply.send({ ok: true, ...result });
  return reply.redirect(localPath(redirect, "/", { done: code }), 303);
}

export interface ApiRoutesOptions extends DashboardRoutesOptions {
  /** The open live streams, by session (signing out ends them). */
  streams: SessionStreams;
}

export default async function apiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): Promise<void> {
  const { service, repositories, live, clock, streams } = opts;
  app.addHook("preClose", async () => streams.endAll());

  app.get("/api/live", async () => service.live());

  // Server-sent events: a `live` event with the snapshot now, then whenever it changes. The stream
  // lasts only as long as its session: it ends when the session signs out, and at the first event or
  // keep-alive after the session has ended otherwise (expired, or a new password).
  app.get("/api/live/stream", async (request, reply) => {
    const tokenHash = request.session?.tokenHash ?? "";
    await sessionEventStream(request, reply, {
      streams,
      signedIn: async () => (await repositories.sessions.find(tokenHash, clock())) !== undefined,
      label: "live stream",
      subscribe: (emit) => live.subscribe((snapshot) => emit(`event: live\ndata: ${snapshot}\n\n`)),
    });
  });

  app.get("/api/calls", async (request) => {
    const q = parseWith(CallsQuery, request.query);
    return { ...(await service.searchCalls(q)), page: q.page, pageSize: CALLS_PAGE_SIZE };
  });

  app.get("/api/calls/:sid", async (request) => service.callDetail(parseWith(CallSidParam, request.params).sid));

  app.get("/api/voicemails", async (request) => {
    const { status } = parseWith(VoicemailQuery, request.query);
    return { voicemails: await repositories.recordings.voicemails(status === "handled", LIST_LIMIT) };
  });

  app.post("/api/voicemails/:sid/handled", async (request, reply) => {
    const { sid } = parseWith(RecordingParam, request.params);
    const { handled } = parseWith(HandledBody, request.body ?? {});
    if (!(await repositories.recordings.setHandled(sid, handled, clock()))) throw notFound(`no voicemail ${sid}`);
    return done(request, reply, handled ? "handled" : "reopened", { sid, handled });
  });

  app.post("/api/voicemails/:sid/call-back", async (request, reply) => {
    const { sid } = parseWith(RecordingParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { callSid } = await service.callBack({ voicemail: sid });
    return done(request, reply, "called-back", { callSid });
  });

  app.get("/api/callbacks", async (request) => {
    const { status } = parseWith(CallbacksQuery, request.query);
    return { callbacks: await repositories.callbacks.list(status === "pending", LIST_LIMIT) };
  });

  app.post("/api/callbacks/:callSid/call-back", async (request, reply) => {
    const { callSid: requested } = parseWith(CallbackParam, request.params);
    parseWith(ActionBody, request.body ?? {});
    const { callSid } = await service.callBack({ callbackRequest: requested });
    return done(request, reply, "called-back", { callSid });
  });

  app.get("/api/conversations", async () => ({ conversations: await repositories.messages.conversations(LIST_LIMIT) }));

  app.get("/api/conversations/:number", async (request) => service.conversation(parseWith(NumberParam, request.params).number));

  app.post("/api/conversations/:number/reply", async (request, reply) => {
    const { number } = parseWith(NumberParam, request.params);
    const { body } = parseWith(ReplyBody, request.body ?? {});
    const sent = await service.reply(number, body);
    return done(request, reply, "replied", { messageSid: sent.sid });
  });

  app.get("/api/inbox", async () => ({ messages: await repositories.messages.inbox(LIST_LIMIT) }));

  app.post("/api/messages/:id/handled", async (request, reply) => {
    const { id } = parseWith(MessageIdParam, request.params);
    const { handled } = parseWith(HandledBody, request.body ?? {});
    if (!(await repositories.messages.setHandled(id, handled, clock()))) throw notFound(`no inbox message ${id}`);
    return done(request, reply, handled ? "handled" : "reopened", { id, handled });
  });

  app.get("/api/subscribers", async () => service.subscribers());

  app.get("/api/metrics", async (request) => {
    const date = parseWith(MetricsQuery, request.query).date ?? service.today();
    return service.metrics(date);
  });
}
