-- Supervisors monitoring a conversation (docs/monitoring.md): listen (a muted participant of its
-- conference), whisper (coaching the agent: the caller does not hear) or barge (a full participant).
-- A session lasts from the supervisor's call being placed to their leaving, hanging up, or the
-- conversation ending. Each start, change of mode and end is also a step of the caller's call
-- (call_events), with who did it.
create table monitor_sessions (
  id                  bigserial primary key,
  entry_id            bigint not null references queue_entries (id) on delete cascade,
  conference_sid      text,
  -- The supervisor's call (a participant of the conference, placed over REST); null until placed.
  supervisor_call_sid text unique,
  -- Who: the account's id, or 'owner' for the owner's session without an account.
  supervisor          text not null,
  mode                text not null check (mode in ('listen', 'whisper', 'barge')),
  started_at          timestamptz not null,
  -- The supervisor answered their phone (and joined the conference).
  answered_at         timestamptz,
  ended_at            timestamptz,
  -- left, hung up, conversation ended, no-answer, busy, failed, call not placed…
  end_reason          text
);
-- One monitor at a time per supervisor; several supervisors may monitor one conversation.
create unique index monitor_sessions_one_per_supervisor on monitor_sessions (supervisor) where ended_at is null;
create index monitor_sessions_open_entry on monitor_sessions (entry_id) where ended_at is null;
