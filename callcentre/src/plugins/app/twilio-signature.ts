// X-Twilio-Signature on every Twilio-facing request, checked with the official twilio package
// against the configured public base URL (so it holds behind proxies and tunnels that rewrite the
// scheme or host). Always on: there is no switch to turn it off.
import type { FastifyReply, FastifyRequest } from "fastify";
import twilio from "twilio";
import { forbidden } from "../../lib/http-errors.js";

export function twilioSignatureCheck(authToken: string, publicBaseUrl: string) {
  return async function verifyTwilioSignature(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers["x-twilio-signature"];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) throw forbidden("missing X-Twilio-Signature header");
    const url = `${publicBaseUrl}${request.url}`;
    const params = request.method === "POST" && typeof request.body === "object" && request.body !== null ? request.body : {};
    if (!twilio.validateRequest(authToken, signature, url, params as Record<string, unknown>)) {
      throw forbidden("invalid X-Twilio-Signature");
    }
  };
}
