// Dashboard sessions. The browser holds a random token; the table holds its SHA-256, the CSRF token
// that forms must echo, the fingerprint of the password it was opened with, a sliding expiry and an
// absolute one (expires_at never passes absolute_expires_at). A session is an account's (account_id:
// an owner or a supervisor) or an agent's (agent_id), bound to that person's own password: its
// fingerprint is the SHA-256 of their stored hash (agent-passwords.ts), so a new password, the
// account's deletion or the agent leaving the flow ends it. Sessions with neither (the single
// dashboard password of before 010_accounts) are no longer accepted.
import type { Queryable } from "../db/database.js";

export interface SessionRow {
  tokenHash: string;
  /** The owner's or supervisor's account signed in; null for an agent. */
  accountId: string | null;
  /** That account's role now (a change of role applies at once). */
  accountRole: "owner" | "supervisor" | null;
  /** The agent signed in; null for an account. */
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

const COLUMNS = `token_hash as "tokenHash", account_id as "accountId",
  (select c.role from accounts c where c.id = account_id) as "accountRole", agent_id as "agentId", csrf_token as "csrfToken", created_at as "createdAt", expires_at as "expiresAt", absolute_expires_at as "absoluteExpiresAt"`;

/**
 * The session was opened with the password in force now: the account's current hash, or the agent's
 * (the agent still in the flow). A missing row compares as null, which is not true either.
 */
const CURRENT_PASSWORD = `(case
  when account_id is not null then password_fingerprint = (select encode(sha256(convert_to(c.password_hash, 'UTF8')), 'hex') from accounts c where c.id = account_id)
  when agent_id is not null then password_fingerprint = (select encode(sha256(convert_to(a.password_hash, 'UTF8')), 'hex') from agents a where a.id = agent_id and a.in_flow)
  else false end)`;

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  /** An account's session or an agent's, whose `passwordFingerprint` is agentFingerprint() of their hash. */
  async create(
    s: { tokenHash: string; csrfToken: string; passwordFingerprint: string; who: { accountId: string } | { agentId: string } },
    now: Date,
    lifetime: SessionLifetime,
  ): Promise<void> {
    const absolute = new Date(now.getTime() + lifetime.maxAgeMs);
    const idle = new Date(now.getTime() + Math.min(lifetime.idleMs, lifetime.maxAgeMs));
    await this.db.query(
      `insert into dashboard_sessions (token_hash, csrf_token, password_fingerprint, created_at, last_seen_at, expires_at, absolute_expires_at, account_id, agent_id)
       values ($1, $2, $3, $4, $4, $5, $6, $7, $8)`,
      [s.tokenHash, s.csrfToken, s.passwordFingerprint, now, idle, absolute, "accountId" in s.who ? s.who.accountId : null, "agentId" in s.who ? s.who.agentId : null],
    );
  }

  /**
   * The live session for a token hash, opened with its person's current password; its idle expiry
   * moved on (never past its absolute expiry).
   */
  async touch(tokenHash: string, now: Date, idleMs: number): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `update dashboard_sessions set last_seen_at = $2, expires_at = least($3::timestamptz, absolute_expires_at)
       where token_hash = $1 and expires_at > $2 and ${CURRENT_PASSWORD}
       returning ${COLUMNS}`,
      [tokenHash, now, new Date(now.getTime() + idleMs)],
    );
    return row;
  }

  /** The same session, if it is still live, without counting this as a use (the live stream asks). */
  async find(tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    const [row] = await this.db.query<SessionRow>(
      `select ${COLUMNS} from dashboard_sessions s where token_hash = $1 and expires_at > $2 and ${CURRENT_PASSWORD}`,
      [tokenHash, now],
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
