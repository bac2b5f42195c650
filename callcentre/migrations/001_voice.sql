-- Calls, what happened in them, their recordings and Twilio's status callbacks.

create table calls (
  sid              text primary key,
  account_sid      text not null,
  from_number      text not null,
  to_number        text not null,
  direction        text not null,
  -- Twilio's CallStatus; status_rank orders it so that a late or repeated callback never moves a
  -- call back to an earlier state: queued 0, initiated 1, ringing 2, in-progress 3, any final status 4.
  status           text not null,
  status_rank      smallint not null,
  caller_name      text,
  from_city        text,
  from_state       text,
  from_zip         text,
  from_country     text,
  to_city          text,
  to_state         text,
  to_zip           text,
  to_country       text,
  department       text,
  outcome          text,
  started_at       timestamptz not null,
  answered_at      timestamptz,
  ended_at         timestamptz,
  duration_seconds integer,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index calls_started_at on calls (started_at desc);
create index calls_from_number on calls (from_number);

-- Each step of a call: menu entered, digits or speech received, option chosen, transfer, voicemail…
create table call_events (
  id          bigserial primary key,
  call_sid    text not null references calls (sid) on delete cascade,
  occurred_at timestamptz not null,
  kind        text not null,
  node        text,
  detail      jsonb not null default '{}'::jsonb
);
create index call_events_call on call_events (call_sid, id);

-- Twilio's status callbacks as received. dedupe_key (CallSid, CallStatus, SequenceNumber) makes a
-- repeated delivery a no-op.
create table status_callbacks (
  id              bigserial primary key,
  call_sid        text not null,
  call_status     text not null,
  sequence_number integer,
  dedupe_key      text not null unique,
  reported_at     timestamptz,
  received_at     timestamptz not null,
  params          jsonb not null
);
create index status_callbacks_call on status_callbacks (call_sid, id);

create table recordings (
  sid                  text primary key,
  call_sid             text not null references calls (sid) on delete cascade,
  kind                 text not null default 'voicemail',
  node                 text,
  department           text,
  url                  text not null,
  duration_seconds     integer,
  status               text not null default 'completed',
  finished_by          text,
  transcription_sid    text,
  transcription_status text,
  transcription_text   text,
  handled_at           timestamptz,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now()
);
create index recordings_call on recordings (call_sid);
create index recordings_created_at on recordings (created_at desc);

-- A caller who asked to be called back. One per call.
create table callback_requests (
  id           bigserial primary key,
  call_sid     text not null unique references calls (sid) on delete cascade,
  number       text not null,
  department   text,
  status       text not null default 'pending',
  requested_at timestamptz not null
);

-- Messages this service sends on its own account (e.g. a voicemail notice to the on-call agent).
-- (kind, subject_sid, to_number) is unique, so a notice is recorded once however often it is triggered.
create table notifications (
  id          bigserial primary key,
  kind        text not null,
  subject_sid text not null,
  to_number   text not null,
  from_number text not null,
  body        text not null,
  status      text not null default 'pending',
  message_sid text,
  attempts    integer not null default 0,
  last_error  text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (kind, subject_sid, to_number)
);
create index notifications_pending on notifications (status) where status = 'pending';
