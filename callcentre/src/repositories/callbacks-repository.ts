// Callers who asked to be called back (one request per call).
import type { Queryable } from "../db/database.js";

export interface CallbackRequestRow {
  callSid: string;
  number: string;
  department: string | null;
  status: string;
  requestedAt: Date;
}

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
      `select call_sid as "callSid", number, department, status, requested_at as "requestedAt"
       from callback_requests where call_sid = $1`,
      [callSid],
    );
    return row;
  }
}
