// Supervisors monitoring a conversation (docs/monitoring.md). A conversation is a conference
// (docs/queue.md), so a supervisor joins it as one more participant, added over Twilio's REST API
// (Conferences/{sid}/Participants): listen is a muted participant; whisper coaches the agent
// (Coaching=true, CallSidToCoach the agent's call: only the agent hears the supervisor); barge is a
// full participant. A change of mode is a participant update; leaving hangs up the supervisor's call.
// Sessions are rows (repositories/monitors-repository.ts), and each start, change and end is a step of
// the caller's call with who did it.
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { voicePaths } from "../flows/paths.js";
import type { Clock } from "../lib/clock.js";
import { maskPhone } from "../lib/phone.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { TwilioClient } from "../twilio-client.js";
import type { MonitorMode, MonitorRow } from "../repositories/monitors-repository.js";
import type { EntryRow } from "../repositories/queue-repository.js";

/** Why a monitoring request was not done, as a short code the dashboard answers with. */
export type MonitorRefusal =
  /** The conversation is not in progress (still waiting, or over). */
  | "not-in-progress"
  /** The supervisor already monitors a conversation: one at a time. */
  | "already-monitoring"
  /** The session has ended, or there is no such session. */
  | "ended"
  /** The session is another supervisor's. */
  | "not-yours"
  /** The supervisor's phone has not joined the conference yet: nothing to change at Twilio. */
  | "not-joined";

/** What a participant looks like in each mode, in Twilio's Participant parameters. */
function participantMode(mode: MonitorMode, agentCallSid: string): { muted: boolean; coaching: boolean; callSidToCoach?: string } {
  switch (mode) {
    case "listen":
      return { muted: true, coaching: false };
    case "whisper":
      return { muted: false, coaching: true, callSidToCoach: agentCallSid };
    case "barge":
      return { muted: false, coaching: false };
  }
}

/** What monitoring needs of the ACD that owns it (acd.ts), apart so that the two do not import each other. */
export interface MonitoringAcd {
  /** The conversation's conference SID (found by name if its status callback has not come yet). */
  conferenceOf(entry: EntryRow): Promise<string | undefined>;
  line(department: string): { callerId: string | undefined };
  /** Ends a call whatever its state. */
  endCall(callSid: string): Promise<void>;
  /** Something the live views show changed. */
  changed(): void;
}

export interface MonitoringOptions {
  db: Database;
  repositories: Repositories;
  twilio: TwilioClient;
  config: Pick<Config, "publicBaseUrl" | "phoneNumber" | "databaseTimeoutMs">;
  clock: Clock;
  log: FastifyBaseLogger;
}

/** The final statuses of a call (Twilio's). */
const ENDED = new Set(["completed", "busy", "no-answer", "failed", "canceled"]);

export class Monitoring {
  constructor(
    private readonly o: MonitoringOptions,
    private readonly acd: MonitoringAcd,
  ) {}

  /** The step on the caller's call: "monitor.listen" (a start or a change to listen), "monitor.left". */
  private async step(entry: Pick<EntryRow, "callSid" | "department">, kind: string, detail: Record<string, unknown>): Promise<void> {
    await this.o.repositories.calls.addEvents(entry.callSid, [{ kind, node: entry.department, detail }], this.o.clock());
  }

  /** The agent's call in the conversation now (the one a whisper coaches). */
  private async agentCallOf(entry: EntryRow): Promise<string | undefined> {
    if (!entry.agentId) return undefined;
    const work = await this.o.repositories.queue.agentWork(entry.agentId);
    return work?.entry.id === entry.id && work.offer.status === "accepted" ? (work.offer.agentCallSid ?? undefined) : undefined;
  }

  /**
   * Starts monitoring a conversation in progress: a session (one per supervisor), then the supervisor's
   * call into its conference, ringing `to` (E.164 or client:identity).
   */
  async start(entryId: number, who: string, mode: MonitorMode, to: string): Promise<MonitorRow | MonitorRefusal> {
    const { db, repositories, twilio, config, clock, log } = this.o;
    const entry = await repositories.queue.entry(entryId);
    if (!entry || entry.status !== "connected") return "not-in-progress";
    const conference = await this.acd.conferenceOf(entry);
    const agentCall = await this.agentCallOf(entry);
    // Not yet a conference at Twilio (the caller is still hearing the recording notice), or no agent
    // on it any more: nothing to join yet.
    if (!conference || !agentCall) return "not-in-progress";
    // The session and its first step together: a step is never without its session, nor the reverse.
    const started = await db.transaction(
      async (tx) => {
        const now = clock();
        const session = await repositories.monitors.with(tx).start(entryId, who, mode, conference, now);
        if (typeof session === "object") {
          await repositories.calls.with(tx).addEvents(entry.callSid, [{ kind: `monitor.${mode}`, node: entry.department, detail: { by: who, monitor: session.id } }], now);
        }
        return session;
      },
      { timeoutMs: config.databaseTimeoutMs },
    );
    if (typeof started === "string") return started;
    const line = this.acd.line(entry.department);
    let supervisorCallSid: string;
    try {
      const participant = await twilio.conferences(conference).participants.create({
        from: line.callerId ?? entry.called ?? config.phoneNumber ?? entry.number,
        to,
        ...participantMode(mode, agentCall),
        beep: "false",
        earlyMedia: true,
        endConferenceOnExit: false,
        startConferenceOnEnter: false,
        statusCallback: `${config.publicBaseUrl}${voicePaths.monitorStatus(started.id)}`,
        statusCallbackMethod: "POST",
        statusCallbackEvent: ["answered", "completed"],
        label: `monitor-${started.id}`,
      });
      await repositories.monitors.placed(started.id, participant.callSid);
      started.supervisorCallSid = participant.callSid;
      supervisorCallSid = participant.callSid;
    } catch (error) {
      log.warn({ err: error, entry: entryId, monitor: started.id, to: maskPhone(to) }, "the supervisor's call could not be placed");
      const ended = await repositories.monitors.end(started.id, "call not placed", clock());
      if (ended) await this.closed(ended, "call not placed");
      throw error;
    }
    log.info({ entry: entryId, monitor: started.id, mode, by: who }, "monitoring started");
    // The conversation may have ended while the call was being placed: its end could not hang up a
    // call it did not know of yet, so the call is ended here (the session with it, if still open).
    const [session, entryNow] = await Promise.all([repositories.monitors.get(started.id), repositories.queue.entry(entryId)]);
    if (session?.endedAt || entryNow?.status !== "connected") {
      await this.acd.endCall(supervisorCallSid);
      await this.conversationEnded(entryId);
      return "not-in-progress";
    }
    this.acd.changed();
    return started;
  }

  /** Listen, whisper or barge, on a session the supervisor has open. */
  async setMode(id: number, who: string, mode: MonitorMode): Promise<MonitorRow | MonitorRefusal> {
    const { db, repositories, twilio, config, clock, log } = this.o;
    const session = await repositories.monitors.get(id);
    if (!session || session.endedAt) return "ended";
    if (session.supervisor !== who) return "not-yours";
    const entry = await repositories.queue.entry(session.entryId);
    if (!entry || entry.status !== "connected") return "not-in-progress";
    if (session.mode === mode) return session;
    const agentCall = await this.agentCallOf(entry);
    if (!agentCall || !session.supervisorCallSid || !session.conferenceSid) return "not-joined";
    const { conferenceSid, supervisorCallSid } = session;
    // The session stays locked while Twilio changes the participant, so that two changes at once
    // leave the same mode here as there; the step is written with the change.
    const changed = await db.transaction(
      async (tx) => {
        const monitors = repositories.monitors.with(tx);
        const locked = await monitors.lockOpen(id);
        if (!locked) return "ended" as const;
        if (locked.mode === mode) return locked;
        try {
          await twilio.conferences(conferenceSid).participants(supervisorCallSid).update(participantMode(mode, agentCall));
        } catch (error) {
          // Not in the conference yet (still ringing): Twilio has no such participant.
          if ((error as { status?: unknown }).status === 404) return "not-joined" as const;
          throw error;
        }
        await monitors.setMode(id, mode);
        await repositories.calls.with(tx).addEvents(entry.callSid, [{ kind: `monitor.${mode}`, node: entry.department, detail: { by: who, monitor: id, from: locked.mode } }], clock());
        return { ...locked, mode };
      },
      { timeoutMs: config.databaseTimeoutMs },
    );
    if (typeof changed === "string") return changed;
    log.info({ entry: entry.id, monitor: id, mode, by: who }, "monitoring mode changed");
    this.acd.changed();
    return changed;
  }

  /** The supervisor leaves: their call ends, and with it their part in the conference. */
  async leave(id: number, who: string): Promise<MonitorRow | MonitorRefusal> {
    const { repositories, clock } = this.o;
    const session = await repositories.monitors.get(id);
    if (!session || session.endedAt) return "ended";
    if (session.supervisor !== who) return "not-yours";
    const ended = await repositories.monitors.end(id, "left", clock());
    if (!ended) return "ended";
    // The step first: it comes before the conference's participant-leave that the hang-up causes.
    await this.closed(ended, "left");
    if (ended.supervisorCallSid) await this.acd.endCall(ended.supervisorCallSid);
    return ended;
  }

  /**
   * The supervisor's call changed status (its status callback): answered, it is in the conference;
   * ended (they hung up, or never answered), the session ends.
   */
  async supervisorCallStatus(id: number, callSid: string, status: string): Promise<void> {
    const { repositories, clock } = this.o;
    const session = await repositories.monitors.get(id);
    if (!session || session.supervisorCallSid !== callSid) return;
    if (status === "in-progress" || status === "answered") {
      if (await repositories.monitors.answered(callSid, clock())) this.acd.changed();
      return;
    }
    if (!ENDED.has(status)) return;
    // Completed: the supervisor hung up, or the conference ended and took their call with it (its
    // end may be told after this callback: then "hung up" stands, the session is closed either way).
    const entry = await repositories.queue.entry(session.entryId);
    const reason = status !== "completed" ? status : entry?.status === "connected" ? "hung up" : "conversation ended";
    const ended = await repositories.monitors.endByCall(callSid, reason, clock());
    if (ended) await this.closed(ended, reason);
  }

  /** A participant of the conversation's conference joined: a supervisor's call is in. */
  async joined(callSid: string): Promise<boolean> {
    const joined = await this.o.repositories.monitors.answered(callSid, this.o.clock());
    if (joined) this.acd.changed();
    return joined !== undefined;
  }

  /**
   * The conversation changed hands (a warm transfer completed): whispers coach the new agent's call.
   * A failure is logged, not thrown: the transfer itself is done.
   */
  async agentChanged(entryId: number, agentCallSid: string): Promise<void> {
    const whispering = (await this.o.repositories.monitors.open()).filter((m) => m.entryId === entryId && m.mode === "whisper" && m.answeredAt);
    for (const session of whispering) {
      if (!session.conferenceSid || !session.supervisorCallSid) continue;
      try {
        await this.o.twilio.conferences(session.conferenceSid).participants(session.supervisorCallSid).update(participantMode("whisper", agentCallSid));
      } catch (error) {
        this.o.log.warn({ err: error, monitor: session.id }, "a whisper could not be moved to the agent who took the call over");
      }
    }
  }

  /** The conversation is over: every session on it ends, and a supervisor's phone still ringing stops. */
  async conversationEnded(entryId: number): Promise<void> {
    const ended = await this.o.repositories.monitors.endForEntry(entryId, "conversation ended", this.o.clock());
    for (const session of ended) {
      // One that joined leaves with the conference; one still ringing would join a conference of one.
      if (session.supervisorCallSid && !session.answeredAt) await this.acd.endCall(session.supervisorCallSid);
      await this.closed(session, "conversation ended");
    }
  }

  private async closed(session: MonitorRow, reason: string): Promise<void> {
    const entry = await this.o.repositories.queue.entry(session.entryId);
    if (entry) await this.step(entry, "monitor.left", { by: session.supervisor, monitor: session.id, mode: session.mode, reason });
    this.o.log.info({ entry: session.entryId, monitor: session.id, by: session.supervisor, reason }, "monitoring ended");
    this.acd.changed();
  }
}
