// The agents' desk in tests: agents in the database, a small real DeskPort over AgentsRepository (the
// ACD's port, which acd.ts implements in the app), signing in as an agent, and a caller offered to an
// agent through the queue's own transitions.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import type { FastifyInstance } from "fastify";
import type { DeskPort } from "../../src/acd/desk-port.js";
import type { Database } from "../../src/db/database.js";
import type { Clock } from "../../src/lib/clock.js";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { AgentsRepository, type AgentSpec } from "../../src/repositories/agents-repository.js";
import { QueueRepository, type NewOffer } from "../../src/repositories/queue-repository.js";
import { fixedClock, OPEN_TIME, shippedFlow, sid, testApp, testDatabase } from "../helpers.js";
import type { Session } from "../dashboard/dashboard-helpers.js";

/** Cheap scrypt for tests: the format and the checks are the same, the cost is not. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export const AVA: AgentSpec = { id: "ava", name: "Ava Nguyen", phone: "+61491570101", departments: [{ department: "billing", level: "first-line" }] };
export const BOB: AgentSpec = {
  id: "bob",
  name: "Bob Smith",
  phone: "+61491570102",
  client: "bob",
  departments: [{ department: "billing", level: "first-line" }, { department: "sales", level: "overflow" }],
};
export const AVA_PASSWORD = "ava's long password";
export const BOB_PASSWORD = "bob's long password";

/** The ACD's port as the desk sees it: choose and setDevice go to the database, then listeners hear of it. */
export class TestDeskPort implements DeskPort {
  private readonly listeners = new Set<(agentId: string | undefined) => void>();
  readonly choices: { agentId: string; state: string; reason: string | null }[] = [];

  constructor(
    private readonly agents: AgentsRepository,
    private readonly clock: Clock,
  ) {}

  async choose(agentId: string, state: "offline" | "available" | "break", reason: string | null) {
    this.choices.push({ agentId, state, reason });
    const result = await this.agents.choose(agentId, state, reason, this.clock());
    this.changed(agentId);
    return result;
  }

  async setDevice(agentId: string, device: "client" | "phone") {
    const done = await this.agents.setDevice(agentId, device);
    this.changed(agentId);
    return done;
  }

  /** The desk's tests make no calls: a call action finds none. */
  callAction() {
    return Promise.resolve("no-call" as const);
  }

  onChange(listener: (agentId: string | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the ACD does after a change it made (an offer, a call connected or ended). */
  changed(agentId?: string): void {
    for (const listener of this.listeners) listener(agentId);
  }
}

export interface DeskApp {
  app: FastifyInstance;
  db: Database;
  port: TestDeskPort;
  agents: AgentsRepository;
  queue: QueueRepository;
}

/** A test app with Ava and Bob as agents (both with passwords) and the test port. */
export async function deskApp(t: TestContext, options: { clock?: Clock } = {}): Promise<DeskApp> {
  const clock = options.clock ?? fixedClock(OPEN_TIME);
  const db = await testDatabase(t);
  const agents = new AgentsRepository(db);
  await agents.sync([AVA, BOB], clock());
  await agents.setPasswordHash(AVA.id, await hashPassword(AVA_PASSWORD, TEST_SCRYPT));
  await agents.setPasswordHash(BOB.id, await hashPassword(BOB_PASSWORD, TEST_SCRYPT));
  const port = new TestDeskPort(agents, clock);
  // The app brings the agents table in line with its flow when it starts: the flow's agents are these.
  const shipped = shippedFlow();
  const flow = { ...shipped, agents: Object.assign(Object.create(null) as typeof shipped.agents, { ava: { ...AVA }, bob: { ...BOB } }) };
  const { app } = await testApp(t, { db, clock, desk: port, flow });
  return { app, db, port, agents, queue: new QueueRepository(db) };
}

/** Signs in as an agent; returns the session cookie and the CSRF token the desk carries. */
export async function signInAgent(app: FastifyInstance, agent: string, password: string): Promise<Session> {
  const response = await app.inject({ method: "POST", url: "/login", payload: { agent, password, next: "/" } });
  assert.equal(response.statusCode, 303, response.body);
  assert.equal(response.headers.location, "/desk");
  const cookie = String(response.headers["set-cookie"]).split(";")[0] ?? "";
  const page = await app.inject({ method: "GET", url: "/desk", headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
  assert.ok(csrf, "the desk carries the session's CSRF token");
  return { cookie, csrf };
}

/** A caller waiting in a department's line, offered to an available agent by dispatch (one transaction). */
export async function offerCaller(db: Database, at: Date, caller: { n: number; department?: string; number?: string; city?: string; waitedMs?: number }): Promise<NewOffer[]> {
  return db.transaction(async (tx) => {
    const queue = new QueueRepository(tx);
    await queue.enqueue({
      callSid: sid("CA", caller.n),
      department: caller.department ?? "billing",
      number: caller.number ?? "+61491570001",
      city: caller.city ?? "SYDNEY",
      enqueuedAt: new Date(at.getTime() - (caller.waitedMs ?? 130_000)),
    });
    return queue.dispatch(at);
  });
}
