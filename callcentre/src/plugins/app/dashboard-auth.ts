// Dashboard sign-in: one admin password (DASHBOARD_PASSWORD), compared in constant time; a session
// cookie (random token, httpOnly, SameSite=Strict, Secure behind https) whose SHA-256 is the key of
// its row; a CSRF token per session that every form and API write must echo. A session ends when it
// has not been used for SESSION_IDLE_MS, SESSION_MAX_AGE_MS after sign-in in any case, and as soon as
// the password changes.
//
// Two roles share these sessions: the owner (signed in with DASHBOARD_PASSWORD; the dashboard) and an
// agent (signed in with their own id and password; the desk at /desk, docs/desk.md). requireSession
// takes the role a group of routes is for and refuses the other one there.
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
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
 * What identifies the password sessions are opened with, computed once (on first use): scrypt of the
 * password, salted with the Twilio account. Every instance sharing the database computes the same
 * value from the same DASHBOARD_PASSWORD; a copy of the database does not give the password away,
 * nor a fast way to guess it.
 */
export function passwordFingerprint(password: string, salt: string): () => Promise<string> {
  let fingerprint: Promise<string> | undefined;
  return () =>
    (fingerprint ??= new Promise<string>((resolve, reject) => {
      scrypt(password, `callcentre dashboard session ${salt}`, 32, (error, key) => (error ? reject(error) : resolve(key.toString("base64url"))));
    }));
}

/**
 * Starts a session under the current password; returns the token for the cookie (only its hash is
 * stored). With `agentId`, an agent's session, bound to `fingerprint` = agentFingerprint() of their hash.
 */
export async function startSession(sessions: SessionsRepository, now: Date, fingerprint: string, agentId: string | null = null): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await sessions.create(
    { tokenHash: hashToken(token), csrfToken: randomBytes(24).toString("base64url"), passwordFingerprint: fingerprint, agentId },
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

/** Whether a session of role `has` may use routes for `needed`. */
export const roleAllows = (has: "owner" | "agent", needed: SessionRole): boolean =>
  needed === "any" || has === needed || (needed === "supervisor" && has === "owner");

/** The role of a session: an agent's has their id. */
export const sessionRole = (session: Pick<SessionRow, "agentId">): "owner" | "agent" => (session.agentId === null ? "owner" : "agent");

/** Where a page the session may not see sends it instead. */
const homeOf = (role: "owner" | "agent") => (role === "agent" ? "/desk" : "/");

/**
 * The preHandler of every dashboard and desk page and API route: no session → a page redirects to
 * /login and the API answers 401; a session of the other role → a page goes to that role's home
 * (an agent to /desk; the owner, who has no desk, gets 403), anything else 403; a write must come
 * from this site and carry the session's CSRF token.
 */
export function requireSession(sessions: SessionsRepository, clock: Clock, fingerprint: () => Promise<string>, role: SessionRole = "owner") {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await sessions.touch(hashToken(token), await fingerprint(), clock(), SESSION_IDLE_MS) : undefined;
    if (!session) {
      if (isApi(request.url)) throw new HttpError(401, "sign in first: POST /login with the dashboard password, or an agent id and its password");
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    request.session = session;
    const has = sessionRole(session);
    if (!roleAllows(has, role)) {
      if (has === "agent" && request.method === "GET" && !isApi(request.url)) return reply.redirect(homeOf(has), 303);
      throw forbidden(
        has === "agent"
          ? "agents' sessions cannot use the owner's dashboard: the desk is at /desk"
          : "the desk is for agents: sign out, then sign in with an agent id and its password",
      );
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
