// Drives calls through the voice webhooks as Twilio would, on a hand clock, for the dashboard tests.
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { ACCOUNT_SID, OPEN_TIME, sid, signedPost, voiceParams } from "../helpers.js";

export class HandClock {
  private at = OPEN_TIME.getTime();
  readonly now = () => new Date(this.at);
  advance(seconds: number) {
    this.at += seconds * 1000;
  }
}

let calls = 0;

export class CallDriver {
  constructor(
    private readonly app: FastifyInstance,
    private readonly clock: HandClock,
  ) {}

  private async post(path: string, callSid: string, from: string, extra: Record<string, string> = {}) {
    const response = await signedPost(this.app, path, voiceParams(callSid, { From: from, Caller: from, ...extra }));
    assert.ok(response.statusCode < 300, `${path}: ${response.statusCode} ${response.body}`);
    return response;
  }

  /** A new call that chooses `digits` at the main menu. */
  async call(from = "+61491570001", digits?: string): Promise<string> {
    calls += 1;
    const callSid = sid("CA", 0xd000 + calls);
    await this.post("/twilio/voice/incoming", callSid, from, { CallStatus: "ringing" });
    if (digits) await this.post("/twilio/voice/menu/main-menu?attempt=1", callSid, from, { Digits: digits });
    return callSid;
  }

  /** A call to Sales (main menu 3). */
  toSales(from?: string) {
    return this.call(from, "3");
  }

  /** An agent's leg answers (<Number statusCallback>): Jack Wilson is Sales' agent 1. */
  async agentAnswers(callSid: string, node = "sales", agent = 1) {
    const response = await signedPost(this.app, `/twilio/voice/dial/${node}/answered?agent=${agent}`, {
      AccountSid: ACCOUNT_SID,
      CallSid: sid("CA", 0xe000 + calls),
      ParentCallSid: callSid,
      CallStatus: "in-progress",
      Direction: "outbound-dial",
      From: "+61255501234",
      To: "+61491570131",
      CallbackSource: "call-progress-events",
      SequenceNumber: "0",
    });
    assert.equal(response.statusCode, 204, response.body);
  }

  /** The bridge ended after `talk` seconds: Twilio requests the <Dial action>. */
  async dialEnded(callSid: string, status: string, talk = 0, node = "sales", from = "+61491570001") {
    return this.post(`/twilio/voice/dial/${node}`, callSid, from, { DialCallStatus: status, DialCallDuration: String(talk), DialCallSid: sid("CA", 0xf000 + calls) });
  }

  /** The call's final status callback. */
  async ended(callSid: string, from = "+61491570001") {
    return this.post("/twilio/voice/status", callSid, from, { CallStatus: "completed", CallDuration: "30", SequenceNumber: "3" });
  }

  /** Caller waits `wait` s at Sales, an agent answers and they talk for a minute. */
  async answeredAfter(wait: number) {
    const callSid = await this.toSales();
    this.clock.advance(wait);
    await this.agentAnswers(callSid);
    this.clock.advance(60);
    await this.dialEnded(callSid, "completed", 60);
    await this.ended(callSid);
    return callSid;
  }

  /** Caller waits `wait` s at Sales and hangs up: Twilio makes no dial request, only the status callback. */
  async abandonedAfter(wait: number) {
    const callSid = await this.toSales();
    this.clock.advance(wait);
    await this.ended(callSid);
    return callSid;
  }
}
