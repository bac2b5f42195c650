// Keys (Twilio's Key resource v2010): Standard API keys, whose SID and secret then authenticate on every
// route but these and Accounts (auth.ts). The secret is in the create's answer only ("new_key"); fetch,
// list and update show the key without it. Reached with the account's auth token (or a Main key, which
// this carrier does not issue: Twilio creates those only in its Console).
import type { FastifyInstance } from "fastify";
import type { ApiKey, Store } from "../store.js";
import { badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, queryOf } from "./params.js";
import { accountPath, keyJson, newestFirst } from "./serialize.js";

const MAIN_CREDENTIALS = { config: { mainCredentials: true } };
const MAX_FRIENDLY_NAME = 64;

function friendlyNameOf(p: Params): string | undefined {
  const name = p.str("FriendlyName");
  if (name !== undefined && name.length > MAX_FRIENDLY_NAME) throw badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME} characters`);
  return name;
}

export function keyRoutes(app: FastifyInstance, store: Store): void {
  const base = "/Accounts/:AccountSid/Keys";

  const find = (sid: string, url: string): ApiKey => {
    const key = store.keys.get(sid);
    if (!key) throw notFound(url.split("?")[0] ?? url);
    return key;
  };

  app.post(`${base}.json`, MAIN_CREDENTIALS, async (request, reply) => {
    const { key, secret } = store.createKey(friendlyNameOf(new Params(request.body)) || null);
    reply.code(201);
    return { ...keyJson(key), secret };
  });

  app.get(`${base}.json`, MAIN_CREDENTIALS, async (request) =>
    pageOf(queryOf(request.url), { key: "keys", path: `${accountPath(store)}/Keys.json`, items: newestFirst(store.keys.values()), sid: (k) => k.sid, serialize: keyJson }),
  );

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, MAIN_CREDENTIALS, async (request) => keyJson(find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, MAIN_CREDENTIALS, async (request) => {
    const key = find(request.params.sid, request.url);
    const friendlyName = friendlyNameOf(new Params(request.body));
    if (friendlyName !== undefined) {
      key.friendlyName = friendlyName || null;
      key.dateUpdated = store.clock.now();
    }
    return keyJson(key);
  });

  // A deleted key stops authenticating at once.
  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, MAIN_CREDENTIALS, async (request, reply) => {
    find(request.params.sid, request.url);
    store.keys.delete(request.params.sid);
    return reply.code(204).send();
  });
}
