-- Text messages: every message in and out, the people who text us (opt-out, acknowledgements, a
-- pending choice between places), daily-forecast subscriptions and each day's delivery, and the
-- geocoding cache.

create table messages (
  id            bigserial primary key,
  -- Twilio's SID; null for a TwiML reply until its first status callback names it.
  sid           text unique,
  -- inbound, outbound-api (sent through the REST API) or outbound-reply (a TwiML <Message>).
  direction     text not null,
  from_number   text not null,
  to_number     text not null,
  -- The other party's number: messages are grouped into conversations by it.
  contact       text not null,
  body          text not null,
  num_media     integer not null default 0,
  num_segments  integer,
  -- Twilio's MessageStatus; status_rank orders it so that a late callback never moves a message back.
  status        text not null,
  status_rank   smallint not null,
  error_code    integer,
  error_message text,
  -- What the message was: weather, subscribe, unsubscribe, help, opt-out, opt-in, choice, inbox
  -- (inbound, for an agent), ack, forecast, daily-forecast, notice, agent-reply, other.
  kind          text not null,
  -- For replies: the inbound message answered (a reply is sent at most once).
  in_reply_to   bigint references messages (id),
  -- For inbox messages: when an agent dealt with it.
  handled_at    timestamptz,
  created_at    timestamptz not null,
  updated_at    timestamptz not null
);
create index messages_contact on messages (contact, created_at desc);
create index messages_created_at on messages (created_at desc);
create unique index messages_one_reply on messages (in_reply_to) where in_reply_to is not null;
create index messages_inbox on messages (created_at desc) where kind = 'inbox' and handled_at is null;

-- One row per number that has texted us or that we text.
create table sms_contacts (
  number          text primary key,
  opted_out_at    timestamptz,
  opted_in_at     timestamptz,
  -- The last automatic acknowledgement of an inbox message (at most one an hour).
  last_ack_at     timestamptz,
  -- Places offered when a name was ambiguous: {"command": "weather"|"subscribe", "time": "07:00",
  -- "places": [...], "offeredAt": "..."}; a reply of 1, 2 or 3 picks one.
  pending_choice  jsonb,
  created_at      timestamptz not null,
  updated_at      timestamptz not null
);
create index sms_contacts_opted_out on sms_contacts (opted_out_at) where opted_out_at is not null;

-- Daily forecasts. One subscription per number; SUBSCRIBE again changes the place or time.
create table subscriptions (
  id            bigserial primary key,
  number        text not null unique,
  -- The call centre's number the person texted: the forecast comes from it.
  from_number   text not null,
  place_name    text not null,
  place_label   text not null,
  latitude      double precision not null,
  longitude     double precision not null,
  timezone      text not null,
  -- Local wall-clock time in the place's zone, HH:MM.
  send_time     text not null,
  -- The next instant the forecast is due (DST-correct, computed from send_time and timezone).
  next_send_at  timestamptz not null,
  created_at    timestamptz not null,
  updated_at    timestamptz not null,
  -- Set by UNSUBSCRIBE, by an opt-out keyword or by error 21610; null while active.
  cancelled_at  timestamptz,
  cancel_reason text
);
create index subscriptions_due on subscriptions (next_send_at) where cancelled_at is null;

-- Each subscriber's forecast for each local day: the unique key makes a second send for the same
-- day impossible, whatever retries, restarts, broadcasts or instances do.
create table forecast_deliveries (
  id              bigserial primary key,
  subscription_id bigint not null references subscriptions (id) on delete cascade,
  local_date      date not null,
  due_at          timestamptz not null,
  -- queued → sending → sent | skipped | failed. "sending" that outlives its lease is checked against
  -- Twilio's message log before any new attempt (a crash after Twilio accepted the message).
  status          text not null default 'queued',
  attempts        integer not null default 0,
  -- The text being sent, kept before the REST call so that a retry can recognise it in Twilio's log.
  body            text,
  message_sid     text,
  reason          text,
  created_at      timestamptz not null,
  updated_at      timestamptz not null,
  unique (subscription_id, local_date)
);
create index forecast_deliveries_open on forecast_deliveries (updated_at) where status in ('queued', 'sending');
create index forecast_deliveries_date on forecast_deliveries (local_date);

create table geocode_cache (
  query      text primary key,
  places     jsonb not null,
  fetched_at timestamptz not null
);
