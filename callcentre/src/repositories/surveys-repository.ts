// Post-call surveys (docs/queue.md, "How a call goes", 7): a caller whose agent hung up first scores
// the call from 1 to 5 and may leave a spoken comment; the results per call, department and agent.
import type { Queryable } from "../db/database.js";
import type { EntryRow } from "./queue-repository.js";

/** A post-call survey, as a call's page shows it. */
export interface CallSurvey {
  entryId: number;
  department: string;
  agentId: string | null;
  agentName: string | null;
  score: number;
  commentUrl: string | null;
  commentSeconds: number | null;
  at: Date;
}

export class SurveysRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): SurveysRepository {
    return new SurveysRepository(tx);
  }

  /** A post-call survey's score (1 to 5); a repeated keypress replaces it. */
  async scored(entry: Pick<EntryRow, "id" | "callSid" | "department" | "agentId">, score: number, now: Date): Promise<void> {
    await this.db.query(
      `insert into surveys (entry_id, call_sid, department, agent_id, score, at) values ($1, $2, $3, $4, $5, $6)
       on conflict (entry_id) do update set score = excluded.score, at = excluded.at`,
      [entry.id, entry.callSid, entry.department, entry.agentId, score, now],
    );
  }

  /** The survey's spoken comment. */
  async comment(entryId: number, url: string, seconds: number): Promise<void> {
    await this.db.query(`update surveys set comment_url = $2, comment_seconds = $3 where entry_id = $1`, [entryId, url, seconds]);
  }

  /** The survey of one conversation, if the caller took it. */
  async forEntry(entryId: number): Promise<{ score: number; commentUrl: string | null; commentSeconds: number | null; agentId: string | null } | undefined> {
    const [row] = await this.db.query<{ score: number; commentUrl: string | null; commentSeconds: number | null; agentId: string | null }>(
      `select score, comment_url as "commentUrl", comment_seconds as "commentSeconds", agent_id as "agentId" from surveys where entry_id = $1`,
      [entryId],
    );
    return row;
  }

  /** The surveys of a call's conversations, oldest first. */
  async forCall(callSid: string): Promise<CallSurvey[]> {
    return this.db.query<CallSurvey>(
      `select s.entry_id::int as "entryId", s.department, s.agent_id as "agentId", a.name as "agentName", s.score,
              s.comment_url as "commentUrl", s.comment_seconds as "commentSeconds", s.at
       from surveys s left join agents a on a.id = s.agent_id where s.call_sid = $1 order by s.at, s.entry_id`,
      [callSid],
    );
  }

  /** A survey's spoken comment: where Twilio keeps it. */
  async commentUrl(entryId: number): Promise<string | null | undefined> {
    const [row] = await this.db.query<{ url: string | null }>(`select comment_url as url from surveys where entry_id = $1`, [entryId]);
    return row ? row.url : undefined;
  }

  /** Surveys scored in [from, to), by department: how many, and their mean score. */
  async byDepartment(from: Date, to: Date): Promise<{ department: string; count: number; averageScore: number }[]> {
    return this.db.query<{ department: string; count: number; averageScore: number }>(
      `select department, count(*)::int as count, avg(score)::float8 as "averageScore"
       from surveys where at >= $1 and at < $2 group by department order by department`,
      [from, to],
    );
  }

  /** Post-call survey results per agent (the agent who had the call) in [from, to). */
  async byAgent(from: Date, to: Date): Promise<{ agentId: string; count: number; averageScore: number }[]> {
    return this.db.query<{ agentId: string; count: number; averageScore: number }>(
      `select agent_id as "agentId", count(*)::int as count, avg(score)::float8 as "averageScore"
       from surveys where at >= $1 and at < $2 and agent_id is not null group by agent_id order by agent_id`,
      [from, to],
    );
  }
}
