// Applications (Twilio's TwiML apps): voice and SMS URLs kept under one SID, which numbers
// (VoiceApplicationSid, SmsApplicationSid) and outbound calls (ApplicationSid) use instead of their
// own URLs (store.ts: voiceRoute, smsRoute). A deleted application is unset on its numbers, which go
// back to their own URLs.
import type { FastifyInstance } from "fastify";
import type { Application, Store } from "../store.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, queryOf } from "./params.js";
import { accountPath, applicationJson, newestFirst } from "./serialize.js";

type Settings = Partial<Omit<Application, "sid" | "dateCreated" | "dateUpdated">>;

const URLS = [
  ["VoiceUrl", "voiceUrl"],
  ["VoiceFallbackUrl", "voiceFallbackUrl"],
  ["StatusCallback", "statusCallback"],
  ["SmsUrl", "smsUrl"],
  ["SmsFallbackUrl", "smsFallbackUrl"],
  ["SmsStatusCallback", "smsStatusCallback"],
  ["MessageStatusCallback", "messageStatusCallback"],
] as const;
const METHODS = [
  ["VoiceMethod", "voiceMethod"],
  ["VoiceFallbackMethod", "voiceFallbackMethod"],
  ["StatusCallbackMethod", "statusCallbackMethod"],
  ["SmsMethod", "smsMethod"],
  ["SmsFallbackMethod", "smsFallbackMethod"],
] as const;
const MAX_FRIENDLY_NAME = 64;

/** The settings a create or update sends; an empty URL clears it. */
function settingsOf(p: Params): Settings {
  const settings: Settings = p.webhookSettings(URLS, METHODS);
  const lookup = p.bool("VoiceCallerIdLookup");
  if (lookup !== undefined) settings.voiceCallerIdLookup = lookup;
  const friendlyName = p.str("FriendlyName");
  if (friendlyName !== undefined) {
    if (friendlyName.length > MAX_FRIENDLY_NAME) throw badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME} characters`);
    settings.friendlyName = friendlyName === "" ? null : friendlyName;
  }
  if (p.bool("PublicApplicationConnectEnabled")) throw badRequest("PublicApplicationConnectEnabled is not supported by this carrier (it has no Connect apps)");
  return settings;
}

/** The account's application with this SID, or Twilio's 21218 (Invalid ApplicationSid) for a parameter. */
export function applicationOf(store: Store, sid: string, param: string): Application {
  const application = store.applications.get(sid);
  if (!application) throw new RestError(21218, `${param} ${sid} is not an application of this account`);
  return application;
}

export function applicationRoutes(app: FastifyInstance, store: Store): void {
  const base = "/Accounts/:AccountSid/Applications";

  const find = (sid: string, url: string): Application => {
    const application = store.applications.get(sid);
    if (!application) throw notFound(url.split("?")[0] ?? url);
    return application;
  };

  app.post(`${base}.json`, async (request, reply) => {
    const application = store.addApplication(settingsOf(new Params(request.body)));
    reply.code(201);
    return applicationJson(store, application);
  });

  // Filter: FriendlyName, matched exactly.
  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    const name = query.get("FriendlyName");
    const items = newestFirst(store.applications.values()).filter((a) => !name || a.friendlyName === name);
    return pageOf(query, { key: "applications", path: `${accountPath(store)}/Applications.json`, items, sid: (a) => a.sid, serialize: (a) => applicationJson(store, a) });
  });

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => applicationJson(store, find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const application = find(request.params.sid, request.url);
    Object.assign(application, settingsOf(new Params(request.body)), { dateUpdated: store.clock.now() });
    return applicationJson(store, application);
  });

  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    find(request.params.sid, request.url);
    store.deleteApplication(request.params.sid);
    return reply.code(204).send();
  });
}
