// Recordings (docs/twilio-contract.md §8.6): metadata at …/Recordings/{Sid}.json (authenticated), media
// at …/Recordings/{Sid} and .wav (public, as Twilio's default, so <Play> and players can fetch the
// RecordingUrl). Recordings come from <Record>, <Dial record>, <Start><Recording> and a call's
// Recordings create (call-recordings.ts, with update and delete). Media is the WAV the one owner,
// calls/recordings.ts, keeps (on disk under DATA_DIR/recordings, so it outlives a restart). MP3 is
// not offered: the carrier's media is WAV only, and …/{Sid}.mp3 answers 404 (20404).
import { createReadStream, statSync } from "node:fs";
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Engine } from "../calls/engine.js";
import type { Recording } from "../store.js";
import { callRecordingJson, callRecordingRoutes } from "./call-recordings.js";
import { conferenceRecordingRoutes } from "./conference-recordings.js";
import { RestError, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { dateFilter, queryOf } from "./params.js";
import { accountPath, newestFirst, recordingJson } from "./serialize.js";

/** Route config read by the auth hook: media is served without credentials. */
export const PUBLIC: FastifyContextConfig = { public: true };

type WithSid = { Params: { AccountSid: string; sid: string } };

export function recordingRoutes(app: FastifyInstance, engine: Engine): void {
  const { store } = engine;
  const base = "/Accounts/:AccountSid/Recordings";
  const pathOf = (url: string) => url.split("?")[0] ?? url;

  const find = (sid: string, url: string): Recording => {
    const recording = store.recordings.get(sid);
    if (!recording) throw notFound(pathOf(url));
    return recording;
  };

  const list = (request: FastifyRequest, path: string, callSid: string | undefined, serialize = recordingJson) => {
    const query = queryOf(request.url);
    const filterCall = callSid ?? query.get("CallSid");
    const conference = query.get("ConferenceSid");
    const created = dateFilter(query, "DateCreated");
    const items = newestFirst(store.recordings.values()).filter(
      // A call's own list leaves out the recordings of its conferences (conference-recordings.ts).
      (r) =>
        (!filterCall || r.callSid === filterCall) &&
        !(callSid && r.conferenceSid) &&
        (!conference || r.conferenceSid === conference) &&
        created(r.dateCreated),
    );
    return pageOf(query, { key: "recordings", path, items, sid: (r) => r.sid, serialize: (r) => serialize(store, r) });
  };

  app.get(`${base}.json`, async (request) => list(request, `${accountPath(store)}/Recordings.json`, undefined));
  app.get<{ Params: { callSid: string } }>("/Accounts/:AccountSid/Calls/:callSid/Recordings.json", async (request) =>
    list(request, `${accountPath(store)}/Calls/${request.params.callSid}/Recordings.json`, request.params.callSid, callRecordingJson),
  );

  app.get<WithSid>(`${base}/:sid.json`, async (request) => recordingJson(store, find(request.params.sid, request.url)));
  app.get<{ Params: { callSid: string; sid: string } }>("/Accounts/:AccountSid/Calls/:callSid/Recordings/:sid.json", async (request) => {
    const { callSid, sid } = request.params;
    const recording = find(sid === "Twilio.CURRENT" ? (engine.recordings.activeOn(callSid).at(-1)?.sid ?? sid) : sid, request.url);
    if (recording.callSid !== callSid) throw notFound(pathOf(request.url));
    return callRecordingJson(store, recording);
  });

  app.delete<WithSid>(`${base}/:sid.json`, async (request, reply) => {
    find(request.params.sid, request.url);
    engine.recordings.remove(request.params.sid);
    return reply.code(204).send();
  });

  const media = async (request: FastifyRequest<WithSid>, reply: FastifyReply) => {
    // Public, so the account is checked here rather than by the auth hook.
    if (request.params.AccountSid !== store.account.sid) throw notFound(pathOf(request.url));
    const sid = find(request.params.sid, request.url).sid;
    // A recording on disk is streamed from its file: a long one is never read whole into memory.
    const file = engine.recordings.mediaFile(sid);
    if (file) return reply.type("audio/x-wav").header("content-length", statSync(file).size).send(createReadStream(file));
    const wav = engine.recordings.media(sid);
    if (!wav) throw notFound(pathOf(request.url));
    return reply.type("audio/x-wav").send(wav);
  };
  app.get<WithSid>(`${base}/:sid`, { config: PUBLIC }, media);
  app.get<WithSid>(`${base}/:sid.wav`, { config: PUBLIC }, media);
  app.get<WithSid>(`${base}/:sid.mp3`, { config: PUBLIC }, async (request) => {
    throw new RestError(20404, `The requested resource ${pathOf(request.url)} was not found: MP3 is not offered by this carrier; fetch the recording without an extension or as .wav`, 404);
  });

  callRecordingRoutes(app, engine);
  conferenceRecordingRoutes(app, engine);
}
