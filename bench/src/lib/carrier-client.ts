// The carrier's control API (/_carrier, docs/carrier.md) and the bits of its REST API the bench
// needs (numbers, the message log), over keep-alive connections: `pool` requests in flight at most.
// The clock gets a connection of its own, so that it is never stuck behind callers' long polls.
import type { CallView, TimelineEvent } from "../../../e2e/test/system.js";
import { JsonHttp } from "./http-json.js";

export type { CallView, TimelineEvent };

export interface Credentials {
  accountSid: string;
  authToken: string;
}

export interface RestMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  status: string;
}

export class CarrierClient {
  private readonly http: JsonHttp;
  private readonly clockHttp: JsonHttp;

  constructor(
    readonly url: string,
    readonly credentials: Credentials,
    pool = 64,
  ) {
    this.http = new JsonHttp(url, pool);
    this.clockHttp = new JsonHttp(url, 1);
  }

  private get auth(): Record<string, string> {
    return { authorization: `Basic ${Buffer.from(`${this.credentials.accountSid}:${this.credentials.authToken}`).toString("base64")}` };
  }

  /** Creates ("buys") a number over REST, pointing where `params` say. */
  async createNumber(params: Record<string, string>): Promise<void> {
    await this.http.ok("POST", `/2010-04-01/Accounts/${this.credentials.accountSid}/IncomingPhoneNumbers.json`, {
      form: new URLSearchParams(params),
      headers: this.auth,
    });
  }

  /** Every message in the REST log sent from `from`, page by page (1,000 a page, by next_page_uri). */
  async messagesFrom(from: string): Promise<RestMessage[]> {
    const all: RestMessage[] = [];
    let next: string | null = `/2010-04-01/Accounts/${this.credentials.accountSid}/Messages.json?${new URLSearchParams({ From: from, PageSize: "1000" })}`;
    while (next) {
      const page: { messages: RestMessage[]; next_page_uri: string | null } = await this.http.ok("GET", next, { headers: this.auth, timeoutMs: 300_000 });
      all.push(...page.messages);
      next = page.next_page_uri;
    }
    return all;
  }

  async placeCall(from: string, to: string): Promise<string> {
    return (await this.http.ok<{ sid: string }>("POST", "/_carrier/calls", { json: { from, to } })).sid;
  }

  /**
   * The call once it waits on the caller or a handset, has ended, or `timeoutSeconds` passed; its
   * timeline from event `since` on.
   */
  settled(sid: string, timeoutSeconds = 30, since = 0): Promise<CallView> {
    return this.http.ok("GET", `/_carrier/calls/${sid}/settled?timeout=${timeoutSeconds}&since=${since}`, { timeoutMs: (timeoutSeconds + 30) * 1000 });
  }

  /** The call, with its timeline from event `since` on. */
  call(sid: string, since = 0): Promise<CallView> {
    return this.http.ok("GET", `/_carrier/calls/${sid}?since=${since}`);
  }

  /** Every call, newest first, without timelines. */
  async calls(): Promise<CallView[]> {
    return (await this.http.ok<{ calls: CallView[] }>("GET", "/_carrier/calls", { timeoutMs: 300_000 })).calls;
  }

  async press(sid: string, digits: string): Promise<boolean> {
    return (await this.http.ok<{ accepted: boolean }>("POST", `/_carrier/calls/${sid}/digits`, { json: { digits } })).accepted;
  }

  /** The handset answers a call ringing on it. */
  async answer(sid: string): Promise<void> {
    await this.http.ok("POST", `/_carrier/calls/${sid}/answer`);
  }

  async hangup(sid: string): Promise<void> {
    await this.http.ok("POST", `/_carrier/calls/${sid}/hangup`);
  }

  clock(): Promise<{ mode: string; now: string; nextTimerAt: string | null }> {
    return this.clockHttp.ok("GET", "/_carrier/clock");
  }

  async advance(seconds: number): Promise<void> {
    await this.clockHttp.ok("POST", "/_carrier/clock/advance", { json: { seconds }, timeoutMs: 300_000 });
  }

  close(): void {
    this.http.close();
    this.clockHttp.close();
  }
}
