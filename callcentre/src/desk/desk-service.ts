// What an agent's desk shows (the snapshot) and does (choose a state, a device, save a wrap-up), over
// the repositories and the ACD's DeskPort. Routes parse input and render; this decides.
import type { CallAction, CallRefusal, DeskPort } from "../acd/desk-port.js";
import { ActionError } from "../dashboard/dashboard-service.js";
import { nodeName, stepLine } from "../dashboard/labels.js";
import type { Flow } from "../flows/flow-schema.js";
import type { Clock } from "../lib/clock.js";
import { notFound } from "../lib/http-errors.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { AgentState, ChosenState, Device } from "../repositories/agents-repository.js";
import type { Disposition } from "../repositories/desk-repository.js";
import type { EntryRow } from "../repositories/queue-repository.js";

/** How many of a caller's earlier calls, voicemails and texts the desk shows. */
export const HISTORY_LIMIT = 5;

/** Reasons an agent may give for a break at the desk. */
export const BREAK_REASONS = ["break", "lunch", "training", "meeting"] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

/** What the agent's desk shows. Times are ISO strings; the page counts waits and talk time from them. */
export interface DeskSnapshot {
  agent: {
    id: string;
    name: string;
    state: AgentState;
    /** Why: a break's reason, "offered" or "on a call" while busy. */
    reason: string | null;
    stateSince: string;
    /** A timed wrap-up ends by itself then. */
    wrapUntil: string | null;
    /** Where offers ring; a choice only when the agent has both. */
    device: Device | null;
    hasPhone: boolean;
    hasClient: boolean;
    /** The agent's phone number and client identity (their own), for the link to the local softphone. */
    phone: string | null;
    client: string | null;
    departments: { id: string; name: string; level: "first-line" | "overflow" }[];
  };
  /** The caller offered to the agent (ringing) or connected with them. */
  work: {
    status: "ringing" | "connected";
    entryId: number;
    offerId: number;
    department: string;
    departmentName: string;
    number: string;
    city: string | null;
    enqueuedAt: string;
    offeredAt: string;
    connectedAt: string | null;
    /** What the call controls show (docs/queue.md, "From the desk"). */
    controls: {
      callerHeld: boolean;
      muted: boolean;
      /** The department records its conversations: pause and resume are offered. */
      records: boolean;
      recordingPaused: boolean;
      /** A warm transfer's consultation under way: with whom, ringing or joined. */
      consult: { agentId: string; name: string; status: "ringing" | "joined" } | null;
      /** Where a transfer can go: the other lines, and the agents who could be consulted now. */
      departments: { id: string; name: string }[];
      agents: { id: string; name: string; state: string }[];
    } | null;
  } | null;
  /** In wrap-up: the call just ended, and what the agent has saved of it so far. */
  wrapUp: {
    entryId: number;
    departmentName: string;
    number: string;
    endedAt: string | null;
    disposition: Disposition | null;
    note: string | null;
  } | null;
  /** Who is calling (or called, in wrap-up), with what we know of them. */
  caller: CallerContext | null;
}

export interface CallerContext {
  number: string;
  /** The name the network gave with the call (CNAM), if any. */
  name: string | null;
  city: string | null;
  /** The caller's way through the menus, in words ("Chose: main menu · Billing (key 1)"). */
  path: string[];
  /** How long they waited in line before an agent answered (null while still waiting). */
  waitedSeconds: number | null;
  previousCalls: { sid: string; startedAt: string; direction: string; status: string; department: string | null; outcome: string | null; durationSeconds: number | null }[];
  voicemails: { sid: string; createdAt: string; department: string | null; durationSeconds: number | null; transcriptionText: string | null }[];
  texts: { id: number; createdAt: string; direction: string; body: string }[];
}

/** Why a state was not changed, as the short code the page puts into words. */
export type DeskRefusal = "busy" | "not-in-flow" | "unknown-agent";

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

export interface DeskServiceDeps {
  flow: Flow;
  repositories: Repositories;
  port: DeskPort;
  clock: Clock;
}

export class DeskService {
  constructor(private readonly deps: DeskServiceDeps) {}

  /** The agent's desk now. */
  async snapshot(agentId: string): Promise<DeskSnapshot> {
    const { repositories, flow } = this.deps;
    const agent = await repositories.agents.get(agentId);
    if (!agent) throw notFound(`no agent ${agentId}`);
    const current = agent.state === "busy" ? await repositories.queue.agentWork(agentId) : undefined;
    const handled = agent.state === "wrap-up" ? await repositories.desk.lastHandled(agentId) : undefined;
    const work = current
      ? {
          status: current.offer.status === "ringing" ? ("ringing" as const) : ("connected" as const),
          entryId: current.entry.id,
          offerId: current.offer.id,
          department: current.entry.department,
          departmentName: nodeName(flow, current.entry.department),
          number: current.entry.number,
          city: current.entry.city,
          enqueuedAt: current.entry.enqueuedAt.toISOString(),
          offeredAt: current.offer.createdAt.toISOString(),
          connectedAt: iso(current.entry.connectedAt),
          controls: current.offer.status === "accepted" && current.entry.agentId === agentId ? await this.controls(agentId, current.entry) : null,
        }
      : null;
    const about = current?.entry ?? handled;
    return {
      agent: {
        id: agent.id,
        name: agent.name,
        state: agent.state,
        reason: agent.reason,
        stateSince: agent.stateSince.toISOString(),
        wrapUntil: iso(agent.wrapUntil),
        device: agent.device,
        hasPhone: agent.phone !== null,
        hasClient: agent.client !== null,
        phone: agent.phone,
        client: agent.client,
        departments: agent.departments.map((d) => ({ id: d.department, name: nodeName(flow, d.department), level: d.level })),
      },
      work,
      wrapUp: handled
        ? {
            entryId: handled.id,
            departmentName: nodeName(flow, handled.department),
            number: handled.number,
            endedAt: iso(handled.endedAt),
            disposition: handled.disposition,
            note: handled.note,
          }
        : null,
      caller: about ? await this.caller(about) : null,
    };
  }

  private async caller(entry: { callSid: string; number: string; city: string | null; enqueuedAt: Date; connectedAt: Date | null }): Promise<CallerContext> {
    const { repositories, flow } = this.deps;
    const [name, events, calls, voicemails, texts] = await Promise.all([
      repositories.desk.callerName(entry.callSid),
      repositories.calls.events(entry.callSid),
      repositories.desk.previousCalls(entry.number, entry.callSid, HISTORY_LIMIT),
      repositories.desk.voicemails(entry.number, HISTORY_LIMIT),
      repositories.desk.texts(entry.number, HISTORY_LIMIT),
    ]);
    return {
      number: entry.number,
      name,
      city: entry.city,
      path: events.filter((e) => e.kind === "menu.option").map((e) => stepLine(flow, e)),
      waitedSeconds: entry.connectedAt ? Math.max(0, Math.round((entry.connectedAt.getTime() - entry.enqueuedAt.getTime()) / 1000)) : null,
      previousCalls: calls.map((c) => ({ ...c, startedAt: c.startedAt.toISOString() })),
      voicemails: voicemails.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
      texts: texts.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
    };
  }

  /** The agent chooses a state (Ready is available); refused while a call rings for them or they are on one. */
  async choose(agentId: string, state: ChosenState, reason: BreakReason | null): Promise<void> {
    const result = await this.deps.port.choose(agentId, state, state === "break" ? (reason ?? "break") : null);
    if (typeof result === "string") throw refusal(result);
  }

  async setDevice(agentId: string, device: Device): Promise<void> {
    if (!(await this.deps.port.setDevice(agentId, device))) {
      throw new ActionError(409, "no-device", `agent ${agentId} has no ${device === "client" ? "softphone identity" : "phone number"}`);
    }
  }

  /** Saves the disposition and note of a call the agent talked on, once it has ended. */
  /** The call controls of the agent's conversation. */
  private async controls(agentId: string, entry: EntryRow): Promise<NonNullable<NonNullable<DeskSnapshot["work"]>["controls"]>> {
    const { repositories, flow } = this.deps;
    const node = flow.nodes[entry.department];
    const consult = await repositories.queue.consultation(entry.id);
    const consulted = consult ? await repositories.agents.get(consult.agentId) : undefined;
    const agents = await repositories.agents.list();
    return {
      callerHeld: entry.callerHeld,
      muted: entry.agentMuted,
      records: node?.type === "department" && node.queue?.record !== undefined,
      recordingPaused: entry.recordingPaused,
      consult: consult ? { agentId: consult.agentId, name: consulted?.name ?? consult.agentId, status: consult.status === "ringing" ? "ringing" : "joined" } : null,
      departments: Object.entries(flow.nodes)
        .filter(([id, n]) => id !== entry.department && n.type === "department" && n.queue !== undefined)
        .map(([id, n]) => ({ id, name: n.type === "department" ? n.name : id })),
      agents: agents.filter((a) => a.id !== agentId && a.state !== "offline").map((a) => ({ id: a.id, name: a.name, state: a.state })),
    };
  }

  /** Acts on the agent's conversation; a refusal is an ActionError the page puts into words. */
  async callAction(agentId: string, action: CallAction): Promise<void> {
    const result = await this.deps.port.callAction(agentId, action);
    if (result === "done") return;
    const status = result === "twilio" ? 502 : result === "no-call" || result === "no-recording" || result === "no-consult" ? 409 : result === "unknown-target" ? 400 : 409;
    throw new ActionError(status, result, CALL_REFUSALS[result]);
  }

  async saveWrapUp(agentId: string, entryId: number, disposition: Disposition, note: string | null): Promise<void> {
    if (!(await this.deps.repositories.desk.saveWrapUp(entryId, agentId, disposition, note))) {
      throw new ActionError(409, "not-your-call", `call ${entryId} is not one of yours that has ended`);
    }
  }
}

function refusal(code: DeskRefusal): ActionError {
  if (code === "busy") return new ActionError(409, "busy", "a call is ringing for you or you are on one: your state follows the call until it ends");
  if (code === "not-in-flow") return new ActionError(409, "not-in-flow", "you are no longer one of the flow's agents");
  return new ActionError(404, "unknown-agent", "no such agent");
}

const CALL_REFUSALS: Record<CallRefusal, string> = {
  "no-call": "you are not on a call",
  "no-recording": "this call is not being recorded",
  unavailable: "that agent is not available",
  "no-consult": "there is no consultation to complete or end",
  "unknown-target": "no such department or agent to transfer to",
  twilio: "Twilio refused the change; try again",
};
