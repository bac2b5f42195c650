// The role matrix, over EVERY route the app registers (app.routeTable, filled by an onRoute hook): a
// route added later is covered without touching this file. Each route is for one role — public (its
// own checks: Twilio's signature, or none), anyone signed in, the owner, supervisors (and the owner),
// or agents — and is tried with no session, an agent's, a supervisor's and the owner's:
//
//   no session        → an API 401, a page 303 to /login
//   agent             → 403 (a page they may not see: 303 to /desk) on every route not for agents
//   supervisor        → 403 on the owner's routes and the desk; through on supervisors' routes
//   owner             → through on the owner's and supervisors' routes; 403 on the desk
//
// "Through" means past the session and role check: whatever the handler then answers (400 for the
// made-up parameters, 404 for an unknown id, 200) is not a refusal. A route this file does not list
// is a supervisors' route by default: an owner-only route must be listed in OWNER_ONLY.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance, InjectOptions } from "fastify";
import { hashPassword } from "../../src/plugins/app/agent-passwords.js";
import { isApi } from "../../src/plugins/app/dashboard-auth.js";
import { AccountsRepository } from "../../src/repositories/accounts-repository.js";
import { OPEN_TIME } from "../helpers.js";
import { AVA_PASSWORD, deskApp, signInAgent, TEST_SCRYPT } from "../desk/desk-helpers.js";
import { signIn, type Session } from "./dashboard-helpers.js";

type Audience = "public" | "any" | "owner" | "supervisor" | "agent";

/** Routes anyone may call: their own checks, or none. Twilio's webhooks check X-Twilio-Signature. */
const PUBLIC: { pattern: RegExp; why: string }[] = [
  { pattern: /^\/twilio\//, why: "Twilio's webhooks: signed (routes/twilio/autohooks)" },
  { pattern: /^\/audio\//, why: "hold music and prompts Twilio fetches" },
  { pattern: /^\/dashboard\/assets\//, why: "the dashboard's CSS and scripts" },
  { pattern: /^\/healthz$/, why: "load balancers" },
  { pattern: /^\/login$/, why: "signing in" },
];
/** Routes for anyone signed in, whatever their role. */
const ANY = ["POST /logout"];
/** The owner's alone: configuration and accounts (docs/dashboard.md, "Accounts and roles"). */
const OWNER_ONLY = [
  "/flow",
  "/api/flow",
  "/accounts",
  "/accounts/:id/password",
  "/api/accounts",
  "/api/accounts/:id",
  "/api/accounts/:id/password",
  "/api/accounts/:id/delete",
  "/agents/:id/password",
  "/api/agents/:id/password",
];

function audienceOf(method: string, url: string): Audience {
  if (PUBLIC.some((p) => p.pattern.test(url))) return "public";
  if (ANY.includes(`${method} ${url}`)) return "any";
  if (OWNER_ONLY.includes(url)) return "owner";
  if (url === "/desk" || url.startsWith("/desk/")) return "agent";
  return "supervisor";
}

/** The route's URL with every parameter filled in with a made-up value. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, "x1").replace(/\*$/, "x");

/** What the session and role check answer when they refuse (dashboard-auth.ts). */
const ROLE_REFUSAL = /only an owner may do this|agents' sessions cannot use the dashboard|the desk is for agents/;

interface Answer {
  method: string;
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * One request; an event stream that opens (the session was let through) is closed at once rather than
 * read to its end.
 */
async function ask(app: FastifyInstance, method: string, url: string, session: Session | undefined): Promise<Answer> {
  const headers: Record<string, string> = session ? { cookie: session.cookie, "x-csrf-token": session.csrf } : {};
  const options: InjectOptions & { payloadAsStream: true } = { method: method as InjectOptions["method"], url, headers, payloadAsStream: true };
  if (method === "POST") options.payload = {};
  const response = await app.inject(options);
  const stream = response.stream();
  let body = "";
  if (String(response.headers["content-type"] ?? "").startsWith("text/event-stream")) stream.destroy();
  else for await (const chunk of stream) body += String(chunk);
  return { method, status: response.statusCode, location: response.headers.location as string | undefined, body };
}

/** A refusal by the role check (a HEAD answer has no body to tell it by: any 403 counts). */
const roleRefused = (answer: Answer) => answer.status === 403 && (answer.method === "HEAD" || ROLE_REFUSAL.test(answer.body));

const through = (answer: Answer) =>
  answer.status !== 401 &&
  !roleRefused(answer) &&
  !(answer.status === 303 && (answer.location?.startsWith("/login") || answer.location === "/desk"));

test("every route: no session, an agent, a supervisor and the owner each get only what their role allows", async (t) => {
  const { app, db } = await deskApp(t);
  await new AccountsRepository(db).create({ id: "sam", name: "Sam Lee", role: "supervisor" }, await hashPassword("sam's long password", TEST_SCRYPT), OPEN_TIME);
  const sessions = {
    agent: await signInAgent(app, "ava", AVA_PASSWORD),
    supervisor: await signIn(app, "sam's long password", "sam"),
    owner: await signIn(app),
  };

  const routes = app.routeTable.filter((r) => r.method !== "OPTIONS");
  // The walk is only as good as the table: it must hold the routes of every group.
  for (const known of ["GET /api/live", "GET /flow", "POST /api/accounts", "GET /desk", "POST /logout", "POST /twilio/voice/incoming", "GET /login"]) {
    assert.ok(routes.some((r) => `${r.method} ${r.url}` === known), `the route table has ${known}`);
  }
  const failures: string[] = [];
  const expect = (route: string, who: string, ok: boolean, answer: Answer, wanted: string) => {
    if (!ok) failures.push(`${route} as ${who}: wanted ${wanted}, got ${answer.status}${answer.location ? ` → ${answer.location}` : ""} ${answer.body.slice(0, 120)}`);
  };
  const counts: Record<Audience, number> = { public: 0, any: 0, owner: 0, supervisor: 0, agent: 0 };

  for (const { method, url } of routes) {
    const audience = audienceOf(method, url);
    counts[audience]++;
    if (audience === "public") continue;
    const route = `${method} ${url}`;
    const target = concrete(url);
    const api = isApi(target);
    // Signing out would end the session the rest of the walk uses: it is tried without one only.
    if (audience === "any") {
      const none = await ask(app, method, target, undefined);
      expect(route, "no session", none.status === 401 || (none.status === 303 && none.location?.startsWith("/login") === true), none, "401 or sign-in");
      continue;
    }

    const none = await ask(app, method, target, undefined);
    expect(route, "no session", api ? none.status === 401 : none.status === 303 && none.location?.startsWith("/login?next=") === true, none, api ? "401" : "303 to /login");

    const agent = await ask(app, method, target, sessions.agent);
    if (audience === "agent") expect(route, "agent", through(agent), agent, "through");
    else {
      const page = (method === "GET" || method === "HEAD") && !api;
      expect(route, "agent", page ? agent.status === 303 && agent.location === "/desk" : agent.status === 403, agent, page ? "303 to /desk" : "403");
    }

    const supervisor = await ask(app, method, target, sessions.supervisor);
    if (audience === "supervisor") expect(route, "supervisor", through(supervisor), supervisor, "through");
    else expect(route, "supervisor", roleRefused(supervisor), supervisor, "403");

    const owner = await ask(app, method, target, sessions.owner);
    if (audience === "agent") expect(route, "owner", roleRefused(owner), owner, "403");
    else expect(route, "owner", through(owner), owner, "through");
  }

  assert.deepEqual(failures, [], `routes that let the wrong role through, or refuse the right one:\n${failures.join("\n")}`);
  // Each group was walked (a table missing a group would pass vacuously).
  for (const [audience, count] of Object.entries(counts)) assert.ok(count > 0, `some ${audience} routes`);
  // The sessions survived the walk: nothing above signed them out or changed a password.
  for (const [who, session] of Object.entries(sessions)) {
    const home = who === "agent" ? "/desk/api/snapshot" : "/api/live";
    assert.equal((await ask(app, "GET", home, session)).status, 200, `${who}'s session still works`);
  }
});
