// Which delivery of a TwiML webhook a request is. Twilio may deliver the same webhook more than once:
// a retry after a timeout or a dropped connection (connection overrides, a proxy in front of us), with
// the same URL and parameters. Each is answered with the same TwiML, but the call's steps are recorded
// once (calls.last_webhook, compared in CallsRepository.recordTurns).
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";

/**
 * The header Twilio sends with its webhooks: unique to one webhook event, the same on each retry of it
 * (retries come from Twilio's webhook connection overrides, `#rc=`; docs/twilio-contract.md §3).
 * The local carrier does not send it, so the URL-and-parameters key below is what works there.
 */
export const IDEMPOTENCY_HEADER = "i-twilio-idempotency-token";

export interface Delivery {
  /** Identifies this delivery: the idempotency token, or a hash of the URL and the parameters. */
  key: string;
  /** What the call remembers as its last delivery; null when a repeat cannot be told from a new request. */
  keep: string | null;
}

/**
 * The delivery `request` is, given the TwiML document it is answered with (`baseUrl` is PUBLIC_BASE_URL, which
 * the signature was checked against).
 *
 * Without the idempotency header, a request is identified by its URL and parameters. Twilio only
 * requests URLs of the document it is running, and that document is the answer to the last request
 * recorded: so the same URL and parameters again is a repeat, unless that answer itself points back at
 * the same URL. That happens when a menu option comes back to its own menu ("press 4 for our address",
 * then the menu again): pressing 4 again is a new request identical to the last. Such a request is
 * then not remembered (`keep` null), and a repeat of it is recorded again rather than losing a step.
 */
export function webhookDelivery(request: FastifyRequest, baseUrl: string, twiml: string): Delivery {
  const token = request.headers[IDEMPOTENCY_HEADER];
  if (typeof token === "string" && token !== "") return { key: `token:${token}`, keep: `token:${token}` };
  const url = `${baseUrl}${request.url}`;
  const params = Object.entries((request.body ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = `request:${createHash("sha256").update(JSON.stringify([request.method, url, params])).digest("base64url")}`;
  const pointsBack = twiml.includes(url.replace(/&/g, "&amp;"));
  return { key, keep: pointsBack ? null : key };
}
