// The agents' desk (docs/desk.md), for an agent's session only (routes/dashboard/index.ts checks the
// role): the page, its snapshot as JSON, its event stream, and the actions its forms post (a state, a
// device, a wrap-up), which go back to the page with ?done= or ?error= or answer JSON to scripts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CallAction, DeskPort } from "../../acd/desk-port.js";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { sessionEventStream, type SessionStreams } from "../../dashboard/session-streams.js";
import { deskNotice, deskPage, deskPanel, type DeskContext } from "../../dashboard/views/desk-view.js";
import { DeskFeed } from "../../desk/desk-feed.js";
import { BREAK_REASONS, DeskService, type DeskSnapshot } from "../../desk/desk-service.js";
import { localPath } from "../../plugins/app/dashboard-auth.js";
import { DISPOSITIONS } from "../../repositories/desk-repository.js";
import type { DashboardRoutesOptions } from "../dashboard/dashboard-options.js";
import { Notice } from "../dashboard/dashboard-params.js";
import { parseWith } from "../twilio/webhook-params.js";

/** Fields every action form carries: the CSRF token and where to go back to. */
const ActionFields = { _csrf: z.string().optional(), redirect: z.string().max(2000).optional() };
const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const StateBody = z.strictObject({
  ...ActionFields,
  state: z.enum(["available", "break", "offline"]),
  reason: z.preprocess(blank, z.enum(BREAK_REASONS).optional()),
});
export const DeviceBody = z.strictObject({ ...ActionFields, device: z.enum(["phone", "client"]) });
/** A call control: the action, and for a transfer or consultation, where to (a department, or an agent). */
export const CallBody = z
  .strictObject({
    ...ActionFields,
    action: z.enum(["hold", "resume", "mute", "unmute", "hangup", "pause-recording", "resume-recording", "transfer", "consult", "complete-transfer", "cancel-consult"]),
    // The page's one select says "department:sales" or "agent:noah".
    to: z.preprocess(blank, z.string().regex(/^(department|agent):[a-z0-9][a-z0-9-]*$/, 'must be "department:<id>" or "agent:<id>"').optional()),
  })
  .transform((body, ctx): CallAction => {
    const [kind, id = ""] = body.to?.split(":") ?? [];
    if (body.action === "transfer") {
      if (!kind) return (ctx.addIssue({ code: "custom", path: ["to"], message: "a transfer needs somewhere to go" }), z.NEVER);
      return kind === "agent" ? { action: "transfer", agent: id } : { action: "transfer", department: id };
    }
    if (body.action === "consult") {
      if (kind !== "agent") return (ctx.addIssue({ code: "custom", path: ["to"], message: "a consultation is with an agent" }), z.NEVER);
      return { action: "consult", agent: id };
    }
    return { action: body.action };
  });
export const WrapUpBody = z.strictObject({
  ...ActionFields,
  entryId: z.coerce.number().int().positive().max(2 ** 53),
  disposition: z.enum(DISPOSITIONS),
  note: z.preprocess(
    blank,
    z
      .string()
      .transform((text) => text.replace(/\r\n/g, "\n").trim())
      .pipe(z.string().max(2000, "must be at most 2,000 characters"))
      .optional(),
  ),
});

/** Without the ACD, the desk shows the agent's state but cannot change it. */
const NO_ACD: DeskPort = {
  choose: () => Promise.reject(new ActionError(503, "no-acd", "the call distributor is not running: states cannot be changed now")),
  setDevice: () => Promise.reject(new ActionError(503, "no-acd", "the call distributor is not running: the device cannot be changed now")),
  callAction: () => Promise.reject(new ActionError(503, "no-acd", "the call distributor is not running: calls cannot be changed now")),
  onChange: () => () => undefined,
};

export interface DeskRoutesOptions extends DashboardRoutesOptions {
  /** The open event streams, by session (signing out ends them). */
  streams: SessionStreams;
}

export default async function deskRoutes(app: FastifyInstance, opts: DeskRoutesOptions): Promise<void> {
  const { repositories, flow, clock, streams, service } = opts;
  const port = opts.desk ?? NO_ACD;
  const desk = new DeskService({ flow, repositories, port, clock });
  const feed = new DeskFeed({ snapshot: (agentId) => desk.snapshot(agentId), port, log: app.log, pollMs: opts.deskPollMs });
  app.addHook("preClose", async () => feed.stop());

  /** The signed-in agent (the preHandler let only agents' sessions through). */
  const agentOf = (request: FastifyRequest): string => {
    const agentId = request.session?.agentId;
    if (!agentId) throw new Error("desk route without an agent's session");
    return agentId;
  };
  // Local mode: the REST API is a carrier's, whose softphone is at its root.
  const softphone = /^https:\/\/api\.twilio\.com\/?$/.test(opts.config.twilioApiBaseUrl) ? undefined : new URL("/", opts.config.twilioApiBaseUrl).toString();
  const context = (request: FastifyRequest): DeskContext => ({
    company: flow.company,
    softphone,
    csrfToken: request.session?.csrfToken ?? "",
    zone: service.zone,
    notice: deskNotice(request.query as Record<string, unknown>),
  });

  /** Answers an action: back to the desk (with ?done= when there is something to say), or JSON for scripts. */
  const done = (request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>, code?: string) => {
    const redirect = (request.body as { redirect?: unknown } | undefined)?.redirect;
    if (typeof redirect !== "string") return reply.send({ ok: true, ...result });
    const back = localPath(redirect, "/desk", { done: code ?? "" });
    return reply.redirect(code ? back : (back.split("?")[0] ?? "/desk"), 303);
  };

  app.get("/desk", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    const snapshot = await desk.snapshot(agentOf(request));
    return reply.type("text/html; charset=utf-8").send(deskPage(context(request), snapshot, clock().toISOString()).toString());
  });

  app.get("/desk/api/snapshot", async (request) => ({ now: clock().toISOString(), snapshot: await desk.snapshot(agentOf(request)) }));

  // Server-sent events: a `desk` event with the snapshot now, then whenever it changes, each with the
  // panel's HTML for it. As with the dashboard's live stream, the stream lasts only as long as its
  // session: it ends when the session signs out, and at the first event or keep-alive after the
  // session has ended otherwise (expired, a new password, the agent left the flow).
  app.get("/desk/stream", async (request, reply) => {
    const agentId = agentOf(request);
    const tokenHash = request.session?.tokenHash ?? "";
    const ctx = { ...context(request), notice: undefined };
    const event = (snapshot: DeskSnapshot) => {
      const now = clock().toISOString();
      return `event: desk\ndata: ${JSON.stringify({ now, snapshot, html: deskPanel(ctx, snapshot, now).toString() })}\n\n`;
    };
    await sessionEventStream(request, reply, {
      streams,
      signedIn: async () => (await repositories.sessions.find(tokenHash, clock())) !== undefined,
      label: "desk stream",
      subscribe: (emit) => feed.subscribe(agentId, (snapshot) => emit(event(snapshot))),
    });
  });

  app.post("/desk/api/state", async (request, reply) => {
    const body = parseWith(StateBody, request.body ?? {});
    const agentId = agentOf(request);
    await desk.choose(agentId, body.state, body.reason ?? null);
    feed.changed(agentId);
    return done(request, reply, { state: body.state });
  });

  app.post("/desk/api/device", async (request, reply) => {
    const body = parseWith(DeviceBody, request.body ?? {});
    const agentId = agentOf(request);
    await desk.setDevice(agentId, body.device);
    feed.changed(agentId);
    return done(request, reply, { device: body.device });
  });

  app.post("/desk/api/call", async (request, reply) => {
    const action = parseWith(CallBody, request.body ?? {});
    const agentId = agentOf(request);
    await desk.callAction(agentId, action);
    feed.changed(agentId);
    return done(request, reply, { action: action.action });
  });

  app.post("/desk/api/wrap-up", async (request, reply) => {
    const body = parseWith(WrapUpBody, request.body ?? {});
    const agentId = agentOf(request);
    await desk.saveWrapUp(agentId, body.entryId, body.disposition, body.note ?? null);
    feed.changed(agentId);
    return done(request, reply, { entryId: body.entryId, disposition: body.disposition }, "saved");
  });
}
