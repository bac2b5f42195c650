// Signing in to the dashboard of a test app, and requests made with that session.
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { DASHBOARD_PASSWORD } from "../helpers.js";

export interface Session {
  cookie: string;
  csrf: string;
}

/**
 * Signs in as an account (blank: the first owner, whose password is DASHBOARD_PASSWORD); returns the
 * session cookie and the CSRF token the pages carry.
 */
export async function signIn(app: FastifyInstance, password = DASHBOARD_PASSWORD, user = ""): Promise<Session> {
  const response = await app.inject({ method: "POST", url: "/login", payload: { user, password, next: "/" } });
  assert.equal(response.statusCode, 303, response.body);
  const setCookie = String(response.headers["set-cookie"]);
  const cookie = setCookie.split(";")[0] ?? "";
  // The Live page is open to every account (owner and supervisor).
  const page = await app.inject({ method: "GET", url: "/", headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
  assert.ok(csrf, "pages carry the session's CSRF token");
  return { cookie, csrf };
}

export function get(app: FastifyInstance, session: Session | undefined, url: string) {
  return app.inject({ method: "GET", url, headers: session ? { cookie: session.cookie } : {} });
}

/** POSTs a form as the page's forms do (with the CSRF token unless `csrf` says otherwise). */
export function postForm(app: FastifyInstance, session: Session | undefined, url: string, form: Record<string, string>, csrf = session?.csrf) {
  return app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(session ? { cookie: session.cookie } : {}) },
    payload: new URLSearchParams({ ...form, ...(csrf ? { _csrf: csrf } : {}) }).toString(),
  });
}

/** POSTs JSON as a script would, with the CSRF token in its header. */
export function postJson(app: FastifyInstance, session: Session, url: string, body: Record<string, unknown> = {}) {
  return app.inject({ method: "POST", url, headers: { cookie: session.cookie, "x-csrf-token": session.csrf }, payload: body });
}
