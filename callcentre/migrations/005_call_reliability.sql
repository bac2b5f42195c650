-- Repeated webhooks, and calls whose final status callback never came.

-- The delivery of the last TwiML webhook recorded for the call (I-Twilio-Idempotency-Token, or a hash
-- of its URL and parameters): the same delivery again is answered again but not recorded twice.
alter table calls add column last_webhook text;

-- Reconciliation of calls left open (routes/twilio and jobs/call-reconcile): how often the REST API was
-- asked about the call, and not before when it is asked again.
alter table calls add column reconcile_checks integer not null default 0;
alter table calls add column reconcile_after timestamptz;
create index calls_unfinished on calls (started_at) where status_rank < 4;
