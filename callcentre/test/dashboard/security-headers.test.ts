// Security headers (@fastify/helmet) on the dashboard's pages, its API and its assets: a CSP that runs
// only the dashboard's own script and stylesheet and forbids framing, nosniff, no Referer to other
// sites. The pages carry no inline script or style, which that CSP would block.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sid, signedPost, testApp, voiceParams } from "../helpers.js";
import { get, signIn } from "./dashboard-helpers.js";

const PAGES = ["/", "/calls", `/calls/${sid("CA", 0x5e)}`, "/voicemail", "/messages", "/subscribers", "/metrics", "/flow"];

function assertDashboardHeaders(headers: Record<string, unknown>, what: string): void {
  const csp = String(headers["content-security-policy"] ?? "");
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name = "", ...values]) => [name, values.join(" ")]));
  assert.equal(directives.get("default-src"), "'self'", `${what}: ${csp}`);
  assert.equal(directives.get("script-src"), "'self'", `${what}: scripts from this origin only, none inline`);
  assert.equal(directives.get("style-src"), "'self'", `${what}: styles from this origin only, none inline`);
  assert.equal(directives.get("media-src"), "'self'", `${what}: audio from this origin (the recording proxy)`);
  assert.equal(directives.get("frame-ancestors"), "'none'", `${what}: never framed`);
  assert.equal(directives.get("object-src"), "'none'");
  assert.equal(headers["x-frame-options"], "DENY", what);
  assert.equal(headers["x-content-type-options"], "nosniff", what);
  assert.equal(headers["referrer-policy"], "no-referrer", what);
  // The public URL is https: browsers are told to keep to it.
  assert.equal(headers["strict-transport-security"], "max-age=15552000", what);
}

test("pages, the API, sign-in and assets carry the security headers; the pages have no inline script or style", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  // A call, so that the call page has something to show.
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 0x5e)))).statusCode, 200);
  for (const url of PAGES) {
    const response = await get(app, session, url);
    assert.equal(response.statusCode, 200, url);
    assertDashboardHeaders(response.headers, url);
    assert.doesNotMatch(response.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${url}: an inline <script>`);
    assert.doesNotMatch(response.body, /<style\b|\sstyle="|\son[a-z]+="/i, `${url}: inline style or an event handler attribute`);
  }
  for (const [url, status] of [["/login", 200], ["/api/live", 200], ["/api/calls", 200], ["/dashboard/assets/live.js", 200], ["/nowhere", 404]] as const) {
    const response = await get(app, url === "/login" || url.startsWith("/dashboard/") ? undefined : session, url);
    assert.equal(response.statusCode, status, url);
    assertDashboardHeaders(response.headers, url);
  }
  // The prompts are played from another origin by the local carrier's softphone.
  const prompt = await get(app, undefined, "/audio/chime.wav");
  assert.equal(prompt.statusCode, 200);
  assert.equal(prompt.headers["cross-origin-resource-policy"], "cross-origin");
  assert.equal(prompt.headers["x-content-type-options"], "nosniff");
});

test("on plain http (a laptop), no HSTS: it would be ignored, and could follow the name to https", async (t) => {
  const { app } = await testApp(t, { config: { publicBaseUrl: "http://localhost:3000" } });
  const response = await app.inject({ method: "GET", url: "/login" });
  assert.equal(response.headers["strict-transport-security"], undefined);
  assert.match(String(response.headers["content-security-policy"]), /frame-ancestors 'none'/);
});
