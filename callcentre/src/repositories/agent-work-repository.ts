// What an agent may look back on from the desk (docs/desk.md, "Your calls and inboxes"): the callers
// they talked to, their own figures for a day, and the voicemails left for the departments they serve
// (first-line or overflow). Only the agent's own rows: every query is keyed by the agent's id or
// their departments.
import type { Queryable } from "../db/database.js";
import type { VoicemailRow } from "./recordings-repository.js";

/** A conversation the agent had: a line entry they accepted. */
export interface AgentCallRow {
  entryId: number;
  callSid: string;
  department: string;
  kind: "call" | "callback";
  number: string;
  city: string | null;
  enqueuedAt: Date;
  connectedAt: Date;
  endedAt: Date | null;
  outcome: string | null;
  disposition: string | null;
  surveyScore: number | null;
}

/** An agent's own figures over a period. */
export interface AgentStats {
  /** Conversations accepted in the period. */
  handled: number;
  /** Mean talk time (acceptance to end) of those that ended, in seconds; null with none. */
  averageTalkSeconds: number | null;
  /** Offers that rang for them and were missed or declined. */
  missedOffers: number;
  /** Post-call surveys of their conversations: how many, and the mean score (null with none). */
  surveys: number;
  averageSurveyScore: number | null;
}

export class AgentWorkRepository {
  constructor(private readonly db: Queryable) {}

  /** The agent's conversations, newest first. */
  async calls(agentId: string, limit: number): Promise<AgentCallRow[]> {
    return this.db.query<AgentCallRow>(
      `select e.id::int as "entryId", e.call_sid as "callSid", e.department, e.kind, e.number, e.city, e.enqueued_at as "enqueuedAt",
              e.connected_at as "connectedAt", e.ended_at as "endedAt", e.outcome, e.disposition, s.score as "surveyScore"
       from queue_entries e left join surveys s on s.entry_id = e.id
       where e.agent_id = $1 and e.connected_at is not null
       order by e.connected_at desc, e.id desc limit $2`,
      [agentId, limit],
    );
  }

  async stats(agentId: string, from: Date, to: Date): Promise<AgentStats> {
    const [row] = await this.db.query<AgentStats>(
      `select
         (select count(*)::int from queue_entries where agent_id = $1 and connected_at >= $2 and connected_at < $3) as handled,
         (select round(avg(extract(epoch from ended_at - connected_at)))::int from queue_entries
            where agent_id = $1 and connected_at >= $2 and connected_at < $3 and ended_at is not null) as "averageTalkSeconds",
         (select count(*)::int from offers where agent_id = $1 and created_at >= $2 and created_at < $3 and status in ('missed', 'declined')) as "missedOffers",
         (select count(*)::int from surveys where agent_id = $1 and at >= $2 and at < $3) as surveys,
         (select avg(score)::float8 from surveys where agent_id = $1 and at >= $2 and at < $3) as "averageSurveyScore"`,
      [agentId, from, to],
    );
    return row as AgentStats;
  }

  /**
   * Voicemails left for the given departments, newest first (new and handled). A voicemail keeps its
   * department's name (voice-flow.ts), so the caller passes the names of the agent's departments.
   */
  async voicemails(departmentNames: readonly string[], limit: number): Promise<VoicemailRow[]> {
    return this.db.query<VoicemailRow>(`${VOICEMAILS} order by r.created_at desc limit $2`, [departmentNames, limit]);
  }

  /** One of those voicemails, or undefined when it is not for one of the departments. */
  async voicemail(departmentNames: readonly string[], sid: string): Promise<VoicemailRow | undefined> {
    const [row] = await this.db.query<VoicemailRow>(`${VOICEMAILS} and r.sid = $2`, [departmentNames, sid]);
    return row;
  }
}

const VOICEMAILS = `select r.sid, r.call_sid as "callSid", r.kind, r.node, r.department, r.url, r.duration_seconds as "durationSeconds",
    r.status, r.finished_by as "finishedBy", r.transcription_sid as "transcriptionSid",
    r.transcription_status as "transcriptionStatus", r.transcription_text as "transcriptionText", r.handled_at as "handledAt",
    r.called_back_at as "calledBackAt", r.callback_call_sid as "callbackCallSid", r.created_at as "createdAt",
    c.from_number as "from", c.to_number as "to", c.started_at as "callStartedAt"
  from recordings r join calls c on c.sid = r.call_sid
  where r.kind = 'voicemail' and r.department = any ($1::text[])`;
