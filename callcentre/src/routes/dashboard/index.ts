// The dashboard at the root URL: sign-in (rate-limited), then pages and a JSON API for the owner and
// supervisors (the owner's routes: configuration and accounts; the supervising ones: everything
// else), and the agents' desk under /desk that needs an agent's session (routes/desk). Webhooks live
// under /twilio and never look at the session cookie. docs/dashboard.md, "Accounts and roles".
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { html } from "../../dashboard/html.js";
import { loginPage } from "../../dashboard/views/layout.js";
import { SessionStreams } from "../../dashboard/session-streams.js";
import { agentFingerprint, verifyPassword } from "../../plugins/app/agent-passwords.js";
import { cookieOptions, isApi, localPath, requireSession, SESSION_COOKIE, startSession } from "../../plugins/app/dashboard-auth.js";
import { FIRST_OWNER_ID } from "../../repositories/accounts-repository.js";
import { parseWith } from "../twilio/webhook-params.js";
import apiRoutes from "./api-routes.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { LoginBody } from "./dashboard-params.js";
import deskRoutes from "../desk/desk-routes.js";
import deskHistoryRoutes from "../desk/desk-history-routes.js";
import agentsRoutes, { agentPasswordRoutes } from "./agents-routes.js";
import configRoutes from "./config-routes.js";
import accountsRoutes, { ownAccountRoutes } from "./accounts-routes.js";
import monitorRoutes from "./monitor-routes.js";
import pageRoutes from "./page-routes.js";
import recordingRoutes from "./recording-routes.js";
import reportsRoutes from "./reports-routes.js";
import wallboardRoutes from "./wallboard-routes.js";

export type { DashboardRoutesOptions };

/** Sign-in attempts allowed per client address per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 5;

/** Twilio's REST errors carry its error code and the HTTP status it answered with. */
const twilioCode = (error: unknown) => (error as { code?: unknown }).code;
/** Node's network errors (ECONNREFUSED, ETIMEDOUT…): the REST API could not be reached. */
const unreachable = (error: unknown) => typeof twilioCode(error) === "string" && /^E[A-Z]+$/.test(twilioCode(error) as string);

export default async function dashboardRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { config, repositories, clock } = opts;
  const secure = config.publicBaseUrl.startsWith("https:");
  const streams = new SessionStreams();
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: "Too Many Requests",
      message: `Too many sign-in attempts: try again in ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });

  // Pages get an HTML error page; the API, JSON. A failed action posted from a form goes back to its
  // page with a short code that the page puts into words.
  app.setErrorHandler(async (error: FastifyError & { status?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const fromTwilio = typeof twilioCode(error) === "number" && typeof error.status === "number";
    const offline = unreachable(error);
    const status = error instanceof ActionError ? error.statusCode : fromTwilio || offline ? 502 : (error.statusCode ?? 500);
    const message = fromTwilio
      ? `Twilio refused the request: error ${String(twilioCode(error))}: ${error.message}`
      : offline
        ? "the Twilio REST API could not be reached; try again"
        : status >= 500 && !(error instanceof ActionError)
          ? "internal error"
          : error.message;
    if (fromTwilio || offline) request.log.warn({ twilioCode: twilioCode(error) }, "Twilio REST request from the dashboard failed");
    else if (status >= 500 && !(error instanceof ActionError)) request.log.error({ err: error }, "dashboard request failed");
    const redirect = (request.body as { redirect?: unknown } | undefined)?.redirect;
    // Only a signed-in form is sent back to its page: without a session there is nobody to tell.
    const formAction = request.method === "POST" && isApi(request.url) && typeof redirect === "string" && request.session;
    if (formAction && (status < 500 || fromTwilio || offline || error instanceof ActionError)) {
      const code =
        error instanceof ActionError ? error.code : fromTwilio ? "twilio" : offline ? "twilio-unreachable" : status === 404 ? "not-found" : "invalid";
      const params: Record<string, string> = { error: code, ...(fromTwilio ? { code: String(twilioCode(error)) } : {}) };
      return reply.redirect(localPath(redirect, "/", params), 303);
    }
    if (status === 429 && request.url.startsWith("/login")) {
      return reply.code(429).type("text/html").send(loginPage({ company: opts.flow.company, next: "/", error: error.message }).toString());
    }
    if (isApi(request.url) || request.url.startsWith("/login") || request.url.startsWith("/logout")) {
      return reply.code(status).send({ statusCode: status, error: status >= 500 ? "Internal Server Error" : error.name, message });
    }
    return reply
      .code(status)
      .type("text/html")
      .send(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status}</title><link rel="stylesheet" href="/dashboard/assets/dashboard.css"><link rel="icon" href="data:,"></head>
<body><main><h1>${status === 404 ? "Not found" : status === 403 ? "Not allowed" : status >= 500 ? "Something went wrong" : "That request was not valid"}</h1><p>${message}</p><p><a href="${request.session?.agentId ? "/desk" : "/"}">${request.session?.agentId ? "Back to the desk" : "Back to the dashboard"}</a></p></main></body></html>`.toString());
  });

  app.get("/login", async (request, reply) => {
    const next = localPath((request.query as { next?: unknown }).next);
    return reply.type("text/html").header("cache-control", "no-store").send(loginPage({ company: opts.flow.company, next }).toString());
  });

  // Everyone signs in with their own name and password: an account's id (the owner, a supervisor) or
  // an agent's id; a blank name is the first owner's, "owner". A wrong name and a wrong password get
  // the same answer after the same work: an unknown name is checked against a dummy hash
  // (agent-passwords.ts). Accounts are looked up first (an account cannot take an agent's id).
  app.post("/login", { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply) => {
    const body = parseWith(LoginBody, request.body ?? {});
    const given = (body.user ?? body.agent ?? "").trim();
    const name = given === "" ? FIRST_OWNER_ID : given;
    // Both looked up every time, so that which one knows the name does not show in the time taken.
    const [accountHash, agentHash] = await Promise.all([repositories.accounts.passwordHash(name), repositories.agents.passwordHash(name)]);
    const stored = accountHash ?? agentHash ?? null;
    // Hashed whether or not the name exists or has a password: the same work for every refusal.
    const matches = await verifyPassword(body.password, stored);
    if (!matches || !stored) {
      request.log.warn({ ip: request.ip }, "sign-in refused");
      const error = given === "" ? "That password is not right." : "That sign-in name and password do not match.";
      const page = loginPage({ company: opts.flow.company, next: localPath(body.next), user: given, error });
      return reply.code(401).type("text/html").send(page.toString());
    }
    const who = accountHash !== undefined ? { accountId: name } : { agentId: name };
    const token = await startSession(repositories.sessions, clock(), agentFingerprint(stored), who);
    await repositories.sessions.purgeExpired(clock());
    request.log.info({ ip: request.ip, ...who }, "sign-in");
    const next = localPath(body.next, "/");
    const home = "agentId" in who ? (next.startsWith("/desk") ? next : "/desk") : next.startsWith("/desk") ? "/" : next;
    return reply.setCookie(SESSION_COOKIE, token, cookieOptions(secure)).redirect(home, 303);
  });

  const noStore = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header("cache-control", "no-store");
  };

  // Either role signs out here.
  await app.register(async (anyone) => {
    anyone.addHook("preHandler", requireSession(repositories.sessions, clock, "any"));
    anyone.addHook("onSend", noStore);
    anyone.post("/logout", async (request, reply) => {
      if (request.session) {
        await repositories.sessions.delete(request.session.tokenHash);
        streams.endSession(request.session.tokenHash);
      }
      return reply.clearCookie(SESSION_COOKIE, { path: "/" }).redirect("/login", 303);
    });
  });

  // The owner's: configuration and accounts. A supervisor gets 403; an agent's pages go to /desk.
  await app.register(async (signedIn) => {
    signedIn.addHook("preHandler", requireSession(repositories.sessions, clock, "owner"));
    signedIn.addHook("onSend", noStore);
    await signedIn.register(configRoutes, opts);
    await signedIn.register(accountsRoutes, opts);
    await signedIn.register(agentPasswordRoutes, opts);
  });

  // Supervising: the live views, calls, recordings, metrics, voicemail, messages, subscribers, the
  // agents and their states, monitoring and reports, for supervisors and the owner.
  await app.register(async (supervising) => {
    supervising.addHook("preHandler", requireSession(repositories.sessions, clock, "supervisor"));
    supervising.addHook("onSend", noStore);
    await supervising.register(pageRoutes, opts);
    await supervising.register(apiRoutes, { ...opts, streams });
    await supervising.register(recordingRoutes, opts);
    await supervising.register(agentsRoutes, opts);
    await supervising.register(ownAccountRoutes, opts);
    await supervising.register(wallboardRoutes, { ...opts, streams });
    await supervising.register(monitorRoutes, opts);
    await supervising.register(reportsRoutes, opts);
  });

  // The agents' desk: only an agent's session.
  await app.register(async (desk) => {
    desk.addHook("preHandler", requireSession(repositories.sessions, clock, "agent"));
    desk.addHook("onSend", noStore);
    await desk.register(deskRoutes, { ...opts, streams });
    await desk.register(deskHistoryRoutes, opts);
  });
}
