// Callers who asked to be called back (one request per call).
import type { Queryable } from "../db/database.js";

export interface CallbackRequestRow {
  callSid: string;
  number: string;
  department: string | null;
  status: string;
  requestedAt: Date;
  calledBackAt: Date | null;
  callbackCallSid: string | null;
}

const COLUMNS = `call_sid as "callSid", number, department, status, requested_at as "requestedAt",
  called_back_at as "calledBackAt", callback_call_sid as "callbackCallSid"`;

export class CallbacksRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): CallbacksRepository {
    return new CallbacksRepository(tx);
  }

  async request(r: { callSid: string; number: string; department?: string | undefined }, at: Date): Promise<void> {
    await this.db.query(
      `insert into callback_requests (call_sid, number, department, requested_at) values ($1, $2, $3, $4)
       on conflict (call_sid) do nothing`,
      [r.callSid, r.number, r.department ?? null, at],
    );
  }

  async forCall(callSid: string): Promise<CallbackRequestRow | undefined> {
    const [row] = await this.db.query<CallbackRequestRow>(
      `select ${COLUMNS} from callback_requests where call_sid = $1`,
      [callSid],
    );
    return row;
  }

  /** Requests still waiting for a call back (oldest first), or done ones (newest first). */
  async list(pending: boolean, limit: number): Promise<CallbackRequestRow[]> {
    return this.db.query<CallbackRequestRow>(
      `select ${COLUMNS} from callback_requests where (status = 'pending') = $1
       order by case when $1 then requested_at end, requested_at desc limit $2`,
      [pending, limit],
    );
  }

  /** Records the call placed back to the customer; the request is done. */
  async calledBack(callSid: string, callbackCallSid: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `update callback_requests set status = 'called-back', called_back_at = $3, callback_call_sid = $2
       where call_sid = $1 returning call_sid`,
      [callSid, callbackCallSid, now],
    );
    return rows.length > 0;
  }
}
