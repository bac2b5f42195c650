// Dashboard sign-in: each person with their own name and password (scrypt, agent-passwords.ts); a
// session cookie (random token, httpOnly, SameSite=Strict, Secure behind https) whose SHA-256 is the
// key of its row; a CSRF token per session that every form and API write must echo. A session ends
// when it has not been used for SESSION_IDLE_MS, SESSION_MAX_AGE_MS after sign-in in any case, and as
// soon as its person's password changes (or the account is deleted, or the agent leaves the flow).
//
// Three roles share these sessions (docs/dashboard.md, "Accounts and roles"): the owner and supervisors
// (accounts; the dashboard) and agents (the flow's agents; the desk at /desk, docs/desk.md).
// requireSession takes the role a group of routes is for and refuses the others there.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { forbidden, HttpError } from "../../lib/http-errors.js";
import type { Clock } from "../../lib/clock.js";
import type { SessionRow, SessionsRepository } from "../../repositories/sessions-repository.js";

export const SESSION_COOKIE = "callcentre_session";
/** Unused this long, a session ends. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** This long after sign-in, a session ends however busy it is (a stolen cookie cannot be kept alive). */
export const SESSION_MAX_AGE_MS = 24 * 3600_000;
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

declare module "fastify" {
  interface FastifyRequest {
    session?: SessionRow;
  }
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
export const hashToken = (token: string) => sha256(token).toString("hex");

/** Constant-time comparison: both sides are hashed first, so their lengths leak nothing either. */
export function secretsMatch(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * Starts a session for an account or an agent, bound to `fingerprint` = agentFingerprint() of their
 * stored hash; returns the token for the cookie (only its hash is stored).
 */
export async function startSession(sessions: SessionsRepository, now: Date, fingerprint: string, who: { accountId: string } | { agentId: string }): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await sessions.create(
    { tokenHash: hashToken(token), csrfToken: randomBytes(24).toString("base64url"), passwordFingerprint: fingerprint, who },
    now,
    { idleMs: SESSION_IDLE_MS, maxAgeMs: SESSION_MAX_AGE_MS },
  );
  return token;
}

/** The cookie lasts as long as the session can (the server ends it sooner when it is left unused). */
export function cookieOptions(secure: boolean) {
  return { path: "/", httpOnly: true, sameSite: "strict" as const, secure, maxAge: SESSION_MAX_AGE_MS / 1000 };
}

/** The JSON APIs (the dashboard's and the desk's) and the event streams answer with status codes; pages redirect. */
export const isApi = (url: string) => url.startsWith("/api/") || url.startsWith("/desk/api/") || url.startsWith("/desk/stream");

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const SAME_SITE = "http://dashboard.invalid";
const NOTICE_PARAMS = ["done", "error", "code"];

/**
 * A path on this site, safe to redirect to after sign-in or an action. With `params` (an action's
 * notice: done, error, code), any earlier notice in the path is replaced by them. The
 * value is normalised first ("/.//evil.example" becomes "//evil.example"), then checked: anything
 * that is not a plain absolute path on this origin gives `fallback`.
 */
export function localPath(value: unknown, fallback = "/", params: Record<string, string> = {}): string {
  const url = sameSite(value) ?? new URL(fallback, SAME_SITE);
  if (Object.keys(params).length > 0) for (const name of NOTICE_PARAMS) url.searchParams.delete(name);
  for (const [name, param] of Object.entries(params)) url.searchParams.set(name, param);
  return `${url.pathname}${url.search}`;
}

function sameSite(value: unknown): URL | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\s]/.test(value)) return undefined;
  try {
    const url = new URL(value, SAME_SITE);
    return url.origin === SAME_SITE && !url.pathname.startsWith("//") ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who a group of routes is for: the owner (configuration and accounts), supervisors (the live views,
 * monitoring, reports and agents' states; the owner may do all a supervisor may), an agent (the desk),
 * or anyone signed in (sign-out).
 */
export type SessionRole = "owner" | "supervisor" | "agent" | "any";

/** What a signed-in person is. */
export type Role = Exclude<SessionRole, "any">;

/** Whether a session of role `has` may use routes for `needed`: the owner may do all a supervisor may; agents only their own. */
export const roleAllows = (has: Role, needed: SessionRole): boolean =>
  needed === "any" || has === needed || (needed === "supervisor" && has === "owner");

/** The role of a session: an agent's has their id; an account's, the account's role now. */
export const sessionRole = (session: Pick<SessionRow, "agentId" | "accountRole">): Role =>
  session.agentId !== null ? "agent" : session.accountRole === "owner" ? "owner" : "supervisor";

/** Who did something, for the record (a call's steps, the log): the account's id or the agent's. */
export const sessionActor = (session: Pick<SessionRow, "accountId" | "agentId">): string => session.accountId ?? session.agentId ?? "";

/** Why a session of role `has` is refused a route for `needed`. */
function refusal(has: Role, needed: SessionRole): string {
  if (has === "agent") return "agents' sessions cannot use the dashboard: the desk is at /desk";
  if (needed === "agent") return "the desk is for agents: sign out, then sign in with an agent id and its password";
  return "only an owner may do this (configuration and accounts): sign in with an owner's account";
}

/**
 * The preHandler of every dashboard and desk page and API route: no session → a page redirects to
 * /login and the API answers 401; an agent's session on a dashboard page → to /desk, on anything
 * else of the dashboard 403; a supervisor on an owner's route, or an account on the desk → 403; a
 * write must come from this site and carry the session's CSRF token.
 */
export function requireSession(sessions: SessionsRepository, clock: Clock, role: SessionRole) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await sessions.touch(hashToken(token), clock(), SESSION_IDLE_MS) : undefined;
    if (!session) {
      if (isApi(request.url)) throw new HttpError(401, "sign in first: POST /login with your sign-in name (account or agent id) and password");
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    request.session = session;
    const has = sessionRole(session);
    if (!roleAllows(has, role)) {
      if (has === "agent" && (request.method === "GET" || request.method === "HEAD") && !isApi(request.url)) return reply.redirect("/desk", 303);
      throw forbidden(refusal(has, role));
    }
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin && origin !== "null" && URL.canParse(origin) && new URL(origin).host !== request.headers.host) {
      throw forbidden("cross-site request refused");
    }
    const body = request.body as Record<string, unknown> | undefined;
    const given = request.headers[CSRF_HEADER] ?? body?.[CSRF_FIELD];
    if (typeof given !== "string" || !secretsMatch(given, session.csrfToken)) {
      throw forbidden(`missing or wrong CSRF token (send the session's token as ${CSRF_FIELD} or the ${CSRF_HEADER} header); reload the page`);
    }
  };
}
