// Calls (docs/twilio-contract.md §8.3): create an outbound-api call, fetch and list calls, and update a
// call in flight (a new Url/Twiml replaces its document at once; Status ends it).
import type { FastifyInstance } from "fastify";
import type { Call, StatusCallbackConfig } from "../calls/call.js";
import type { Engine } from "../calls/engine.js";
import { type OutboundRequest, placeOutbound } from "../calls/placement.js";
import type { Application } from "../store.js";
import { applicationOf } from "./applications.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, dateFilter, queryOf } from "./params.js";
import { accountPath, callJson, newestFirst, restCallStatus } from "./serialize.js";

const MAX_TWIML = 4000;
const DEFAULT_TIMEOUT = 60;
const MAX_TIMEOUT = 600;
const EVENTS = new Set(["initiated", "ringing", "answered", "completed"]);

/** Twiml is at most 4000 characters (Twilio's 32018). */
function twimlOf(p: Params): string | undefined {
  const twiml = p.str("Twiml");
  if (twiml !== undefined && twiml.length > MAX_TWIML) {
    throw new RestError(32018, `Twiml size exceeded maximum allowed value of ${MAX_TWIML} characters`);
  }
  return twiml === "" ? undefined : twiml;
}

/** StatusCallbackEvent, repeated once per event (spaces also split); only `completed` by default. */
function eventsOf(p: Params): Set<string> {
  const events = p.all("StatusCallbackEvent").flatMap((value) => value.split(/\s+/).filter(Boolean));
  for (const event of events) {
    if (!EVENTS.has(event)) throw new RestError(21626, `Invalid StatusCallbackEvent '${event}': use initiated, ringing, answered or completed`);
  }
  return new Set(events.length > 0 ? events : ["completed"]);
}

function statusCallbackOf(p: Params): StatusCallbackConfig | undefined {
  const url = p.url("StatusCallback", 21205);
  const method = p.method("StatusCallbackMethod", 21209) ?? "POST";
  const events = eventsOf(p);
  return url ? { url, method, events } : undefined;
}

function timeoutOf(p: Params): number {
  const value = p.str("Timeout");
  if (value === undefined || value === "") return DEFAULT_TIMEOUT;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new RestError(21208, `Timeout must be a positive whole number of seconds, not '${value}'`);
  return Math.min(MAX_TIMEOUT, Number(value));
}

/**
 * Twilio's rule for ApplicationSid: the application's VoiceUrl, VoiceMethod, VoiceFallbackUrl,
 * VoiceFallbackMethod, StatusCallback and StatusCallbackMethod are used, and the request's Url,
 * Method, FallbackUrl, FallbackMethod, StatusCallback and StatusCallbackMethod are ignored (the events
 * asked for still apply).
 */
function withApplication(request: OutboundRequest, application: Application, events: Set<string>): OutboundRequest {
  return {
    ...request,
    url: application.voiceUrl ?? undefined,
    method: application.voiceMethod,
    twiml: undefined,
    fallbackUrl: application.voiceFallbackUrl ?? undefined,
    fallbackMethod: application.voiceFallbackMethod,
    statusCallback: application.statusCallback ? { url: application.statusCallback, method: application.statusCallbackMethod, events } : undefined,
  };
}

export function callRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.store;
  const base = "/Accounts/:AccountSid/Calls";

  const find = (sid: string, url: string): Call => {
    const call = engine.calls.get(sid);
    if (!call) throw notFound(url.split("?")[0] ?? url);
    return call;
  };

  app.post(`${base}.json`, async (request, reply) => {
    const p = new Params(request.body);
    if (p.bool("Record")) throw badRequest("Record is not supported by this carrier; use <Record> in the call's TwiML");
    const applicationSid = p.str("ApplicationSid");
    const url = p.url("Url", 21205) || undefined;
    const twiml = twimlOf(p);
    const placement = {
      to: p.str("To") ?? "",
      from: p.str("From") ?? "",
      url,
      method: p.method("Method", 21209) ?? "POST",
      // Twiml is ignored when Url is also given (docs/twilio-contract.md §8.3).
      twiml: url ? undefined : twiml,
      fallbackUrl: p.url("FallbackUrl", 21205) || undefined,
      fallbackMethod: p.method("FallbackMethod", 21209) ?? "POST",
      statusCallback: statusCallbackOf(p),
      timeoutSeconds: timeoutOf(p),
    };
    const result = placeOutbound(engine, applicationSid ? withApplication(placement, applicationOf(store, applicationSid, "ApplicationSid"), eventsOf(p)) : placement);
    if ("error" in result) throw new RestError(result.error.code, result.error.message, result.error.status);
    reply.code(201);
    return callJson(store, result.call);
  });

  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    const to = query.get("To");
    const from = query.get("From");
    const status = query.get("Status");
    const parent = query.get("ParentCallSid");
    const started = dateFilter(query, "StartTime");
    const ended = dateFilter(query, "EndTime");
    const items = newestFirst(engine.calls.values()).filter(
      (call) =>
        (!to || call.to === to) &&
        (!from || call.from === from) &&
        (!status || restCallStatus(call.status) === status) &&
        (!parent || call.parentCallSid === parent) &&
        started(call.startTime) &&
        ended(call.endTime),
    );
    return pageOf(query, { key: "calls", path: `${accountPath(store)}/Calls.json`, items, sid: (c) => c.sid, serialize: (c) => callJson(store, c) });
  });

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => callJson(store, find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const call = find(request.params.sid, request.url);
    const p = new Params(request.body);
    const status = p.str("Status");
    if (status && status !== "completed" && status !== "canceled") throw badRequest(`Status must be completed or canceled, not '${status}'`);
    const url = p.url("Url", 21205) || undefined;
    const twiml = twimlOf(p);
    const method = p.method("Method", 21209) ?? "POST";
    const fallbackUrl = p.url("FallbackUrl", 21205);
    const fallbackMethod = p.method("FallbackMethod", 21209);
    const statusCallback = statusCallbackOf(p);
    // Twilio's 21220: a call that has ended cannot be changed (docs/twilio-contract.md §8.3).
    if (call.isEnded) throw new RestError(21220, "Call is not in-progress. Cannot redirect.");

    if (fallbackUrl !== undefined) call.app.fallbackUrl = fallbackUrl || undefined;
    if (fallbackMethod) call.app.fallbackMethod = fallbackMethod;
    // A new StatusCallback keeps the events already asked for.
    if (statusCallback) call.replaceStatusCallback(statusCallback);

    if (status === "completed") {
      // A live call hangs up; one not yet answered is cancelled instead.
      engine.end(call, call.answeredAt ? "completed" : "canceled");
    } else if (status === "canceled") {
      // Cancelling affects only a queued or ringing call; an answered one carries on.
      if (!call.answeredAt) engine.end(call, "canceled");
    } else if (url) {
      engine.redirect(call, { url, method });
    } else if (twiml !== undefined) {
      engine.redirect(call, { twiml, method: "POST" });
    }
    return callJson(store, call);
  });

  // Twilio deletes only a call that has ended; one still queued, ringing or in progress is 20009
  // ("Cannot delete this resource before it is complete"). Its recordings stay.
  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    const call = find(request.params.sid, request.url);
    if (!call.isEnded) throw new RestError(20009, "Cannot delete this resource before it is complete", 400);
    engine.calls.delete(call.sid);
    return reply.code(204).send();
  });
}
