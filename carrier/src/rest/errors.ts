// Twilio's REST error body (docs/twilio-contract.md §8.8): exactly {code, message, more_info, status}.
// Validation errors are HTTP 400 with Twilio's own codes, never 422.
import type { FastifyReply, FastifyRequest } from "fastify";

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** Thrown by a handler; the plugin's error handler turns it into Twilio's error body. */
export class RestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function errorBody(code: number, message: string, status: number): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export function sendError(reply: FastifyReply, error: { code: number; message: string; status: number }): FastifyReply {
  return reply.code(error.status).type("application/json; charset=utf-8").send(errorBody(error.code, error.message, error.status));
}

/** 20404, Twilio's answer for an unknown SID or path. */
export function notFound(path: string): RestError {
  return new RestError(20404, `The requested resource ${path} was not found`, 404);
}

/** 20001, Twilio's generic bad request, for parameters without a more specific code. */
export function badRequest(message: string): RestError {
  return new RestError(20001, message, 400);
}

/**
 * Fastify's `frameworkErrors` (a server option, so the app passes it): errors raised before routing,
 * chiefly a URL whose percent-encoding is malformed (FST_ERR_BAD_URL). Under /2010-04-01 they are
 * Twilio's error body, 400 with code 20001; elsewhere the carrier's own `{error, message}`.
 */
export function frameworkErrors(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  if (request.url.startsWith(`${REST_PREFIX}/`)) {
    void sendError(reply, { code: 20001, message: `Bad request: ${error.message}`, status });
    return;
  }
  void reply.code(status).send({ error: "bad_request", message: error.message });
}

const REST_PREFIX = "/2010-04-01";
