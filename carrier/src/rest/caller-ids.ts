// OutgoingCallerIds: numbers that are not the carrier's but that the account may place calls from
// (Calls create's From). Twilio adds one through a validation request (POST OutgoingCallerIds.json):
// it calls the number and the person there keys in the validation code it answered with. Here the
// simulated handset does that at once, so the caller ID exists as soon as the request is answered; no
// validation call rings and no StatusCallback is sent (a StatusCallback is refused rather than
// silently dropped).
import { randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { rfc2822 } from "../clock.js";
import { E164 } from "../numbering.js";
import type { CallerId, Store } from "../store.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, queryOf } from "./params.js";
import { accountPath, formatNumber, newestFirst } from "./serialize.js";

const MAX_FRIENDLY_NAME = 64;

function callerIdJson(store: Store, c: CallerId): Record<string, unknown> {
  return {
    account_sid: store.account.sid,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    friendly_name: c.friendlyName,
    phone_number: c.phoneNumber,
    sid: c.sid,
    uri: `${accountPath(store)}/OutgoingCallerIds/${c.sid}.json`,
  };
}

function friendlyNameOf(p: Params): string | undefined {
  const name = p.str("FriendlyName");
  if (name !== undefined && name.length > MAX_FRIENDLY_NAME) throw badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME} characters`);
  return name;
}

/** Twilio's validation code: 6 digits. */
function validationCode(): string {
  return String(randomInt(1_000_000)).padStart(6, "0");
}

export function callerIdRoutes(app: FastifyInstance, store: Store): void {
  const base = "/Accounts/:AccountSid/OutgoingCallerIds";

  const find = (sid: string, url: string): CallerId => {
    const callerId = store.callerIds.get(sid);
    if (!callerId) throw notFound(url.split("?")[0] ?? url);
    return callerId;
  };

  // A validation request (Twilio's ValidationRequest resource).
  app.post(`${base}.json`, async (request) => {
    const p = new Params(request.body);
    const phoneNumber = p.str("PhoneNumber") ?? "";
    if (!phoneNumber) throw badRequest("A 'PhoneNumber' is required.");
    if (!E164.test(phoneNumber)) throw new RestError(21421, `PhoneNumber ${phoneNumber} is invalid; use E.164, e.g. +14155550100`);
    if (store.callerIdByPhone(phoneNumber) || store.numberByPhone(phoneNumber)) {
      throw new RestError(21450, `Phone number ${phoneNumber} is already verified for your account`);
    }
    if (p.str("StatusCallback")) throw badRequest("StatusCallback is not supported by this carrier: the simulated handset validates at once");
    const friendlyName = friendlyNameOf(p) || formatNumber(phoneNumber);
    store.addCallerId(phoneNumber, friendlyName);
    // 200, not 201: the request is what is created, not the caller ID (Twilio's OpenAPI description).
    return { account_sid: store.account.sid, call_sid: null, friendly_name: friendlyName, phone_number: phoneNumber, validation_code: validationCode() };
  });

  // Filters: PhoneNumber and FriendlyName, matched exactly.
  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    const phone = query.get("PhoneNumber");
    const name = query.get("FriendlyName");
    const items = newestFirst(store.callerIds.values()).filter((c) => (!phone || c.phoneNumber === phone) && (!name || c.friendlyName === name));
    return pageOf(query, { key: "outgoing_caller_ids", path: `${accountPath(store)}/OutgoingCallerIds.json`, items, sid: (c) => c.sid, serialize: (c) => callerIdJson(store, c) });
  });

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => callerIdJson(store, find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const callerId = find(request.params.sid, request.url);
    const friendlyName = friendlyNameOf(new Params(request.body));
    if (friendlyName !== undefined) {
      callerId.friendlyName = friendlyName || formatNumber(callerId.phoneNumber);
      callerId.dateUpdated = store.clock.now();
    }
    return callerIdJson(store, callerId);
  });

  // A deleted caller ID can no longer be called from.
  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    find(request.params.sid, request.url);
    store.callerIds.delete(request.params.sid);
    return reply.code(204).send();
  });
}
