// 3xx answers are followed hop by hop, as a browser follows them: 301/302/303 become a GET without
// the parameters, 307/308 repeat the method and body; each hop is signed for its own URL and carries
// its own cookies; a loop ends with 11200; the call's timeline shows the hops.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock.js";
import { WebhookCookies } from "../../src/webhooks/cookies.js";
import { MAX_REDIRECTS, sendWebhook, type WebhookRequest } from "../../src/webhooks/http.js";
import { AUTH_TOKEN, StubApp, setup, signatureValid, twiml } from "../engine/harness.js";

const PARAMS = { CallSid: `CA${"0".repeat(32)}`, Digits: "7" };

async function stub(t: TestContext): Promise<StubApp> {
  const app = await StubApp.start();
  t.after(() => app.close());
  app.twiml("/final", "<Say>Here</Say>");
  return app;
}

const post = (app: StubApp, path: string, extra: Partial<WebhookRequest> = {}): WebhookRequest => ({
  url: `${app.url}${path}`,
  method: "POST",
  params: PARAMS,
  kind: "voice",
  ...extra,
});

for (const status of [301, 302, 303]) {
  test(`${status} turns a POST into a GET without the parameters, signed for the new URL`, async (t) => {
    const app = await stub(t);
    app.route("/start", { status, headers: { location: "/final?from=start" } });
    const response = await sendWebhook(AUTH_TOKEN, post(app, "/start"));
    assert.equal(response.ok, true);
    assert.equal(response.body, twiml("<Say>Here</Say>"));
    assert.deepEqual(response.redirects, [{ status, location: `${app.url}/final?from=start` }]);
    const [first, second] = app.requests;
    assert.equal(first?.method, "POST");
    assert.equal(second?.method, "GET");
    assert.deepEqual(second?.params, { from: "start" }, "Digits and the other parameters are not resent");
    assert.ok(second && signatureValid(second), "the hop is signed for its own URL");
  });
}

for (const status of [307, 308]) {
  test(`${status} repeats the POST and its body, signed for the new URL`, async (t) => {
    const app = await stub(t);
    app.route("/start", { status, headers: { location: `${app.url}/final` } });
    const response = await sendWebhook(AUTH_TOKEN, post(app, "/start"));
    assert.equal(response.ok, true);
    const second = app.to("/final")[0];
    assert.equal(second?.method, "POST");
    assert.deepEqual(second?.params, PARAMS);
    assert.ok(second && signatureValid(second));
  });
}

test("each hop sends the cookies of its own URL and keeps the ones it is answered", async (t) => {
  const app = await stub(t);
  app.route("/start", { status: 302, headers: { location: "/app/middle", "set-cookie": "hop=1; Path=/" } });
  app.route("/app/middle", { status: 307, headers: { location: "/final", "set-cookie": "app=2; Path=/app" } });
  const cookies = new WebhookCookies(new ManualClock());
  await cookies.remember(`${app.url}/`, ["before=0"]);
  const response = await sendWebhook(AUTH_TOKEN, post(app, "/start", { cookies }));
  assert.equal(response.redirects.length, 2);
  assert.deepEqual(
    app.requests.map((r) => [r.path, r.headers.cookie]),
    [
      ["/start", "before=0"],
      ["/app/middle", "before=0; hop=1"],
      ["/final", "before=0; hop=1"],
    ],
  );
  assert.equal(await cookies.header(`${app.url}/app/next`), "app=2; before=0; hop=1");
});

test(`a redirect loop ends after ${MAX_REDIRECTS} hops with 11200`, async (t) => {
  const app = await stub(t);
  app.route("/loop", { status: 302, headers: { location: "/loop" } });
  const response = await sendWebhook(AUTH_TOKEN, post(app, "/loop"));
  assert.equal(response.ok, false);
  assert.equal(response.errorCode, 11200);
  assert.match(response.error ?? "", /more than 20 redirects/);
  assert.equal(response.redirects.length, MAX_REDIRECTS);
  assert.equal(app.requests.length, MAX_REDIRECTS + 1);
});

test("a 3xx without a Location is a failed answer (11217), not followed", async (t) => {
  const app = await stub(t);
  app.route("/start", { status: 302 });
  const response = await sendWebhook(AUTH_TOKEN, post(app, "/start"));
  assert.equal(response.errorCode, 11217);
  assert.deepEqual(response.redirects, []);
});

test("the call's timeline shows the hops of a request; a request without any has none", async (t) => {
  const h = await setup(t);
  h.stub.route("/voice", { status: 301, headers: { location: "/moved" } });
  h.stub.twiml("/moved", '<Gather action="/next" numDigits="1"/>');
  h.stub.twiml("/next", "<Hangup/>");
  const call = h.call();
  await h.until(call, "gather");
  await h.settled(call);
  await h.press(call, "1");
  await h.ended(call);
  const [voice, next] = h.events(call, "webhook").filter((e) => e.purpose === "twiml");
  assert.deepEqual(voice?.redirects, [{ status: 301, location: `${h.stub.url}/moved` }]);
  assert.equal(voice?.status, 200);
  assert.equal(next?.url, `${h.stub.url}/next`);
  assert.equal(next && "redirects" in next, false);
});
