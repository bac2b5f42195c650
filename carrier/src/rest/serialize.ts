// Resources as Twilio's JSON (docs/twilio-contract.md §8.3–8.6): snake_case, RFC 2822 dates, null for
// absent values, some numbers as strings, and `uri`/`subresource_uris` as /2010-04-01/… paths.
import type { Call, CallStatus } from "../calls/call.js";
import { rfc2822 } from "../clock.js";
import { isTollFree } from "../numbering.js";
import type { ApiKey, Application, Message, PhoneNumber, Recording, Store } from "../store.js";

export const API = "/2010-04-01";
export const API_VERSION = "2010-04-01";

export function accountPath(store: Store): string {
  return `${API}/Accounts/${store.account.sid}`;
}

function date(value: Date | null | undefined): string | null {
  return value ? rfc2822(value) : null;
}

/** A North American number as Twilio formats it, "(415) 555-0100"; other numbers as they are. */
export function formatNumber(number: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}

/** The REST `status` has no `initiated` (docs/twilio-contract.md §4.1): a call still being set up reads as queued. */
export function restCallStatus(status: CallStatus): Exclude<CallStatus, "initiated"> {
  return status === "initiated" ? "queued" : status;
}

export function phoneNumberJson(store: Store, n: PhoneNumber): Record<string, unknown> {
  const uri = `${accountPath(store)}/IncomingPhoneNumbers/${n.sid}`;
  return {
    account_sid: store.account.sid,
    address_requirements: "none",
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: { voice: true, sms: true, mms: false, fax: false },
    date_created: date(n.dateCreated),
    date_updated: date(n.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: "unregistered",
    emergency_status: "Inactive",
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: "twilio",
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: n.smsApplicationSid,
    sms_fallback_method: n.smsFallbackMethod,
    sms_fallback_url: n.smsFallbackUrl,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl,
    status: "in-use",
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    subresource_uris: { assigned_add_ons: `${uri}/AssignedAddOns.json` },
    trunk_sid: null,
    type: isTollFree(n.phoneNumber) ? "tollfree" : "local",
    uri: `${uri}.json`,
    voice_application_sid: n.voiceApplicationSid,
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: "voice",
    voice_url: n.voiceUrl,
  };
}

export function callJson(store: Store, call: Call): Record<string, unknown> {
  const uri = `${accountPath(store)}/Calls/${call.sid}`;
  const duration = call.durationSeconds;
  // Inbound: the number called. Outbound: Twilio names the caller ID placed from; here that is the
  // account's number the call is from, when it is one.
  const phoneNumberSid = call.phoneNumberSid ?? null;
  return {
    account_sid: call.accountSid,
    annotation: null,
    answered_by: null,
    api_version: API_VERSION,
    caller_name: null,
    date_created: date(call.dateCreated),
    date_updated: date(call.dateUpdated),
    direction: call.direction,
    duration: duration === null ? null : String(duration),
    end_time: date(call.endTime),
    forwarded_from: null,
    from: call.from,
    from_formatted: formatNumber(call.from),
    group_sid: null,
    parent_call_sid: call.parentCallSid ?? null,
    phone_number_sid: phoneNumberSid,
    price: null,
    price_unit: "USD",
    queue_time: "0",
    sid: call.sid,
    start_time: date(call.startTime),
    status: restCallStatus(call.status),
    subresource_uris: {
      events: `${uri}/Events.json`,
      feedback: `${uri}/Feedback.json`,
      feedback_summaries: `${accountPath(store)}/Calls/FeedbackSummary.json`,
      notifications: `${uri}/Notifications.json`,
      payments: `${uri}/Payments.json`,
      recordings: `${uri}/Recordings.json`,
      siprec: `${uri}/Siprec.json`,
      streams: `${uri}/Streams.json`,
      transcriptions: `${uri}/Transcriptions.json`,
      user_defined_message_subscriptions: `${uri}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${uri}/UserDefinedMessages.json`,
    },
    to: call.to,
    to_formatted: formatNumber(call.to),
    trunk_sid: null,
    uri: `${uri}.json`,
  };
}

export function messageJson(store: Store, m: Message): Record<string, unknown> {
  const uri = `${accountPath(store)}/Messages/${m.sid}`;
  return {
    account_sid: store.account.sid,
    api_version: API_VERSION,
    body: m.body,
    date_created: date(m.dateCreated),
    date_sent: date(m.dateSent),
    date_updated: date(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: null,
    num_media: String(m.mediaUrls.length),
    num_segments: String(m.numSegments),
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    to: m.to,
    uri: `${uri}.json`,
  };
}

export function recordingJson(store: Store, r: Recording): Record<string, unknown> {
  const uri = `${accountPath(store)}/Recordings/${r.sid}`;
  return {
    account_sid: store.account.sid,
    api_version: API_VERSION,
    call_sid: r.callSid,
    channels: r.channels,
    conference_sid: r.conferenceSid ?? null,
    date_created: date(r.dateCreated),
    date_updated: date(r.dateUpdated),
    duration: String(r.durationSeconds),
    encryption_details: null,
    error_code: null,
    media_url: store.recordingUrl(r.sid),
    price: null,
    price_unit: "USD",
    sid: r.sid,
    source: r.source,
    start_time: date(r.startTime),
    status: r.status,
    subresource_uris: {
      add_on_results: `${uri}/AddOnResults.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
    uri: `${uri}.json`,
  };
}

/** Newest first by date created; items created at the same instant, the later-added first. */
export function newestFirst<T extends { dateCreated: Date }>(items: Iterable<T>): T[] {
  return [...items].reverse().sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
}

export function keyJson(key: ApiKey): Record<string, unknown> {
  return { sid: key.sid, friendly_name: key.friendlyName, date_created: date(key.dateCreated), date_updated: date(key.dateUpdated) };
}

/** Twilio's default name for a new account. */
const ACCOUNT_FRIENDLY_NAME = "My first Twilio account";
const ACCOUNT_SUBRESOURCES = {
  addresses: "Addresses",
  applications: "Applications",
  authorized_connect_apps: "AuthorizedConnectApps",
  available_phone_numbers: "AvailablePhoneNumbers",
  balance: "Balance",
  calls: "Calls",
  conferences: "Conferences",
  connect_apps: "ConnectApps",
  incoming_phone_numbers: "IncomingPhoneNumbers",
  keys: "Keys",
  messages: "Messages",
  notifications: "Notifications",
  outgoing_caller_ids: "OutgoingCallerIds",
  queues: "Queues",
  recordings: "Recordings",
  short_codes: "SMS/ShortCodes",
  signing_keys: "SigningKeys",
  sip: "SIP",
  transcriptions: "Transcriptions",
  usage: "Usage",
} as const;

/** The carrier's one account: a full (not trial) account that owns itself. Twilio includes the auth token. */
export function accountJson(store: Store): Record<string, unknown> {
  const path = accountPath(store);
  return {
    auth_token: store.account.authToken,
    date_created: date(store.accountCreated),
    date_updated: date(store.accountCreated),
    friendly_name: ACCOUNT_FRIENDLY_NAME,
    owner_account_sid: store.account.sid,
    sid: store.account.sid,
    status: "active",
    subresource_uris: Object.fromEntries(Object.entries(ACCOUNT_SUBRESOURCES).map(([key, name]) => [key, `${path}/${name}.json`])),
    type: "Full",
    uri: `${path}.json`,
  };
}

export function applicationJson(store: Store, a: Application): Record<string, unknown> {
  return {
    account_sid: store.account.sid,
    api_version: API_VERSION,
    date_created: date(a.dateCreated),
    date_updated: date(a.dateUpdated),
    friendly_name: a.friendlyName,
    message_status_callback: a.messageStatusCallback,
    public_application_connect_enabled: false,
    sid: a.sid,
    sms_fallback_method: a.smsFallbackMethod,
    sms_fallback_url: a.smsFallbackUrl,
    sms_method: a.smsMethod,
    sms_status_callback: a.smsStatusCallback,
    sms_url: a.smsUrl,
    status_callback: a.statusCallback,
    status_callback_method: a.statusCallbackMethod,
    uri: `${accountPath(store)}/Applications/${a.sid}.json`,
    voice_caller_id_lookup: a.voiceCallerIdLookup,
    voice_fallback_method: a.voiceFallbackMethod,
    voice_fallback_url: a.voiceFallbackUrl,
    voice_method: a.voiceMethod,
    voice_url: a.voiceUrl,
  };
}

/** A queue as the Queues resource shows it; its size and average wait are counted at the request. */
export function queueJson(store: Store, q: { sid: string; name: string; maxSize: number; dateCreated: Date; dateUpdated: Date }, now: { size: number; averageWaitSeconds: number }): Record<string, unknown> {
  const uri = `${accountPath(store)}/Queues/${q.sid}`;
  return {
    account_sid: store.account.sid,
    average_wait_time: now.averageWaitSeconds,
    current_size: now.size,
    date_created: date(q.dateCreated),
    date_updated: date(q.dateUpdated),
    friendly_name: q.name,
    max_size: q.maxSize,
    sid: q.sid,
    subresource_uris: { members: `${uri}/Members.json` },
    uri: `${uri}.json`,
  };
}

/** A caller waiting in a queue, as the Members resource shows it. */
export function memberJson(store: Store, queueSid: string, m: { callSid: string; dateEnqueued: Date; position: number; waitSeconds: number }): Record<string, unknown> {
  return {
    call_sid: m.callSid,
    date_enqueued: date(m.dateEnqueued),
    position: m.position,
    queue_sid: queueSid,
    uri: `${accountPath(store)}/Queues/${queueSid}/Members/${m.callSid}.json`,
    wait_time: m.waitSeconds,
  };
}
