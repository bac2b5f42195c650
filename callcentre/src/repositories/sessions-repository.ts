// Dashboard sessions. The browser holds a random token; the table holds its SHA-256, the CSRF token
// that forms must echo, the fingerprint of the password it was opened with, a sliding expiry and an
// absolute one (expires_at never passes absolute_expires_at).
import type { Queryable } from "../db/database.js";

export interface SessionRow {
  tokenHash: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

export interface SessionLifetime {
  /** Unused this long, a session ends. */
  idleMs: number;
  /** This long after sign-in, a session ends, used or not. */
  maxAgeMs: number;
}

const COLUMNS = `token_hash as "tokenHash", csrf_token as "csrfToken", created_at as "createdAt", expires_at as "expiresAt", absolute_expires_at as "absoluteExpiresAt"`;

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  async create(s: { tokenHash: string; csrfToken: string; passwordFingerprint: string }, now: Date, lifetime: SessionLifetime): Promise<void> {
    const absolute = new Date(now.getTime() + lifetime.maxAgeMs);
    const idle = new Date(now.getTime() + Math.min(lifetime.idleMs, lifetime.maxAgeMs));
    await this.db.query(
      `insert into dashboard_sessions (token_hash, csrf_token, password_fingerprint, created_at, last_seen_at, expires_at, absolute_expires_at)
       values ($1, $2, $3, $4, $4, $5, $6)`,
      [s.tokenHash, s.csrfToken, s.passwordFingerprint, now, idle, absolute],
    );
  }

  /**
   * The live session for a token hash, opened with the current password; its idle expiry moved on
   * (never past its absolute expiry).
   */
  async touch(tokenHash: string, passwordFingerprint: string, now: Date, idleMs: number): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `update dashboard_sessions set last_seen_at = $2, expires_at = least($3::timestamptz, absolute_expires_at)
       where token_hash = $1 and expires_at > $2 and password_fingerprint = $4
       returning ${COLUMNS}`,
      [tokenHash, now, new Date(now.getTime() + idleMs), passwordFingerprint],
    );
    return row;
  }

  /** The same session, if it is still live, without counting this as a use (the live stream asks). */
  async find(tokenHash: string, passwordFingerprint: string, now: Date): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `select ${COLUMNS} from dashboard_sessions where token_hash = $1 and expires_at > $2 and password_fingerprint = $3`,
      [tokenHash, now, passwordFingerprint],
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
