// Messages (docs/twilio-contract.md §8.4): send (created "queued", delivered after the create returns),
// fetch, list, redact and delete. Sending rules and their error codes live in messages/messaging.ts.
import type { FastifyInstance } from "fastify";
import type { Engine } from "../calls/engine.js";
import { sendMessage } from "../messages/messaging.js";
import type { Message, MessageStatus } from "../store.js";
import { applicationOf } from "./applications.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, dateFilter, isHttpUrl, queryOf } from "./params.js";
import { accountPath, messageJson, newestFirst } from "./serialize.js";

/** Still being delivered: Twilio refuses to delete these (20009). */
const IN_FLIGHT: readonly MessageStatus[] = ["queued", "sending", "receiving"];
/** Accepted by Twilio but without a counterpart on this carrier. */
const UNSUPPORTED = ["ContentSid", "ScheduleType", "SendAt"] as const;

export function messageRoutes(app: FastifyInstance, engine: Engine): void {
  const store = engine.store;
  const base = "/Accounts/:AccountSid/Messages";

  const find = (sid: string, url: string): Message => {
    const message = store.messages.get(sid);
    if (!message) throw notFound(url.split("?")[0] ?? url);
    return message;
  };

  app.post(`${base}.json`, async (request, reply) => {
    const p = new Params(request.body);
    for (const name of UNSUPPORTED) if (p.str(name)) throw badRequest(`${name} is not supported by this carrier`);
    const from = p.str("From") ?? "";
    if (!from && p.str("MessagingServiceSid")) {
      throw new RestError(21705, "The Messaging Service is invalid: this carrier has no Messaging Services; send From instead");
    }
    // With an ApplicationSid, Twilio sends the status callbacks to the application's MessageStatusCallback
    // and ignores StatusCallback.
    const applicationSid = p.str("ApplicationSid");
    const statusCallback = applicationSid
      ? applicationOf(store, applicationSid, "ApplicationSid").messageStatusCallback ?? undefined
      : p.url("StatusCallback", 21609) || undefined;
    const mediaUrls = p.all("MediaUrl").filter((url) => url !== "");
    for (const url of mediaUrls) if (!isHttpUrl(url)) throw new RestError(21620, `Invalid media URL: ${url}`);
    const result = sendMessage(store, engine.webhooks, {
      to: p.str("To") ?? "",
      from,
      body: p.str("Body") ?? "",
      mediaUrls,
      direction: "outbound-api",
      statusCallback,
    });
    if ("error" in result) throw new RestError(result.error.code, result.error.message, result.error.status);
    reply.code(201);
    // Serialized now, before delivery moves it on: the create answers "queued", as Twilio does.
    return messageJson(store, result.message);
  });

  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    const to = query.get("To");
    const from = query.get("From");
    const sent = dateFilter(query, "DateSent");
    const items = newestFirst(store.messages.values()).filter((m) => (!to || m.to === to) && (!from || m.from === from) && sent(m.dateSent));
    return pageOf(query, { key: "messages", path: `${accountPath(store)}/Messages.json`, items, sid: (m) => m.sid, serialize: (m) => messageJson(store, m) });
  });

  app.get<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => messageJson(store, find(request.params.sid, request.url)));

  // Update: Body="" redacts the text; Status=canceled applies only to scheduled messages (none here).
  app.post<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request) => {
    const message = find(request.params.sid, request.url);
    const p = new Params(request.body);
    if (p.str("Status") !== undefined) throw new RestError(30409, "This message cannot be canceled: only scheduled messages can be");
    const body = p.str("Body");
    if (body !== undefined) {
      if (body !== "") throw badRequest("Body can only be set to an empty string, which redacts the message");
      message.body = "";
      message.dateUpdated = store.clock.now();
    }
    return messageJson(store, message);
  });

  app.delete<{ Params: { sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    const message = find(request.params.sid, request.url);
    if (IN_FLIGHT.includes(message.status)) {
      throw new RestError(20009, "Cannot delete this message before it is complete: it is still being delivered");
    }
    store.messages.delete(message.sid);
    return reply.code(204).send();
  });
}
