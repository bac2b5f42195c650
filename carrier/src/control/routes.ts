// The simulator's own surface, under /_carrier (JSON): handsets place and answer calls, press keys,
// speak, hang up and text; tests read timelines, wait for a call to settle, and move the manual
// clock. Kept apart from the Twilio-shaped routes so that nothing comes to depend on it by accident.
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { ManualClock } from "../clock.js";
import type { Call } from "../calls/call.js";
import type { Engine } from "../calls/engine.js";
import { answerRinging, rejectRinging } from "../calls/handsets.js";
import { keys } from "../calls/input.js";
import { hangupByHandset, placeFromClient, placeInbound } from "../calls/placement.js";
import { speak, typing } from "../calls/speech.js";
import { receiveMessage } from "../messages/messaging.js";
import { E164 } from "../numbering.js";
import { CLIENT_ADDRESS, CLIENT_IDENTITY, type Handset as HandsetState, type Store } from "../store.js";
import { redactUrl } from "../redact.js";
import type { EventStreams } from "./event-streams.js";
import { callView, messageView } from "./views.js";

export interface ControlOptions {
  store: Store;
  engine: Engine;
  streams: EventStreams;
}

const PhoneNumber = z.string().regex(E164, "must be an E.164 number such as +61491570001");
/** A handset's address: a number, or a browser client's `client:<identity>`. */
const Address = z
  .string()
  .refine((value) => E164.test(value) || CLIENT_ADDRESS.test(value), "must be an E.164 number such as +61491570001, or client:<identity>");
/** A handset in the path (/phones/:number/…): a 400 names the number, not a body the GET has none of. */
const Handset = z.object({ number: Address });
const BehaviourName = z.enum(["manual", "answer", "busy", "no-answer", "fail"]);
/** Twilio's rule for a client identity: letters, digits and underscores, at most 256. */
const Identity = z.string().regex(CLIENT_IDENTITY, "must be letters, digits and underscores, at most 256");
const RegisterClient = z.object({ identity: Identity, behaviour: BehaviourName.optional() });
/**
 * A number calls one of the carrier's numbers; a client (`client:<identity>`) calls whatever it
 * dials, through a TwiML app (`applicationSid`), with the Voice SDK's custom `parameters`.
 */
const PlaceCall = z
  .object({
    from: Address,
    to: z.string().max(256),
    applicationSid: z.string().regex(/^AP[0-9a-fA-F]{32}$/, "must be an application SID (AP…)").optional(),
    parameters: z.record(z.string().min(1).max(256), z.string().max(4096)).optional(),
  })
  .superRefine((body, ctx) => {
    if (CLIENT_ADDRESS.test(body.from)) return;
    if (!E164.test(body.to)) ctx.addIssue({ code: "custom", path: ["to"], message: "must be an E.164 number such as +61491570001" });
    if (body.applicationSid !== undefined || body.parameters !== undefined) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "only a client:<identity> takes applicationSid and parameters" });
    }
  });
const Digits = z.object({ digits: z.string().regex(/^[0-9A-D*#wW]{1,64}$/, "must be keys 0-9, A-D, * and # (w/W pause)") });
const Speech = z.object({ text: z.string().trim().min(1).max(4096) });
/** Typing carries nothing but the fact: a JSON object with no fields. */
const Typing = z.object({}).strict();
const SendText = z.object({ from: PhoneNumber, to: PhoneNumber, body: z.string().max(1600) });
const Behaviour = z.object({ behaviour: BehaviourName });
const Advance = z.object({ seconds: z.number().positive().max(86_400) });
/** `since`: only the timeline events from that `seq` on. */
const Since = z.object({ since: z.coerce.number().int().min(0).default(0) });
const Settled = Since.extend({ timeout: z.coerce.number().min(0).max(60).default(10) });
const Wait = z.object({ wait: z.coerce.number().min(0).max(60).default(0), count: z.coerce.number().int().min(1).max(1000).default(1) });

function parse<S extends z.ZodType>(schema: S, input: unknown, reply: FastifyReply): z.output<S> | undefined {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  void reply.code(400).send({ error: "bad_request", message: result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
  return undefined;
}

export default async function controlRoutes(app: FastifyInstance, opts: ControlOptions): Promise<void> {
  const { store, engine, streams } = opts;

  const callOr404 = (sid: string, reply: FastifyReply): Call | undefined => {
    const call = engine.calls.get(sid);
    if (!call) void reply.code(404).send({ error: "not_found", message: `no call ${sid}` });
    return call;
  };

  app.get("/account", async () => ({ accountSid: store.account.sid, publicUrl: redactUrl(store.publicUrl), clock: engine.clock.mode }));

  app.post("/calls", async (request, reply) => {
    const body = parse(PlaceCall, request.body, reply);
    if (!body) return reply;
    const result = CLIENT_ADDRESS.test(body.from)
      ? placeFromClient(engine, { from: body.from, to: body.to, applicationSid: body.applicationSid, parameters: body.parameters ?? {} })
      : placeInbound(engine, body.from, body.to);
    if ("error" in result) return reply.code(result.error.status).send({ error: "call_failed", code: result.error.code, message: result.error.message });
    return reply.code(201).send({ sid: result.call.sid });
  });

  app.get("/calls", async () => ({ calls: [...engine.calls.values()].reverse().map((call) => callView(call, false)) }));

  app.get<{ Params: { sid: string } }>("/calls/:sid", async (request, reply) => {
    const query = parse(Since, request.query, reply);
    if (!query) return reply;
    const call = callOr404(request.params.sid, reply);
    return call ? callView(call, query.since) : reply;
  });

  /** Server-sent events: the call's timeline so far, then each new event as it happens. */
  app.get<{ Params: { sid: string } }>("/calls/:sid/events", async (request, reply) => {
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    const stream = streams.start(request, reply);
    if (!stream) return reply;
    for (const event of call.timeline.list()) stream.send(event);
    const unsubscribe = call.timeline.subscribe((event) => stream.send(event));
    const onActivity = () => stream.send(callView(call, false), "call");
    call.on("activity", onActivity);
    call.on("status", onActivity);
    onActivity();
    stream.onClose(() => {
      unsubscribe();
      call.off("activity", onActivity);
      call.off("status", onActivity);
    });
  });

  app.get<{ Params: { sid: string } }>("/calls/:sid/settled", async (request, reply) => {
    const query = parse(Settled, request.query, reply);
    if (!query) return reply;
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    await call.waitSettled(query.timeout * 1000);
    return callView(call, query.since);
  });

  app.post<{ Params: { sid: string } }>("/calls/:sid/digits", async (request, reply) => {
    const body = parse(Digits, request.body, reply);
    if (!body) return reply;
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (call.isEnded) return reply.code(409).send({ error: "ended", message: "the call has ended" });
    const accepted = call.input.push(...keys(body.digits));
    call.timeline.add("caller.digits", { digits: body.digits, accepted });
    return { accepted };
  });

  app.post<{ Params: { sid: string } }>("/calls/:sid/speech", async (request, reply) => {
    const body = parse(Speech, request.body, reply);
    if (!body) return reply;
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (call.isEnded) return reply.code(409).send({ error: "ended", message: "the call has ended" });
    return { accepted: speak(call, body.text) };
  });

  /** The handset is typing what it will say: to a verb listening for speech, that is not silence. */
  app.post<{ Params: { sid: string } }>("/calls/:sid/typing", async (request, reply) => {
    const body = parse(Typing, request.body, reply);
    if (!body) return reply;
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (call.isEnded) return reply.code(409).send({ error: "ended", message: "the call has ended" });
    return { accepted: typing(call) };
  });

  app.post<{ Params: { sid: string } }>("/calls/:sid/hangup", async (request, reply) => {
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (!hangupByHandset(engine, call)) return reply.code(409).send({ error: "ended", message: "the call has already ended" });
    return { status: call.status };
  });

  app.post<{ Params: { sid: string } }>("/calls/:sid/answer", async (request, reply) => {
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (!answerRinging(engine, call)) return reply.code(409).send({ error: "not_ringing", message: `the call is ${call.status}, not ringing` });
    return { status: call.status };
  });

  app.post<{ Params: { sid: string } }>("/calls/:sid/reject", async (request, reply) => {
    const call = callOr404(request.params.sid, reply);
    if (!call) return reply;
    if (!rejectRinging(engine, call)) return reply.code(409).send({ error: "not_ringing", message: `the call is ${call.status}, not ringing` });
    return { status: call.status };
  });

  app.post("/messages", async (request, reply) => {
    const body = parse(SendText, request.body, reply);
    if (!body) return reply;
    const result = await receiveMessage(store, engine.webhooks, body);
    if ("error" in result) return reply.code(result.error.status).send({ error: "message_failed", code: result.error.code, message: result.error.message });
    return reply.code(201).send({ sid: result.message.sid });
  });

  /** ?wait=S&count=N holds the answer until N messages were delivered to the handset (or S seconds pass). */
  app.get<{ Params: { number: string } }>("/phones/:number/messages", async (request, reply) => {
    const number = parse(Handset, request.params, reply)?.number;
    if (!number) return reply;
    const query = parse(Wait, request.query, reply);
    if (!query) return reply;
    const delivered = () => store.handset(number).inbox.length >= query.count;
    if (query.wait > 0 && !delivered()) {
      await new Promise<void>((resolve) => {
        const check = () => {
          if (!delivered()) return;
          done();
        };
        const timer = setTimeout(() => done(), query.wait * 1000);
        const done = () => {
          clearTimeout(timer);
          store.off("message", check);
          resolve();
        };
        store.on("message", check);
      });
    }
    const messages = [...store.messages.values()].filter((m) => m.to === number || m.from === number);
    return { messages: messages.map(messageView), delivered: store.handset(number).inbox.length };
  });

  app.get<{ Params: { number: string } }>("/phones/:number/calls", async (request, reply) => {
    const number = parse(Handset, request.params, reply)?.number;
    if (!number) return reply;
    const calls = [...engine.calls.values()].filter((c) => (c.direction === "inbound" ? c.from : c.to) === number);
    return { calls: calls.map((call) => callView(call, false)) };
  });

  /** Server-sent events for one handset: its calls (ringing, answered, ended) and its messages. */
  app.get<{ Params: { number: string } }>("/phones/:number/events", async (request, reply) => {
    const number = parse(Handset, request.params, reply)?.number;
    if (!number) return reply;
    const stream = streams.start(request, reply);
    if (!stream) return reply;
    const mine = (call: Call) => (call.direction === "inbound" ? call.from : call.to) === number;
    const onCall = (call: Call) => {
      if (mine(call)) stream.send(callView(call, false), "call");
    };
    const onMessage = (message: Parameters<typeof messageView>[0]) => {
      if (message.to === number || message.from === number) stream.send(messageView(message), "message");
    };
    for (const call of engine.calls.values()) if (!call.isEnded) onCall(call);
    store.on("call", onCall);
    store.on("call-status", onCall);
    store.on("message", onMessage);
    stream.comment("connected");
    stream.onClose(() => {
      store.off("call", onCall);
      store.off("call-status", onCall);
      store.off("message", onMessage);
    });
  });

  app.put<{ Params: { number: string } }>("/phones/:number/behaviour", async (request, reply) => {
    const number = parse(Handset, request.params, reply)?.number;
    if (!number) return reply;
    const body = parse(Behaviour, request.body, reply);
    if (!body) return reply;
    store.handset(number).behaviour = body.behaviour;
    return { number, behaviour: body.behaviour };
  });

  const clientView = (handset: HandsetState) => ({
    address: handset.number,
    identity: handset.number.slice("client:".length),
    registered: handset.registered,
    behaviour: handset.behaviour,
  });

  /** A browser client comes online as client:<identity> (a Voice SDK Device registering). */
  app.post("/clients", async (request, reply) => {
    const body = parse(RegisterClient, request.body, reply);
    if (!body) return reply;
    return reply.code(201).send(clientView(store.registerClient(body.identity, body.behaviour)));
  });

  app.get("/clients", async () => ({
    clients: [...store.handsets.values()].filter((h) => h.number.startsWith("client:") && h.registered).map(clientView),
  }));

  /** The client goes offline: calls to it end no-answer, as to an identity never registered. */
  app.delete<{ Params: { identity: string } }>("/clients/:identity", async (request, reply) => {
    const identity = parse(z.object({ identity: Identity }), request.params, reply)?.identity;
    if (!identity) return reply;
    if (!store.unregisterClient(identity)) return reply.code(404).send({ error: "not_found", message: `client:${identity} is not registered` });
    return clientView(store.handset(`client:${identity}`));
  });

  /**
   * The account's TwiML apps, for a client to place its own call through (the softphone's agent
   * mode lets the person choose one when there are several).
   */
  app.get("/applications", async () => ({
    applications: [...store.applications.values()].map((a) => ({
      sid: a.sid,
      friendlyName: a.friendlyName,
      voiceUrl: a.voiceUrl === null ? null : redactUrl(a.voiceUrl),
    })),
  }));

  app.get("/queues", async () => ({
    queues: engine.queues.list().map((q) => ({ sid: q.sid, name: q.name, size: q.members.length, callSids: q.members.map((m) => m.call.sid) })),
  }));

  app.get("/clock", async () => ({
    mode: engine.clock.mode,
    now: engine.clock.now().toISOString(),
    nextTimerAt: engine.clock instanceof ManualClock ? (engine.clock.nextTimerAt()?.toISOString() ?? null) : null,
  }));

  app.post("/clock/advance", async (request, reply) => {
    const body = parse(Advance, request.body, reply);
    if (!body) return reply;
    if (!(engine.clock instanceof ManualClock)) return reply.code(409).send({ error: "real_clock", message: "start the carrier with CARRIER_CLOCK=manual to move time by hand" });
    // Waits for webhooks in flight, then steps from timer to timer (clock.ts); left behind counts
    // the webhooks it stopped waiting for (one that asked for this advance, most likely).
    const { fired, leftBehind } = await engine.clock.advance(body.seconds * 1000);
    return { now: engine.clock.now().toISOString(), fired, leftBehind };
  });
}
