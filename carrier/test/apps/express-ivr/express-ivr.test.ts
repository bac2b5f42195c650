// The Express IVR (app.ts), run through the carrier as its users would run it: the carrier's
// requests pass twilio.webhook()'s signature check, its text/html answers are run as TwiML, and a
// caller on a handset hears the menu, presses keys, gets each branch, and is put through to a
// planet's handset. A forged request gets the app's 403.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { sayMs } from "../../../src/verbs/media.js";
import { AUTH_TOKEN, at, said, startCarrier, type CallView } from "../carrier.js";
import { DIRECTIONS, NO_INPUT, PLANET_LIST, PLANETS, WELCOME, createIvrApp } from "./app.js";

const NUMBER = "+15005550006";
const CALLER = "+14155550100";

async function setup(t: TestContext) {
  const carrier = await startCarrier(t);
  const { app, served } = createIvrApp(AUTH_TOKEN);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await carrier.buyNumber(NUMBER, { voiceUrl: `${appUrl}/ivr/welcome` });
  return { carrier, served, appUrl };
}

test("the caller hears the menu, presses 1 for directions, and the app hangs up; every request passed the signature check", async (t) => {
  const { carrier, served } = await setup(t);
  const menu = await carrier.call(CALLER, NUMBER);
  assert.equal(menu.activity, "gathering");
  assert.deepEqual(said(menu), [WELCOME]);

  const after = await carrier.press(menu.sid, "1");
  assert.deepEqual(said(after).slice(1, 2), [DIRECTIONS]);
  await carrier.advance(60);
  const ended = await carrier.settled(menu.sid);
  assert.equal(ended.status, "completed");
  assert.equal(said(ended).length, 3, "welcome, directions, thanks");
  assert.equal(ended.timeline.filter((e) => e.type === "hangup").length, 1);

  // Express answered text/html (res.send of a string), and the carrier ran it as TwiML.
  assert.deepEqual(
    served.map((s) => [s.path, s.digits, s.status]),
    [
      ["/ivr/welcome", undefined, 200],
      ["/ivr/menu", "1", 200],
    ],
  );
  for (const s of served) assert.match(s.contentType, /^text\/html; charset=utf-8$/);
  assert.ok(ended.timeline.every((e) => e.type !== "error" && e.type !== "twiml.error"), "no error on the timeline");
});

test("2 lists the planets; a wrong key redirects to the main menu; 3 dials Dagobah's handset, which answers and talks", async (t) => {
  const { carrier, served } = await setup(t);
  const call = await carrier.call(CALLER, NUMBER);
  const list = await carrier.press(call.sid, "2");
  assert.deepEqual(said(list).at(-1), PLANET_LIST);

  // 9 is no planet: "Returning to the main menu", then <Redirect> to /ivr/welcome and the menu again.
  assert.deepEqual(said(await carrier.press(call.sid, "9")).at(-1), "Returning to the main menu");
  await carrier.advance(5);
  const back = await carrier.settled(call.sid);
  assert.equal(back.activity, "gathering");
  assert.deepEqual(said(back).slice(-2), ["Returning to the main menu", WELCOME]);
  assert.deepEqual(served.map((s) => s.path), ["/ivr/welcome", "/ivr/menu", "/ivr/planets", "/ivr/welcome"]);

  await carrier.press(call.sid, "2");
  const dagobah = PLANETS["3"];
  assert.ok(dagobah);
  const dialing = await carrier.press(call.sid, "3");
  assert.equal(said(dialing).at(-1), "Connecting you to Dagobah.");
  // The Say plays on clock time; the Dial starts after it and rings the handset.
  await carrier.advance(5);
  const ringing = await carrier.settled(call.sid);
  assert.equal(ringing.activity, "dialing");
  const { calls } = await carrier.control<{ calls: CallView[] }>("GET", `/phones/${encodeURIComponent(dagobah.number)}/calls`);
  assert.equal(calls.length, 1);
  const leg = calls[0] as CallView;
  await carrier.control("POST", `/calls/${leg.sid}/answer`);
  assert.equal((await carrier.settled(call.sid)).bridgedWith, leg.sid);
  await carrier.control("POST", `/calls/${leg.sid}/speech`, { text: "Dagobah here" });
  await carrier.control("POST", `/calls/${leg.sid}/hangup`);
  const ended = await carrier.settled(call.sid);
  assert.equal(ended.status, "completed", "nothing follows the Dial: the call ends when Dagobah hangs up");
  assert.deepEqual(
    ended.timeline.filter((e) => e.type === "heard").map((e) => [e.text, e.from]),
    [["Dagobah here", dagobah.number]],
  );
  assert.ok(served.every((s) => s.status === 200), JSON.stringify(served));
});

test("without a key the Gather times out 5 s after its three prompts, on the manual clock, and the call ends", async (t) => {
  const { carrier } = await setup(t);
  const call = await carrier.call(CALLER, NUMBER);
  const advanced = await carrier.advance(200);
  assert.equal(advanced.leftBehind, 0);
  const ended = await carrier.settled(call.sid);
  assert.equal(ended.status, "completed");
  const prompts = 3 * sayMs(WELCOME);
  assert.equal(at(ended.timeline.find((e) => e.type === "gather.timeout")), prompts + 5000);
  assert.deepEqual(said(ended), [WELCOME, NO_INPUT]);
  assert.equal(Date.parse(ended.endTime ?? "") - Date.parse(ended.timeline[0]?.at ?? ""), prompts + 5000 + sayMs(NO_INPUT));
});

test("a forged request gets the app's 403, and one without a signature its 400: the check is real", async (t) => {
  const { appUrl, served } = await setup(t);
  const params = { CallSid: `CA${"0".repeat(32)}`, AccountSid: `AC${"0".repeat(32)}`, From: CALLER, To: NUMBER, Digits: "1" };
  const url = `${appUrl}/ivr/menu`;
  const forged = await fetch(url, {
    method: "POST",
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature("not-the-auth-token", url, params) },
    body: new URLSearchParams(params),
  });
  assert.equal(forged.status, 403);
  assert.equal(await forged.text(), "Twilio Request Validation Failed.");
  const unsigned = await fetch(url, { method: "POST", body: new URLSearchParams(params) });
  assert.equal(unsigned.status, 400);
  // Signed with the carrier's token, the same request passes: the 403 was the signature, nothing else.
  const signed = await fetch(url, {
    method: "POST",
    headers: { "x-twilio-signature": twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) },
    body: new URLSearchParams(params),
  });
  assert.equal(signed.status, 200);
  assert.match(await signed.text(), /<Say voice="Polly.Amy" language="en-GB">To get to your extraction point/);
  assert.deepEqual(served.map((s) => s.status), [403, 400, 200]);
});
