// The wallboard's threshold breaches (011_wallboard_alerts.sql) and who is told of them: the phones
// of the accounts on duty (010_accounts.sql). At most one breach of a department's measure is open at
// a time; starting one that is already open does nothing, so of several evaluators exactly one
// starts it (and sends its alerts).
import type { Queryable } from "../db/database.js";
import type { AlertMeasure } from "../dashboard/wallboard-thresholds.js";

/** Serialises the evaluations of every instance (another key than dispatch's, the migrations' and the tests'). */
export const WALLBOARD_ALERTS_LOCK_KEY = 727_274_200;

export interface BreachRow {
  id: number;
  department: string;
  measure: AlertMeasure;
  value: number;
  threshold: number;
  startedAt: Date;
  endedAt: Date | null;
  alerts: number;
}

const COLUMNS = `id::int as id, department, measure, value, threshold, started_at as "startedAt", ended_at as "endedAt", alerts`;

export class WallboardAlertsRepository {
  constructor(private readonly db: Queryable) {}

  with(tx: Queryable): WallboardAlertsRepository {
    return new WallboardAlertsRepository(tx);
  }

  /** Waits for any other evaluation to finish; held until the transaction ends. */
  async lock(): Promise<void> {
    await this.db.query(`select pg_advisory_xact_lock($1)`, [WALLBOARD_ALERTS_LOCK_KEY]);
  }

  async openBreaches(): Promise<BreachRow[]> {
    return this.db.query<BreachRow>(`select ${COLUMNS} from wallboard_breaches where ended_at is null order by id`);
  }

  /** Starts a breach; undefined when one of that measure is open already (another evaluator started it). */
  async start(b: { department: string; measure: AlertMeasure; value: number; threshold: number }, now: Date): Promise<BreachRow | undefined> {
    const [row] = await this.db.query<BreachRow>(
      `insert into wallboard_breaches (department, measure, value, threshold, started_at) values ($1, $2, $3, $4, $5)
       on conflict (department, measure) where ended_at is null do nothing
       returning ${COLUMNS}`,
      [b.department, b.measure, b.value, b.threshold, now],
    );
    return row;
  }

  /** The figure is back within its threshold: the open breach ends. */
  async end(id: number, now: Date): Promise<boolean> {
    const rows = await this.db.query(`update wallboard_breaches set ended_at = greatest($2::timestamptz, started_at) where id = $1 and ended_at is null returning id`, [id, now]);
    return rows.length > 0;
  }

  async setAlerts(id: number, alerts: number): Promise<void> {
    await this.db.query(`update wallboard_breaches set alerts = $2 where id = $1`, [id, alerts]);
  }

  /** Every breach, newest first (for tests and the log). */
  async history(limit = 100): Promise<BreachRow[]> {
    return this.db.query<BreachRow>(`select ${COLUMNS} from wallboard_breaches order by id desc limit $1`, [limit]);
  }

  /** Where alerts go: the phones of the accounts on duty. */
  async onDutyPhones(): Promise<string[]> {
    const rows = await this.db.query<{ phone: string }>(`select phone from accounts where on_duty and phone is not null order by id`);
    return rows.map((r) => r.phone);
  }
}
