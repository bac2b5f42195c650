// IncomingPhoneNumbers (docs/twilio-contract.md §8.5): the account's numbers and where their calls and
// messages go. A carrier has every number: creating one "buys" it at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { E164, isTollFree } from "../numbering.js";
import type { PhoneNumber, Store } from "../store.js";
import { applicationOf } from "./applications.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, queryOf } from "./params.js";
import { accountPath, formatNumber, newestFirst, phoneNumberJson } from "./serialize.js";

type Settings = Partial<Omit<PhoneNumber, "sid" | "phoneNumber" | "dateCreated" | "dateUpdated">>;

const URLS = [
  ["VoiceUrl", "voiceUrl"],
  ["VoiceFallbackUrl", "voiceFallbackUrl"],
  ["SmsUrl", "smsUrl"],
  ["SmsFallbackUrl", "smsFallbackUrl"],
  ["StatusCallback", "statusCallback"],
] as const;
const METHODS = [
  ["VoiceMethod", "voiceMethod"],
  ["VoiceFallbackMethod", "voiceFallbackMethod"],
  ["SmsMethod", "smsMethod"],
  ["SmsFallbackMethod", "smsFallbackMethod"],
  ["StatusCallbackMethod", "statusCallbackMethod"],
] as const;
/** Accepted by Twilio but with no counterpart here: a value would silently change routing. */
const UNSUPPORTED = ["TrunkSid"] as const;
const APPLICATIONS = [
  ["VoiceApplicationSid", "voiceApplicationSid"],
  ["SmsApplicationSid", "smsApplicationSid"],
] as const;

/** The settings a create or update sends; an empty URL or application SID clears it (Twilio's way to unset). */
function settingsOf(p: Params, store: Store): Settings {
  const settings: Settings = {};
  for (const name of UNSUPPORTED) {
    if (p.str(name)) throw badRequest(`${name} is not supported by this carrier; set the URLs instead`);
  }
  for (const [param, field] of APPLICATIONS) {
    const sid = p.str(param);
    if (sid === undefined) continue;
    if (sid !== "") applicationOf(store, sid, param);
    settings[field] = sid === "" ? null : sid;
  }
  if (p.str("VoiceReceiveMode") && p.str("VoiceReceiveMode") !== "voice") throw badRequest("VoiceReceiveMode must be 'voice' on this carrier");
  Object.assign(settings, p.webhookSettings(URLS, METHODS));
  const friendlyName = p.str("FriendlyName");
  if (friendlyName !== undefined) {
    if (friendlyName.length > 64) throw badRequest("FriendlyName must be at most 64 characters");
    if (friendlyName !== "") settings.friendlyName = friendlyName;
  }
  return settings;
}

/** A fictional number in the area code: 555-0100…0199 first (reserved for fiction), then 555-xxxx. */
function pickInAreaCode(store: Store, areaCode: string): string {
  if (!/^[2-9]\d{2}$/.test(areaCode)) throw new RestError(21451, `AreaCode ${areaCode} is not a valid North American area code`);
  for (let i = 0; i < 10_000; i++) {
    const line = String((i + 100) % 10_000).padStart(4, "0");
    const candidate = `+1${areaCode}555${line}`;
    if (!store.numberByPhone(candidate)) return candidate;
  }
  throw new RestError(21452, `No phone numbers found in area code ${areaCode}`);
}

/** PhoneNumber filter: a part of the number, `*` standing for any digit. */
function partialMatcher(filter: string): RegExp {
  const source = [...filter].map((ch) => (ch === "*" ? "\\d" : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(source);
}

export function phoneNumberRoutes(app: FastifyInstance, store: Store): void {
  const base = "/Accounts/:AccountSid/IncomingPhoneNumbers";
  const listPath = `${accountPath(store)}/IncomingPhoneNumbers.json`;

  const find = (sid: string, url: string): PhoneNumber => {
    const number = store.numbers.get(sid);
    if (!number) throw notFound(url.split("?")[0] ?? url);
    return number;
  };

  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = new Params(request.body);
    const requested = p.str("PhoneNumber");
    let phoneNumber: string;
    if (requested) {
      if (!E164.test(requested)) throw new RestError(21421, `PhoneNumber ${requested} is invalid; use E.164, e.g. +14155550100`);
      if (store.numberByPhone(requested)) throw new RestError(21422, `PhoneNumber ${requested} is not available: it is already on this account`);
      phoneNumber = requested;
    } else if (p.str("AreaCode")) {
      phoneNumber = pickInAreaCode(store, p.str("AreaCode") ?? "");
    } else {
      throw badRequest("A 'PhoneNumber' or 'AreaCode' is required.");
    }
    const number = store.addNumber({ friendlyName: formatNumber(phoneNumber), ...settingsOf(p, store), phoneNumber });
    reply.code(201);
    return phoneNumberJson(store, number);
  };

  const list = (only?: (n: PhoneNumber) => boolean) => async (request: FastifyRequest) => {
    const query = queryOf(request.url);
    const phone = query.get("PhoneNumber");
    const friendlyName = query.get("FriendlyName");
    const origin = query.get("Origin");
    const matcher = phone ? partialMatcher(phone) : undefined;
    const items = newestFirst(store.numbers.values()).filter(
      (n) => (!only || only(n)) && (!matcher || matcher.test(n.phoneNumber)) && (!friendlyName || n.friendlyName === friendlyName) && (!origin || origin === "twilio"),
    );
    return pageOf(query, { key: "incoming_phone_numbers", path: listPath, items, sid: (n) => n.sid, serialize: (n) => phoneNumberJson(store, n) });
  };

  app.post(`${base}.json`, create);
  app.get(`${base}.json`, list());
  // The Local and TollFree sub-lists: the numbers of that type (toll-free: +1 8XX).
  app.post(`${base}/Local.json`, create);
  app.get(`${base}/Local.json`, list((n) => !isTollFree(n.phoneNumber)));
  app.post(`${base}/TollFree.json`, create);
  app.get(`${base}/TollFree.json`, list((n) => isTollFree(n.phoneNumber)));

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => phoneNumberJson(store, find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const number = find(request.params.sid, request.url);
    const p = new Params(request.body);
    const moveTo = p.str("AccountSid");
    if (moveTo && moveTo !== store.account.sid) throw badRequest("This carrier has one account: a number cannot move to another");
    const settings = settingsOf(p, store);
    if (p.str("FriendlyName") === "") settings.friendlyName = formatNumber(number.phoneNumber);
    Object.assign(number, settings, { dateUpdated: store.clock.now() });
    return phoneNumberJson(store, number);
  });

  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    find(request.params.sid, request.url);
    store.numbers.delete(request.params.sid);
    return reply.code(204).send();
  });
}
