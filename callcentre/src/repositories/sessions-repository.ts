// Dashboard sessions. The browser holds a random token; the table holds its SHA-256, the CSRF token
// that forms must echo, the fingerprint of the password it was opened with, a sliding expiry and an
// absolute one (expires_at never passes absolute_expires_at). An agent's session (agent_id set) is
// bound to the agent's own password instead of the owner's: its fingerprint is the SHA-256 of the
// agent's stored hash (agent-passwords.ts), so a new password for the agent, or the agent leaving
// the flow, ends it.
import type { Queryable } from "../db/database.js";

export interface SessionRow {
  tokenHash: string;
  /** The agent signed in; null for the owner (the dashboard password). */
  agentId: string | null;
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

const COLUMNS = `token_hash as "tokenHash", agent_id as "agentId", csrf_token as "csrfToken", created_at as "createdAt", expires_at as "expiresAt", absolute_expires_at as "absoluteExpiresAt"`;

/**
 * The session was opened with the password in force now: the owner's (its fingerprint is $4), or, for
 * an agent's session, the agent's current hash (the agent still in the flow).
 */
const CURRENT_PASSWORD = `(case when agent_id is null then password_fingerprint = $4
  else password_fingerprint = (select encode(sha256(convert_to(a.password_hash, 'UTF8')), 'hex') from agents a where a.id = agent_id and a.in_flow) end)`;

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  /** `agentId`: an agent's session, whose `passwordFingerprint` is agentFingerprint() of their hash. */
  async create(
    s: { tokenHash: string; csrfToken: string; passwordFingerprint: string; agentId?: string | null },
    now: Date,
    lifetime: SessionLifetime,
  ): Promise<void> {
    const absolute = new Date(now.getTime() + lifetime.maxAgeMs);
    const idle = new Date(now.getTime() + Math.min(lifetime.idleMs, lifetime.maxAgeMs));
    await this.db.query(
      `insert into dashboard_sessions (token_hash, csrf_token, password_fingerprint, created_at, last_seen_at, expires_at, absolute_expires_at, agent_id)
       values ($1, $2, $3, $4, $4, $5, $6, $7)`,
      [s.tokenHash, s.csrfToken, s.passwordFingerprint, now, idle, absolute, s.agentId ?? null],
    );
  }

  /**
   * The live session for a token hash, opened with the current password (the owner's
   * `passwordFingerprint`, or the agent's own); its idle expiry moved on (never past its absolute expiry).
   */
  async touch(tokenHash: string, passwordFingerprint: string, now: Date, idleMs: number): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `update dashboard_sessions set last_seen_at = $2, expires_at = least($3::timestamptz, absolute_expires_at)
       where token_hash = $1 and expires_at > $2 and ${CURRENT_PASSWORD}
       returning ${COLUMNS}`,
      [tokenHash, now, new Date(now.getTime() + idleMs), passwordFingerprint],
    );
    return row;
  }

  /** The same session, if it is still live, without counting this as a use (the live stream asks). */
  async find(tokenHash: string, passwordFingerprint: string, now: Date): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `select ${COLUMNS} from dashboard_sessions s where token_hash = $1 and expires_at > $2 and ${CURRENT_PASSWORD.replace("$4", "$3")}`,
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
