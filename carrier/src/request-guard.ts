// Who may use the carrier from a browser. The control API (/_carrier) needs no credentials, so a page
// on another site must not reach it: a page the user visits could otherwise place calls and send
// texts into the user's app (a form POST is a "simple" cross-origin request, sent without a
// preflight), and a DNS-rebinding page, whose own host name resolves to 127.0.0.1, could read the
// timelines. So, before any body is read:
//
// - outside the REST API, the Host must be a loopback name (localhost, *.localhost, 127.x.x.x, [::1])
//   or the host of CARRIER_PUBLIC_URL, with any port: a rebinding page sends its own host name;
// - everywhere, an Origin header (browsers send it on cross-origin requests and on POSTs) must be the
//   carrier's own: the origin of the Host the request came to, or of CARRIER_PUBLIC_URL;
// - control requests that change state take JSON, or no body: a form cannot send JSON cross-origin
//   without a preflight, which the carrier never grants.
//
// Requests without an Origin (curl, tests, server-side clients) pass when the Host is fine. The REST
// API is not held to the Host: Basic auth protects it, and apps in containers reach the carrier by
// other names (host.docker.internal). Its errors keep Twilio's shape.
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./rest/errors.js";

const REST = "/2010-04-01";
const CONTROL = "/_carrier";
const CHANGES_STATE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The hostname of a Host header ("127.0.0.1:4010", "[::1]", "Example.com"), lower case; undefined if it is none. */
function hostnameOf(host: string): string | undefined {
  if (!host || !URL.canParse(`http://${host}`)) return undefined;
  const url = new URL(`http://${host}`);
  // A Host header is a host and an optional port, nothing else.
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
  return url.hostname;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Shown in an error message: the header as sent, cut short. */
const quoted = (value: string) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

export function requestGuard(publicUrl: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const publicOrigin = new URL(publicUrl).origin;
  const publicHostname = new URL(publicUrl).hostname;

  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, error: string, message: string) => {
    if (request.url.startsWith(`${REST}/`)) return sendError(reply, { code: status === 403 ? 20403 : 20001, message, status });
    return reply.code(status).send({ error, message });
  };

  return async (request, reply) => {
    const rest = request.url.startsWith(`${REST}/`);
    const host = request.headers.host ?? "";
    const hostname = hostnameOf(host);
    const hostAllowed = hostname !== undefined && (isLoopback(hostname) || hostname === publicHostname);
    if (!rest && !hostAllowed) {
      return refuse(
        request,
        reply,
        403,
        "forbidden_host",
        `Host ${quoted(host)} is refused: the carrier answers only to a loopback name (localhost, 127.0.0.1, [::1]) or to the host of CARRIER_PUBLIC_URL (${publicHostname})`,
      );
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const own = origin === publicOrigin || (URL.canParse(origin) && /^https?:$/.test(new URL(origin).protocol) && sameHost(origin, host));
      if (!own) {
        return refuse(
          request,
          reply,
          403,
          "forbidden_origin",
          `a request from the page at ${quoted(origin)} is refused: only the carrier's own pages (${publicOrigin} or this host) may use it from a browser`,
        );
      }
    }
    if (request.url.startsWith(`${CONTROL}/`) && CHANGES_STATE.has(request.method) && !jsonOrEmpty(request)) {
      return refuse(
        request,
        reply,
        415,
        "unsupported_media_type",
        `the control API takes a JSON body (Content-Type: application/json), not ${quoted(request.headers["content-type"] ?? "a body without a Content-Type")}`,
      );
    }
  };
}

/** Whether `origin` (a page's origin) is the origin of `host`, the Host this request came to. */
function sameHost(origin: string, host: string): boolean {
  const page = new URL(origin);
  if (!host || !URL.canParse(`${page.protocol}//${host}`)) return false;
  return new URL(`${page.protocol}//${host}`).host === page.host;
}

/** A JSON body, or none at all (answer, hangup and reject carry no body). */
function jsonOrEmpty(request: FastifyRequest): boolean {
  const type = request.headers["content-type"];
  if (type !== undefined) return /^application\/json\s*(;|$)/i.test(type);
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] === undefined && (length === undefined || length === "0");
}
