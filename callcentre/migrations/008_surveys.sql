-- Post-call surveys (docs/queue.md): a caller whose agent hung up first scores the call from 1 to 5,
-- and may leave a short spoken comment. One per conversation (a department line's entry).
create table surveys (
  entry_id        bigint primary key references queue_entries (id) on delete cascade,
  call_sid        text not null,
  department      text not null,
  agent_id        text references agents (id),
  score           smallint not null check (score between 1 and 5),
  comment_url     text,
  comment_seconds integer,
  at              timestamptz not null
);
create index surveys_at on surveys (at);

-- Recordings of agent conversations (a department that records): the conference's recording, kept
-- beside voicemails in `recordings` with kind 'conversation' and the entry it belongs to.
alter table recordings add column entry_id bigint references queue_entries (id) on delete set null;
