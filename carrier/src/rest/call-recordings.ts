// A call's recordings made over REST (Twilio's Calls/{CallSid}/Recordings): create starts recording
// the call in progress (source StartCallRecordingAPI), update pauses, resumes or stops it — the PCI
// pause a call centre makes while a card number is read: PauseBehavior `skip` leaves the paused time
// out of the recording, `silence` (Twilio's default) keeps it as silence — and delete removes it.
// `Twilio.CURRENT` names the call's recording being made now. Fetch and list are recordings.ts's.
import type { FastifyInstance } from "fastify";
import type { Engine } from "../calls/engine.js";
import type { Recording, Store } from "../store.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { Params } from "./params.js";
import { accountPath, recordingJson } from "./serialize.js";

const EVENTS = ["in-progress", "completed", "absent"];

function oneOf<T extends string>(p: Params, name: string, allowed: readonly T[], fallback: T): T {
  const value = p.str(name);
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw badRequest(`${name} must be one of ${allowed.join(", ")}, not '${value}'`);
  return value as T;
}

/**
 * A recording update, for a call's or a conference's recording: `Status` paused (with
 * `PauseBehavior`, `silence` by default), in-progress (resume) or stopped; only a recording being
 * made can change (21220).
 */
export function updateRecordingStatus(engine: Engine, recording: Recording, p: Params): Recording {
  const status = p.str("Status");
  if (status === undefined || status === "") throw new RestError(21651, "Status is required: paused, in-progress or stopped");
  if (!["paused", "in-progress", "stopped"].includes(status)) throw badRequest(`Status must be paused, in-progress or stopped, not '${status}'`);
  const behaviour = oneOf(p, "PauseBehavior", ["skip", "silence"], "silence");
  if (!engine.recordings.isActive(recording.sid)) {
    const verb = status === "stopped" ? "stopped" : status === "paused" ? "paused" : "resumed";
    throw new RestError(21220, `Recording ${recording.sid} is ${recording.status}: only a recording being made can be ${verb}`);
  }
  const updated =
    status === "paused"
      ? engine.recordings.pause(recording.sid, behaviour)
      : status === "in-progress"
        ? engine.recordings.resume(recording.sid)
        : engine.recordings.stop(recording.sid);
  return updated ?? recording;
}

/** The call recording resource: the account recording's fields, with `track` and the call's URI. */
export function callRecordingJson(store: Store, r: Recording): Record<string, unknown> {
  const { media_url: _media, subresource_uris: _sub, ...json } = recordingJson(store, r);
  return { ...json, track: r.track ?? "both", uri: `${accountPath(store)}/Calls/${r.callSid}/Recordings/${r.sid}.json` };
}

export function callRecordingRoutes(app: FastifyInstance, engine: Engine): void {
  const { store } = engine;
  const base = "/Accounts/:AccountSid/Calls/:callSid/Recordings";
  const pathOf = (url: string) => url.split("?")[0] ?? url;

  app.post<{ Params: { callSid: string } }>(`${base}.json`, async (request, reply) => {
    const call = engine.calls.get(request.params.callSid);
    if (!call) throw notFound(pathOf(request.url));
    // Twilio records only a call in progress (21220, invalid call state).
    if (call.status !== "in-progress") throw new RestError(21220, `Call ${call.sid} is not in-progress (it is ${call.status}): it cannot be recorded`);
    const p = new Params(request.body);
    const url = p.url("RecordingStatusCallback", 21205);
    const method = p.method("RecordingStatusCallbackMethod", 21209) ?? "POST";
    const events = p.all("RecordingStatusCallbackEvent").flatMap((v) => v.split(/[\s,]+/).filter(Boolean));
    for (const event of events) if (!EVENTS.includes(event)) throw badRequest(`Invalid RecordingStatusCallbackEvent '${event}': use in-progress, completed or absent`);
    const channels = oneOf(p, "RecordingChannels", ["mono", "dual"], "mono");
    const recording = engine.recordings.start(call, {
      source: "StartCallRecordingAPI",
      channels: channels === "dual" ? 2 : 1,
      track: oneOf(p, "RecordingTrack", ["inbound", "outbound", "both"] as const, "both"),
      trim: oneOf(p, "Trim", ["trim-silence", "do-not-trim"] as const, "do-not-trim"),
      callback: url ? { url, method, events: events.length > 0 ? events : ["completed"] } : undefined,
    });
    return reply.code(201).send(callRecordingJson(store, recording));
  });

  /** The call's recording by SID, or `Twilio.CURRENT`: the one being made now (the latest started). */
  const find = (callSid: string, sid: string, url: string): Recording => {
    const recording = sid === "Twilio.CURRENT" ? engine.recordings.activeOn(callSid).at(-1) : store.recordings.get(sid);
    if (!recording || recording.callSid !== callSid) throw notFound(pathOf(url));
    return recording;
  };

  app.post<{ Params: { callSid: string; sid: string } }>(`${base}/:sid.json`, async (request) => {
    const recording = find(request.params.callSid, request.params.sid, request.url);
    return callRecordingJson(store, updateRecordingStatus(engine, recording, new Params(request.body)));
  });

  app.delete<{ Params: { callSid: string; sid: string } }>(`${base}/:sid.json`, async (request, reply) => {
    const recording = find(request.params.callSid, request.params.sid, request.url);
    engine.recordings.remove(recording.sid);
    return reply.code(204).send();
  });
}
