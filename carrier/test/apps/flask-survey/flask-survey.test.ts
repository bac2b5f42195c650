// The Flask survey (app.py), a Python process on a free loopback port, run through the carrier: its
// `return str(resp)` answers (text/html) are run as TwiML, RequestValidator accepts every request
// the carrier signs (POSTs, and the GETs its <Redirect method="GET"> makes, with their query), and
// Flask's cookie session carries the survey along: per call for voice, and per pair of numbers for
// SMS, where without the carrier's cookies every text would start the survey over.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { AUTH_TOKEN, said, startCarrier } from "../carrier.js";
import { skipWithoutFlask, startFlaskApp } from "../flask.js";

const NUMBER = "+15005550006";
const CALLER = "+14155550100";
const TEXTER = "+14155550111";
const APP = fileURLToPath(new URL("app.py", import.meta.url));

const skip = skipWithoutFlask;

interface Served {
  method: string;
  path: string;
  sid: string | null;
  questionInSession: number | null;
  status: number;
  contentType: string;
}

interface Results {
  answers: { question_id: number; content: string; session_id: string }[];
  served: Served[];
}

/** Starts app.py with the carrier's auth token; resolves with its base URL once it listens. */
async function startApp(t: TestContext): Promise<{ url: string; results: () => Promise<Results> }> {
  const url = await startFlaskApp(t, APP, { ...process.env, TWILIO_AUTH_TOKEN: AUTH_TOKEN });
  return { url, results: async () => (await (await fetch(`${url}/results`)).json()) as Results };
}

test("a voice survey: each question is said, answered with keys or a recording, and the call ends with thanks", { skip }, async (t) => {
  const carrier = await startCarrier(t);
  const app = await startApp(t);
  await carrier.buyNumber(NUMBER, { voiceUrl: `${app.url}/voice` });

  const call = await carrier.call(CALLER, NUMBER);
  let view = await carrier.untilListening(call.sid);
  assert.equal(view.activity, "gathering");
  assert.deepEqual(said(view), [
    "Welcome to the Twilio Survey",
    "Please tell us your age",
    "Please press a number between 1 and 10 and then hit the pound sign",
  ]);

  await carrier.press(call.sid, "7#");
  view = await carrier.untilListening(call.sid);
  assert.equal(view.activity, "gathering");
  assert.equal(said(view).at(-2), "Have you ever jumped from a parachute?");

  await carrier.press(call.sid, "1#");
  view = await carrier.untilListening(call.sid);
  assert.equal(view.activity, "recording");
  assert.equal(said(view).at(-1), "Please record your answer after the beep and then hit the pound sign");
  await carrier.control("POST", `/calls/${call.sid}/speech`, { text: "Pikachu" });
  await carrier.press(call.sid, "#");
  await carrier.advance(10);
  view = await carrier.settled(call.sid);
  assert.equal(view.status, "completed");
  assert.equal(said(view).at(-1), "Thank you for answering our survey. Good bye!");

  const { answers, served } = await app.results();
  assert.deepEqual(
    answers.map((a) => [a.question_id, a.content, a.session_id]),
    [
      [1, "7", call.sid],
      [2, "1", call.sid],
      [3, "Transcription in progress.", call.sid],
    ],
  );
  // Every request passed RequestValidator, and Flask answered text/html.
  assert.ok(served.length > 0);
  for (const s of served) {
    assert.equal(s.status, 200, `${s.method} ${s.path}`);
    assert.equal(s.contentType, "text/html; charset=utf-8");
  }
  // The session cookie /question/N set came back on the call's next request.
  assert.deepEqual(
    served.map((s) => [s.method, s.path, s.questionInSession]),
    [
      ["POST", "/voice", null],
      ["GET", "/question/1", null],
      ["POST", "/answer/1", 1],
      ["GET", "/question/2", 1],
      ["POST", "/answer/2", 2],
      ["GET", "/question/3", 2],
      ["POST", "/answer/3", 3],
    ],
  );
  // transcribeCallback without transcribe="true" does not transcribe, as on Twilio today.
  assert.ok(!served.some((s) => s.path.startsWith("/answer/transcription/")));

  // Another call starts with no cookie: each call has its own.
  const second = await carrier.call("+14155550122", NUMBER);
  await carrier.untilListening(second.sid);
  const later = (await app.results()).served.filter((s) => s.sid === second.sid);
  assert.deepEqual(
    later.map((s) => [s.path, s.questionInSession]),
    [
      ["/voice", null],
      ["/question/1", null],
    ],
  );
});

test("an SMS survey: the cookie session tells each text which question it answers", { skip }, async (t) => {
  const carrier = await startCarrier(t);
  const app = await startApp(t);
  await carrier.buyNumber(NUMBER, { smsUrl: `${app.url}/message` });

  await carrier.text(TEXTER, NUMBER, "Hi");
  assert.deepEqual(await carrier.inbox(TEXTER, 3), ["Welcome to the Twilio Survey", "Please tell us your age", "Please type a number between 1 and 10"]);
  await carrier.text(TEXTER, NUMBER, "7");
  assert.deepEqual((await carrier.inbox(TEXTER, 5)).slice(3), ["Have you ever jumped from a parachute?", "Please type 1 for yes and 0 for no"]);
  await carrier.text(TEXTER, NUMBER, "0");
  assert.deepEqual((await carrier.inbox(TEXTER, 7)).slice(5), ["Who is your favorite Pokemon?", "Please type your answer"]);
  await carrier.text(TEXTER, NUMBER, "Pikachu");
  assert.deepEqual((await carrier.inbox(TEXTER, 8)).slice(7), ["Thank you for answering our survey. Good bye!"]);

  const { answers, served } = await app.results();
  assert.deepEqual(
    answers.map((a) => [a.question_id, a.content]),
    [
      [1, "7"],
      [2, "0"],
      [3, "Pikachu"],
    ],
  );
  for (const s of served) {
    assert.equal(s.status, 200, `${s.method} ${s.path}`);
    assert.equal(s.contentType, "text/html; charset=utf-8");
  }
  assert.deepEqual(
    served.map((s) => [s.method, s.path, s.questionInSession]),
    [
      ["POST", "/message", null],
      ["GET", "/question/1", null],
      ["POST", "/message", 1],
      ["POST", "/answer/1", 1],
      ["GET", "/question/2", 1],
      ["POST", "/message", 2],
      ["POST", "/answer/2", 2],
      ["GET", "/question/3", 2],
      ["POST", "/message", 3],
      ["POST", "/answer/3", 3],
    ],
  );

  // The survey is over (the app deleted question_id): the next text starts it again, and another
  // handset texting the same number has a conversation, and cookies, of its own.
  await carrier.text("+14155550133", NUMBER, "Hello");
  assert.deepEqual(await carrier.inbox("+14155550133", 3), ["Welcome to the Twilio Survey", "Please tell us your age", "Please type a number between 1 and 10"]);
});
