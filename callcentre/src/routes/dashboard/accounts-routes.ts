// Accounts: the owner's page and API to add owners and supervisors, change them, reset their passwords
// and delete them (accountsRoutes); and, for any account, their own password (ownAccountRoutes). A
// password made here is returned once, in the answer (never in a URL, never logged); a new password
// or a deletion ends the account's sessions (sessions-repository.ts). The last owner stays an owner.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ActionError } from "../../dashboard/dashboard-service.js";
import { accountsPage, ownAccountPage } from "../../dashboard/views/accounts-view.js";
import { notFound } from "../../lib/http-errors.js";
import { agentFingerprint, generatePassword, hashPassword, verifyPassword } from "../../plugins/app/agent-passwords.js";
import { cookieOptions, localPath, SESSION_COOKIE, sessionActor, startSession } from "../../plugins/app/dashboard-auth.js";
import type { AccountRefusal, AccountRow, NewAccount } from "../../repositories/accounts-repository.js";
import { parseWith } from "../twilio/webhook-params.js";
import { AccountChangesBody, AccountIdParam, NewAccountBody, OwnDutyBody, OwnPasswordBody, PasswordResetBody } from "./accounts-params.js";
import { Notice } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { pageContext } from "./page-context.js";

const by = (request: FastifyRequest) => (request.session ? sessionActor(request.session) : undefined);

/** Public fields of an account, for the API. */
const shown = (a: AccountRow) => ({ id: a.id, name: a.name, role: a.role, phone: a.phone, client: a.client, onDuty: a.onDuty, createdAt: a.createdAt, updatedAt: a.updatedAt });

function refused(result: AccountRefusal, id: string): never {
  if (result === "not-found") throw notFound(`no account ${id}`);
  throw new ActionError(409, "last-owner", `${id} is the last owner: make another account an owner first`);
}

/** Back to the form's page with ?done=, or JSON for API clients. */
function done(request: FastifyRequest, reply: FastifyReply, code: string, result: Record<string, unknown>) {
  const redirect = (request.body as { redirect?: unknown } | undefined)?.redirect;
  if (typeof redirect !== "string") return reply.send({ ok: true, ...result });
  return reply.redirect(localPath(redirect, "/", { done: code }), 303);
}

export default async function accountsRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, service, clock } = opts;
  const { accounts } = repositories;
  const render = async (request: FastifyRequest, reply: FastifyReply, newPassword?: Parameters<typeof accountsPage>[1]["newPassword"]) => {
    const page = accountsPage(pageContext(request, flow.company), { accounts: await accounts.list(), zone: service.zone, newPassword });
    return reply.type("text/html; charset=utf-8").send(page.toString());
  };

  /** Creates the account with the chosen password or a generated one (returned, to be shown once). */
  const create = async (request: FastifyRequest, account: NewAccount, chosen: string | undefined) => {
    // An account's id is a sign-in name, looked up before the agents': it must not hide an agent.
    if (await repositories.agents.get(account.id)) throw new ActionError(409, "agent-id", `${account.id} is an agent's id: choose another sign-in name`);
    const password = chosen ?? generatePassword();
    const made = await accounts.create(account, await hashPassword(password), clock());
    if (made === "exists") throw new ActionError(409, "account-exists", `there is already an account ${account.id}`);
    request.log.info({ accountId: made.id, role: made.role, by: by(request) }, "account created");
    return { account: made, generated: chosen === undefined ? password : undefined };
  };

  const reset = async (request: FastifyRequest, id: string, chosen: string | undefined) => {
    const account = await accounts.find(id);
    if (!account) throw notFound(`no account ${id}`);
    const password = chosen ?? generatePassword();
    await accounts.setPasswordHash(id, await hashPassword(password), clock());
    request.log.info({ accountId: id, by: by(request) }, "account password reset");
    return { account, generated: chosen === undefined ? password : undefined };
  };

  app.get("/accounts", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    return render(request, reply);
  });

  // The page's forms that make a password answer with the page itself, the password on it.
  app.post("/accounts", async (request, reply) => {
    const { password, _csrf, redirect: _redirect, ...fields } = parseWith(NewAccountBody, request.body ?? {});
    const { account, generated } = await create(request, fields, password);
    return render(request, reply, { id: account.id, name: account.name, password: generated, created: true });
  });

  app.post("/accounts/:id/password", async (request, reply) => {
    const { id } = parseWith(AccountIdParam, request.params);
    const { password } = parseWith(PasswordResetBody, request.body ?? {});
    const { account, generated } = await reset(request, id, password);
    return render(request, reply, { id, name: account.name, password: generated, created: false });
  });

  app.get("/api/accounts", async () => ({ accounts: (await accounts.list()).map(shown) }));

  app.post("/api/accounts", async (request) => {
    const { password, _csrf, redirect: _redirect, ...fields } = parseWith(NewAccountBody, request.body ?? {});
    const { account, generated } = await create(request, fields, password);
    return { ok: true, account: shown(account), ...(generated ? { password: generated } : {}) };
  });

  app.get("/api/accounts/:id", async (request) => {
    const { id } = parseWith(AccountIdParam, request.params);
    const account = await accounts.find(id);
    if (!account) throw notFound(`no account ${id}`);
    return shown(account);
  });

  app.post("/api/accounts/:id", async (request, reply) => {
    const { id } = parseWith(AccountIdParam, request.params);
    const { _csrf, redirect: _redirect, ...changes } = parseWith(AccountChangesBody, request.body ?? {});
    const result = await accounts.update(id, changes, clock());
    if (typeof result === "string") refused(result, id);
    request.log.info({ accountId: id, changed: Object.keys(changes), by: by(request) }, "account changed");
    return done(request, reply, "account-saved", { account: shown(result) });
  });

  app.post("/api/accounts/:id/password", async (request) => {
    const { id } = parseWith(AccountIdParam, request.params);
    const { password } = parseWith(PasswordResetBody, request.body ?? {});
    const { generated } = await reset(request, id, password);
    return { ok: true, id, ...(generated ? { password: generated } : {}) };
  });

  const remove = async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = parseWith(AccountIdParam, request.params);
    parseWith(PasswordResetBody.omit({ password: true }), request.body ?? {});
    const result = await accounts.delete(id);
    if (typeof result === "string") refused(result, id);
    request.log.info({ accountId: id, by: by(request) }, "account deleted");
    return done(request, reply, "account-deleted", { id });
  };
  app.post("/api/accounts/:id/delete", remove);
  app.delete("/api/accounts/:id", remove);
}

/** Any account's own page and password (owners and supervisors alike). */
export async function ownAccountRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, flow, clock, config } = opts;
  const secure = config.publicBaseUrl.startsWith("https:");
  const own = async (request: FastifyRequest) => {
    const id = request.session?.accountId;
    const account = id ? await repositories.accounts.find(id) : undefined;
    if (!account) throw notFound("no account is signed in");
    return account;
  };

  app.get("/account", async (request, reply) => {
    parseWith(Notice.strict(), request.query);
    return reply.type("text/html; charset=utf-8").send(ownAccountPage(pageContext(request, flow.company), await own(request)).toString());
  });

  // A new password ends every session of the account; this one is replaced by a fresh session at once.
  const change = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = await own(request);
    const { current, password } = parseWith(OwnPasswordBody, request.body ?? {});
    if (!(await verifyPassword(current, await repositories.accounts.passwordHash(account.id)))) {
      throw new ActionError(403, "wrong-password", "the current password is not right: nothing was changed");
    }
    const hash = await hashPassword(password);
    await repositories.accounts.setPasswordHash(account.id, hash, clock());
    if (request.session) await repositories.sessions.delete(request.session.tokenHash);
    const token = await startSession(repositories.sessions, clock(), agentFingerprint(hash), { accountId: account.id });
    request.log.info({ accountId: account.id }, "own password changed");
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(secure));
    return done(request, reply, "password-changed", { id: account.id });
  };
  app.post("/api/account/password", change);

  // On duty, or not: the wallboard's threshold alerts go by SMS to the phones of the accounts on duty
  // (docs/wallboard.md). A supervisor says so at the start and end of a shift; the owner may too.
  app.post("/api/account/duty", async (request, reply) => {
    const account = await own(request);
    const { onDuty } = parseWith(OwnDutyBody, request.body ?? {});
    const result = await repositories.accounts.update(account.id, { onDuty }, clock());
    if (typeof result === "string") throw notFound("no account is signed in");
    request.log.info({ accountId: account.id, onDuty }, "own duty changed");
    return done(request, reply, onDuty ? "on-duty" : "off-duty", { id: account.id, onDuty, phone: result.phone !== null });
  });
}
