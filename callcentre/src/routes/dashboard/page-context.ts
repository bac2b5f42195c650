// What every dashboard page is rendered with: the company, the session's CSRF token and role (the
// navigation shows only what the role may open), who is signed in, and the last action's notice.
import type { FastifyRequest } from "fastify";
import { noticeFrom, type PageContext } from "../../dashboard/views/layout.js";
import { sessionActor, sessionRole } from "../../plugins/app/dashboard-auth.js";

export function pageContext(request: FastifyRequest, company: string): PageContext {
  const session = request.session;
  const role = session ? sessionRole(session) : undefined;
  return {
    company,
    csrfToken: session?.csrfToken ?? "",
    role: role === "owner" ? "owner" : "supervisor",
    signedInAs: session ? sessionActor(session) : undefined,
    notice: noticeFrom(request.query as Record<string, unknown>),
  };
}
