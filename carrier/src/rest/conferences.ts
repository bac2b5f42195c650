// Conferences and their Participants (Twilio's Conference and Participant resources): list, fetch and
// end a conference; add a participant (an outbound call that joins on answer), list, fetch, update
// (mute, hold, coach) and remove its participants, each addressed by its CallSid or its label. Conferences come from <Dial><Conference> (calls/conferences.ts),
// which owns them; this module reads them and asks it for changes.
import type { FastifyInstance } from "fastify";
import { KICKED, type Conference, type ParticipantChange, type Participant } from "../calls/conferences.js";
import type { Engine } from "../calls/engine.js";
import type { Call } from "../calls/call.js";
import { placeOutbound } from "../calls/placement.js";
import { schemaWarning } from "../twilio-error.js";
import { rfc2822 } from "../clock.js";
import { conferenceRecordingAttributes } from "./conference-recordings.js";
import { RestError, badRequest, notFound } from "./errors.js";
import { pageOf } from "./paging.js";
import { Params, dateFilter, queryOf } from "./params.js";
import { API_VERSION, accountPath } from "./serialize.js";

type ConferencePath = { Params: { AccountSid: string; sid: string } };
type ParticipantPath = { Params: { AccountSid: string; sid: string; participant: string } };

const STATUSES = new Set(["init", "in-progress", "completed"]);
const CALL_EVENTS = new Set(["initiated", "ringing", "answered", "completed"]);
const CONFERENCE_EVENTS = new Set(["start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"]);

/** Events given once per parameter or space-separated, each one of `known`. */
function eventsOf(p: Params, name: string, known: Set<string>): string[] {
  const events = p.all(name).flatMap((value) => value.split(/\s+/).filter(Boolean));
  for (const event of events) if (!known.has(event)) throw badRequest(`Invalid ${name} '${event}'`);
  return events;
}

/**
 * A participant added over REST whose call has not joined yet: Twilio lists it with its call's
 * progress (queued, ringing, then connecting once answered and joining); gone once it joins or its
 * call ends unanswered.
 */
interface Joining {
  readonly call: Call;
  readonly name: string;
  readonly label: string | undefined;
  readonly muted: boolean;
  readonly coaching: boolean;
  readonly callSidToCoach: string | undefined;
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
}

const isIn = (p: Participant | Joining): p is Participant => "exit" in p;

/** A joining participant's Participant status, from its call's; undefined once it is no longer joining. */
function joiningStatus(call: Call): "queued" | "ringing" | "connecting" | undefined {
  if (call.status === "queued" || call.status === "initiated") return "queued";
  if (call.status === "ringing") return "ringing";
  if (call.status === "in-progress") return "connecting";
  return undefined;
}

const escapeXml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Participants create places an outbound call that joins the conference when answered: the call's
 * document is the <Dial><Conference> the parameters describe, so the participant joins exactly as one
 * dialled in by TwiML does.
 */
function joiningTwiml(name: string, p: Params): string {
  const attributes: Record<string, string | undefined> = {
    startConferenceOnEnter: p.bool("StartConferenceOnEnter")?.toString(),
    endConferenceOnExit: p.bool("EndConferenceOnExit")?.toString(),
    muted: p.bool("Muted")?.toString(),
    beep: p.str("Beep") || undefined,
    participantLabel: p.str("Label") || undefined,
    coach: p.bool("Coaching") ? p.str("CallSidToCoach") : undefined,
    waitUrl: p.url("WaitUrl", 21205),
    waitMethod: p.method("WaitMethod", 21209),
    maxParticipants: p.str("MaxParticipants") || undefined,
    statusCallback: p.url("ConferenceStatusCallback", 21205) || undefined,
    statusCallbackMethod: p.method("ConferenceStatusCallbackMethod", 21209),
    statusCallbackEvent: eventsOf(p, "ConferenceStatusCallbackEvent", CONFERENCE_EVENTS).join(" ") || undefined,
    ...conferenceRecordingAttributes(p),
  };
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join("");
  return `<Response><Dial><Conference${attrs}>${escapeXml(name)}</Conference></Dial></Response>`;
}

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

  /** Participants created over REST, by CallSid, until they join or their call ends. */
  const joining = new Map<string, Joining>();
  /** Forgets those that joined (once in, the conference owns them) or whose call ended. */
  const prune = () => {
    for (const [sid, j] of joining) {
      if (!joiningStatus(j.call) || j.call.timeline.list().some((e) => e.type === "conference.join")) joining.delete(sid);
    }
  };
  /** The REST-created participants of `c` still joining, newest first. */
  const joiningOf = (c: Conference): Joining[] => {
    prune();
    return [...joining.values()].filter((j) => j.name === c.friendlyName && c.status !== "completed").reverse();
  };
  const joiningJson = (c: Conference, j: Joining): Record<string, unknown> => ({
    account_sid: store.account.sid,
    call_sid: j.call.sid,
    call_sid_to_coach: j.callSidToCoach ?? null,
    coaching: j.coaching,
    conference_sid: c.sid,
    date_created: rfc2822(j.call.dateCreated),
    date_updated: rfc2822(j.call.dateUpdated),
    end_conference_on_exit: j.endConferenceOnExit,
    hold: false,
    label: j.label ?? null,
    muted: j.muted,
    queue_time: "0",
    start_conference_on_enter: j.startConferenceOnEnter,
    status: joiningStatus(j.call),
    uri: `${uriOf(c)}/Participants/${j.call.sid}.json`,
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
    const announceUrl = p.url("AnnounceUrl", 21205);
    const announceMethod = p.method("AnnounceMethod", 21209) ?? "POST";
    if (status === "completed") conferences.end(conference, "conference-ended-via-api");
    else if (announceUrl) conferences.announce(conference, announceUrl, announceMethod);
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
    // Those still joining come first (the newest), never on hold.
    const items = [...joiningOf(conference), ...[...conference.participants].reverse()].filter(
      (p) => (muted === undefined || p.muted === muted) && (hold === undefined || (isIn(p) && p.hold) === hold) && (coaching === undefined || p.coaching === coaching),
    );
    return pageOf(query, {
      key: "participants",
      path: `${uriOf(conference)}/Participants.json`,
      items,
      sid: (p) => p.call.sid,
      serialize: (p) => (isIn(p) ? participantJson(conference, p) : joiningJson(conference, p)),
    });
  });

  app.post<ConferencePath>(`${base}/:sid/Participants.json`, async (request, reply) => {
    // The path names a conference by SID, or by friendly name (a conference made on the first join).
    const known = conferences.get(request.params.sid);
    if (!known && request.params.sid.startsWith("CF")) throw notFound(pathOf(request.url));
    const name = known?.friendlyName ?? request.params.sid;
    const p = new Params(request.body);
    if (p.bool("Coaching") && !p.str("CallSidToCoach")) throw new RestError(20001, "Coaching requires CallSidToCoach");
    const timeout = p.str("Timeout");
    if (timeout && (!/^\d+$/.test(timeout) || Number(timeout) < 5 || Number(timeout) > 600)) {
      throw badRequest(`Timeout must be a whole number of seconds from 5 to 600, not '${timeout}'`);
    }
    const statusCallback = p.url("StatusCallback", 21205) || undefined;
    const events = eventsOf(p, "StatusCallbackEvent", CALL_EVENTS);
    const result = placeOutbound(engine, {
      to: p.str("To") ?? "",
      from: p.str("From") ?? "",
      twiml: joiningTwiml(name, p),
      method: "POST",
      fallbackMethod: "POST",
      statusCallback: statusCallback
        ? { url: statusCallback, method: p.method("StatusCallbackMethod", 21209) ?? "POST", events: new Set(events.length > 0 ? events : ["completed"]) }
        : undefined,
      timeoutSeconds: timeout ? Number(timeout) : 60,
    });
    if ("error" in result) throw new RestError(result.error.code, result.error.message, result.error.status);
    const call = result.call;
    // EarlyMedia (default true) is accepted: the carrier's handsets send no media before answering.
    if (p.bool("Record")) call.timeline.add("warning", schemaWarning("Participants create Record=true is read but not acted on by the carrier (no conference recording)"));
    prune();
    const entry: Joining = {
      call,
      name,
      label: p.str("Label") || undefined,
      muted: p.bool("Muted") ?? false,
      coaching: p.bool("Coaching") ?? false,
      callSidToCoach: p.bool("Coaching") ? p.str("CallSidToCoach") : undefined,
      startConferenceOnEnter: p.bool("StartConferenceOnEnter") ?? true,
      endConferenceOnExit: p.bool("EndConferenceOnExit") ?? false,
    };
    joining.set(call.sid, entry);
    // Its call ends before it joins: Twilio's participant-leave (participant_add_failed).
    call.ended.signal.addEventListener(
      "abort",
      () => {
        if (!call.timeline.list().some((e) => e.type === "conference.join")) conferences.addFailed(name, { ...entry, hold: false });
      },
      { once: true },
    );
    const now = rfc2822(call.dateCreated);
    reply.code(201);
    // Not in the conference until answered: Twilio shows the participant queued.
    return {
      account_sid: store.account.sid,
      call_sid: call.sid,
      call_sid_to_coach: p.bool("Coaching") ? (p.str("CallSidToCoach") ?? null) : null,
      coaching: p.bool("Coaching") ?? false,
      conference_sid: known?.sid ?? null,
      date_created: now,
      date_updated: now,
      end_conference_on_exit: p.bool("EndConferenceOnExit") ?? false,
      hold: false,
      label: p.str("Label") || null,
      muted: p.bool("Muted") ?? false,
      queue_time: "0",
      start_conference_on_enter: p.bool("StartConferenceOnEnter") ?? true,
      status: "queued",
      uri: `${accountPath(store)}/Conferences/${known?.sid ?? encodeURIComponent(name)}/Participants/${call.sid}.json`,
    };
  });

  app.get<ParticipantPath>(`${base}/:sid/Participants/:participant.json`, async (request) => {
    const conference = find(request.params.sid, request.url);
    const id = request.params.participant;
    const still = joiningOf(conference).find((j) => j.call.sid === id || (j.label !== undefined && j.label === id));
    if (still) return joiningJson(conference, still);
    const { participant } = findParticipant(request);
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
    const announceUrl = p.url("AnnounceUrl", 21205);
    const announceMethod = p.method("AnnounceMethod", 21209) ?? "POST";
    conferences.update(conference, participant, change);
    if (announceUrl) conferences.announce(conference, announceUrl, announceMethod, [participant]);
    return participantJson(conference, participant);
  });

  app.delete<ParticipantPath>(`${base}/:sid/Participants/:participant.json`, async (request, reply) => {
    // One still joining is called off: its call is cancelled (or hung up, if answered and not yet in),
    // and it never joins; its conference callback then tells of participant_add_failed.
    const conference = find(request.params.sid, request.url);
    const id = request.params.participant;
    const still = joiningOf(conference).find((j) => j.call.sid === id || (j.label !== undefined && j.label === id));
    if (still) {
      engine.end(still.call, still.call.answeredAt ? "completed" : "canceled");
      return reply.code(204).send();
    }
    const { participant } = findParticipant(request);
    conferences.remove(conference, participant, KICKED);
    return reply.code(204).send();
  });
}
