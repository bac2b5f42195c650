-- The people who run the centre (docs/dashboard.md, "Accounts and roles"): the owner (everything,
-- configuration, accounts) and supervisors (live views, monitoring, reports, agents' states). Agents
-- are the flow file's `agents` and sign in with the password kept on their row (006_acd). An account's
-- id is its sign-in name. The first owner, "owner", is made on first start with the first-run password
-- (DASHBOARD_PASSWORD, or the one generated into DATA_DIR/dashboard-password).
create table accounts (
  id            text primary key check (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  name          text not null,
  role          text not null check (role in ('owner', 'supervisor')),
  -- scrypt, as "scrypt$N$r$p$salt$key" (base64url), like agents' passwords.
  password_hash text not null,
  -- Where the account's monitoring calls ring (listen, whisper, barge): an E.164 phone or a Client identity.
  phone         text,
  client        text,
  -- On duty: threshold alerts from the wallboard go by SMS to the phones of the accounts on duty.
  on_duty       boolean not null default false,
  created_at    timestamptz not null,
  updated_at    timestamptz not null
);

-- A session is the owner's or a supervisor's (account_id), or an agent's (agent_id).
alter table dashboard_sessions add column account_id text references accounts (id) on delete cascade;
