-- A dashboard session belongs to the password it was opened with, and ends at a fixed time after
-- sign-in however busy it is, as well as after a while unused (expires_at, which never passes
-- absolute_expires_at).

-- What identifies the password (scrypt of it, never the password): a session opened with another
-- password is not accepted, so changing DASHBOARD_PASSWORD signs everybody out, on every instance.
-- Sessions opened before this migration have none: they end now, and their users sign in again.
delete from dashboard_sessions;
alter table dashboard_sessions add column password_fingerprint text not null;
alter table dashboard_sessions add column absolute_expires_at timestamptz not null;
