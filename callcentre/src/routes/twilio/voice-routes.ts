// Twilio voice webhooks. Each handler: params → flow → persist → TwiML. The signature check and the
// error handling for the whole /twilio scope live in routes/twilio/index.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DatabaseUnavailableError, isDatabaseUnavailable, type Database, type Queryable } from "../../db/database.js";
import {
  answerIncoming,
  dialResult,
  enterNode,
  menuInput,
  returnCall,
  safeFlow,
  safeFlowDialled,
  voicemailRecorded,
  type CallFacts,
  type FlowContext,
  type FlowResult,
} from "../../flows/voice-flow.js";
import { RECORDING_STATUS, VOICE_INCOMING, VOICE_STATUS, voicePaths } from "../../flows/paths.js";
import { badRequest, notFound } from "../../lib/http-errors.js";
import { Batcher } from "../../lib/batcher.js";
import type { Clock } from "../../lib/clock.js";
import { QUEUES, type Jobs } from "../../jobs/jobs.js";
import type { Repositories } from "../../plugins/app/repositories.js";
import { applyCallStatus } from "../../calls/call-status.js";
import { isFinalStatus, type Turn } from "../../repositories/calls-repository.js";
import {
  AgentLegParams,
  callReport,
  DialParams,
  GatherParams,
  parseParams,
  parseWith,
  RecordingStatusParams,
  RecordParams,
  StatusCallbackParams,
  TranscriptionParams,
  VoiceParams,
} from "./webhook-params.js";
import { webhookDelivery, type Delivery } from "./webhook-delivery.js";
import monitorRoutes from "./monitor-routes.js";
import queueRoutes from "./queue-routes.js";
import type { Acd } from "../../acd/acd.js";

export interface VoiceRoutesOptions {
  flowContext: FlowContext;
  db: Database;
  repositories: Repositories;
  jobs: Jobs;
  clock: Clock;
  /** How long a webhook's database work may take before the database counts as unavailable. */
  databaseTimeoutMs: number;
  /** The ACD: a department's line (queue-routes.ts), and callers who hang up while they wait. */
  acd: Acd;
}

const NodeParam = z.object({ node: z.string().min(1).max(100) });
const Attempt = z.object({ attempt: z.coerce.number().int().min(1).max(100).default(1) });
const Agent = z.object({ agent: z.coerce.number().int().min(0).max(9).optional() });
const twimlRoute = { config: { twiml: true } };

/**
 * A callback names a recording of another call than its CallSid: never attach it (a misrouted or forged
 * request). 400, and nothing of it is kept (the transaction rolls back).
 */
function otherCallsRecording(recordingSid: string, request?: FastifyRequest) {
  request?.log.warn({ recordingSid }, "recording callback for another call's recording refused");
  return badRequest(`RecordingSid: ${recordingSid} belongs to another call`);
}

export default async function voiceRoutes(app: FastifyInstance, opts: VoiceRoutesOptions): Promise<void> {
  const { flowContext: ctx, db, repositories, jobs, clock, databaseTimeoutMs, acd } = opts;
  const { flow } = ctx;
  const turns = new Batcher<Turn>({
    write: async (items) => {
      await repositories.calls.recordTurns(items);
    },
    maxBatch: 200,
    key: (turn) => turn.report.sid,
    sharedFailure: isDatabaseUnavailable,
    // One write in flight: two (Batcher's concurrency) made more, smaller commits and cost more than
    // the wait they saved (docs/performance.md, the webhook).
    concurrency: 1,
  });
  /** A webhook's writes, all or nothing, and never past the deadline (Twilio gives up at 15 s). */
  const persist = <T>(work: (tx: Queryable) => Promise<T>) => db.transaction(work, { timeoutMs: databaseTimeoutMs });

  // The customer is the caller on an inbound call, and the callee on one we place (`callcentre call`).
  const facts = (params: VoiceParams, now: Date): CallFacts => {
    const outbound = params.Direction.startsWith("outbound");
    return {
      callSid: params.CallSid,
      from: outbound ? params.To : params.From,
      to: outbound ? params.From : params.To,
      fromCity: outbound ? params.ToCity : params.FromCity,
      fromState: outbound ? params.ToState : params.FromState,
      fromCountry: outbound ? params.ToCountry : params.FromCountry,
      now,
    };
  };

  /** A flow node named in the URL; unknown names are a malformed request. */
  const node = (request: FastifyRequest, type: string) => {
    const { node: id } = parseWith(NodeParam, request.params);
    const found = flow.nodes[id];
    if (found?.type !== type) throw notFound(`no ${type} node "${id}" in the flow`);
    // A department with a line is never <Dial>led by the flow: its calls are the ACD's.
    if (found.type === "department" && found.queue) throw notFound(`"${id}" is a queue department: it has no <Dial> of its own`);
    return id;
  };

  /**
   * Persists what the flow decided (call, steps, effects) in one transaction, then replies. When the
   * database is unavailable, the flow's decision cannot be kept: the caller gets the safe flow instead
   * (an apology and the fallback number), which needs no database.
   */
  async function respond(request: FastifyRequest, reply: FastifyReply, params: VoiceParams, result: FlowResult, now: Date) {
    try {
      // Rendered once: the delivery's key and the answer use the same string.
      const twiml = result.twiml.toString();
      const notices = await record(params, result, now, webhookDelivery(request, ctx.baseUrl, twiml));
      if (notices > 0) jobs.notify(QUEUES.notificationSend);
      return reply.type("text/xml").send(twiml);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      request.log.error({ err: error, fallback: flow.fallback ? "dial" : "apology" }, "database unavailable: the call gets the safe flow");
      return reply.type("text/xml").send(safeFlow(ctx, facts(params, now)).toString());
    }
  }

  /**
   * Writes the turn; returns how many notices were queued. A repeated delivery of the webhook is
   * answered with the same TwiML (the flow is pure), but neither its steps nor its effects are written.
   */
  async function record(params: VoiceParams, result: FlowResult, now: Date, delivery: Delivery): Promise<number> {
    // Most turns (a menu, a choice) are the call and its steps. Those of concurrent webhooks are
    // written together, in one statement (group commit). A turn not yet sent at the deadline is never
    // written; one already sent may still land. A turn with effects is a transaction of its own, and
    // is rolled back at the deadline.
    const turn: Turn = { report: callReport(params), change: result.call, events: result.events, at: now, delivery };
    if (result.effects.length === 0) {
      await turns.add(turn, { ms: databaseTimeoutMs, error: () => new DatabaseUnavailableError(`database unavailable: no answer within ${databaseTimeoutMs} ms`) });
      return 0;
    }
    let notices = 0;
    await persist(async (tx) => {
      if (!(await repositories.calls.with(tx).recordTurns([turn])).has(params.CallSid)) return;
      for (const effect of result.effects) {
        switch (effect.type) {
          case "save-voicemail": {
            const saved = await repositories.recordings.with(tx).saveVoicemail({
              sid: effect.recording.sid,
              callSid: params.CallSid,
              url: effect.recording.url,
              durationSeconds: effect.recording.durationSeconds,
              finishedBy: effect.recording.digits,
              node: effect.node,
              department: effect.department,
            });
            if (saved === "other-call") throw otherCallsRecording(effect.recording.sid);
            break;
          }
          case "callback-request":
            await repositories.callbacks.with(tx).request({ callSid: params.CallSid, ...effect }, now);
            break;
          case "transfer-start":
            await repositories.transfers.with(tx).start(params.CallSid, effect.node, effect.department, now);
            break;
          case "transfer-end":
            await repositories.transfers.with(tx).end(params.CallSid, effect.result, effect, now);
            break;
          case "notify": {
            // The notice and its job are written together: neither exists without the other.
            const id = await repositories.notifications.with(tx).add(effect);
            if (id !== undefined) {
              await jobs.enqueue([{ name: QUEUES.notificationSend, data: { notificationId: id } }], tx);
              notices += 1;
            }
            break;
          }
        }
      }
    });
    return notices;
  }

  app.post(VOICE_INCOMING.replace("/twilio", ""), twimlRoute, async (request, reply) => {
    const params = parseParams(VoiceParams, request.body);
    const now = clock();
    return respond(request, reply, params, answerIncoming(ctx, facts(params, now)), now);
  });

  app.post("/voice/node/:node", twimlRoute, async (request, reply) => {
    const params = parseParams(VoiceParams, request.body);
    const { node: id } = parseWith(NodeParam, request.params);
    if (!Object.hasOwn(flow.nodes, id)) throw notFound(`no node "${id}" in the flow`);
    const now = clock();
    return respond(request, reply, params, enterNode(ctx, facts(params, now), id), now);
  });

  // A call placed back from the dashboard was answered: who is calling, then the department.
  app.post("/voice/call-back/:node", twimlRoute, async (request, reply) => {
    const params = parseParams(VoiceParams, request.body);
    const { node: id } = parseWith(NodeParam, request.params);
    if (!Object.hasOwn(flow.nodes, id)) throw notFound(`no node "${id}" in the flow`);
    const now = clock();
    return respond(request, reply, params, returnCall(ctx, facts(params, now), id), now);
  });

  app.post("/voice/menu/:node", twimlRoute, async (request, reply) => {
    const id = node(request, "menu");
    const { attempt } = parseWith(Attempt, request.query);
    const params = parseParams(GatherParams, request.body);
    const now = clock();
    const input = { digits: params.Digits, speech: params.SpeechResult, confidence: params.Confidence };
    return respond(request, reply, params, menuInput(ctx, facts(params, now), id, attempt, input), now);
  });

  app.post("/voice/dial/:node", twimlRoute, async (request, reply) => {
    const id = node(request, "department");
    const { agent } = parseWith(Agent, request.query);
    const params = parseParams(DialParams, request.body);
    const now = clock();
    const result = dialResult(ctx, facts(params, now), id, agent, {
      status: params.DialCallStatus,
      durationSeconds: params.DialCallDuration,
    });
    return respond(request, reply, params, result, now);
  });

  app.post("/voice/voicemail/:node/recorded", twimlRoute, async (request, reply) => {
    const id = node(request, "voicemail");
    const params = parseParams(RecordParams, request.body);
    const recordingSid = params.RecordingSid ?? /\/Recordings\/(RE[0-9a-fA-F]{32})/.exec(params.RecordingUrl)?.[1];
    if (!recordingSid) throw badRequest("RecordingSid: missing, and RecordingUrl does not name a recording");
    const now = clock();
    const result = voicemailRecorded(ctx, facts(params, now), id, {
      sid: recordingSid,
      url: params.RecordingUrl,
      durationSeconds: params.RecordingDuration,
      digits: params.Digits,
    });
    return respond(request, reply, params, result, now);
  });

  // The safe flow's <Dial action>. It needs no database, so that it works while the database is down.
  app.post(voicePaths.fallbackDialled.replace("/twilio", ""), twimlRoute, async (request, reply) => {
    const params = parseParams(DialParams, request.body);
    return reply.type("text/xml").send(safeFlowDialled(ctx, facts(params, clock()), params.DialCallStatus).toString());
  });

  // Asynchronous callbacks: Twilio ignores the response body; 204 acknowledges.

  // An agent's phone answered (<Number statusCallbackEvent="answered">): the caller stops waiting.
  app.post("/voice/dial/:node/answered", async (request, reply) => {
    const id = node(request, "department");
    const { agent } = parseWith(Agent, request.query);
    const params = parseParams(AgentLegParams, request.body);
    if (params.CallStatus !== "in-progress") return reply.code(204).send();
    const department = flow.nodes[id];
    const name = department?.type === "department" && agent !== undefined ? department.agents?.[agent]?.name : undefined;
    const now = clock();
    await persist(async (tx) => {
      if (await repositories.transfers.with(tx).answered(params.ParentCallSid, name, now)) {
        await repositories.calls.with(tx).addEvents(params.ParentCallSid, [{ kind: "transfer.answered", node: id, detail: { ...(name ? { agent: name } : {}), legSid: params.CallSid } }], now);
      }
    });
    return reply.code(204).send();
  });

  app.post("/voice/voicemail/:node/transcription", async (request, reply) => {
    const id = node(request, "voicemail");
    const params = parseParams(TranscriptionParams, request.body);
    await persist(async (tx) => {
      const calls = repositories.calls.with(tx);
      if (!(await calls.get(params.CallSid))) throw notFound(`unknown call ${params.CallSid}`);
      const written = await repositories.recordings.with(tx).applyTranscription({
        recordingSid: params.RecordingSid,
        callSid: params.CallSid,
        recordingUrl: params.RecordingUrl,
        transcriptionSid: params.TranscriptionSid,
        status: params.TranscriptionStatus,
        text: params.TranscriptionText,
        node: id,
      });
      if (written === "other-call") throw otherCallsRecording(params.RecordingSid, request);
      // A repeated callback (same transcription) adds no second step.
      if (written === "unchanged") return;
      await calls.addEvents(
        params.CallSid,
        [{ kind: "voicemail.transcribed", node: id, detail: { recordingSid: params.RecordingSid, status: params.TranscriptionStatus } }],
        clock(),
      );
    });
    return reply.code(204).send();
  });

  app.post(RECORDING_STATUS.replace("/twilio", ""), async (request, reply) => {
    const params = parseParams(RecordingStatusParams, request.body);
    await persist(async (tx) => {
      if (!(await repositories.calls.with(tx).get(params.CallSid))) throw notFound(`unknown call ${params.CallSid}`);
      const written = await repositories.recordings.with(tx).applyStatus({
        sid: params.RecordingSid,
        callSid: params.CallSid,
        url: params.RecordingUrl,
        status: params.RecordingStatus,
        durationSeconds: params.RecordingDuration,
      });
      if (written === "other-call") throw otherCallsRecording(params.RecordingSid, request);
    });
    return reply.code(204).send();
  });

  app.post(VOICE_STATUS.replace("/twilio", ""), async (request, reply) => {
    const params = parseParams(StatusCallbackParams, request.body);
    const { CallDuration, SequenceNumber, Timestamp } = params;
    const now = clock();
    const fresh = await persist(async (tx) => {
      const report = { ...callReport(params), sequenceNumber: SequenceNumber, reportedAt: Timestamp, durationSeconds: CallDuration, params: request.body as Record<string, unknown> };
      return applyCallStatus(repositories, tx, report, now);
    });
    if (!fresh) request.log.info({ callStatus: params.CallStatus, sequenceNumber: SequenceNumber }, "duplicate status callback ignored");
    // A caller who hangs up while waiting in a line, or while an agent's phone rings for them.
    else if (isFinalStatus(params.CallStatus)) await acd.callerGone(params.CallSid);
    return reply.code(204).send();
  });

  await app.register(queueRoutes, { flowContext: ctx, repositories, acd, clock, facts, respond });
  await app.register(monitorRoutes, { acd });
}
