// The carrier's state, in memory: its account, the numbers "bought" on it, calls, messages,
// recordings, opt-outs and the simulated handsets. A carrier is a simulator: it starts empty.
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Clock } from "./clock.js";
import { newKeySecret, newSid } from "./sids.js";

export interface Account {
  sid: string;
  authToken: string;
}

/**
 * A Standard API key (Twilio's Keys resource): its SID and secret authenticate like the account's SID
 * and auth token, except on the Accounts and Keys resources. Only a hash of the secret is kept: Twilio
 * shows the secret once, when the key is created.
 */
export interface ApiKey {
  sid: string;
  friendlyName: string | null;
  secretSha256: Buffer;
  dateCreated: Date;
  dateUpdated: Date;
}

/**
 * A TwiML app (Twilio's Application resource): URLs that numbers and calls can share. A number with a
 * VoiceApplicationSid (SmsApplicationSid) takes its calls' (messages') URLs from the application
 * instead of its own.
 */
export interface Application {
  sid: string;
  friendlyName: string | null;
  voiceUrl: string | null;
  voiceMethod: HttpMethod;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  smsUrl: string | null;
  smsMethod: HttpMethod;
  smsFallbackUrl: string | null;
  smsFallbackMethod: HttpMethod;
  smsStatusCallback: string | null;
  messageStatusCallback: string | null;
  voiceCallerIdLookup: boolean;
  dateCreated: Date;
  dateUpdated: Date;
}

type HttpMethod = "GET" | "POST";

/** Where a number's calls go: its own URLs, or its voice application's. */
export interface VoiceRoute {
  url: string | null;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
}

/** Where a number's messages go: its own URLs, or its SMS application's. */
export interface SmsRoute {
  url: string | null;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
}

/**
 * A verified caller ID (Twilio's OutgoingCallerId): a number that is not the carrier's but that the
 * account may call from. Twilio's SIDs for these start with PN, like its phone numbers'.
 */
export interface CallerId {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface PhoneNumber {
  sid: string;
  voiceApplicationSid: string | null;
  smsApplicationSid: string | null;
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: "GET" | "POST";
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: "GET" | "POST";
  smsUrl: string | null;
  smsMethod: "GET" | "POST";
  smsFallbackUrl: string | null;
  smsFallbackMethod: "GET" | "POST";
  statusCallback: string | null;
  statusCallbackMethod: "GET" | "POST";
  dateCreated: Date;
  dateUpdated: Date;
}

export type MessageStatus = "queued" | "sending" | "sent" | "delivered" | "undelivered" | "failed" | "received" | "receiving";

export interface Message {
  sid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  status: MessageStatus;
  direction: "inbound" | "outbound-api" | "outbound-reply" | "outbound-call";
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

export interface Recording {
  sid: string;
  callSid: string;
  durationSeconds: number;
  /** in-progress and paused while recording; -1 is the duration until it is completed (Twilio's). */
  status: "in-progress" | "paused" | "stopped" | "processing" | "completed" | "absent" | "failed";
  /** <Start><Recording> is StartCallRecordingAPI too: the one source Twilio's API lists for it. */
  source: "RecordVerb" | "DialVerb" | "OutboundAPI" | "StartCallRecordingAPI" | "Conference";
  /** A conference's recording: the conference recorded (its callSid is the participant whose arrival started it). */
  conferenceSid?: string;
  channels: number;
  /** Which audio: the caller's (inbound), what the caller hears (outbound), or both; REST and <Start> only. */
  track?: "inbound" | "outbound" | "both";
  /** What the handset said while recording: the transcription's text. */
  transcript: string;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date;
}

/** What a handset does when a call rings on it, for tests that need a fixed outcome. */
export type HandsetBehaviour = "manual" | "answer" | "busy" | "no-answer" | "fail";

/**
 * A browser client's address (Twilio's `client:<identity>`). Twilio's rule for the identity of a Voice
 * SDK client: letters, digits and underscores only (no spaces or other characters), at most 256
 * characters (docs/twilio-contract.md §2.5, <Client>).
 */
export const CLIENT_IDENTITY = /^[A-Za-z0-9_]{1,256}$/;
export const CLIENT_ADDRESS = /^client:[A-Za-z0-9_]{1,256}$/;

export function isClientAddress(address: string): boolean {
  return address.startsWith("client:");
}

export interface Handset {
  /** An E.164 number, or `client:<identity>` for a browser client. */
  number: string;
  behaviour: HandsetBehaviour;
  /**
   * Whether calls can reach it. A number's handset always can; a client's only while it is
   * registered (a Voice SDK Device that is online), through the control API.
   */
  registered: boolean;
  /** Messages delivered to this handset (inbound to it), in order. */
  inbox: string[];
  /** Messages it sent. */
  outbox: string[];
  /** Calls that rang on it or that it placed. */
  calls: string[];
}

export class Store extends EventEmitter {
  readonly numbers = new Map<string, PhoneNumber>();
  readonly messages = new Map<string, Message>();
  readonly recordings = new Map<string, Recording>();
  readonly handsets = new Map<string, Handset>();
  readonly keys = new Map<string, ApiKey>();
  readonly applications = new Map<string, Application>();
  readonly callerIds = new Map<string, CallerId>();
  /** Blocked (sender number, recipient) pairs after STOP. */
  private readonly optOuts = new Set<string>();

  /** When the account "opened": when the carrier started (the REST Account's date_created). */
  readonly accountCreated: Date;

  constructor(
    readonly account: Account,
    readonly clock: Clock,
    /** Where this carrier is reachable (recording media URLs). */
    readonly publicUrl: string,
  ) {
    super();
    this.accountCreated = clock.now();
  }

  numberByPhone(phone: string): PhoneNumber | undefined {
    for (const number of this.numbers.values()) if (number.phoneNumber === phone) return number;
    return undefined;
  }

  addNumber(fields: Partial<PhoneNumber> & { phoneNumber: string }): PhoneNumber {
    const now = this.clock.now();
    const number: PhoneNumber = {
      sid: newSid("PN"),
      friendlyName: fields.phoneNumber,
      voiceApplicationSid: null,
      smsApplicationSid: null,
      voiceUrl: null,
      voiceMethod: "POST",
      voiceFallbackUrl: null,
      voiceFallbackMethod: "POST",
      smsUrl: null,
      smsMethod: "POST",
      smsFallbackUrl: null,
      smsFallbackMethod: "POST",
      statusCallback: null,
      statusCallbackMethod: "POST",
      dateCreated: now,
      dateUpdated: now,
      ...fields,
    };
    this.numbers.set(number.sid, number);
    return number;
  }

  callerIdByPhone(phone: string): CallerId | undefined {
    for (const callerId of this.callerIds.values()) if (callerId.phoneNumber === phone) return callerId;
    return undefined;
  }

  addCallerId(phoneNumber: string, friendlyName: string): CallerId {
    const now = this.clock.now();
    const callerId: CallerId = { sid: newSid("PN"), phoneNumber, friendlyName, dateCreated: now, dateUpdated: now };
    this.callerIds.set(callerId.sid, callerId);
    return callerId;
  }

  addApplication(fields: Partial<Omit<Application, "sid" | "dateCreated" | "dateUpdated">>): Application {
    const now = this.clock.now();
    const application: Application = {
      sid: newSid("AP"),
      friendlyName: null,
      voiceUrl: null,
      voiceMethod: "POST",
      voiceFallbackUrl: null,
      voiceFallbackMethod: "POST",
      statusCallback: null,
      statusCallbackMethod: "POST",
      smsUrl: null,
      smsMethod: "POST",
      smsFallbackUrl: null,
      smsFallbackMethod: "POST",
      smsStatusCallback: null,
      messageStatusCallback: null,
      voiceCallerIdLookup: false,
      ...fields,
      dateCreated: now,
      dateUpdated: now,
    };
    this.applications.set(application.sid, application);
    return application;
  }

  /** Deletes an application; the numbers that used it go back to their own URLs. */
  deleteApplication(sid: string): void {
    this.applications.delete(sid);
    for (const number of this.numbers.values()) {
      if (number.voiceApplicationSid === sid) number.voiceApplicationSid = null;
      if (number.smsApplicationSid === sid) number.smsApplicationSid = null;
    }
  }

  /** Twilio's rule: with a VoiceApplicationSid, the application's voice URLs and status callback are used. */
  voiceRoute(number: PhoneNumber): VoiceRoute {
    const app = number.voiceApplicationSid ? this.applications.get(number.voiceApplicationSid) : undefined;
    const from = app ?? number;
    return {
      url: from.voiceUrl,
      method: from.voiceMethod,
      fallbackUrl: from.voiceFallbackUrl,
      fallbackMethod: from.voiceFallbackMethod,
      statusCallback: from.statusCallback,
      statusCallbackMethod: from.statusCallbackMethod,
    };
  }

  /** Twilio's rule: with an SmsApplicationSid, the application's SMS URLs are used. */
  smsRoute(number: PhoneNumber): SmsRoute {
    const app = number.smsApplicationSid ? this.applications.get(number.smsApplicationSid) : undefined;
    const from = app ?? number;
    return { url: from.smsUrl, method: from.smsMethod, fallbackUrl: from.smsFallbackUrl, fallbackMethod: from.smsFallbackMethod };
  }

  /** A new Standard API key, with its secret: the only time the secret is available. */
  createKey(friendlyName: string | null): { key: ApiKey; secret: string } {
    const now = this.clock.now();
    const secret = newKeySecret();
    const key: ApiKey = { sid: newSid("SK"), friendlyName, secretSha256: sha256(secret), dateCreated: now, dateUpdated: now };
    this.keys.set(key.sid, key);
    return { key, secret };
  }

  handset(number: string): Handset {
    let handset = this.handsets.get(number);
    if (!handset) {
      handset = { number, behaviour: "manual", registered: !isClientAddress(number), inbox: [], outbox: [], calls: [] };
      this.handsets.set(number, handset);
    }
    return handset;
  }

  /** A client comes online as `client:<identity>` (a Voice SDK Device registering), with a behaviour. */
  registerClient(identity: string, behaviour?: HandsetBehaviour): Handset {
    const handset = this.handset(`client:${identity}`);
    handset.registered = true;
    if (behaviour) handset.behaviour = behaviour;
    return handset;
  }

  /** The client goes offline: calls to it fail as to an unregistered identity. */
  unregisterClient(identity: string): boolean {
    const handset = this.handsets.get(`client:${identity}`);
    if (!handset?.registered) return false;
    handset.registered = false;
    return true;
  }

  isOptedOut(sender: string, recipient: string): boolean {
    return this.optOuts.has(`${sender}|${recipient}`);
  }

  setOptOut(sender: string, recipient: string, optedOut: boolean): void {
    if (optedOut) this.optOuts.add(`${sender}|${recipient}`);
    else this.optOuts.delete(`${sender}|${recipient}`);
  }

  recordingUrl(sid: string): string {
    return `${this.publicUrl}/2010-04-01/Accounts/${this.account.sid}/Recordings/${sid}`;
  }
}

export function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
