// The live picture of the queue departments (docs/queue.md): each line's callers, first in line first,
// and how its agents stand; and every agent with their state and the call they are on. Built from the
// ACD's own rows (queue_entries, offers, agents), so it shows what the ACD decides, as it decides it.
import { isQueueDepartment, type Flow } from "../flows/flow-schema.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { AgentState } from "../repositories/agents-repository.js";
import type { MonitorMode } from "../repositories/monitors-repository.js";
import type { EntryKind } from "../repositories/queue-repository.js";

/** States in the order the page lists them: who can take a call first. */
export const STATE_ORDER: readonly AgentState[] = ["available", "busy", "wrap-up", "break", "offline"];

export interface LineCaller {
  entryId: number;
  sid: string;
  from: string;
  /** "callback": a call back holding the caller's place (they are not on the phone). */
  kind: EntryKind;
  /** When their wait began (kept through a call back). */
  since: string;
  /** The agent an offer of this caller rings for now, if one does. */
  offeredTo: string | null;
}

export interface LineAgent {
  id: string;
  name: string;
  state: AgentState;
  reason: string | null;
  since: string;
  /** Serves the line only when its first-line agents are all taken. */
  overflow: boolean;
}

export interface LiveLine {
  /** The department's node id, and its name. */
  department: string;
  name: string;
  /** Callers on the phone in the line (waiting, or being offered). */
  waiting: number;
  /** Call backs holding a place in it. */
  callbacks: number;
  /** When the longest-waiting caller on the phone began to wait (null: nobody is on the line). */
  longestWaitingSince: string | null;
  /** First in line first: call backs keep their place among the callers. */
  callers: LineCaller[];
  /** The department's agents, by state (STATE_ORDER), then longest in that state first. */
  agents: LineAgent[];
}

export interface LiveAgent {
  id: string;
  name: string;
  state: AgentState;
  reason: string | null;
  since: string;
  /** The departments' names, overflow marked. */
  departments: string[];
  /** The offer ringing for them, or the conversation they are in (its line entry), with who monitors it. */
  call: { sid: string; entryId: number; department: string; kind: EntryKind; customer: string; ringing: boolean; since: string; monitors: LiveMonitor[] } | null;
}

/** A supervisor monitoring a conversation (docs/monitoring.md). */
export interface LiveMonitor {
  id: number;
  /** Who: an account's id, or "owner". */
  supervisor: string;
  mode: MonitorMode;
  /** Their phone answered; until then it rings. */
  joined: boolean;
}

const byState = (a: { state: AgentState; since: string; name: string }, b: typeof a) =>
  STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.since.localeCompare(b.since) || a.name.localeCompare(b.name);

/** Each queue department's line and every agent, now. */
export async function liveLines(flow: Flow, repositories: Pick<Repositories, "agents" | "queue" | "monitors">): Promise<{ lines: LiveLine[]; agents: LiveAgent[] }> {
  const departments = Object.entries(flow.nodes).flatMap(([id, node]) => (isQueueDepartment(node) ? [{ id, name: node.name }] : []));
  const nameOf = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
  const [agents, work, lines, monitors] = await Promise.all([
    repositories.agents.list(),
    repositories.queue.work(),
    Promise.all(departments.map((d) => repositories.queue.line(d.id))),
    repositories.monitors.open(),
  ]);
  const monitorsOf = (entryId: number): LiveMonitor[] =>
    monitors.filter((m) => m.entryId === entryId).map((m) => ({ id: m.id, supervisor: m.supervisor, mode: m.mode, joined: m.answeredAt !== null }));
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const liveAgents: LiveAgent[] = agents.map((a) => {
    const current = work.find((w) => w.agentId === a.id);
    return {
      id: a.id,
      name: a.name,
      state: a.state,
      reason: a.reason,
      since: a.stateSince.toISOString(),
      departments: a.departments.map((d) => nameOf(d.department) + (d.level === "overflow" ? " (overflow)" : "")),
      call:
        a.state === "busy" && current
          ? {
              sid: current.callSid,
              entryId: current.entryId,
              department: nameOf(current.department),
              kind: current.kind,
              customer: current.number,
              ringing: current.ringing,
              since: current.since.toISOString(),
              monitors: current.ringing ? [] : monitorsOf(current.entryId),
            }
          : null,
    };
  });
  return {
    lines: departments.map((department, i) => {
      const line = lines[i] ?? [];
      const onPhone = line.filter((e) => e.kind === "call");
      return {
        department: department.id,
        name: department.name,
        waiting: onPhone.length,
        callbacks: line.length - onPhone.length,
        longestWaitingSince: onPhone.map((e) => e.enqueuedAt.toISOString()).sort()[0] ?? null,
        callers: line.map((e) => ({
          entryId: e.id,
          sid: e.callSid,
          from: e.number,
          kind: e.kind,
          since: e.enqueuedAt.toISOString(),
          offeredTo: e.status === "offered" && e.agentId ? (agentName.get(e.agentId) ?? e.agentId) : null,
        })),
        agents: agents
          .flatMap((a) => {
            const serves = a.departments.find((d) => d.department === department.id);
            return serves ? [{ id: a.id, name: a.name, state: a.state, reason: a.reason, since: a.stateSince.toISOString(), overflow: serves.level === "overflow" }] : [];
          })
          .sort(byState),
      };
    }),
    agents: liveAgents.sort(byState),
  };
}
