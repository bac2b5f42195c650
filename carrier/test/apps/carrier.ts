// The carrier as a real app meets it: listening on a loopback port, with an account SID and auth
// token, a number bought over the REST API with the app's webhook URLs, and the control API (over
// HTTP, JSON) standing in for the people on the handsets. The clock is manual: the tests move time.
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { buildCarrier, type Carrier } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";

export const ACCOUNT_SID = `AC${"5a".repeat(16)}`;
export const AUTH_TOKEN = "apps-test-auth-token-0123456789ab";
/** ManualClock's default start. */
export const START = Date.parse("2026-01-05T09:00:00Z");

export interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  [field: string]: unknown;
}

export interface CallView {
  sid: string;
  status: string;
  activity: string;
  settled: boolean;
  bridgedWith: string | null;
  endTime: string | null;
  timeline: TimelineEvent[];
}

export interface RunningCarrier extends Carrier {
  /** e.g. http://127.0.0.1:40123: the REST API is under /2010-04-01, the control API under /_carrier. */
  baseUrl: string;
  /** A control API request; fails the test on an answer other than 2xx. */
  control<T = Record<string, unknown>>(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<T>;
  /** Buys `phoneNumber` over the REST API, as an app's setup script would. */
  buyNumber(phoneNumber: string, urls: { voiceUrl?: string; smsUrl?: string }): Promise<void>;
  /** The handset `from` calls `to`; resolves with the call once it waits on the caller (or ended). */
  call(from: string, to: string): Promise<CallView>;
  /** The call once it waits on the caller or a handset, or has ended. */
  settled(sid: string): Promise<CallView>;
  /** The caller presses keys; resolves once the call waits on them again. */
  press(sid: string, digits: string): Promise<CallView>;
  /** Moves the manual clock (it waits for webhooks in flight and steps from timer to timer). */
  advance(seconds: number): Promise<{ now: string; fired: number; leftBehind: number }>;
  /**
   * Lets the prompts play: moves the clock from timer to timer while the call is saying, playing or
   * pausing, so it stops the moment the call listens (a Gather's timeout has not begun to run down).
   */
  untilListening(sid: string): Promise<CallView>;
  /** A client handset (`client:<identity>`, a browser agent) comes online. */
  registerClient(identity: string): Promise<void>;
  /** The one call ringing on the handset `address` now (a number or `client:<identity>`). */
  ringingOn(address: string): Promise<CallView>;
  /** The handset on the call says `text`; resolves with whether anyone heard it. */
  speak(sid: string, text: string): Promise<boolean>;
  /** The handset `from` texts `to`. */
  text(from: string, to: string, body: string): Promise<void>;
  /** The bodies of the texts the handset has been sent, once there are `count` of them. */
  inbox(number: string, count: number): Promise<string[]>;
}

export async function startCarrier(t: TestContext): Promise<RunningCarrier> {
  const carrier = await buildCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, publicUrl: "http://127.0.0.1:1", clock: new ManualClock() });
  t.after(() => carrier.app.close());
  const baseUrl = await carrier.app.listen({ port: 0, host: "127.0.0.1" });
  async function control<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/_carrier${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as T;
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }
  const settled = (sid: string) => control<CallView>("GET", `/calls/${sid}/settled?timeout=10`);
  return {
    ...carrier,
    baseUrl,
    control,
    async buyNumber(phoneNumber, urls) {
      const form = new URLSearchParams({ PhoneNumber: phoneNumber });
      if (urls.voiceUrl) form.set("VoiceUrl", urls.voiceUrl);
      if (urls.smsUrl) form.set("SmsUrl", urls.smsUrl);
      const res = await fetch(`${baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers.json`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}` },
        body: form,
      });
      assert.equal(res.status, 201, await res.text());
    },
    async call(from, to) {
      const { sid } = await control<{ sid: string }>("POST", "/calls", { from, to });
      return settled(sid);
    },
    settled,
    async press(sid, digits) {
      const { accepted } = await control<{ accepted: boolean }>("POST", `/calls/${sid}/digits`, { digits });
      assert.ok(accepted, `nothing listened for ${digits}`);
      return settled(sid);
    },
    advance: (seconds) => control("POST", "/clock/advance", { seconds }),
    async untilListening(sid) {
      for (;;) {
        const view = await settled(sid);
        if (view.activity !== "media") return view;
        const clock = await control<{ now: string; nextTimerAt: string | null }>("GET", "/clock");
        assert.ok(clock.nextTimerAt, "media plays on a timer");
        await control("POST", "/clock/advance", { seconds: (Date.parse(clock.nextTimerAt) - Date.parse(clock.now)) / 1000 });
      }
    },
    async registerClient(identity) {
      await control("POST", "/clients", { identity });
    },
    async ringingOn(address) {
      const { calls } = await control<{ calls: CallView[] }>("GET", `/phones/${encodeURIComponent(address)}/calls`);
      const ringing = calls.filter((c) => c.activity === "ringing");
      assert.equal(ringing.length, 1, `calls ringing on ${address}: ${JSON.stringify(calls.map((c) => [c.sid, c.activity]))}`);
      return ringing[0] as CallView;
    },
    async speak(sid, text) {
      const { accepted } = await control<{ accepted: boolean }>("POST", `/calls/${sid}/speech`, { text });
      return accepted;
    },
    async text(from, to, body) {
      await control("POST", "/messages", { from, to, body });
    },
    async inbox(number, count) {
      const { messages } = await control<{ messages: { to: string; body: string; dateCreated: string }[] }>(
        "GET",
        `/phones/${encodeURIComponent(number)}/messages?wait=10&count=${count}`,
      );
      const received = messages.filter((m) => m.to === number).map((m) => m.body);
      assert.equal(received.length, count, `texts to ${number}: ${JSON.stringify(received)}`);
      return received;
    },
  };
}

/** What the caller heard (every <Say>) on the call so far, in order. */
export function said(call: CallView): string[] {
  return call.timeline.filter((e) => e.type === "say").map((e) => String(e.text));
}

/** What the handset on the call heard the others say (`heard` events), as [text, from] pairs. */
export function heard(call: CallView): [string, string][] {
  return call.timeline.filter((e) => e.type === "heard").map((e) => [String(e.text), String(e.from)]);
}

/** Milliseconds of clock time from the start to an event. */
export function at(event: TimelineEvent | undefined): number | undefined {
  return event ? Date.parse(event.at) - START : undefined;
}
