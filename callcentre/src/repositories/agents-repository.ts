// Agents and their states (docs/queue.md, "Agent states"). The flow file says who the agents are and
// which departments they serve; this keeps what happens to them. Every change of state is one update
// of the agent's row and one row of its history, in the same statement, so that the two never differ.
import type { Queryable } from "../db/database.js";

export const AGENT_STATES = ["offline", "available", "busy", "wrap-up", "break"] as const;
export type AgentState = (typeof AGENT_STATES)[number];
/** The states an agent chooses for themselves at the desk (or a supervisor for them). */
export type ChosenState = "offline" | "available" | "break";
export type Level = "first-line" | "overflow";
export type Device = "client" | "phone";

/** An agent as the flow file describes them. */
export interface AgentSpec {
  id: string;
  name: string;
  phone?: string | undefined;
  client?: string | undefined;
  departments: { department: string; level: Level }[];
}

export interface AgentRow {
  id: string;
  name: string;
  phone: string | null;
  client: string | null;
  inFlow: boolean;
  state: AgentState;
  reason: string | null;
  stateSince: Date;
  wrapUntil: Date | null;
  missedInRow: number;
  device: Device | null;
  departments: { department: string; level: Level }[];
}

export interface StateChangeRow {
  agentId: string;
  state: AgentState;
  reason: string | null;
  at: Date;
}

export const AGENT_COLUMNS = `a.id, a.name, a.phone, a.client, a.in_flow as "inFlow", a.state, a.reason,
  a.state_since as "stateSince", a.wrap_until as "wrapUntil", a.missed_in_row as "missedInRow", a.device,
  coalesce((select json_agg(json_build_object('department', d.department, 'level', case d.level when 0 then 'first-line' else 'overflow' end)
            order by d.level, d.department) from agent_departments d where d.agent_id = a.id), '[]'::json) as departments`;

/** Why a chosen state was refused. */
export type StateRefusal = "unknown-agent" | "busy" | "not-in-flow";

/**
 * Sets an agent's state and records the change, in one statement. `where` narrows which rows may change
 * (a condition on `agents`, with parameters from $5 on); returns the agent's row after the change, or
 * nothing when no row matched (the change was not allowed).
 */
export async function changeState(
  db: Queryable,
  agentId: string,
  to: { state: AgentState; reason?: string | null; wrapUntil?: Date | null; since: Date; missedInRow?: "reset" | "add" },
  where = "true",
  params: readonly unknown[] = [],
): Promise<{ id: string; state: AgentState } | undefined> {
  const missed = to.missedInRow === "reset" ? "0" : to.missedInRow === "add" ? "missed_in_row + 1" : "missed_in_row";
  const [row] = await db.query<{ id: string; state: AgentState }>(
    `with changed as (
       update agents set state = $2, reason = $3, state_since = $4, wrap_until = $${params.length + 5}, missed_in_row = ${missed}
       where id = $1 and (${where}) returning id, state, reason, state_since
     ), logged as (
       insert into agent_state_changes (agent_id, state, reason, at) select id, state, reason, state_since from changed
     )
     select id, state from changed`,
    [agentId, to.state, to.reason ?? null, to.since, ...params, to.wrapUntil ?? null],
  );
  return row;
}

export class AgentsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): AgentsRepository {
    return new AgentsRepository(tx);
  }

  /**
   * Makes the agents table say what the flow file says: new agents are added (offline), names, numbers
   * and departments follow the file, and agents no longer in it are signed out and never offered a
   * call (their history stays). Safe when several instances start together.
   */
  async sync(agents: readonly AgentSpec[], now: Date): Promise<void> {
    for (const agent of agents) {
      await this.db.query(
        `insert into agents (id, name, phone, client, state_since, device)
         values ($1, $2, $3, $4, $5, case when $4::text is null then 'phone' when $3::text is null then 'client' end)
         on conflict (id) do update set name = excluded.name, phone = excluded.phone, client = excluded.client, in_flow = true,
           device = case when excluded.client is null then 'phone' when excluded.phone is null then 'client' else agents.device end`,
        [agent.id, agent.name, agent.phone ?? null, agent.client ?? null, now],
      );
      await this.db.query(
        `with wanted as (
           select * from unnest($2::text[], $3::smallint[]) as w (department, level)
         ), removed as (
           delete from agent_departments d where d.agent_id = $1 and d.department <> all ($2::text[])
         )
         insert into agent_departments (agent_id, department, level) select $1, department, level from wanted
         on conflict (agent_id, department) do update set level = excluded.level`,
        [agent.id, agent.departments.map((d) => d.department), agent.departments.map((d) => (d.level === "overflow" ? 1 : 0))],
      );
    }
    const gone = await this.db.query<{ id: string }>(
      `update agents set in_flow = false where in_flow and id <> all ($1::text[]) returning id`,
      [agents.map((a) => a.id)],
    );
    for (const { id } of gone) {
      await changeState(this.db, id, { state: "offline", reason: "removed from the flow", since: now }, "state <> 'offline'");
    }
  }

  async get(id: string): Promise<AgentRow | undefined> {
    const [row] = await this.db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents a where a.id = $1`, [id]);
    return row;
  }

  async list(): Promise<AgentRow[]> {
    return this.db.query<AgentRow>(`select ${AGENT_COLUMNS} from agents a where a.in_flow order by a.name, a.id`);
  }

  /**
   * The agent (or a supervisor for them) chooses a state: available ("ready", also from wrap-up), break
   * with a reason, or offline. Refused while the agent is busy (offered a call, or on one): the state
   * follows the call then.
   */
  async choose(id: string, state: ChosenState, reason: string | null, now: Date): Promise<AgentRow | StateRefusal> {
    const changed = await changeState(
      this.db,
      id,
      { state, reason: state === "break" ? (reason ?? "break") : null, since: now, ...(state === "available" ? { missedInRow: "reset" as const } : {}) },
      "in_flow and state <> 'busy' and (state <> $5 or coalesce(reason, '') <> coalesce($6, ''))",
      [state, state === "break" ? (reason ?? "break") : null],
    );
    const row = await this.get(id);
    if (!row) return "unknown-agent";
    if (changed) return row;
    if (!row.inFlow) return "not-in-flow";
    if (row.state === "busy") return "busy";
    return row; // already in that state: nothing changed, nothing recorded
  }

  /** Where offers ring for an agent who has both a phone and a client identity. */
  async setDevice(id: string, device: Device): Promise<boolean> {
    const rows = await this.db.query(
      `update agents set device = $2 where id = $1 and (($2 = 'phone' and phone is not null) or ($2 = 'client' and client is not null)) returning id`,
      [id, device],
    );
    return rows.length > 0;
  }

  async setPasswordHash(id: string, hash: string | null): Promise<boolean> {
    const rows = await this.db.query(`update agents set password_hash = $2 where id = $1 returning id`, [id, hash]);
    return rows.length > 0;
  }

  async passwordHash(id: string): Promise<string | null | undefined> {
    const [row] = await this.db.query<{ hash: string | null }>(`select password_hash as hash from agents where id = $1 and in_flow`, [id]);
    return row ? row.hash : undefined;
  }

  /** Timed wrap-ups that are over end: the agent is available from the moment the wrap-up ended. */
  async endWrapUps(now: Date): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `with ended as (
         update agents set state = 'available', reason = null, state_since = wrap_until, wrap_until = null
         where state = 'wrap-up' and wrap_until <= $1 returning id, state_since
       ), logged as (
         insert into agent_state_changes (agent_id, state, at) select id, 'available', state_since from ended
       )
       select id from ended`,
      [now],
    );
    return rows.map((row) => row.id);
  }

  /** The agent's changes of state in [from, to), oldest first. */
  async history(id: string, from: Date, to: Date): Promise<StateChangeRow[]> {
    return this.db.query<StateChangeRow>(
      `select agent_id as "agentId", state, reason, at from agent_state_changes where agent_id = $1 and at >= $2 and at < $3 order by at, id`,
      [id, from, to],
    );
  }
}
