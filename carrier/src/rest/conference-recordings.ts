// A conference's recordings (Twilio's Conferences/{ConferenceSid}/Recordings): list, fetch, update —
// pause (PauseBehavior `skip` leaves the paused time out, `silence`, the default, keeps it as
// silence), resume, stop — and delete. They are made by <Conference record="record-from-start"> or
// Participants create's ConferenceRecord (calls/conference-recording.ts); `Twilio.CURRENT` names the
// conference's recording being made now. They are in the account's Recordings list too.
import type { FastifyInstance } from "fastify";
import type { Engine } from "../calls/engine.js";
import type { Recording, Store } from "../store.js";
import { badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, dateFilter, queryOf } from "./params.js";
import { updateRecordingStatus } from "./call-recordings.js";
import { accountPath, newestFirst, recordingJson } from "./serialize.js";

/** The conference recording resource: the account recording's fields, with the conference's URI. */
export function conferenceRecordingJson(store: Store, r: Recording): Record<string, unknown> {
  const { media_url: _media, subresource_uris: _sub, ...json } = recordingJson(store, r);
  return { ...json, uri: `${accountPath(store)}/Conferences/${r.conferenceSid ?? ""}/Recordings/${r.sid}.json` };
}

const RECORDING_EVENTS = ["in-progress", "completed", "absent", "failed"];

/**
 * Participants create's conference recording parameters as <Conference> attributes: ConferenceRecord
 * (`true` or `record-from-start` records; `false`, Twilio's default, or `do-not-record` does not),
 * ConferenceTrim and ConferenceRecordingStatusCallback, …Method, …Event (`failed` is accepted and
 * never sent: the carrier's recordings do not fail). They apply to a conference the participant makes.
 */
export function conferenceRecordingAttributes(p: Params): Record<string, string | undefined> {
  const record = p.str("ConferenceRecord") || "false";
  if (!["true", "false", "record-from-start", "do-not-record"].includes(record)) {
    throw badRequest(`ConferenceRecord must be one of true, false, record-from-start, do-not-record, not '${record}'`);
  }
  const trim = p.str("ConferenceTrim") || undefined;
  if (trim !== undefined && trim !== "trim-silence" && trim !== "do-not-trim") throw badRequest(`ConferenceTrim must be trim-silence or do-not-trim, not '${trim}'`);
  const events = p.all("ConferenceRecordingStatusCallbackEvent").flatMap((v) => v.split(/[\s,]+/).filter(Boolean));
  for (const event of events) if (!RECORDING_EVENTS.includes(event)) throw badRequest(`Invalid ConferenceRecordingStatusCallbackEvent '${event}'`);
  const sent = events.filter((e) => e !== "failed");
  return {
    record: record === "true" || record === "record-from-start" ? "record-from-start" : undefined,
    trim,
    recordingStatusCallback: p.url("ConferenceRecordingStatusCallback", 21205) || undefined,
    recordingStatusCallbackMethod: p.method("ConferenceRecordingStatusCallbackMethod", 21209),
    recordingStatusCallbackEvent: events.length === 0 ? undefined : sent.length > 0 ? sent.join(" ") : "completed",
  };
}

export function conferenceRecordingRoutes(app: FastifyInstance, engine: Engine): void {
  const { store } = engine;
  const base = "/Accounts/:AccountSid/Conferences/:conferenceSid/Recordings";
  const pathOf = (url: string) => url.split("?")[0] ?? url;
  type WithSid = { Params: { conferenceSid: string; sid: string } };

  /** The conference's recording by SID, or `Twilio.CURRENT`: the one being made now. */
  const find = (conferenceSid: string, sid: string, url: string): Recording => {
    const recording = sid === "Twilio.CURRENT" ? engine.recordings.activeOn(conferenceSid).at(-1) : store.recordings.get(sid);
    if (!recording || recording.conferenceSid !== conferenceSid) throw notFound(pathOf(url));
    return recording;
  };

  app.get<{ Params: { conferenceSid: string } }>(`${base}.json`, async (request) => {
    const { conferenceSid } = request.params;
    const query = queryOf(request.url);
    const created = dateFilter(query, "DateCreated");
    const items = newestFirst(store.recordings.values()).filter((r) => r.conferenceSid === conferenceSid && created(r.dateCreated));
    return pageOf(query, {
      key: "recordings",
      path: `${accountPath(store)}/Conferences/${conferenceSid}/Recordings.json`,
      items,
      sid: (r) => r.sid,
      serialize: (r) => conferenceRecordingJson(store, r),
    });
  });

  app.get<WithSid>(`${base}/:sid.json`, async (request) => conferenceRecordingJson(store, find(request.params.conferenceSid, request.params.sid, request.url)));

  app.post<WithSid>(`${base}/:sid.json`, async (request) => {
    const recording = find(request.params.conferenceSid, request.params.sid, request.url);
    return conferenceRecordingJson(store, updateRecordingStatus(engine, recording, new Params(request.body)));
  });

  app.delete<WithSid>(`${base}/:sid.json`, async (request, reply) => {
    const recording = find(request.params.conferenceSid, request.params.sid, request.url);
    engine.recordings.remove(recording.sid);
    return reply.code(204).send();
  });
}
