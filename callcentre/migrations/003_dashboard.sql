-- The dashboard: its login sessions, each call's visits to a department (the queue the metrics are
-- computed from), and what agents did with voicemails and callback requests.

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy of the
-- database does not let anyone in.
create table dashboard_sessions (
  token_hash   text primary key,
  csrf_token   text not null,
  created_at   timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at   timestamptz not null
);
create index dashboard_sessions_expires_at on dashboard_sessions (expires_at);

-- A call's visit to a department: from the transfer (<Dial> to its agents) until an agent answers and
-- the conversation ends, the caller hangs up while waiting, or the department does not answer and the
-- flow moves on. This is the call centre's queue (docs/callcentre-domain.md §1.1): wait = answered_at, or
-- ended_at for an abandon, minus started_at.
create table transfers (
  id          bigserial primary key,
  call_sid    text not null references calls (sid) on delete cascade,
  node        text not null,
  department  text not null,
  started_at  timestamptz not null,
  answered_at timestamptz,
  agent       text,
  ended_at    timestamptz,
  -- answered | abandoned | deflected (no answer or busy: on to voicemail, a callback offer…); null while it lasts.
  result      text
);
create index transfers_started_at on transfers (started_at);
-- A call is in at most one department at a time.
create unique index transfers_open on transfers (call_sid) where ended_at is null;

alter table recordings add column called_back_at timestamptz;
alter table recordings add column callback_call_sid text;
create index recordings_voicemail_new on recordings (created_at desc) where kind = 'voicemail' and handled_at is null;

alter table callback_requests add column called_back_at timestamptz;
alter table callback_requests add column callback_call_sid text;
