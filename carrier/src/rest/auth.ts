// HTTP Basic auth (docs/twilio-contract.md §8.1): the account's SID and auth token, or an API key's SID
// and secret. The AccountSid in the path must be the account's own; anything else is 401 with code
// 20003, as Twilio answers.
//
// Twilio's key types: a Main key, or the auth token, reaches everything; a Standard key (the only kind
// the Keys resource creates) reaches every resource except Accounts (/Accounts) and Keys
// (/Accounts/{Sid}/Keys), which answer it 401/20003 as they do a wrong password. Routes of those
// resources set `mainCredentials` in their config.
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sha256, type Store } from "../store.js";
import { sendError } from "./errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Served without credentials (recording media). */
    public?: boolean;
    /** Refused to a Standard API key (Twilio's Accounts and Keys resources). */
    mainCredentials?: boolean;
  }
}

/** Who a request authenticated as: the account itself (auth token) or one of its Standard API keys. */
export type Principal = { kind: "account" } | { kind: "standard-key"; keySid: string };

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
  return timingSafeEqual(sha256(a), sha256(b));
}

/** The `{AccountSid}` of a `/2010-04-01/Accounts/{AccountSid}/…` URL, if the URL has one. */
export function pathAccountSid(url: string): string | undefined {
  return /\/Accounts\/([^/?#]+?)(?:\.json)?(?:[/?#]|$)/.exec(url)?.[1];
}

function principalOf(user: string, password: string, store: Store): Principal | undefined {
  if (same(user, store.account.sid)) return same(password, store.account.authToken) ? { kind: "account" } : undefined;
  const key = store.keys.get(user);
  // The secret's hash is compared even for an unknown key SID, so the answer takes as long either way.
  const matches = timingSafeEqual(sha256(password), key?.secretSha256 ?? sha256(""));
  return key && matches ? { kind: "standard-key", keySid: key.sid } : undefined;
}

/** The request's principal, or undefined when its credentials are missing, wrong, or for another account. */
export function authenticate(request: FastifyRequest, store: Store): Principal | undefined {
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) return undefined;
  const principal = principalOf(credentials.user, credentials.password, store);
  if (!principal) return undefined;
  const inPath = pathAccountSid(request.url);
  return inPath === undefined || inPath === store.account.sid ? principal : undefined;
}

export function sendUnauthorized(reply: FastifyReply): FastifyReply {
  reply.header("www-authenticate", 'Basic realm="Twilio API"');
  return sendError(reply, { code: 20003, message: "Authenticate", status: 401 });
}
