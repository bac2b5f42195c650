// Runs the real call engine against a stub webhook application over loopback HTTP. The stub records
// every request and lets a test await the Nth one; the engine runs on a ManualClock, so time moves
// only when a test advances it. Nothing here sleeps or polls: waits resolve on events, with a guard
// that fails the test (instead of hanging it) when the awaited thing never happens.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { ManualClock } from "../../src/clock.js";
import { Store, type PhoneNumber } from "../../src/store.js";
import { VERBS } from "../../src/verbs/registry.js";
import { Engine, type EngineLimits } from "../../src/calls/engine.js";
import type { Call } from "../../src/calls/call.js";
import { placeInbound } from "../../src/calls/placement.js";
import { keys } from "../../src/calls/input.js";
import { speak, typing } from "../../src/calls/speech.js";
import type { TimelineEvent } from "../../src/timeline.js";

export const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
export const AUTH_TOKEN = "engine-test-auth-token-0123456789";
/** The handset that calls in (San Francisco, for the geography parameters). */
export const CALLER = "+14155550100";
/** The carrier's number the tests call. */
export const NUMBER = "+15005550006";
/** ManualClock's default start. */
export const START = Date.parse("2026-01-05T09:00:00Z");
/** Real time a wait may take before the test fails: loopback HTTP answers in milliseconds. */
const GUARD_MS = 4000;

/** The standard voice parameters (docs/twilio-contract.md §5.1) every TwiML request carries. */
export const STANDARD_PARAMS = [
  "CallSid", "AccountSid", "From", "To", "Caller", "Called", "CallStatus", "ApiVersion", "Direction",
  "FromCity", "FromState", "FromZip", "FromCountry", "ToCity", "ToState", "ToZip", "ToCountry",
] as const;

export interface StubRequest {
  seq: number;
  method: string;
  path: string;
  /** The full URL as requested (what Twilio signs). */
  url: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Form body for POST, query string for GET. */
  params: Record<string, string>;
}

export type Reply = string | { status?: number; contentType?: string; headers?: Record<string, string>; body?: string | Uint8Array };
export type Handler = (params: Record<string, string>, request: StubRequest) => Reply | Promise<Reply>;
export type Match = string | ((request: StubRequest) => boolean);

export function twiml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
}

/** Lets work already started (microtasks, I/O callbacks due now) run. Not a timer-based wait. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves with `promise`, or rejects with `what` after the guard time. */
function guarded<T>(promise: Promise<T>, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()} (waited ${GUARD_MS} ms)`)), GUARD_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

export class StubApp {
  readonly requests: StubRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly waiters = new Set<() => void>();
  url = "";

  private constructor(private readonly server: Server) {}

  static async start(): Promise<StubApp> {
    const server = createServer();
    const stub = new StubApp(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        void (async () => {
          const url = new URL(req.url ?? "/", stub.url);
          const query = Object.fromEntries(url.searchParams);
          const body = Buffer.concat(chunks).toString("utf8");
          const request: StubRequest = {
            seq: stub.requests.length,
            method: req.method ?? "GET",
            path: url.pathname,
            url: url.toString(),
            query,
            headers: req.headers,
            params: req.method === "POST" ? Object.fromEntries(new URLSearchParams(body)) : query,
          };
          stub.requests.push(request);
          for (const waiter of [...stub.waiters]) waiter();
          const handler = stub.routes.get(url.pathname);
          let reply: Reply = { status: 404, contentType: "text/plain", body: "no route" };
          try {
            if (handler) reply = await handler(request.params, request);
          } catch (error) {
            reply = { status: 500, contentType: "text/plain", body: String(error) };
          }
          const r = typeof reply === "string" ? { body: reply } : reply;
          res.writeHead(r.status ?? 200, { "content-type": r.contentType ?? "text/xml", ...r.headers });
          res.end(r.body ?? "");
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return stub;
  }

  /** Sets what `path` answers: a handler, a TwiML string, or a fixed reply. */
  route(path: string, handler: Handler | Reply): this {
    this.routes.set(path, typeof handler === "function" ? handler : () => handler);
    return this;
  }

  /** `path` answers `<Response>inner</Response>`. */
  twiml(path: string, inner: string): this {
    return this.route(path, twiml(inner));
  }

  /** Requests made so far to `path`. */
  to(path: string): StubRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves with the `nth` request (1-based) matching a path or predicate, arrived or to come. */
  waitFor(match: Match, nth = 1): Promise<StubRequest> {
    const test = typeof match === "string" ? (r: StubRequest) => r.path === match : match;
    const find = () => this.requests.filter(test)[nth - 1];
    const found = find();
    if (found) return Promise.resolve(found);
    let waiter: () => void = () => undefined;
    const arrived = new Promise<StubRequest>((resolve) => {
      waiter = () => {
        const hit = find();
        if (hit) resolve(hit);
      };
      this.waiters.add(waiter);
    });
    return guarded(arrived, () => {
      const seen = this.requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none";
      return `no request #${nth} matching ${typeof match === "string" ? match : "the predicate"}; requests: ${seen}`;
    }).finally(() => this.waiters.delete(waiter));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Checks X-Twilio-Signature with twilio-node's own validator, as the app would. */
export function signatureValid(request: StubRequest): boolean {
  const signature = request.headers["x-twilio-signature"];
  if (typeof signature !== "string") return false;
  return twilio.validateRequest(AUTH_TOKEN, signature, request.url, request.method === "POST" ? request.params : {});
}

/** Milliseconds of clock time from the start of the test to an event. */
export function elapsed(event: TimelineEvent): number {
  return Date.parse(event.at) - START;
}

export interface Harness {
  clock: ManualClock;
  store: Store;
  engine: Engine;
  stub: StubApp;
  number: PhoneNumber;
  /** The CALLER handset calls NUMBER; the engine starts fetching the voice URL at once. */
  call(from?: string, to?: string): Call;
  /** Timeline events of `call`, optionally of one type. */
  events(call: Call, type?: string): TimelineEvent[];
  /** Resolves with the `nth` timeline event of `type` (matching `where`), recorded or to come. */
  until(call: Call, type: string, where?: (event: TimelineEvent) => boolean, nth?: number): Promise<TimelineEvent>;
  /** Resolves when the call waits on its caller or a handset, plays media, or has ended. */
  settled(call: Call): Promise<void>;
  /** Resolves once the call has ended. */
  ended(call: Call): Promise<void>;
  /** Resolves when the engine has no webhook in flight (so absent requests are really absent). */
  idle(): Promise<void>;
  /** Moves the clock, then lets the woken work run. */
  advance(ms: number): Promise<void>;
  /** The caller presses keys; false when nothing listens (the keys are lost). */
  press(call: Call, digits: string): Promise<boolean>;
  /** The handset on `call` says something, as the control API's speech does; false when nobody heard it. */
  speak(call: Call, text: string): Promise<boolean>;
  /** The handset on `call` is typing what it will say, as the control API's typing does. */
  type(call: Call): Promise<boolean>;
  /** The child legs of a <Dial>, in creation order. */
  legs(call: Call): Call[];
  /** CallStatus values the call went through, from its timeline. */
  statuses(call: Call): string[];
}

export interface SetupOptions {
  /** Fields of the number; voiceUrl defaults to /voice and statusCallback to /status on the stub. */
  number?: (stubUrl: string) => Partial<PhoneNumber>;
  /** The engine's limits, lowered for a test. */
  limits?: Partial<EngineLimits> & { recordingsDir?: string };
}

export async function setup(t: TestContext, options: SetupOptions = {}): Promise<Harness> {
  const stub = await StubApp.start();
  t.after(() => stub.close());
  stub.route("/status", { status: 204, body: "" });
  const clock = new ManualClock();
  const store = new Store({ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }, clock, "http://127.0.0.1:9");
  const engine = new Engine(store, clock, VERBS, options.limits);

  // Every timeline event is announced on its call, and (a test spy on the instance) webhooks in
  // flight are counted.
  store.on("call", (call: Call) => {
    call.timeline.subscribe((event) => call.emit("timeline", event));
  });
  let inflight = 0;
  const quiet = new Set<() => void>();
  const webhook = engine.webhooks.send.bind(engine.webhooks);
  engine.webhooks.send = async (...args) => {
    inflight += 1;
    try {
      return await webhook(...args);
    } finally {
      inflight -= 1;
      if (inflight === 0) {
        for (const done of [...quiet]) {
          quiet.delete(done);
          done();
        }
      }
    }
  };

  const number = store.addNumber({
    phoneNumber: NUMBER,
    voiceUrl: `${stub.url}/voice`,
    statusCallback: `${stub.url}/status`,
    ...options.number?.(stub.url),
  });

  const events = (call: Call, type?: string) => call.timeline.list().filter((e) => type === undefined || e.type === type);

  return {
    clock,
    store,
    engine,
    stub,
    number,
    call(from = CALLER, to = NUMBER) {
      const placed = placeInbound(engine, from, to);
      assert.ok("call" in placed, `placeInbound failed: ${JSON.stringify(placed)}`);
      return placed.call;
    },
    events,
    until(call, type, where = () => true, nth = 1) {
      const find = () => events(call, type).filter(where)[nth - 1];
      const found = find();
      if (found) return Promise.resolve(found);
      let listener: () => void = () => undefined;
      const seen = new Promise<TimelineEvent>((resolve) => {
        listener = () => {
          const hit = find();
          if (hit) resolve(hit);
        };
        call.on("timeline", listener);
      });
      return guarded(seen, () => `no "${type}" event #${nth}; timeline: ${events(call).map((e) => e.type).join(", ")}`).finally(() =>
        call.off("timeline", listener),
      );
    },
    async settled(call) {
      assert.ok(await call.waitSettled(GUARD_MS), `call did not settle; activity ${call.activity}`);
    },
    ended(call) {
      if (call.isEnded) return Promise.resolve();
      return guarded(new Promise<void>((resolve) => call.once("ended", () => resolve())), () => `call did not end; activity ${call.activity}`);
    },
    async idle() {
      for (;;) {
        await flush();
        if (inflight === 0) return;
        await guarded(new Promise<void>((resolve) => quiet.add(resolve)), () => `${inflight} webhook(s) still in flight`);
      }
    },
    async advance(ms) {
      await clock.advance(ms);
      await flush();
    },
    async press(call, digits) {
      const accepted = call.input.push(...keys(digits));
      await flush();
      return accepted;
    },
    async speak(call, text) {
      const accepted = speak(call, text);
      await flush();
      return accepted;
    },
    async type(call) {
      const accepted = typing(call);
      await flush();
      return accepted;
    },
    legs: (call) => [...engine.calls.values()].filter((c) => c.parentCallSid === call.sid),
    statuses: (call) => events(call, "status").map((e) => String(e.status)),
  };
}
