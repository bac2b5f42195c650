// The automatic call distributor (docs/queue.md): offers waiting callers to available agents and
// keeps agents' states moving with their calls. Decisions are made in Postgres (repositories/
// queue-repository.ts, under one lock across instances); this places and ends the calls those
// decisions need, through Twilio's REST API: the agent's call for an offer (its whisper is the Url),
// the caller taken out of the line into the conversation, the customer of a call back.
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Database, Queryable } from "../db/database.js";
import type { Flow } from "../flows/flow-schema.js";
import { voicePaths } from "../flows/paths.js";
import type { Clock } from "../lib/clock.js";
import { maskPhone } from "../lib/phone.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { AgentRow, AgentSpec, ChosenState, Device, StateRefusal } from "../repositories/agents-repository.js";
import type { EntryRow, NewOffer, OfferRow } from "../repositories/queue-repository.js";
import type { TwilioClient } from "../twilio-client.js";
import type { CallAction, CallRefusal, DeskPort } from "./desk-port.js";
import { HOLD_MUSIC } from "../flows/hold-music.js";
import { Monitoring } from "./monitoring.js";

export interface AcdOptions {
  db: Database;
  repositories: Repositories;
  twilio: TwilioClient;
  flow: Flow;
  config: Pick<Config, "publicBaseUrl" | "phoneNumber" | "databaseTimeoutMs">;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** What a department's line is set to do, with the flow's defaults. */
export interface LineSettings {
  name: string;
  ringTimeout: number;
  callerId: string | undefined;
  wrapUp: number;
  maxNoAnswer: number;
  callback: { attempts: number; retryAfter: number };
}

/** How often offers left ringing are looked at, and how old one is before it is. */
const SWEEP_EVERY_MS = 30_000;
const STALE_OFFER_MS = 60_000;

/** The final statuses of a call (Twilio's). */
const ENDED = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

export class Acd implements DeskPort {
  private readonly listeners = new Set<(agentId: string | undefined) => void>();
  private running: Promise<void> | undefined;
  private again = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private lastSweep: number | undefined;
  /** Supervisors listening in, whispering, barging (acd/monitoring.ts). */
  readonly monitoring: Monitoring;

  constructor(private readonly o: AcdOptions) {
    this.monitoring = new Monitoring(o, this);
  }

  /** The flow's agents, as the database should know them. */
  static agentSpecs(flow: Flow): AgentSpec[] {
    return Object.values(flow.agents).map((agent) => ({
      id: agent.id,
      name: agent.name,
      phone: agent.phone,
      client: agent.client,
      departments: agent.departments,
    }));
  }

  /** Brings the agents table in line with the flow file (at start). */
  async syncAgents(): Promise<void> {
    await this.o.db.transaction((tx) => this.o.repositories.agents.with(tx).sync(Acd.agentSpecs(this.o.flow), this.o.clock()));
  }

  line(department: string): LineSettings {
    const node = this.o.flow.nodes[department];
    if (node?.type !== "department" || !node.queue) throw new Error(`"${department}" is not a queue department`);
    return {
      name: node.name,
      ringTimeout: node.ringTimeout,
      callerId: node.callerId,
      wrapUp: node.queue.wrapUp,
      maxNoAnswer: node.queue.maxNoAnswer,
      callback: node.queue.callback,
    };
  }

  onChange(listener: (agentId: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(agentId?: string): void {
    for (const listener of this.listeners) {
      try {
        listener(agentId);
      } catch (error) {
        this.o.log.error({ err: error }, "an ACD listener failed");
      }
    }
  }

  async choose(agentId: string, state: ChosenState, reason: string | null): Promise<AgentRow | StateRefusal> {
    const result = await this.o.repositories.agents.choose(agentId, state, reason, this.o.clock());
    if (typeof result === "object") {
      this.changed(agentId);
      if (result.state === "available") this.kick();
    }
    return result;
  }

  async setDevice(agentId: string, device: Device): Promise<boolean> {
    const done = await this.o.repositories.agents.setDevice(agentId, device);
    if (done) this.changed(agentId);
    return done;
  }

  /**
   * Offers waiting callers to available agents, soon: one dispatch at a time in this instance, and one
   * more after it when asked again meanwhile (other instances are kept out by the database's lock).
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.dispatchLoop().finally(() => (this.running = undefined));
  }

  /** Resolves when no dispatch is running in this instance (tests, and shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async dispatchLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.sweep();
        await this.dispatch();
      } catch (error) {
        this.o.log.error({ err: error }, "ACD dispatch failed");
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Offers left ringing too long, at most every SWEEP_EVERY_MS: one whose agent's call was never placed
   * (the instance that made it stopped first) is dropped, the caller back in place; one whose status
   * callback has not come is settled from the call's status at Twilio, as the status callback would have.
   */
  async sweep(force = false): Promise<void> {
    const { repositories, db, clock, twilio, log } = this.o;
    const now = clock();
    if (!force && this.lastSweep !== undefined && now.getTime() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    for (const offer of await repositories.queue.staleOffers(new Date(now.getTime() - STALE_OFFER_MS))) {
      if (!offer.agentCallSid) {
        const dropped = await db.transaction((tx) => repositories.queue.with(tx).dropOffer(offer.id, now));
        if (dropped) log.warn({ offer: offer.id, agent: offer.agentId }, "an offer whose call was never placed was dropped: the caller is back in line");
        continue;
      }
      const entry = await repositories.queue.entry(offer.entryId);
      if (!entry || now.getTime() - offer.createdAt.getTime() < (this.line(entry.department).ringTimeout + 60) * 1000) continue;
      try {
        const call = await twilio.calls(offer.agentCallSid).fetch();
        if (ENDED.has(call.status)) {
          log.warn({ offer: offer.id, status: call.status }, "an offer's status callback never came: settled from the call's status");
          await this.agentCallStatus(offer.id, offer.agentCallSid, call.status);
        }
      } catch (error) {
        log.warn({ err: error, offer: offer.id }, "an offer left ringing could not be checked at Twilio");
      }
    }
  }

  /** One round: the offers the database decides, then their calls. Returns the offers made. */
  async dispatch(): Promise<NewOffer[]> {
    const { db, repositories, clock, config } = this.o;
    const offers = await db.transaction((tx) => repositories.queue.with(tx).dispatch(clock), { timeoutMs: config.databaseTimeoutMs });
    await Promise.all(offers.map((offer) => this.ring(offer)));
    for (const offer of offers) this.changed(offer.agent.id);
    return offers;
  }

  /** Rings the agent for an offer: the whisper answers, a key accepts. */
  private async ring({ offer, entry, agent }: NewOffer): Promise<void> {
    const { repositories, clock, log } = this.o;
    const line = this.line(entry.department);
    const to = this.addressOf(agent);
    try {
      const call = await this.callAgent(to, offer.id, entry, line);
      await repositories.queue.offerCalling(offer.id, call.sid);
      log.info({ offer: offer.id, agent: agent.id, callSid: entry.callSid, agentCallSid: call.sid }, "offer ringing");
    } catch (error) {
      // Twilio refused the call or could not be reached: not our bug, but the agent cannot take calls.
      log.warn({ err: error, offer: offer.id, agent: agent.id, to: maskPhone(to) }, "the agent's call for an offer could not be placed: the agent is put on break");
      await this.o.db.transaction((tx) => repositories.queue.with(tx).miss(offer.id, "failed", "call not placed", clock(), line.maxNoAnswer));
      this.kick();
    }
  }

  /** Where an agent's offers ring: their client (the softphone) or their phone, as they chose. */
  private addressOf(agent: Pick<AgentRow, "client" | "phone" | "device">): string {
    const useClient = agent.client !== null && (agent.device === "client" || agent.phone === null);
    return useClient ? `client:${agent.client}` : (agent.phone ?? "");
  }

  /**
   * Rings an agent for an offer or a consultation. The call's Url is the whisper; its status callback
   * says whether it was answered. From one of our numbers: Twilio refuses any other as the caller id
   * (21210), and the whisper says who is calling.
   */
  private callAgent(to: string, offerId: number, entry: EntryRow, line: LineSettings) {
    const { twilio, config } = this.o;
    return twilio.calls.create({
      to,
      from: line.callerId ?? entry.called ?? config.phoneNumber ?? entry.number,
      url: `${config.publicBaseUrl}${voicePaths.offer(offerId)}`,
      method: "POST",
      timeout: line.ringTimeout,
      statusCallback: `${config.publicBaseUrl}${voicePaths.offerStatus(offerId)}`,
      statusCallbackMethod: "POST",
      statusCallbackEvent: ["answered", "completed"],
    });
  }

  /**
   * The agent's call for an offer changed status. Ended while the offer rang (no answer, busy, a
   * decline, a hang-up in the whisper): missed, and the caller is offered to the next agent. Ended
   * after the agent accepted: their wrap-up starts.
   */
  async agentCallStatus(offerId: number, callSid: string, status: string): Promise<void> {
    if (!ENDED.has(status)) return;
    const { db, repositories, clock } = this.o;
    const offer = await repositories.queue.offer(offerId);
    if (!offer) return;
    const entry = await repositories.queue.entry(offer.entryId);
    if (!entry) return;
    const line = this.line(entry.department);
    const now = clock();
    if (offer.status === "ringing") {
      const missed = await db.transaction((tx) => repositories.queue.with(tx).miss(offerId, "missed", status === "completed" ? "no key pressed" : status, now, line.maxNoAnswer));
      // No longer ringing once the miss had the caller's place: a key accepted it meanwhile (the agent
      // pressed 1 and hung up at once, the two requests crossing). The call has ended, and with it the
      // conversation: the wrap-up starts, or the agent would stay busy with no call.
      if (!missed) await db.transaction((tx) => this.agentCallEnded(tx, callSid, now, line.wrapUp));
    } else if (offer.status === "accepted" && offer.agentCallSid === callSid) {
      await db.transaction((tx) => this.agentCallEnded(tx, callSid, now, line.wrapUp));
    }
    this.changed(offer.agentId);
    // A consultation's end (missed, or the consulted agent gone) changes the first agent's desk too.
    if (offer.fromAgent) this.changed(offer.fromAgent);
    this.kick();
  }

  private async agentCallEnded(tx: Queryable, callSid: string, now: Date, wrapUp: number): Promise<void> {
    const offer = await this.o.repositories.queue.with(tx).agentCallEnded(callSid, now, wrapUp);
    if (offer && wrapUp > 0) {
      // The wrap-up ends by itself; dispatch then (any instance's next dispatch would also see it).
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.changed(offer.agentId);
        this.kick();
      }, wrapUp * 1000 + 50);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** A key in the whisper: 1 accepts. */
  async accept(offerId: number): Promise<{ entry: EntryRow; offer: OfferRow } | undefined> {
    const { db, repositories, clock, config } = this.o;
    const now = clock();
    const accepted = await db.transaction(async (tx) => {
      const result = await repositories.queue.with(tx).accept(offerId, now);
      if (result && result.entry.kind === "call") {
        const agent = await repositories.agents.with(tx).get(result.offer.agentId);
        if (await repositories.transfers.with(tx).answered(result.entry.callSid, agent?.name, now)) {
          await repositories.calls.with(tx).addEvents(result.entry.callSid, [{ kind: "transfer.answered", node: result.entry.department, detail: { agent: agent?.name ?? result.offer.agentId, offer: offerId } }], now);
        }
      }
      return result;
    }, { timeoutMs: config.databaseTimeoutMs });
    if (!accepted) return undefined;
    this.changed(accepted.offer.agentId);
    if (accepted.entry.kind === "call") await this.connectCaller(accepted.entry);
    else await this.callCustomer(accepted.entry, accepted.offer);
    return accepted;
  }

  /** Declined with another key: missed, and offered to the next agent. */
  async decline(offerId: number): Promise<void> {
    const offer = await this.o.repositories.queue.offer(offerId);
    const entry = offer && (await this.o.repositories.queue.entry(offer.entryId));
    if (!offer || !entry) return;
    await this.o.db.transaction((tx) => this.o.repositories.queue.with(tx).miss(offerId, "declined", "declined", this.o.clock(), this.line(entry.department).maxNoAnswer));
    this.changed(offer.agentId);
    if (offer.fromAgent) this.changed(offer.fromAgent);
    this.kick();
  }

  /** Takes the caller out of Twilio's queue into the conversation (a REST redirect of their call). */
  private async connectCaller(entry: EntryRow): Promise<void> {
    const { twilio, config, log } = this.o;
    try {
      await twilio.calls(entry.callSid).update({ url: `${config.publicBaseUrl}${voicePaths.connect(entry.id)}`, method: "POST" });
    } catch (error) {
      // The caller hung up as the agent accepted: their status callback ends the entry.
      log.warn({ err: error, entry: entry.id }, "the caller could not be connected to the agent");
    }
  }

  /** A call back: the agent accepted and waits in the conference; now call the customer. */
  private async callCustomer(entry: EntryRow, offer: OfferRow): Promise<void> {
    const { twilio, config, repositories, log } = this.o;
    const line = this.line(entry.department);
    try {
      const call = await twilio.calls.create({
        to: entry.number,
        from: line.callerId ?? entry.called ?? config.phoneNumber ?? entry.number,
        url: `${config.publicBaseUrl}${voicePaths.connect(entry.id)}`,
        method: "POST",
        timeout: 30,
        statusCallback: `${config.publicBaseUrl}${voicePaths.callbackStatus(entry.id)}`,
        statusCallbackMethod: "POST",
        statusCallbackEvent: ["answered", "completed"],
      });
      await repositories.queue.callbackDialled(entry.id, call.sid);
      await repositories.calls.addEvents(entry.callSid, [{ kind: "callback.placed", node: entry.department, detail: { callSid: call.sid, agent: offer.agentId } }], this.o.clock());
    } catch (error) {
      log.warn({ err: error, entry: entry.id }, "the customer's call back could not be placed");
      await this.callbackUnanswered(entry.id, "failed");
    }
  }

  /**
   * The customer of a call back did not answer (or the call could not be placed): the agent is told
   * and their call ends; the place is kept for a later attempt, or the request fails.
   */
  async callbackUnanswered(entryId: number, status: string): Promise<void> {
    const { db, repositories, clock, twilio, config, log } = this.o;
    const entry = await repositories.queue.entry(entryId);
    if (!entry || entry.status !== "connected") return;
    const line = this.line(entry.department);
    const offer = await repositories.queue.agentWork(entry.agentId ?? "");
    const now = clock();
    const next = await db.transaction(async (tx) => {
      const result = await repositories.queue.with(tx).callbackUnanswered(entryId, now, line.callback.attempts, line.callback.retryAfter);
      await repositories.calls.with(tx).addEvents(entry.callSid, [{ kind: result === "failed" ? "callback.failed" : "callback.unanswered", node: entry.department, detail: { status, attempts: entry.attempts } }], now);
      return result;
    });
    log.info({ entry: entryId, status, next }, "call back unanswered");
    const agentCallSid = offer?.offer.agentCallSid;
    if (agentCallSid) {
      try {
        await twilio.calls(agentCallSid).update({ url: `${config.publicBaseUrl}${voicePaths.agentLeft(entryId)}?unanswered=1`, method: "POST" });
      } catch (error) {
        log.warn({ err: error, entry: entryId }, "the agent of an unanswered call back could not be told");
      }
    }
    if (next === "queued") {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.kick();
      }, line.callback.retryAfter * 1000 + 50);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /**
   * The caller's call ended. Waiting, their place is abandoned; being offered, the agent's call stops
   * ringing (no miss against them) and they are free for the next caller.
   */
  async callerGone(callSid: string): Promise<void> {
    const { db, repositories, clock } = this.o;
    const gone = await db.transaction((tx) => repositories.queue.with(tx).callerGone(callSid, clock()));
    if (!gone) return;
    if (gone.ringingAgentCallSid) await this.endCall(gone.ringingAgentCallSid);
    if (gone.entry.agentId) this.changed(gone.entry.agentId);
    this.kick();
  }

  /** Ends a call whatever its state: canceled while it rings, completed once answered. */
  async endCall(callSid: string): Promise<void> {
    const { twilio, log } = this.o;
    try {
      await twilio.calls(callSid).update({ status: "completed" });
    } catch {
      try {
        await twilio.calls(callSid).update({ status: "canceled" });
      } catch (error) {
        log.warn({ err: error, callSid }, "a call could not be ended");
      }
    }
  }

  // ---- From the desk: the agent's conversation (docs/queue.md, "From the desk") ----

  async callAction(agentId: string, request: CallAction): Promise<"done" | CallRefusal> {
    const { repositories, db, clock } = this.o;
    const work = await repositories.queue.agentWork(agentId);
    if (!work || work.entry.status !== "connected" || work.offer.status !== "accepted" || work.entry.agentId !== agentId) return "no-call";
    const { entry, offer } = work;
    const customer = entry.kind === "callback" ? entry.customerCallSid : entry.callSid;
    const conference = await this.conferenceOf(entry);
    if (!conference || !customer || !offer.agentCallSid) return "no-call";
    const participant = (callSid: string) => this.o.twilio.conferences(conference).participants(callSid);
    const note = (kind: string, detail: Record<string, unknown> = {}) =>
      repositories.calls.addEvents(entry.callSid, [{ kind, node: entry.department, detail: { agent: agentId, ...detail } }], clock());
    const hold = (on: boolean) => participant(customer).update(on ? { hold: true, holdUrl: `${this.o.config.publicBaseUrl}${HOLD_MUSIC.path}`, holdMethod: "GET" } : { hold: false });
    try {
      switch (request.action) {
        case "hold":
        case "resume":
          await hold(request.action === "hold");
          await repositories.queue.setFlags(entry.id, { callerHeld: request.action === "hold" });
          await note(request.action === "hold" ? "call.held" : "call.resumed");
          break;
        case "mute":
        case "unmute":
          await participant(offer.agentCallSid).update({ muted: request.action === "mute" });
          await repositories.queue.setFlags(entry.id, { agentMuted: request.action === "mute" });
          break;
        case "hangup":
          await this.endCall(offer.agentCallSid);
          break;
        case "pause-recording":
        case "resume-recording": {
          const recordings = await this.o.twilio.conferences(conference).recordings.list({ limit: 20 });
          const live = recordings.find((r) => r.status === "in-progress" || r.status === "paused");
          if (!live) return "no-recording";
          const pause = request.action === "pause-recording";
          await this.o.twilio.conferences(conference).recordings(live.sid).update({ status: pause ? "paused" : "in-progress", ...(pause ? { pauseBehavior: "silence" } : {}) });
          await repositories.queue.setFlags(entry.id, { recordingPaused: pause });
          // Kept on the call's steps with its time: where the recording is silent, and why.
          await note(pause ? "recording.paused" : "recording.resumed", { recordingSid: live.sid });
          break;
        }
        case "transfer":
          return await this.coldTransfer(agentId, entry, request);
        case "consult":
          return await this.consult(agentId, entry, request.agent, hold, note);
        case "complete-transfer":
        case "cancel-consult": {
          const consult = await repositories.queue.consultation(entry.id);
          if (!consult?.agentCallSid) return "no-consult";
          if (request.action === "cancel-consult") {
            await this.endCall(consult.agentCallSid);
            await repositories.queue.endConsultation(consult.id, clock());
            await hold(false);
            await repositories.queue.setFlags(entry.id, { callerHeld: false });
            await note("transfer.consult-ended", { with: consult.agentId });
            break;
          }
          if (consult.status !== "accepted") return "no-consult";
          // The second agent now ends the conversation when they leave; the first may go.
          await participant(consult.agentCallSid).update({ endConferenceOnExit: true });
          await participant(offer.agentCallSid).update({ endConferenceOnExit: false });
          await db.transaction((tx) => repositories.queue.with(tx).handOver(entry.id, consult));
          // A supervisor whispering now coaches the agent who has the call.
          await this.monitoring.agentChanged(entry.id, consult.agentCallSid);
          await hold(false);
          await note("transfer.completed", { to: consult.agentId });
          await this.endCall(offer.agentCallSid);
          this.changed(consult.agentId);
          break;
        }
      }
    } catch (error) {
      this.o.log.warn({ err: error, agent: agentId, action: request.action, entry: entry.id }, "a call action failed at Twilio");
      return "twilio";
    }
    this.changed(agentId);
    return "done";
  }

  /** The conversation's conference: as its status callback named it, or found by name. */
  async conferenceOf(entry: EntryRow): Promise<string | undefined> {
    if (entry.conferenceSid) return entry.conferenceSid;
    if (!entry.conference) return undefined;
    const [found] = await this.o.twilio.conferences.list({ friendlyName: entry.conference, status: "in-progress", limit: 1 });
    if (found) await this.o.repositories.queue.setConferenceSid(entry.id, found.sid);
    return found?.sid;
  }

  /**
   * A cold transfer: the caller goes back to a line, at its front and with their original wait,
   * another department's or their own for one named agent; the agent's conversation ends.
   */
  private async coldTransfer(agentId: string, entry: EntryRow, to: { department: string } | { agent: string }): Promise<"done" | CallRefusal> {
    const { repositories, db, clock, flow, twilio, config } = this.o;
    let target: { department: string; forAgent?: string };
    if ("department" in to) {
      const node = flow.nodes[to.department];
      if (node?.type !== "department" || !node.queue) return "unknown-target";
      target = { department: to.department };
    } else {
      const agent = await repositories.agents.get(to.agent);
      if (!agent?.inFlow || agent.id === agentId || agent.state === "offline") return "unknown-target";
      target = { department: entry.department, forAgent: agent.id };
    }
    const now = clock();
    const moved = await db.transaction(async (tx) => {
      const next = await repositories.queue.with(tx).transfer(entry.id, target, now);
      if (!next) return undefined;
      const transfers = repositories.transfers.with(tx);
      const name = (id: string) => {
        const node = flow.nodes[id];
        return node?.type === "department" ? node.name : id;
      };
      await transfers.end(entry.callSid, "answered", {}, now);
      await transfers.start(entry.callSid, target.department, name(target.department), next.enqueuedAt);
      await repositories.calls.with(tx).addEvents(entry.callSid, [{ kind: "transfer.cold", node: entry.department, detail: { agent: agentId, to: target.forAgent ?? target.department } }], now);
      return next;
    });
    if (!moved) return "no-call";
    // Out of the conference into the line: the caller's leaving ends the conference for the agent.
    await twilio.calls(entry.callSid).update({ url: `${config.publicBaseUrl}${voicePaths.requeue(moved.id)}`, method: "POST" });
    this.kick();
    return "done";
  }

  /** A warm transfer begins: the caller on hold, the second agent rung with a whisper. */
  private async consult(
    agentId: string,
    entry: EntryRow,
    to: string,
    hold: (on: boolean) => Promise<unknown>,
    note: (kind: string, detail?: Record<string, unknown>) => Promise<unknown>,
  ): Promise<"done" | CallRefusal> {
    const { repositories, db, clock } = this.o;
    const agent = await repositories.agents.get(to);
    if (!agent || agent.id === agentId) return "unknown-target";
    const offer = await db.transaction((tx) => repositories.queue.with(tx).consult(entry.id, agentId, to, clock()));
    if (!offer) return "unavailable";
    await hold(true);
    await repositories.queue.setFlags(entry.id, { callerHeld: true });
    await note("transfer.consult", { with: to });
    const line = this.line(entry.department);
    try {
      const call = await this.callAgent(this.addressOf(agent), offer.id, entry, line);
      await repositories.queue.offerCalling(offer.id, call.sid);
    } catch (error) {
      this.o.log.warn({ err: error, offer: offer.id, agent: to }, "a consultation call could not be placed");
      await db.transaction((tx) => repositories.queue.with(tx).miss(offer.id, "failed", "call not placed", clock(), line.maxNoAnswer));
      return "twilio";
    }
    this.changed(to);
    return "done";
  }

  /** The consulted agent pressed 1: they join the conversation (the caller still on hold). */
  async acceptConsult(offerId: number): Promise<{ entry: EntryRow; offer: OfferRow } | undefined> {
    const { db, repositories, clock } = this.o;
    const accepted = await db.transaction((tx) => repositories.queue.with(tx).acceptConsult(offerId, clock()));
    if (accepted) {
      this.changed(accepted.offer.agentId);
      if (accepted.offer.fromAgent) this.changed(accepted.offer.fromAgent);
    }
    return accepted;
  }
}
