// HTTP Basic auth with the account's SID and auth token (docs/twilio-contract.md §8.1). The AccountSid in
// the path must be the account's own; anything else is 401 with code 20003, as Twilio answers.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Account } from "../store.js";
import { sendError } from "./errors.js";

/** The credentials of a Basic `Authorization` header, or undefined when there are none. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function same(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** The `{AccountSid}` of a `/2010-04-01/Accounts/{AccountSid}/…` URL, if the URL has one. */
export function pathAccountSid(url: string): string | undefined {
  return /\/Accounts\/([^/?#]+?)(?:\.json)?(?:[/?#]|$)/.exec(url)?.[1];
}

export function isAuthorized(request: FastifyRequest, account: Account): boolean {
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) return false;
  if (!same(credentials.user, account.sid) || !same(credentials.password, account.authToken)) return false;
  const inPath = pathAccountSid(request.url);
  return inPath === undefined || inPath === account.sid;
}

export function sendUnauthorized(reply: FastifyReply): FastifyReply {
  reply.header("www-authenticate", 'Basic realm="Twilio API"');
  return sendError(reply, { code: 20003, message: "Authenticate", status: 401 });
}
