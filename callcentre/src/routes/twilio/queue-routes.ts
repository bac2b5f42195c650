// The webhooks of a department's line (docs/queue.md): the caller's arrival, Twilio's waitUrl and its
// keys, the <Enqueue action>; the agent's whisper and its key, and the status of the agent's call; the
// conversation (a conference) and what follows it, the survey. Decisions are the ACD's (acd/acd.ts,
// repositories/queue-repository.ts); what is said is flows/queue-flow.ts's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Acd } from "../../acd/acd.js";
import { estimateWait } from "../../acd/estimate.js";
import {
  agentDone,
  agentJoins,
  callerJoins,
  consultJoins,
  consultWhisper,
  conversationOver,
  offerGone,
  offerWhisper,
  queueArrival,
  queueDepartment,
  queueLeft,
  queueMenuChoice,
  queueOption,
  queueWait,
  requeued,
  surveyScored,
  surveyThanks,
  type LeftBecause,
} from "../../flows/queue-flow.js";
import { properName } from "../../flows/templates.js";
import type { CallFacts, FlowContext, FlowResult } from "../../flows/voice-flow.js";
import type { Clock } from "../../lib/clock.js";
import { notFound } from "../../lib/http-errors.js";
import type { Repositories } from "../../plugins/app/repositories.js";
import type { EntryRow } from "../../repositories/queue-repository.js";
import {
  ConferenceEventParams,
  ConferenceRecordingParams,
  DialParams,
  GatherParams,
  parseParams,
  parseWith,
  QueueActionParams,
  QueueKeyParams,
  QueueWaitParams,
  RecordParams,
  VoiceParams,
} from "./webhook-params.js";

export interface QueueRoutesOptions {
  flowContext: FlowContext;
  repositories: Repositories;
  acd: Acd;
  clock: Clock;
  /** The caller's facts, as the voice routes read them. */
  facts: (params: VoiceParams, now: Date) => CallFacts;
  /** Persists a flow turn (steps, effects) and answers with its TwiML, as the voice routes do. */
  respond: (request: FastifyRequest, reply: FastifyReply, params: VoiceParams, result: FlowResult, now: Date) => Promise<FastifyReply>;
}

const NodeParam = z.object({ node: z.string().min(1).max(100) });
const IdParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const twimlRoute = { config: { twiml: true } };
/** Handle times older than this say little about the wait now. */
const HANDLE_TIME_WINDOW_MS = 4 * 3600_000;

export default async function queueRoutes(app: FastifyInstance, opts: QueueRoutesOptions): Promise<void> {
  const { flowContext: ctx, repositories, acd, clock, facts, respond } = opts;
  const { queue } = repositories;

  /** A queue department named in the URL. */
  const departmentOf = (request: FastifyRequest) => {
    const { node } = parseWith(NodeParam, request.params);
    const found = ctx.flow.nodes[node];
    if (found?.type !== "department" || !found.queue) throw notFound(`no queue department "${node}" in the flow`);
    return node;
  };
  const entryOf = async (request: FastifyRequest): Promise<EntryRow> => {
    const { id } = parseWith(IdParam, request.params);
    const entry = await queue.entry(id);
    if (!entry) throw notFound(`no queue entry ${id}`);
    return entry;
  };
  const xml = (reply: FastifyReply, twiml: { toString(): string }) => reply.type("text/xml").send(twiml.toString());
  const step = (callSid: string, kind: string, node: string, detail: Record<string, unknown>) =>
    repositories.calls.addEvents(callSid, [{ kind, node, detail }], clock());

  // The caller reaches the department (the flow's <Redirect>): into the line, or elsewhere.
  app.post("/voice/queue/:node", twimlRoute, async (request, reply) => {
    const id = departmentOf(request);
    const params = parseParams(VoiceParams, request.body);
    const now = clock();
    const [staffing, waiting] = await Promise.all([queue.staffing(id), queue.waiting(id)]);
    const callFacts = facts(params, now);
    const result = queueArrival(ctx, callFacts, id, { signedIn: staffing.signedIn, waiting });
    if (result.enqueued) {
      await queue.enqueue({ callSid: params.CallSid, department: id, number: callFacts.from, called: callFacts.to, city: params.FromCity, enqueuedAt: now });
    }
    const answer = await respond(request, reply, params, result, now);
    if (result.enqueued) acd.kick();
    return answer;
  });

  // Twilio's waitUrl, again after each round: leave (nobody signed in, the maximum wait), or the
  // position and wait, the menu and hold music.
  app.post("/voice/queue/:node/wait", twimlRoute, async (request, reply) => {
    const id = departmentOf(request);
    const node = queueDepartment(ctx, id);
    const params = parseParams(QueueWaitParams, request.body);
    const now = clock();
    const entry = await queue.openEntry(params.CallSid);
    const callFacts = facts(params, now);
    // Every round is also a chance to offer: a wrap-up may have ended, an agent come back.
    acd.kick();
    if (!entry || entry.status === "connected") return xml(reply, queueWait(ctx, callFacts, id, { status: "offered" }));
    if (entry.status === "offered") return xml(reply, queueWait(ctx, callFacts, id, { status: "offered" }));
    const staffing = await queue.staffing(id);
    const because: LeftBecause | undefined = staffing.signedIn === 0 ? "nobody" : params.QueueTime >= node.queue.maxWait ? "max-wait" : undefined;
    if (because && (await queue.leave(params.CallSid, because, now))) {
      await step(params.CallSid, "queue.leaving", id, { because, queueSeconds: params.QueueTime });
      return xml(reply, queueMenuChoice(ctx, callFacts, id, undefined, true).twiml);
    }
    let announcement: string | undefined;
    const position = await queue.position(entry);
    if (node.queue.announceWait) {
      const recent = await queue.recentHandleSeconds(id, new Date(now.getTime() - HANDLE_TIME_WINDOW_MS));
      const wait = estimateWait({
        position,
        agentsWorking: staffing.working,
        agentsAvailable: staffing.available,
        recentHandleSeconds: recent,
        ...(params.AvgQueueTime === undefined ? {} : { avgQueueSeconds: params.AvgQueueTime }),
      });
      announcement = wait.phrase;
    } else {
      announcement = position === 1 ? "You are next in line." : `You are number ${position} in line.`;
    }
    return xml(reply, queueWait(ctx, callFacts, id, { status: "queued", announcement }));
  });

  // A key in the line: a call back that keeps the place, or another option (voicemail…).
  app.post("/voice/queue/:node/key", twimlRoute, async (request, reply) => {
    const id = departmentOf(request);
    const params = parseParams(QueueKeyParams, request.body);
    const now = clock();
    const option = queueOption(ctx, id, params.Digits);
    let done: boolean | "no-option" = "no-option";
    if (option?.callback) {
      done = await queue.toCallback(params.CallSid);
      if (done) acd.kick();
    } else if (option) {
      done = await queue.leave(params.CallSid, `option:${option.key}`, now);
    }
    return respond(request, reply, params, queueMenuChoice(ctx, facts(params, now), id, params.Digits, done), now);
  });

  // The <Enqueue action>: the caller left Twilio's queue.
  app.post("/voice/queue/:node/left", twimlRoute, async (request, reply) => {
    const id = departmentOf(request);
    const params = parseParams(QueueActionParams, request.body);
    const now = clock();
    switch (params.QueueResult) {
      case "hangup":
        await acd.callerGone(params.CallSid);
        return xml(reply, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
      case "redirected":
      case "bridged":
      case "bridging-in-process":
        // Taken out of the line into the conversation: the redirect's document runs, not this one.
        return xml(reply, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
      default:
        break;
    }
    let because: LeftBecause;
    const latest = await queue.latestEntry(params.CallSid);
    if (params.QueueResult === "leave" && latest?.kind === "callback" && latest.status !== "ended") because = "callback";
    else if (params.QueueResult === "leave" && latest?.status === "left" && latest.outcome) because = latest.outcome as LeftBecause;
    else {
      because = params.QueueResult === "queue-full" ? "full" : "error";
      await queue.leave(params.CallSid, because, now);
    }
    const result = queueLeft(ctx, facts(params, now), id, because);
    if (because === "callback") result.effects.push({ type: "transfer-end", result: "deflected" });
    return respond(request, reply, params, result, now);
  });

  // The agent answered an offer: the whisper, or why there is nothing to take any more.
  app.post("/voice/offer/:id", twimlRoute, async (request, reply) => {
    const { id } = parseWith(IdParam, request.params);
    parseParams(VoiceParams, request.body);
    const offer = await queue.offer(id);
    const entry = offer && (await queue.entry(offer.entryId));
    if (offer?.kind === "consult" && entry && offer.status === "ringing" && entry.status === "connected") {
      const from = offer.fromAgent ? await repositories.agents.get(offer.fromAgent) : undefined;
      return xml(reply, consultWhisper(ctx, id, from?.name ?? "A colleague", queueDepartment(ctx, entry.department).name));
    }
    if (!offer || !entry || offer.status !== "ringing" || entry.status !== "offered") return xml(reply, offerGone(ctx, "gone"));
    const node = queueDepartment(ctx, entry.department);
    const waitedSeconds = Math.max(0, (clock().getTime() - entry.enqueuedAt.getTime()) / 1000);
    return xml(reply, offerWhisper(ctx, id, { department: node.name, kind: entry.kind, city: properName(entry.city ?? undefined), waitedSeconds }));
  });

  // The whisper's key: 1 accepts, another declines.
  app.post("/voice/offer/:id/key", twimlRoute, async (request, reply) => {
    const { id } = parseWith(IdParam, request.params);
    const params = parseParams(GatherParams, request.body);
    if (params.Digits !== "1") {
      await acd.decline(id);
      return xml(reply, offerGone(ctx, params.Digits ? "declined" : "gone"));
    }
    if ((await queue.offer(id))?.kind === "consult") {
      const consulted = await acd.acceptConsult(id);
      if (!consulted?.entry.conference) return xml(reply, offerGone(ctx, "gone"));
      return xml(reply, consultJoins(ctx, consulted.entry.id, consulted.entry.conference));
    }
    const accepted = await acd.accept(id);
    if (!accepted) return xml(reply, offerGone(ctx, "gone"));
    return xml(reply, agentJoins(ctx, accepted.entry.department, accepted.entry.id, accepted.entry.conference ?? `entry-${accepted.entry.id}`, accepted.entry.kind === "callback" ? "callback" : "caller"));
  });

  // The agent's call for an offer: ended unanswered (missed), or ended after the conversation (wrap-up).
  app.post("/voice/offer/:id/status", async (request, reply) => {
    const { id } = parseWith(IdParam, request.params);
    const params = parseParams(VoiceParams, request.body);
    await acd.agentCallStatus(id, params.CallSid, params.CallStatus);
    return reply.code(204).send();
  });

  // Into the conversation: the caller taken out of the line, or the customer of a call back who answered.
  app.post("/voice/entry/:id/connect", twimlRoute, async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(VoiceParams, request.body);
    const now = clock();
    const callFacts = facts(params, now);
    if (entry.status !== "connected" || !entry.conference) {
      return xml(reply, agentDone(ctx, "ended"));
    }
    const customer = entry.kind === "callback" ? "callback" : "caller";
    return respond(request, reply, params, callerJoins(ctx, callFacts, entry.department, entry.id, entry.conference, customer), now);
  });

  // A caller transferred (cold) back into a line: another department's, or theirs for one named agent.
  app.post("/voice/entry/:id/requeue", twimlRoute, async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(VoiceParams, request.body);
    const now = clock();
    if (entry.status !== "queued" && entry.status !== "offered") return xml(reply, agentDone(ctx, "ended"));
    const to = entry.forAgent ? ((await repositories.agents.get(entry.forAgent))?.name ?? "a colleague") : `our ${queueDepartment(ctx, entry.department).name.toLowerCase()} team`;
    return respond(request, reply, params, requeued(ctx, facts(params, now), entry.department, to), now);
  });

  // The caller's conference ended. Still on the line: the agent hung up first; the survey.
  app.post("/voice/entry/:id/caller-left", twimlRoute, async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(DialParams, request.body);
    const now = clock();
    await queue.conversationEnded(entry.id, now);
    // Whichever of this and the conference's end Twilio tells first closes the supervisors' sessions.
    await acd.monitoring.conversationEnded(entry.id);
    if (params.CallStatus !== "in-progress") return xml(reply, agentDone(ctx, "ended"));
    return respond(request, reply, params, conversationOver(ctx, facts(params, now), entry.department, entry.id), now);
  });

  // The agent's conference ended (or the customer of a call back never answered): their call ends,
  // and its status callback starts the wrap-up.
  app.post("/voice/entry/:id/agent-left", twimlRoute, async (request, reply) => {
    await entryOf(request);
    const unanswered = (request.query as { unanswered?: string }).unanswered === "1";
    return xml(reply, agentDone(ctx, unanswered ? "unanswered" : "ended"));
  });

  // A call back's customer call: unanswered, busy or failed gives the place back (or fails the request).
  app.post("/voice/entry/:id/callback-status", async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(VoiceParams, request.body) as VoiceParams & { CallDuration?: string; AnsweredBy?: string };
    const unanswered = ["busy", "no-answer", "failed", "canceled"].includes(params.CallStatus);
    if (unanswered && entry.customerCallSid === params.CallSid) await acd.callbackUnanswered(entry.id, params.CallStatus);
    return reply.code(204).send();
  });

  // The conference's events, kept as the caller's steps: who joined and left, and the end.
  app.post("/voice/entry/:id/conference", async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(ConferenceEventParams, request.body);
    if (entry.status === "connected" && !entry.conferenceSid) await queue.setConferenceSid(entry.id, params.ConferenceSid);
    const supervisor = params.CallSid !== undefined && params.StatusCallbackEvent === "participant-join" && (await acd.monitoring.joined(params.CallSid));
    const who =
      params.CallSid === undefined
        ? undefined
        : params.CallSid === entry.callSid || params.CallSid === entry.customerCallSid
          ? "customer"
          : supervisor || (await repositories.monitors.byCall(params.CallSid))
            ? "supervisor"
            : "agent";
    await step(entry.callSid, `conference.${params.StatusCallbackEvent}`, entry.department, {
      conferenceSid: params.ConferenceSid,
      ...(who ? { who } : {}),
      ...(params.ReasonConferenceEnded ? { reason: params.ReasonConferenceEnded } : {}),
    });
    // The conversation is over: supervisors monitoring it are too.
    if (params.StatusCallbackEvent === "conference-end") await acd.monitoring.conversationEnded(entry.id);
    return reply.code(204).send();
  });

  // The conversation's recording.
  app.post("/voice/entry/:id/recording", async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(ConferenceRecordingParams, request.body);
    await repositories.recordings.saveConversation({
      sid: params.RecordingSid,
      callSid: entry.callSid,
      entryId: entry.id,
      department: queueDepartment(ctx, entry.department).name,
      url: params.RecordingUrl,
      status: params.RecordingStatus,
      durationSeconds: params.RecordingDuration,
    });
    return reply.code(204).send();
  });

  // The survey's score.
  app.post("/voice/entry/:id/survey", twimlRoute, async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(GatherParams, request.body);
    const now = clock();
    const score = params.Digits && /^[1-5]$/.test(params.Digits) ? Number(params.Digits) : undefined;
    if (score !== undefined) await repositories.surveys.scored(entry, score, now);
    return respond(request, reply, params, surveyScored(ctx, facts(params, now), entry.department, entry.id, score), now);
  });

  // The survey's spoken comment.
  app.post("/voice/entry/:id/survey-comment", twimlRoute, async (request, reply) => {
    const entry = await entryOf(request);
    const params = parseParams(RecordParams, request.body);
    const now = clock();
    await repositories.surveys.comment(entry.id, params.RecordingUrl, params.RecordingDuration);
    return respond(request, reply, params, surveyThanks(ctx, facts(params, now), entry.department), now);
  });
}
