// Monitoring from the Live page (docs/monitoring.md): a supervisor (or the owner) listens in on a
// conversation in progress, whispers to the agent, barges in, and leaves. Their phone rings where
// the request says (`to`), or where their account says. Session, role and CSRF are checked by the
// group these routes are registered in (routes/dashboard/index.ts, "supervising").
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { MonitorRefusal } from "../../acd/monitoring.js";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { notFound } from "../../lib/http-errors.js";
import { localPath, sessionActor, sessionRole } from "../../plugins/app/dashboard-auth.js";
import { MONITOR_MODES, type MonitorRow } from "../../repositories/monitors-repository.js";
import { parseWith } from "../twilio/webhook-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { E164 } from "./dashboard-params.js";

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const EntryParam = z.strictObject({ entryId: Id });
const MonitorParam = z.strictObject({ id: Id });
/** Where the supervisor's phone rings: an E.164 number or a Twilio Client identity. */
const Address = z.union([E164, z.string().regex(/^client:[A-Za-z0-9_.@-]{1,120}$/, "must be client:<identity>")], {
  error: "must be an E.164 number such as +61491570156, or client:<identity>",
});
const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value);
const Form = { _csrf: z.string().optional(), redirect: z.string().max(2000).optional() };
const StartBody = z.strictObject({ mode: z.enum(MONITOR_MODES), to: z.preprocess(blank, Address.optional()), ...Form });
const ModeBody = z.strictObject({ mode: z.enum(MONITOR_MODES), ...Form });
const LeaveBody = z.strictObject(Form);

const REFUSALS: Record<MonitorRefusal, [number, string]> = {
  "not-in-progress": [409, "that conversation is not in progress (the caller is not talking to an agent)"],
  "already-monitoring": [409, "you are already monitoring a conversation: leave it first"],
  ended: [404, "no such monitoring session in progress"],
  "not-yours": [403, "that monitoring session is another supervisor's"],
  "not-joined": [409, "your phone has not joined the conversation yet: answer it first"],
};

/** Who is monitoring: the session's account ("owner", "sam"…). */
export const supervisorOf = (request: FastifyRequest): string => (request.session ? sessionActor(request.session) : "") || "owner";

/** Where an account's monitoring calls ring unless told: its phone (E.164), else its Client identity. */
export async function ringAtOf(repositories: DashboardRoutesOptions["repositories"], who: string): Promise<string | undefined> {
  const account = await repositories.accounts.find(who);
  return account?.phone ?? (account?.client ? `client:${account.client}` : undefined);
}

export default async function monitorRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories } = opts;
  const monitoring = () => {
    if (!opts.monitoring) throw new ActionError(503, "no-acd", "the ACD is not running");
    return opts.monitoring;
  };
  const answer = (request: FastifyRequest, reply: FastifyReply, result: MonitorRow | MonitorRefusal, code: string) => {
    if (typeof result === "string") {
      const [status, message] = REFUSALS[result];
      throw new ActionError(status, result, message);
    }
    const redirect = (request.body as { redirect?: unknown } | undefined)?.redirect;
    if (typeof redirect === "string") return reply.redirect(localPath(redirect, "/", { done: code }), 303);
    return reply.send({ ok: true, monitor: { id: result.id, entryId: result.entryId, mode: result.mode, supervisor: result.supervisor, callSid: result.supervisorCallSid } });
  };

  app.post("/api/conversations/:entryId/monitor", async (request, reply) => {
    const { entryId } = parseWith(EntryParam, request.params);
    const body = parseWith(StartBody, request.body ?? {});
    const who = supervisorOf(request);
    if (!(await repositories.queue.entry(entryId))) throw notFound(`no conversation ${entryId}`);
    const to = body.to ?? (await ringAtOf(repositories, who));
    if (!to) throw new ActionError(400, "no-phone", "give a number to ring (to: an E.164 number or client:<identity>): your account has no phone or client");
    // A supervisor's monitoring call rings their own phone (the one the owner put on their account) or a
    // Client identity, never a number they type: else anyone with a supervisor's sign-in could have the
    // centre patch a customer's conversation out to any number (and pay for the call). The owner may.
    if (to.startsWith("+") && request.session && sessionRole(request.session) !== "owner" && to !== (await repositories.accounts.find(who))?.phone) {
      throw new ActionError(403, "not-your-phone", "a supervisor's monitoring calls ring the phone on their account (the owner sets it on the Accounts page) or client:<identity>");
    }
    const result = await monitoring().start(entryId, who, body.mode, to);
    return answer(request, reply, result, `monitor-${body.mode}`);
  });

  app.post("/api/monitors/:id/mode", async (request, reply) => {
    const { id } = parseWith(MonitorParam, request.params);
    const { mode } = parseWith(ModeBody, request.body ?? {});
    return answer(request, reply, await monitoring().setMode(id, supervisorOf(request), mode), `monitor-${mode}`);
  });

  app.post("/api/monitors/:id/leave", async (request, reply) => {
    const { id } = parseWith(MonitorParam, request.params);
    parseWith(LeaveBody, request.body ?? {});
    return answer(request, reply, await monitoring().leave(id, supervisorOf(request)), "monitor-left");
  });
}
