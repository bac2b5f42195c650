// A minimal carrier for REST tests: Fastify with @fastify/formbody and the REST routes under
// /2010-04-01, on 127.0.0.1 and a free port, with a manual clock; and the official twilio client
// pointed at it with a rebasing request client (docs/twilio-contract.md §9).
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { VERBS } from "../../src/verbs/registry.js";
import { Engine } from "../../src/calls/engine.js";
import { ManualClock } from "../../src/clock.js";
import { frameworkErrors } from "../../src/rest/errors.js";
import restRoutes from "../../src/rest/index.js";
import { Store } from "../../src/store.js";

export const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";

const TWILIO_API = /^https:\/\/api\.twilio\.com/;

export class CarrierRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.baseUrl) });
  }
}

/** A rebasing request client that also notes every request it makes. */
export class LoggingRequestClient extends CarrierRequestClient {
  readonly requests: { method: string; uri: string }[] = [];

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    this.requests.push({ method: opts.method, uri: opts.uri });
    return super.request<TData>(opts);
  }
}

export interface Carrier {
  baseUrl: string;
  store: Store;
  engine: Engine;
  clock: ManualClock;
  client: ReturnType<typeof twilio>;
  /** A client with the account's SID and the given token. */
  clientWithToken(token: string): ReturnType<typeof twilio>;
  /** A client authenticating with an API key's SID and secret, for the account (twilio-node's `accountSid`). */
  clientWithKey(keySid: string, secret: string): ReturnType<typeof twilio>;
  /** A client whose requests are logged (to see which pages it fetched). */
  loggingClient(): { client: ReturnType<typeof twilio>; requests: { method: string; uri: string }[] };
  /** fetch() against the carrier, with the account's Basic credentials unless `auth: false`. */
  request(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts a carrier. The HTTP server listens first, so the store knows its public URL (recording
 * media URLs) before the app is built; Fastify then serves that server's requests.
 */
export async function startCarrier(
  t?: { after(fn: () => Promise<void>): void },
  /** Called with the app before the REST routes are registered (hooks that observe every route). */
  beforeRoutes?: (app: FastifyInstance) => void,
): Promise<Carrier> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clock = new ManualClock();
  const store = new Store({ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }, clock, baseUrl);
  const engine = new Engine(store, clock, VERBS);
  const app = Fastify({
    frameworkErrors,
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler;
      return server;
    },
  });
  await app.register(formbody);
  beforeRoutes?.(app);
  await app.register(restRoutes, { prefix: "/2010-04-01", store, engine });
  await app.ready();

  const clientWithToken = (token: string) => twilio(ACCOUNT_SID, token, { httpClient: new CarrierRequestClient(baseUrl) });
  const carrier: Carrier = {
    baseUrl,
    store,
    engine,
    clock,
    client: clientWithToken(AUTH_TOKEN),
    clientWithToken,
    clientWithKey: (keySid, secret) => twilio(keySid, secret, { accountSid: ACCOUNT_SID, httpClient: new CarrierRequestClient(baseUrl) }),
    loggingClient() {
      const httpClient = new LoggingRequestClient(baseUrl);
      return { client: twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient }), requests: httpClient.requests };
    },
    request(path, init = {}) {
      const { auth = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth) headers.set("authorization", basicAuth(ACCOUNT_SID, AUTH_TOKEN));
      return fetch(`${baseUrl}${path}`, { ...rest, headers });
    },
    async close() {
      for (const call of engine.calls.values()) engine.end(call);
      await app.close();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  t?.after(() => carrier.close());
  return carrier;
}

/** The Twilio API path of the account: /2010-04-01/Accounts/AC… */
export const ACCOUNT_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

/** Resolves once `condition` holds: checked now and after every `event` the emitter fires. */
export function until(emitter: NodeJS.EventEmitter, event: string, condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!condition()) return;
      emitter.off(event, check);
      resolve();
    };
    emitter.on(event, check);
  });
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
