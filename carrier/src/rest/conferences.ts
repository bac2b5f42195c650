// Conferences and their Participants (Twilio's Conference and Participant resources): list, fetch and
// end a conference; list, fetch, update (mute, hold, coach) and remove its participants, each
// addressed by its CallSid or its label. Conferences come from <Dial><Conference> (calls/conferences.ts),
// which owns them; this module reads them and asks it for changes.
import type { FastifyInstance } from "fastify";
import { KICKED, type Conference, type ParticipantChange, type Participant } from "../calls/conferences.js";
import type { Engine } from "../calls/engine.js";
import { rfc2822 } from "../clock.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, dateFilter, queryOf } from "./params.js";
import { API_VERSION, accountPath } from "./serialize.js";

type ConferencePath = { Params: { AccountSid: string; sid: string } };
type ParticipantPath = { Params: { AccountSid: string; sid: string; participant: string } };

const STATUSES = new Set(["init", "in-progress", "completed"]);

export function conferenceRoutes(app: FastifyInstance, engine: Engine): void {
  const { store, conferences } = engine;
  const base = "/Accounts/:AccountSid/Conferences";
  const pathOf = (url: string) => url.split("?")[0] ?? url;
  const uriOf = (conference: Conference) => `${accountPath(store)}/Conferences/${conference.sid}`;

  const conferenceJson = (c: Conference): Record<string, unknown> => ({
    account_sid: store.account.sid,
    api_version: API_VERSION,
    call_sid_ending_conference: c.callSidEndingConference ?? null,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    friendly_name: c.friendlyName,
    reason_conference_ended: c.reasonEnded ?? null,
    region: "us1",
    sid: c.sid,
    status: c.status,
    subresource_uris: { participants: `${uriOf(c)}/Participants.json`, recordings: `${uriOf(c)}/Recordings.json` },
    uri: `${uriOf(c)}.json`,
  });

  const participantJson = (c: Conference, p: Participant): Record<string, unknown> => ({
    account_sid: store.account.sid,
    call_sid: p.call.sid,
    call_sid_to_coach: p.callSidToCoach ?? null,
    coaching: p.coaching,
    conference_sid: c.sid,
    date_created: rfc2822(p.dateCreated),
    date_updated: rfc2822(p.dateUpdated),
    end_conference_on_exit: p.endConferenceOnExit,
    hold: p.hold,
    label: p.label ?? null,
    muted: p.muted,
    queue_time: "0",
    start_conference_on_enter: p.startConferenceOnEnter,
    status: p.status,
    uri: `${uriOf(c)}/Participants/${p.call.sid}.json`,
  });

  const find = (sid: string, url: string): Conference => {
    const conference = conferences.get(sid);
    if (!conference) throw notFound(pathOf(url));
    return conference;
  };
  const findParticipant = (request: { params: ParticipantPath["Params"]; url: string }) => {
    const conference = find(request.params.sid, request.url);
    const participant = conferences.participant(conference, request.params.participant);
    if (!participant) throw notFound(pathOf(request.url));
    return { conference, participant };
  };

  app.get(`${base}.json`, async (request) => {
    const query = queryOf(request.url);
    const name = query.get("FriendlyName");
    const status = query.get("Status");
    if (status && !STATUSES.has(status)) throw badRequest(`Status must be init, in-progress or completed, not '${status}'`);
    const created = dateFilter(query, "DateCreated");
    const updated = dateFilter(query, "DateUpdated");
    const items = conferences
      .list()
      .filter((c) => (!name || c.friendlyName === name) && (!status || c.status === status) && created(c.dateCreated) && updated(c.dateUpdated));
    return pageOf(query, { key: "conferences", path: `${accountPath(store)}/Conferences.json`, items, sid: (c) => c.sid, serialize: conferenceJson });
  });

  app.get<ConferencePath>(`${base}/:sid.json`, async (request) => conferenceJson(find(request.params.sid, request.url)));

  app.post<ConferencePath>(`${base}/:sid.json`, async (request) => {
    const conference = find(request.params.sid, request.url);
    const p = new Params(request.body);
    const status = p.str("Status");
    if (status !== undefined && status !== "completed") throw badRequest(`Status must be completed, not '${status}'`);
    // AnnounceUrl is not played yet (docs/carrier.md, "Not yet supported").
    if (status === "completed") conferences.end(conference, "conference-ended-via-api");
    return conferenceJson(conference);
  });

  app.get<ConferencePath>(`${base}/:sid/Participants.json`, async (request) => {
    const conference = find(request.params.sid, request.url);
    const query = queryOf(request.url);
    const flag = (name: string) => {
      const value = query.get(name);
      return value === null || value === "" ? undefined : value.toLowerCase() === "true";
    };
    const [muted, hold, coaching] = [flag("Muted"), flag("Hold"), flag("Coaching")];
    const items = [...conference.participants]
      .reverse()
      .filter((p) => (muted === undefined || p.muted === muted) && (hold === undefined || p.hold === hold) && (coaching === undefined || p.coaching === coaching));
    return pageOf(query, {
      key: "participants",
      path: `${uriOf(conference)}/Participants.json`,
      items,
      sid: (p) => p.call.sid,
      serialize: (p) => participantJson(conference, p),
    });
  });

  app.get<ParticipantPath>(`${base}/:sid/Participants/:participant.json`, async (request) => {
    const { conference, participant } = findParticipant(request);
    return participantJson(conference, participant);
  });

  app.post<ParticipantPath>(`${base}/:sid/Participants/:participant.json`, async (request) => {
    const { conference, participant } = findParticipant(request);
    const p = new Params(request.body);
    const change: ParticipantChange = {};
    const muted = p.bool("Muted");
    const hold = p.bool("Hold");
    const coaching = p.bool("Coaching");
    const endConferenceOnExit = p.bool("EndConferenceOnExit");
    const holdUrl = p.url("HoldUrl", 21205);
    const holdMethod = p.method("HoldMethod", 21209);
    const callSidToCoach = p.str("CallSidToCoach");
    if (muted !== undefined) change.muted = muted;
    if (hold !== undefined) change.hold = hold;
    if (holdUrl !== undefined) change.holdUrl = holdUrl;
    if (holdMethod !== undefined) change.holdMethod = holdMethod;
    if (endConferenceOnExit !== undefined) change.endConferenceOnExit = endConferenceOnExit;
    if (coaching !== undefined) change.coaching = coaching;
    if (callSidToCoach !== undefined) {
      if (!conference.participants.some((other) => other.call.sid === callSidToCoach && other !== participant)) {
        throw badRequest(`CallSidToCoach ${callSidToCoach} is not another participant of this conference`);
      }
      change.callSidToCoach = callSidToCoach;
    }
    if ((coaching ?? participant.coaching) && !(callSidToCoach ?? participant.callSidToCoach)) {
      throw new RestError(20001, "Coaching requires CallSidToCoach");
    }
    conferences.update(conference, participant, change);
    return participantJson(conference, participant);
  });

  app.delete<ParticipantPath>(`${base}/:sid/Participants/:participant.json`, async (request, reply) => {
    const { conference, participant } = findParticipant(request);
    conferences.remove(conference, participant, KICKED);
    return reply.code(204).send();
  });
}
