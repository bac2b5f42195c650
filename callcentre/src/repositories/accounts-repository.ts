// The accounts of the people who run the centre (docs/dashboard.md, "Accounts and roles"): owners and
// supervisors, each signing in with their own id and password (scrypt, agent-passwords.ts). Agents are
// not here: the flow file says who they are (agents-repository.ts).
//
// Invariant: there is always an owner once the first one is made. Changes that could take the last one
// away (deleting an owner, making an owner a supervisor) run in a transaction holding a lock that only
// such changes take, so two of them at once (two owners deleting each other) cannot both pass the check.
import type { Database, Queryable } from "../db/database.js";

export const ACCOUNT_ROLES = ["owner", "supervisor"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
/** What an account's id must look like (010_accounts.sql checks the same): it is the sign-in name. */
export const ACCOUNT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The account made on first start with the first-run password; a blank sign-in name means it. */
export const FIRST_OWNER_ID = "owner";

export interface AccountRow {
  id: string;
  name: string;
  role: AccountRole;
  /** Where the account's monitoring calls ring, and where on-duty alerts are texted: E.164. */
  phone: string | null;
  /** Or a Client identity for monitoring calls. */
  client: string | null;
  onDuty: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAccount {
  id: string;
  name: string;
  role: AccountRole;
  phone?: string | null | undefined;
  client?: string | null | undefined;
  onDuty?: boolean | undefined;
}

export type AccountChanges = Partial<Pick<AccountRow, "name" | "role" | "phone" | "client" | "onDuty">>;

/** Why a change was refused: no such account, or it would leave the centre without an owner. */
export type AccountRefusal = "not-found" | "last-owner";

const COLUMNS = `id, name, role, phone, client, on_duty as "onDuty", created_at as "createdAt", updated_at as "updatedAt"`;

/** Taken by the changes that could remove the last owner; conflicts with itself, not with reads. */
const LOCK_OWNERS = "lock table accounts in share row exclusive mode";

export class AccountsRepository {
  constructor(private readonly db: Database) {}

  /** Creates an account; "exists" when the id is taken (nothing changed). */
  async create(account: NewAccount, passwordHash: string, now: Date): Promise<AccountRow | "exists"> {
    const [row] = await this.db.query<AccountRow>(
      `insert into accounts (id, name, role, password_hash, phone, client, on_duty, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       on conflict (id) do nothing
       returning ${COLUMNS}`,
      [account.id, account.name, account.role, passwordHash, account.phone ?? null, account.client ?? null, account.onDuty ?? false, now],
    );
    return row ?? "exists";
  }

  /**
   * On start: if there is no owner yet, makes `owner` with the first-run password's hash (asked for
   * only then: hashing is slow on purpose). Safe when several instances start at once: one insert
   * wins, the others do nothing. Returns whether this call made it.
   */
  async ensureOwner(name: string, passwordHash: () => Promise<string>, now: Date): Promise<boolean> {
    if (await this.hasOwner()) return false;
    const rows = await this.db.query(
      `insert into accounts (id, name, role, password_hash, created_at, updated_at)
       select $1, $2, 'owner', $3, $4, $4 where not exists (select 1 from accounts where role = 'owner')
       on conflict (id) do nothing
       returning id`,
      [FIRST_OWNER_ID, name, await passwordHash(), now],
    );
    return rows.length > 0;
  }

  async hasOwner(): Promise<boolean> {
    const [row] = await this.db.query<{ any: boolean }>(`select exists (select 1 from accounts where role = 'owner') as any`);
    return row?.any ?? false;
  }

  async list(): Promise<AccountRow[]> {
    return this.db.query<AccountRow>(`select ${COLUMNS} from accounts order by role, name, id`);
  }

  async find(id: string): Promise<AccountRow | undefined> {
    const [row] = await this.db.query<AccountRow>(`select ${COLUMNS} from accounts where id = $1`, [id]);
    return row;
  }

  /** The accounts on duty, who get the wallboard's threshold alerts. */
  async onDuty(): Promise<AccountRow[]> {
    return this.db.query<AccountRow>(`select ${COLUMNS} from accounts where on_duty order by id`);
  }

  /** The account's stored hash, for sign-in; undefined for an unknown id. */
  async passwordHash(id: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ hash: string }>(`select password_hash as hash from accounts where id = $1`, [id]);
    return row?.hash;
  }

  /** A new password: every session opened with the old one ends (sessions-repository.ts). */
  async setPasswordHash(id: string, hash: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(`update accounts set password_hash = $2, updated_at = $3 where id = $1 returning id`, [id, hash, now]);
    return rows.length > 0;
  }

  /** Changes what is given; refuses to make the last owner a supervisor. */
  async update(id: string, changes: AccountChanges, now: Date): Promise<AccountRow | AccountRefusal> {
    return this.db.transaction(async (tx) => {
      if (changes.role === "supervisor") {
        await tx.query(LOCK_OWNERS);
        if (await lastOwner(tx, id)) return "last-owner";
      }
      const [row] = await tx.query<AccountRow>(
        `update accounts set
           name = case when $2 then $3 else name end,
           role = case when $4 then $5 else role end,
           phone = case when $6 then $7 else phone end,
           client = case when $8 then $9 else client end,
           on_duty = case when $10 then $11 else on_duty end,
           updated_at = $12
         where id = $1
         returning ${COLUMNS}`,
        [
          id,
          changes.name !== undefined,
          changes.name ?? null,
          changes.role !== undefined,
          changes.role ?? null,
          changes.phone !== undefined,
          changes.phone ?? null,
          changes.client !== undefined,
          changes.client ?? null,
          changes.onDuty !== undefined,
          changes.onDuty ?? null,
          now,
        ],
      );
      return row ?? "not-found";
    });
  }

  /** Deletes an account (its sessions go with it); refuses to delete the last owner. */
  async delete(id: string): Promise<AccountRow | AccountRefusal> {
    return this.db.transaction(async (tx) => {
      await tx.query(LOCK_OWNERS);
      if (await lastOwner(tx, id)) return "last-owner";
      const [row] = await tx.query<AccountRow>(`delete from accounts where id = $1 returning ${COLUMNS}`, [id]);
      return row ?? "not-found";
    });
  }
}

/** Whether `id` is an owner and no other owner exists. */
async function lastOwner(db: Queryable, id: string): Promise<boolean> {
  const [row] = await db.query<{ last: boolean }>(
    `select exists (select 1 from accounts where id = $1 and role = 'owner')
        and not exists (select 1 from accounts where role = 'owner' and id <> $1) as last`,
    [id],
  );
  return row?.last ?? false;
}
