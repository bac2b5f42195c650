// Sign-in, sessions and CSRF: every dashboard page and API needs a session; webhooks never take one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { maskPhonesIn } from "../../src/lib/phone.js";
import { localPath } from "../../src/plugins/app/dashboard-auth.js";
import { LOGIN_ATTEMPTS_PER_MINUTE } from "../../src/routes/dashboard/index.js";
import { sid, signedPost, testApp, voiceParams } from "../helpers.js";
import { get, postForm, signIn } from "./dashboard-helpers.js";

const PAGES = ["/", "/live/fragment", "/calls", `/calls/${sid("CA", 1)}`, "/voicemail", "/messages", "/messages/%2B61491570001", "/subscribers", "/metrics", "/metrics/fragment", "/flow"];
const API_GETS = [
  "/api/live",
  "/api/live/stream",
  "/api/calls",
  `/api/calls/${sid("CA", 1)}`,
  "/api/voicemails",
  "/api/callbacks",
  `/api/recordings/${sid("RE", 1)}/audio`,
  "/api/surveys/1/comment/audio",
  "/api/conversations",
  "/api/conversations/%2B61491570001",
  "/api/inbox",
  "/api/subscribers",
  "/api/metrics",
  "/api/flow",
];
const API_POSTS = [
  `/api/voicemails/${sid("RE", 1)}/handled`,
  `/api/voicemails/${sid("RE", 1)}/call-back`,
  `/api/callbacks/${sid("CA", 1)}/call-back`,
  "/api/conversations/%2B61491570001/reply",
  "/api/messages/1/handled",
];

test("without a session, every page redirects to sign-in and every API answers 401", async (t) => {
  const { app } = await testApp(t);
  for (const url of PAGES) {
    const response = await get(app, undefined, url);
    assert.equal(response.statusCode, 303, url);
    assert.equal(response.headers.location, `/login?next=${encodeURIComponent(url)}`, url);
  }
  for (const url of API_GETS) {
    const response = await get(app, undefined, url);
    assert.equal(response.statusCode, 401, url);
    assert.match(response.json().message, /sign in first/);
  }
  for (const url of [...API_POSTS, "/logout"]) {
    const response = await postForm(app, undefined, url, { handled: "true", body: "hi" });
    assert.ok([303, 401].includes(response.statusCode), `${url}: ${response.statusCode}`);
    if (url.startsWith("/api/")) assert.equal(response.statusCode, 401, url);
  }
  const forged = await get(app, { cookie: "callcentre_session=not-a-session", csrf: "" }, "/api/live");
  assert.equal(forged.statusCode, 401, "an unknown token is no session");
});

test("signing in: a wrong password is refused, the right one sets a strict httpOnly cookie and goes back to the page asked for", async (t) => {
  const { app } = await testApp(t);
  const page = await app.inject({ method: "GET", url: "/login?next=/voicemail" });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<input type="hidden" name="next" value="\/voicemail">/);
  const wrong = await app.inject({ method: "POST", url: "/login", payload: { password: "guess", next: "/voicemail" } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.headers["set-cookie"], undefined);
  assert.match(wrong.body, /That password is not right\./);
  const right = await postForm(app, undefined, "/login", { password: "correct horse battery staple", next: "/voicemail" });
  assert.equal(right.statusCode, 303);
  assert.equal(right.headers.location, "/voicemail");
  const cookie = String(right.headers["set-cookie"]);
  assert.match(cookie, /^callcentre_session=[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  const offSite = await postForm(app, undefined, "/login", { password: "correct horse battery staple", next: "//evil.example/x" });
  assert.equal(offSite.headers.location, "/", "never redirects off the site");
  const missing = await app.inject({ method: "POST", url: "/login", payload: { next: "/" } });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.json().message, /password/);
});

test("the session cookie is Secure only when the public URL is https (plain http on a laptop)", async (t) => {
  const { app } = await testApp(t, { config: { publicBaseUrl: "http://localhost:3000" } });
  const right = await postForm(app, undefined, "/login", { password: "correct horse battery staple" });
  assert.doesNotMatch(String(right.headers["set-cookie"]), /Secure/);
});

test(`sign-in attempts are limited to ${LOGIN_ATTEMPTS_PER_MINUTE} a minute per client`, async (t) => {
  const { app } = await testApp(t);
  for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) {
    assert.equal((await postForm(app, undefined, "/login", { password: `guess ${i}` })).statusCode, 401);
  }
  const blocked = await postForm(app, undefined, "/login", { password: "correct horse battery staple" });
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.headers["set-cookie"], undefined, "not even the right password gets in while blocked");
  assert.match(blocked.body, /Too many sign-in attempts: try again in \d+ s\./);
});

test("signing out ends the session: the same cookie no longer works", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  assert.equal((await get(app, session, "/api/live")).statusCode, 200);
  const noToken = await postForm(app, session, "/logout", {}, "");
  assert.equal(noToken.statusCode, 403, "signing out needs the CSRF token too");
  const out = await postForm(app, session, "/logout", {});
  assert.equal(out.statusCode, 303);
  assert.equal(out.headers.location, "/login");
  assert.match(String(out.headers["set-cookie"]), /callcentre_session=;/);
  assert.equal((await get(app, session, "/api/live")).statusCode, 401);
});

test("a write without the session's CSRF token, or from another site, is refused and changes nothing", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  const other = await signIn(app);
  for (const csrf of ["", "wrong", other.csrf]) {
    const response = await postForm(app, session, "/api/messages/1/handled", { handled: "true" }, csrf);
    assert.equal(response.statusCode, 403, `token "${csrf}"`);
    assert.match(response.json().message, /CSRF token/);
  }
  const crossSite = await app.inject({
    method: "POST",
    url: "/api/messages/1/handled",
    headers: { cookie: session.cookie, origin: "https://evil.example", "x-csrf-token": session.csrf },
    payload: { handled: true },
  });
  assert.equal(crossSite.statusCode, 403);
  assert.match(crossSite.json().message, /cross-site/);
  const sameSite = await postForm(app, session, "/api/messages/1/handled", { handled: "true" });
  assert.equal(sameSite.statusCode, 404, "with the token the request is heard (and there is no message 1)");
});

test("webhooks never accept the dashboard session in place of Twilio's signature", async (t) => {
  const { app } = await testApp(t);
  const session = await signIn(app);
  const response = await app.inject({
    method: "POST",
    url: "/twilio/voice/incoming",
    headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams(voiceParams(sid("CA", 7))).toString(),
  });
  assert.equal(response.statusCode, 403);
  assert.equal(await app.repositories.calls.get(sid("CA", 7)), undefined);
  assert.equal((await signedPost(app, "/twilio/voice/incoming", voiceParams(sid("CA", 7)))).statusCode, 200, "signed, it is answered");
});

test("redirects after sign-in and actions stay on this site, however the path is dressed up", () => {
  for (const path of ["//evil.example/x", "/.//evil.example/x", "/..//evil.example", "/a/..//evil.example", "/%2e//evil.example", "/\\evil.example", "/.\\evil.example", "https://evil.example/", "voicemail", "/ x"]) {
    const target = localPath(path, "/", { done: "handled" });
    assert.ok(target === "/" || (target.startsWith("/") && !target.startsWith("//") && !target.includes("evil")), `${path} → ${target}`);
  }
  assert.equal(localPath("/voicemail?status=handled&error=twilio&code=1", "/", { done: "handled" }), "/voicemail?status=handled&done=handled");
  assert.equal(localPath("/messages/%2B61491570156"), "/messages/%2B61491570156");
});

test("a form posted without a session is not sent anywhere, and a signed-in one only back to this site", async (t) => {
  const { app } = await testApp(t);
  const anonymous = await postForm(app, undefined, `/api/voicemails/${sid("RE", 1)}/handled`, { handled: "true", redirect: "/.//evil.example/phish" });
  assert.equal(anonymous.statusCode, 401);
  assert.equal(anonymous.headers.location, undefined);
  const session = await signIn(app);
  const failed = await postForm(app, session, `/api/voicemails/${sid("RE", 1)}/handled`, { handled: "true", redirect: "/.//evil.example/phish" });
  assert.equal(failed.statusCode, 303);
  assert.equal(failed.headers.location, "/?error=not-found");
});

test("request logs mask the phone numbers in dashboard URLs, and never carry the password or the cookie", async (t) => {
  const logLines: string[] = [];
  const { app } = await testApp(t, { logLines });
  const session = await signIn(app);
  await get(app, session, "/messages/%2B61491570156");
  await get(app, session, "/calls?number=61491570156");
  const log = logLines.join("\n");
  assert.match(log, /"url":"\/messages\/%2B614\*+156"/);
  assert.match(log, /"url":"\/calls\?number=614\*+156"/);
  assert.doesNotMatch(log, /491570156/);
  assert.doesNotMatch(log, /correct horse battery staple/);
  assert.doesNotMatch(log, new RegExp(session.cookie.split("=")[1] ?? "never"));
  assert.equal(maskPhonesIn(`/api/calls/${sid("CA", 0x123456789)}`), `/api/calls/${sid("CA", 0x123456789)}`, "SIDs are left alone");
});
