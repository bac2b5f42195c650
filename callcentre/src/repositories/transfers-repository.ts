// Each call's visits to a department: the call centre's queue. A visit starts with the transfer,
// may be answered by an agent (Twilio's <Number> status callback), and ends with the dial result or,
// when the caller hangs up first and Twilio makes no dial request, with the call's final status.
// Every change is conditional, so callbacks arriving twice or in any order give the same row.
import type { Queryable } from "../db/database.js";
import type { TransferResult } from "../flows/voice-flow.js";

export interface TransferRow {
  id: number;
  callSid: string;
  node: string;
  department: string;
  startedAt: Date;
  answeredAt: Date | null;
  agent: string | null;
  endedAt: Date | null;
  result: TransferResult | null;
}

export const TRANSFER_COLUMNS = `t.id::int as id, t.call_sid as "callSid", t.node, t.department, t.started_at as "startedAt",
  t.answered_at as "answeredAt", t.agent, t.ended_at as "endedAt", t.result`;

export class TransfersRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): TransfersRepository {
    return new TransfersRepository(tx);
  }

  /**
   * Opens a visit. The flow ends a visit (its dial result) before the call can enter another
   * department, and the unique index keeps a repeated webhook from opening a second one.
   */
  async start(callSid: string, node: string, department: string, at: Date): Promise<void> {
    await this.db.query(
      `insert into transfers (call_sid, node, department, started_at) values ($1, $2, $3, $4)
       on conflict (call_sid) where ended_at is null do nothing`,
      [callSid, node, department, at],
    );
  }

  /** An agent answered: the wait is over. The first answer counts; false for a repeat (or no open visit). */
  async answered(callSid: string, agent: string | undefined, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update transfers set answered_at = $2, agent = coalesce(agent, $3)
       where call_sid = $1 and ended_at is null and answered_at is null returning id`,
      [callSid, at, agent ?? null],
    );
    return rows.length > 0;
  }

  /**
   * Ends the open visit. An answered visit whose answer was never reported is taken to have been
   * answered `talkSeconds` before it ended (Twilio's DialCallDuration), but never before it started.
   * The dial action may come after the call's final status callback, which closed the visit as
   * abandoned for want of a reported answer: an answered dial result corrects that visit.
   */
  async end(callSid: string, result: TransferResult, extra: { agent?: string | undefined; talkSeconds?: number | undefined }, at: Date): Promise<void> {
    await this.db.query(
      `update transfers set
         result = $2,
         ended_at = coalesce(ended_at, $3),
         agent = coalesce(agent, $4),
         answered_at = case when $2 = 'answered'
           then coalesce(answered_at, greatest(started_at, coalesce(ended_at, $3::timestamptz) - make_interval(secs => coalesce($5, 0)::float8)))
           else answered_at end
       where id = (
         select id from transfers
         where call_sid = $1 and (ended_at is null or ($2 = 'answered' and result = 'abandoned' and answered_at is null))
         order by id desc limit 1)`,
      [callSid, result, at, extra.agent ?? null, extra.talkSeconds ?? null],
    );
  }

  /**
   * The call is over: a visit still open was answered if an agent picked up, else abandoned.
   * Returns the result given to the visit it closed, if any.
   */
  async callEnded(callSid: string, at: Date): Promise<TransferResult | undefined> {
    const [row] = await this.db.query<{ result: TransferResult }>(
      `update transfers set ended_at = greatest(started_at, $2::timestamptz),
         result = case when answered_at is null then 'abandoned' else 'answered' end
       where call_sid = $1 and ended_at is null returning result`,
      [callSid, at],
    );
    return row?.result;
  }

  async forCall(callSid: string): Promise<TransferRow[]> {
    return this.db.query<TransferRow>(`select ${TRANSFER_COLUMNS} from transfers t where t.call_sid = $1 order by t.id`, [callSid]);
  }

  /**
   * Visits of inbound calls that started in [from, to), for the day's queue metrics. Calls placed
   * from the dashboard (call-backs) are outbound: they are not queue traffic (docs/callcentre-domain.md §5).
   */
  async startedBetween(from: Date, to: Date): Promise<TransferRow[]> {
    return this.db.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from transfers t join calls c on c.sid = t.call_sid
       where t.started_at >= $1 and t.started_at < $2 and c.direction = 'inbound' order by t.started_at`,
      [from, to],
    );
  }

  /** Visits still open: callers waiting for an agent, or talking to one. */
  async open(): Promise<TransferRow[]> {
    return this.db.query<TransferRow>(`select ${TRANSFER_COLUMNS} from transfers t where t.ended_at is null order by t.started_at`);
  }
}
