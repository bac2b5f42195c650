-- The wallboard's threshold breaches (docs/wallboard.md, "Alerts"). A breach of one measure of one
-- department starts when its figure crosses the department's threshold and ends when it recovers. At
-- most one breach of a measure is open at a time (the partial unique index), so of several instances
-- evaluating at once exactly one opens it, and only that one queues the SMS alerts (as notifications,
-- in the same transaction): one alert per breach, however many instances run.
create table wallboard_breaches (
  id          bigserial primary key,
  -- The queue department's node id.
  department  text not null,
  measure     text not null check (measure in ('service-level', 'longest-wait', 'waiting', 'abandonment')),
  -- The figure when the breach was found, and the threshold it crossed (percent, seconds or callers).
  value       double precision not null,
  threshold   double precision not null,
  started_at  timestamptz not null,
  ended_at    timestamptz,
  -- How many SMS alerts were queued for it (0: alerts off, nobody on duty, or no number to send from).
  alerts      integer not null default 0
);

create unique index wallboard_breaches_open on wallboard_breaches (department, measure) where ended_at is null;
create index wallboard_breaches_started on wallboard_breaches (started_at);
