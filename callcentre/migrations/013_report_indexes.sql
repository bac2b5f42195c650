-- Indexes for the Reports page and the wallboard on a long history (docs/performance.md, "reports":
-- 90 days of 1,500 calls a day, measured before and after with EXPLAIN ANALYZE).
--
-- An agent's handled call finds its department through the last offer the agent accepted before it
-- (reports-repository.ts, agentSums): without this, each handled call scanned every offer and every
-- place in line (13 s for a one-day report; a 7-day report did not finish).
create index offers_agent_accepted on offers (agent_id, created_at desc, id desc) where status = 'accepted';

-- The missed and declined offers of a range.
create index offers_missed_created on offers (created_at) where status in ('missed', 'declined');

-- The cold and completed transfers of a range: a few among every call's events.
create index call_events_transfers on call_events (occurred_at) where kind in ('transfer.cold', 'transfer.completed');

-- Places in lines by when the wait began: the wallboard's today (on every refresh and each alerts'
-- evaluation), the reports' call backs.
create index queue_entries_enqueued_at on queue_entries (enqueued_at);

-- The flow's call-back requests of a range.
create index callback_requests_requested_at on callback_requests (requested_at);
