-- The automatic call distributor (docs/queue.md): agents and their states, callers waiting in a
-- department's line, and the offers of a caller to an agent. Every decision is a row change made under
-- one advisory lock or guarded by a unique index, so that several instances on one database decide as one.

-- An agent of the flow file (its `agents`), with the state the ACD keeps. The flow file says who they
-- are and what they serve; the row keeps what happens to them. An agent removed from the flow stays
-- (their history is kept) but is offline and never offered a call.
create table agents (
  id            text primary key,
  name          text not null,
  phone         text,
  client        text,
  in_flow       boolean not null default true,
  -- offline | available | busy (offered or on a call) | wrap-up | break
  state         text not null default 'offline'
                check (state in ('offline', 'available', 'busy', 'wrap-up', 'break')),
  -- Why: a break's reason ("lunch", "missed" after too many unanswered offers).
  reason        text,
  state_since   timestamptz not null,
  -- A timed wrap-up ends by itself at this time; null: until the agent says ready.
  wrap_until    timestamptz,
  -- Offers missed (no answer, declined) since the last one accepted.
  missed_in_row integer not null default 0,
  -- Where offers ring when the agent has both: "client" (the desk's phone) or "phone".
  device        text check (device in ('client', 'phone')),
  -- scrypt, as "scrypt$N$r$p$salt$key" (base64url); null: the agent cannot sign in yet.
  password_hash text
);

-- The departments (department node ids) an agent serves, and at which level: 0 first-line, 1 overflow.
create table agent_departments (
  agent_id   text not null references agents (id) on delete cascade,
  department text not null,
  level      smallint not null default 0,
  primary key (agent_id, department)
);
create index agent_departments_department on agent_departments (department, level);

-- Every change of an agent's state, with its time: occupancy, wrap-up time and handle time are computed
-- from these rows (docs/callcentre-domain.md).
create table agent_state_changes (
  id       bigserial primary key,
  agent_id text not null references agents (id) on delete cascade,
  state    text not null,
  reason   text,
  at       timestamptz not null
);
create index agent_state_changes_agent on agent_state_changes (agent_id, at);

-- A caller's place in a department's line. queued → offered → connected → ended; or abandoned (hung up
-- waiting), left (to voicemail, past the maximum wait, nobody signed in), failed (a call back that could
-- not reach the customer). A call back keeps the place of the call it came from (kind 'callback', the
-- same enqueued_at). A transfer to another department's line starts a new entry with the original
-- enqueued_at and a higher priority: it goes to the front.
create table queue_entries (
  id                bigserial primary key,
  call_sid          text not null,
  department        text not null,
  kind              text not null default 'call' check (kind in ('call', 'callback')),
  status            text not null
                    check (status in ('queued', 'offered', 'connected', 'ended', 'abandoned', 'left', 'failed')),
  priority          integer not null default 0,
  -- When the caller started waiting: kept through a call back and a transfer (the metrics' wait).
  enqueued_at       timestamptz not null,
  -- The customer's number (a call back calls it) and the number they called (a call back's caller id).
  number            text not null,
  called            text,
  city              text,
  agent_id          text references agents (id),
  conference        text,
  connected_at      timestamptz,
  ended_at          timestamptz,
  -- Why it ended: ended (conversation over), abandoned, voicemail, max-wait, full, nobody, transferred…
  outcome           text,
  -- A call back: calls made to the customer, not before this time for the next.
  attempts          integer not null default 0,
  not_before        timestamptz,
  customer_call_sid text
);
-- A call waits in at most one line at a time.
create unique index queue_entries_open on queue_entries (call_sid, kind) where status in ('queued', 'offered', 'connected');
create index queue_entries_waiting on queue_entries (department, priority desc, enqueued_at, id) where status in ('queued', 'offered');

-- An offer of a caller to an agent: the agent's phone rings with a whisper, and the agent accepts (a
-- key), or it is missed (no answer, a decline, a hang-up in the whisper), or canceled (the caller hung
-- up). The unique indexes are the rule itself: one ringing offer per caller, one per agent.
create table offers (
  id             bigserial primary key,
  entry_id       bigint not null references queue_entries (id) on delete cascade,
  agent_id       text not null references agents (id),
  status         text not null default 'ringing'
                 check (status in ('ringing', 'accepted', 'missed', 'declined', 'canceled', 'failed')),
  agent_call_sid text unique,
  created_at     timestamptz not null,
  -- When the agent became available (or the caller queued, if later): the wait for this offer.
  ready_at       timestamptz,
  ended_at       timestamptz,
  reason         text
);
create unique index offers_ringing_entry on offers (entry_id) where status = 'ringing';
create unique index offers_ringing_agent on offers (agent_id) where status = 'ringing';
create index offers_entry on offers (entry_id);

-- A signed-in agent's session: the desk's, not the owner's dashboard.
alter table dashboard_sessions add column agent_id text references agents (id) on delete cascade;
