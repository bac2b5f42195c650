// Dashboard sessions. The browser holds a random token; the table holds its SHA-256, the CSRF token
// that forms must echo, and a sliding expiry.
import type { Queryable } from "../db/database.js";

export interface SessionRow {
  tokenHash: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  async create(s: { tokenHash: string; csrfToken: string }, now: Date, ttlMs: number): Promise<void> {
    await this.db.query(
      `insert into dashboard_sessions (token_hash, csrf_token, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)`,
      [s.tokenHash, s.csrfToken, now, new Date(now.getTime() + ttlMs)],
    );
  }

  /** The live session for a token hash, its expiry moved on. */
  async touch(tokenHash: string, now: Date, ttlMs: number): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `update dashboard_sessions set last_seen_at = $2, expires_at = $3
       where token_hash = $1 and expires_at > $2
       returning token_hash as "tokenHash", csrf_token as "csrfToken", created_at as "createdAt", expires_at as "expiresAt"`,
      [tokenHash, now, new Date(now.getTime() + ttlMs)],
    );
    return row;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.query("delete from dashboard_sessions where token_hash = $1", [tokenHash]);
  }

  async purgeExpired(now: Date): Promise<number> {
    const rows = await this.db.query("delete from dashboard_sessions where expires_at <= $1 returning 1", [now]);
    return rows.length;
  }
}
