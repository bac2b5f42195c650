-- What an agent does to a conversation from the desk (docs/queue.md, "From the desk"): the conference
-- the caller and agent are in, whether the caller is on hold, the agent muted, the recording paused; a
-- caller transferred to one named agent; and consultations (a warm transfer's second agent).

alter table queue_entries
  add column conference_sid   text,
  add column caller_held      boolean not null default false,
  add column agent_muted      boolean not null default false,
  add column recording_paused boolean not null default false,
  -- Transferred to one named agent: only they are offered this caller.
  add column for_agent        text references agents (id);

-- An offer of a caller (kind 'offer'), or a consultation an agent asked of another in a warm transfer
-- ('consult'): the caller is on hold while the two talk, then the second takes the call over, or the
-- first goes back to the caller.
alter table offers add column kind text not null default 'offer' check (kind in ('offer', 'consult'));
-- Who asked for a consultation.
alter table offers add column from_agent text references agents (id);
