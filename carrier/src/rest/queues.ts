// Queues and their Members (Twilio's Queue and Member resources). The queues' one owner is
// calls/queues.ts; these routes read it and ask it for changes. A queue made by <Enqueue> on first
// use is listed like one made here. Updating a member with a Url dequeues that caller: its document
// is replaced, and the one runner fetches and runs the new one.
import type { FastifyInstance } from "fastify";
import type { Engine } from "../calls/engine.js";
import { DEFAULT_MAX_SIZE, MAX_MAX_SIZE, type CallQueue, type Member, type QueueRefusal } from "../calls/queues.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, queryOf } from "./params.js";
import { accountPath, memberJson, newestFirst, queueJson } from "./serialize.js";

const MAX_FRIENDLY_NAME = 64;
/** The Members path segment that names the caller at the front of the queue. */
const FRONT = "Front";

/** Twilio's answer for a parameter the operation requires. */
function missing(name: string): RestError {
  return badRequest(`Missing required parameter ${name} in the post body`);
}

function friendlyNameOf(p: Params, required: boolean): string | undefined {
  const name = p.str("FriendlyName");
  if (name === undefined || name === "") {
    if (required) throw missing("FriendlyName");
    return undefined;
  }
  if (name.length > MAX_FRIENDLY_NAME) throw badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME} characters`);
  return name;
}

/** MaxSize: a whole number from 1 to 5000 (Twilio's maximum). */
function maxSizeOf(p: Params): number | undefined {
  const value = p.str("MaxSize");
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badRequest(`MaxSize must be a positive whole number, not '${value}'`);
  if (Number(value) > MAX_MAX_SIZE) throw badRequest(`MaxSize must be at most ${MAX_MAX_SIZE}, not ${value}`);
  return Number(value);
}

/**
 * A refused change in Twilio's error shape. Twilio's docs give no code for either: a FriendlyName
 * already in use is 20001, as Twilio answers for other duplicate names; deleting a queue with callers
 * in it is 20009, Twilio's "cannot delete this resource" for a call not yet complete.
 */
function refused(refusal: QueueRefusal, name: string): RestError {
  if (refusal === "name-taken") return badRequest(`A queue named '${name}' already exists in this account`);
  return new RestError(20009, "Cannot delete a queue that has members: dequeue them first", 400);
}

export function queueRoutes(app: FastifyInstance, engine: Engine): void {
  const { store, queues } = engine;
  const base = "/Accounts/:AccountSid/Queues";
  const path = (url: string) => url.split("?")[0] ?? url;

  const find = (sid: string, url: string): CallQueue => {
    const queue = queues.bySid(sid);
    if (!queue) throw notFound(path(url));
    return queue;
  };
  const json = (queue: CallQueue) => queueJson(store, queue, { size: queue.members.length, averageWaitSeconds: queues.averageWaitSeconds(queue) });
  const member = (queue: CallQueue, sid: string, url: string): Member => {
    const found = sid === FRONT ? queue.members[0] : queue.members.find((m) => m.call.sid === sid);
    if (!found) throw notFound(path(url));
    return found;
  };
  const memberView = (queue: CallQueue, m: Member) =>
    memberJson(store, queue.sid, {
      callSid: m.call.sid,
      dateEnqueued: new Date(m.enqueuedAt),
      position: queue.members.indexOf(m) + 1,
      waitSeconds: queues.waitedSeconds(m),
    });

  app.post(`${base}.json`, async (request, reply) => {
    const p = new Params(request.body);
    const name = friendlyNameOf(p, true) as string;
    const created = queues.create(name, maxSizeOf(p) ?? DEFAULT_MAX_SIZE);
    if (typeof created === "string") throw refused(created, name);
    reply.code(201);
    return json(created);
  });

  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    return pageOf(query, { key: "queues", path: `${accountPath(store)}/Queues.json`, items: newestFirst(queues.list()), sid: (q) => q.sid, serialize: json });
  });

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => json(find(request.params.sid, request.url)));

  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const queue = find(request.params.sid, request.url);
    const p = new Params(request.body);
    const name = friendlyNameOf(p, false);
    const updated = queues.update(queue, { name, maxSize: maxSizeOf(p) });
    if (typeof updated === "string") throw refused(updated, name ?? "");
    return json(updated);
  });

  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    const deleted = queues.delete(find(request.params.sid, request.url));
    if (deleted !== true) throw refused(deleted, "");
    return reply.code(204).send();
  });

  // Members, front of the queue first.
  app.get<{ Params: { sid: string } }>(`${base}/:sid/Members.json`, async (request) => {
    const queue = find(request.params.sid, request.url);
    const query = queryOf(request.url);
    return pageOf(query, {
      key: "queue_members",
      path: `${accountPath(store)}/Queues/${queue.sid}/Members.json`,
      items: [...queue.members],
      sid: (m) => m.call.sid,
      serialize: (m) => memberView(queue, m),
    });
  });

  app.get<{ Params: { sid: string; callSid: string } }>(`${base}/:sid/Members/:callSid.json`, async (request) => {
    const queue = find(request.params.sid, request.url);
    return memberView(queue, member(queue, request.params.callSid, request.url));
  });

  // Dequeues the member to the TwiML at Url (Method, POST by default). The answer shows the member
  // as it was when dequeued.
  app.post<{ Params: { sid: string; callSid: string } }>(`${base}/:sid/Members/:callSid.json`, async (request) => {
    const queue = find(request.params.sid, request.url);
    const p = new Params(request.body);
    const url = p.url("Url", 21205);
    if (!url) throw missing("Url");
    const method = p.method("Method", 21209) ?? "POST";
    const dequeued = member(queue, request.params.callSid, request.url);
    const view = memberView(queue, dequeued);
    queues.redirect(queue, dequeued, { url, method });
    return view;
  });
}
