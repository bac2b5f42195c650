-- The agent desk (docs/desk.md): what the agent says of a call in wrap-up, kept with the caller's entry.
-- disposition: resolved | follow-up | escalated | other; note: free text. Both null until the agent saves.
alter table queue_entries
  add column disposition text check (disposition in ('resolved', 'follow-up', 'escalated', 'other')),
  add column note text;
