// X-Twilio-Signature on every Twilio-facing request, checked with the official twilio package
// against the configured public base URL (so it holds behind proxies and tunnels that rewrite the
// scheme or host). Always on: there is no switch to turn it off.
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { forbidden } from "../../lib/http-errors.js";

/** Equal strings, compared in constant time (a length mismatch is not secret: signatures have one length). */
function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function twilioSignatureCheck(authToken: string, publicBaseUrl: string) {
  return async function verifyTwilioSignature(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers["x-twilio-signature"];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) throw forbidden("missing X-Twilio-Signature header");
    const url = `${publicBaseUrl}${request.url}`;
    const params = (request.method === "POST" && typeof request.body === "object" && request.body !== null ? request.body : {}) as Record<string, unknown>;
    // The URL exactly as configured is what Twilio signs: one HMAC. validateRequest tries that URL
    // and its variants (port added or removed, normalised), up to six HMACs, so it is asked only
    // when this first one fails; what it accepts is unchanged.
    if (sameSignature(signature, twilio.getExpectedTwilioSignature(authToken, url, params))) return;
    if (!twilio.validateRequest(authToken, signature, url, params)) {
      throw forbidden("invalid X-Twilio-Signature");
    }
  };
}
