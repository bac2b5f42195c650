// Fuzzes every Twilio-facing route under /twilio with generated requests (fast-check): real-looking
// webhooks with one thing wrong, wrong types, missing and unknown parameters, huge values, invalid
// UTF-8 (raw bytes and percent-escapes), repeated names, odd content types and query strings, node
// names the flow does not have, and valid, missing or wrong X-Twilio-Signature headers.
//
// Properties: no internal error (no 5xx, nothing logged at error level: an apology TwiML that stands
// in for a crash is still a crash); TwiML routes answer 4xx or well-formed TwiML, callbacks 4xx or 204;
// a correctly signed request is never refused for its signature; a request without a valid signature
// is refused with 403 and changes no row of any table; the app still answers a call afterwards.
//
// A failure prints fast-check's seed and the counterexample. FUZZ_SEED=<seed> seeds every property (to
// replay a run); FUZZ_RUNS=<factor> scales the number of runs (e.g. FUZZ_RUNS=10 for a long session).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { FastifyInstance } from "fastify";
import type { Database } from "../../src/db/database.js";
import { RECORDING_STATUS, SMS_INCOMING, SMS_STATUS, VOICE_INCOMING, VOICE_STATUS, voicePaths } from "../../src/flows/paths.js";
import { CALL_STATUSES } from "../../src/repositories/calls-repository.js";
import { MESSAGE_STATUSES } from "../../src/repositories/messages-repository.js";
import { ACCOUNT_SID, AUTH_TOKEN, BASE_URL, shippedFlow, sid, signedPost, testApp, voiceParams } from "../helpers.js";
import { startOpenMeteoFixture } from "@callcentre/testkit";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = (numRuns: number) => ({
  numRuns: Math.max(1, Math.round(numRuns * Number(process.env.FUZZ_RUNS ?? 1))),
  includeErrorInReport: true,
  ...(SEED === undefined ? {} : { seed: SEED }),
});

type Pair = [string, string];
type Params = Record<string, string | undefined>;
/** voice-twiml and sms-twiml answer Twilio's request with TwiML; callbacks are acknowledged with 204. */
type Kind = "voice-twiml" | "voice-callback" | "sms-twiml" | "sms-callback";
/** What a route's path parameter names: a flow node of a type (`queue`: a department with a line), or a line's entry or offer (`id`). */
type NodeType = "menu" | "ring-group" | "queue" | "voicemail" | "any" | "id";

interface Route {
  path: string;
  kind: Kind;
  node?: NodeType;
  query?: fc.Arbitrary<string>;
  params: fc.Arbitrary<Params>;
}

// ---- Real-looking webhooks, route by route ----

const flow = shippedFlow();
const nodesOf = (type: NodeType) =>
  type === "id"
    ? ["1", "2", "3"]
    : Object.keys(flow.nodes).filter((id) => {
        const node = flow.nodes[id];
        if (type === "queue" || type === "ring-group") return node?.type === "department" && (node.queue !== undefined) === (type === "queue");
        return type === "any" || node?.type === type;
      });
/** A few calls that exist (created before the fuzz), so that callbacks about them reach the handlers. */
const CALLS = Array.from({ length: 6 }, (_, i) => sid("CA", 0xf00 + i));
const callSid = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CALLS) }, fc.nat().map((n) => sid("CA", n)));
const legSid = fc.nat().map((n) => sid("CA", 0x10000 + n));
const recordingSid = fc.integer({ min: 1, max: 8 }).map((n) => sid("RE", 0xf00 + n));
const recordingUrl = (re: string) => `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${re}`;
const messageSid = fc.oneof(fc.integer({ min: 1, max: 6 }).map((n) => sid("SM", 0xf00 + n)), fc.nat().map((n) => sid("MM", n)));
const seconds = fc.nat(600).map(String);
const maybe = (arbitrary: fc.Arbitrary<string>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
const voice = (extra: Record<string, fc.Arbitrary<string | undefined>>) =>
  fc.tuple(callSid, fc.record(extra)).map(([call, rest]): Params => ({ ...voiceParams(call), ...rest }));
const agentQuery = fc.option(fc.nat(3).map((n) => `?agent=${n}`), { nil: "" });
const recording = (extra: Record<string, fc.Arbitrary<string | undefined>>) =>
  fc
    .tuple(callSid, recordingSid, fc.record(extra))
    .map(([call, re, rest]): Params => ({ AccountSid: ACCOUNT_SID, CallSid: call, RecordingSid: re, RecordingUrl: recordingUrl(re), ...rest }));

const NASTY_VALUES = [
  ...["", " ", "0", "-1", "1.5", "1e3", "0x1F", "999999999", "2147483648", "99999999999999999999", "NaN", "Infinity", "true", "null", "[]", "{}"],
  ...["\u0000", "a\u0000b", "\u0001", "\u001b[31m", "\t\r\n", "\uFFFE", "\uFFFF", "\uD800", "\uDC00", "🙂", "é", "e\u0301", "\u202E", "%", "%C3%28", "%FF", "+", "&", "="],
  ...["<Say>hi</Say>", "]]>", "&amp;", "'; drop table calls; --", "{caller.city}", `CA${"0".repeat(32)}`, `CA${"g".repeat(32)}`, `RE${"0".repeat(32)}`, ACCOUNT_SID.toUpperCase()],
  ...["http://", recordingUrl("RE0"), "javascript:alert(1)", "ftp://example.test/x", "https://example.test/Recordings/RE"],
  ...["-010000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "-271821-04-20T00:00:00Z", "Sat, 01 Jan 0000 00:00:00 +0000", "Jan 1 30000", "24 Nov 2026 25:61:00"],
  ...CALL_STATUSES,
  ...MESSAGE_STATUSES,
  ...["COMPLETED", "completed ", "in progress"],
];

const ROUTES: Route[] = [
  { path: VOICE_INCOMING, kind: "voice-twiml", params: voice({ CallStatus: fc.constantFrom("ringing", "in-progress") }) },
  { path: "/twilio/voice/node/:node", kind: "voice-twiml", node: "any", params: voice({}) },
  { path: "/twilio/voice/call-back/:node", kind: "voice-twiml", node: "any", params: voice({ Direction: fc.constant("outbound-api") }) },
  {
    path: "/twilio/voice/menu/:node",
    kind: "voice-twiml",
    node: "menu",
    query: fc.integer({ min: 1, max: 4 }).map((n) => `?attempt=${n}`),
    params: voice({
      Digits: maybe(fc.constantFrom("1", "2", "3", "4", "9", "0", "*", "#", "")),
      SpeechResult: maybe(fc.constantFrom("billing please", "a fault", "sales", "one", "operator", "")),
      Confidence: maybe(fc.constantFrom("0.9", "0", "1", "0.35")),
    }),
  },
  {
    path: "/twilio/voice/dial/:node",
    kind: "voice-twiml",
    node: "ring-group",
    query: agentQuery,
    params: voice({
      DialCallStatus: fc.constantFrom("completed", "answered", "busy", "no-answer", "failed", "canceled"),
      DialCallSid: maybe(legSid),
      DialCallDuration: maybe(seconds),
    }),
  },
  {
    // The safe flow's <Dial action> (to the fallback number).
    path: voicePaths.fallbackDialled,
    kind: "voice-twiml",
    params: voice({ DialCallStatus: fc.constantFrom("completed", "answered", "busy", "no-answer", "failed", "canceled"), DialCallDuration: maybe(seconds) }),
  },
  {
    path: "/twilio/voice/dial/:node/answered",
    kind: "voice-callback",
    node: "ring-group",
    query: agentQuery,
    params: fc.record({ AccountSid: fc.constant(ACCOUNT_SID), CallSid: legSid, ParentCallSid: callSid, CallStatus: fc.constantFrom("in-progress", "ringing", "completed") }),
  },
  {
    path: "/twilio/voice/voicemail/:node/recorded",
    kind: "voice-twiml",
    node: "voicemail",
    params: fc
      .tuple(voice({ RecordingDuration: seconds, Digits: maybe(fc.constantFrom("#", "1", "hangup")) }), recordingSid, fc.boolean())
      .map(([params, re, named]) => ({ ...params, RecordingUrl: recordingUrl(re), RecordingSid: named ? re : undefined })),
  },
  {
    path: "/twilio/voice/voicemail/:node/transcription",
    kind: "voice-callback",
    node: "voicemail",
    params: recording({
      TranscriptionSid: maybe(fc.nat().map((n) => sid("TR", n))),
      TranscriptionStatus: fc.constantFrom("completed", "failed"),
      TranscriptionText: maybe(fc.constantFrom("Hi, please call me back about my bill.", "")),
    }),
  },
  {
    path: RECORDING_STATUS,
    kind: "voice-callback",
    params: recording({ RecordingStatus: fc.constantFrom("in-progress", "completed", "absent", "failed"), RecordingDuration: maybe(seconds) }),
  },
  {
    path: VOICE_STATUS,
    kind: "voice-callback",
    params: voice({
      CallStatus: fc.constantFrom(...CALL_STATUSES),
      CallDuration: maybe(seconds),
      SequenceNumber: maybe(fc.nat(20).map(String)),
      Timestamp: maybe(fc.constantFrom("Tue, 24 Nov 2026 01:00:05 +0000", "Tue, 24 Nov 2026 01:03:00 +0000")),
    }),
  },
  // A department's line (routes/twilio/queue-routes.ts).
  { path: "/twilio/voice/queue/:node", kind: "voice-twiml", node: "queue", params: voice({}) },
  {
    path: "/twilio/voice/queue/:node/wait",
    kind: "voice-twiml",
    node: "queue",
    params: voice({ QueueSid: fc.nat().map((n) => sid("QU", n)), QueuePosition: maybe(fc.nat(20).map(String)), QueueTime: maybe(seconds), AvgQueueTime: maybe(seconds), CurrentQueueSize: maybe(fc.nat(20).map(String)) }),
  },
  { path: "/twilio/voice/queue/:node/key", kind: "voice-twiml", node: "queue", params: voice({ Digits: maybe(fc.constantFrom("1", "2", "3", "*", "#", "")) }) },
  {
    path: "/twilio/voice/queue/:node/left",
    kind: "voice-twiml",
    node: "queue",
    params: voice({ QueueResult: fc.constantFrom("bridged", "queue-full", "redirected", "hangup", "error", "system-error", "leave"), QueueTime: maybe(seconds) }),
  },
  { path: "/twilio/voice/offer/:id", kind: "voice-twiml", node: "id", params: voice({ Direction: fc.constant("outbound-api") }) },
  { path: "/twilio/voice/offer/:id/key", kind: "voice-twiml", node: "id", params: voice({ Digits: maybe(fc.constantFrom("1", "2", "#", "")) }) },
  { path: "/twilio/voice/offer/:id/status", kind: "voice-callback", node: "id", params: voice({ CallStatus: fc.constantFrom(...CALL_STATUSES) }) },
  { path: "/twilio/voice/monitor/:id/status", kind: "voice-callback", node: "id", params: voice({ CallStatus: fc.constantFrom(...CALL_STATUSES) }) },
  { path: "/twilio/voice/entry/:id/connect", kind: "voice-twiml", node: "id", params: voice({}) },
  { path: "/twilio/voice/entry/:id/requeue", kind: "voice-twiml", node: "id", params: voice({}) },
  { path: "/twilio/voice/entry/:id/callback-status", kind: "voice-callback", node: "id", params: voice({ CallStatus: fc.constantFrom(...CALL_STATUSES) }) },
  {
    path: "/twilio/voice/entry/:id/caller-left",
    kind: "voice-twiml",
    node: "id",
    params: voice({ DialCallStatus: fc.constantFrom("completed", "answered", "busy", "no-answer", "failed", "canceled"), CallStatus: fc.constantFrom("in-progress", "completed") }),
  },
  { path: "/twilio/voice/entry/:id/agent-left", kind: "voice-twiml", node: "id", query: fc.constantFrom("", "?unanswered=1"), params: voice({}) },
  {
    path: "/twilio/voice/entry/:id/conference",
    kind: "voice-callback",
    node: "id",
    params: fc.record({
      AccountSid: fc.constant(ACCOUNT_SID),
      ConferenceSid: fc.nat().map((n) => sid("CF", n)),
      FriendlyName: maybe(fc.constant("entry-1")),
      StatusCallbackEvent: fc.constantFrom("conference-start", "conference-end", "participant-join", "participant-leave"),
      CallSid: maybe(callSid),
      SequenceNumber: maybe(fc.nat(20).map(String)),
    }),
  },
  {
    path: "/twilio/voice/entry/:id/recording",
    kind: "voice-callback",
    node: "id",
    params: recording({ RecordingStatus: fc.constantFrom("in-progress", "completed", "absent", "failed"), RecordingDuration: maybe(seconds), ConferenceSid: maybe(fc.nat().map((n) => sid("CF", n))) }),
  },
  { path: "/twilio/voice/entry/:id/survey", kind: "voice-twiml", node: "id", params: voice({ Digits: maybe(fc.constantFrom("1", "5", "6", "0", "#", "")) }) },
  {
    path: "/twilio/voice/entry/:id/survey-comment",
    kind: "voice-twiml",
    node: "id",
    params: fc
      .tuple(voice({ RecordingDuration: seconds }), recordingSid)
      .map(([params, re]) => ({ ...params, RecordingUrl: recordingUrl(re), RecordingSid: re })),
  },
  {
    path: SMS_INCOMING,
    kind: "sms-twiml",
    params: fc.record({
      MessageSid: messageSid,
      AccountSid: fc.constant(ACCOUNT_SID),
      From: fc.constantFrom("+61491570156", "+61491570157"),
      To: fc.constant("+61255501234"),
      Body: fc.oneof(
        fc.constantFrom("hello", "HELP", "STOP", "START", "weather sydney", "subscribe sydney 7am", "unsubscribe", "1", "2", "", "info", "london", "weather sao paulo"),
        // Words the replies may quote back ("Sorry, no place called …").
        fc.tuple(fc.constantFrom("weather ", "subscribe ", "subscribe london at ", ""), fc.oneof(fc.constantFrom(...NASTY_VALUES), fc.string({ maxLength: 30 }))).map(([command, words]) => command + words),
      ),
      NumMedia: fc.constantFrom("0", "1"),
      NumSegments: maybe(fc.constant("1")),
    }),
  },
  {
    path: SMS_STATUS,
    kind: "sms-callback",
    query: fc.option(fc.integer({ min: 1, max: 50 }).map((n) => `?reply=${n}`), { nil: "" }),
    params: fc.record({
      MessageSid: messageSid,
      AccountSid: fc.constant(ACCOUNT_SID),
      To: maybe(fc.constantFrom("+61491570156", "+61491570157")),
      MessageStatus: fc.constantFrom(...MESSAGE_STATUSES),
      ErrorCode: maybe(fc.constantFrom("30003", "21610", "0")),
      ErrorMessage: maybe(fc.constant("Unreachable destination handset")),
    }),
  },
];

// ---- What goes wrong: values, names, changes, paths, query strings, bodies, signatures ----

const weirdValue = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  // Up to and past the 256 KiB form limit (the app's own limit is 1 MiB).
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("x", "é", "\u0000", "🙂"), fc.integer({ min: 257, max: 300_000 })).map(([unit, n]) => unit.repeat(n)) },
);
const weirdKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "", " ", "callsid", "CALLSID", "CallSid ", "Digits[]", "a[b]", "a.b"),
  fc.constantFrom("\u0000", "é", "🙂", "%", "+", "=", "&", "StirVerstat", "CallToken", "ParentCallSid", "Caller", "SmsStatus"),
  fc.string({ maxLength: 12 }),
);

type Change =
  | { op: "drop"; at: number }
  | { op: "set"; at: number; value: string }
  | { op: "add"; key: string; value: string }
  | { op: "repeat"; at: number; value: string }
  | { op: "rename"; at: number; key: string }
  | { op: "replace"; pairs: Pair[] };
const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), at: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: weirdValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), key: weirdKey, value: weirdValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("repeat" as const), at: fc.nat(), value: weirdValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("rename" as const), at: fc.nat(), key: weirdKey }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("replace" as const), pairs: fc.array(fc.tuple(weirdKey, weirdValue), { maxLength: 6 }) }) },
);
/** Mostly one thing wrong; a third of the requests are left as Twilio would send them. */
const changes = fc.oneof({ weight: 1, arbitrary: fc.constant([] as Change[]) }, { weight: 2, arbitrary: fc.array(change, { minLength: 1, maxLength: 3 }) });

function applyChanges(pairs: Pair[], list: readonly Change[]): Pair[] {
  let out = pairs;
  for (const c of list) {
    const at = (i: number) => (out.length === 0 ? -1 : i % out.length);
    if (c.op === "drop") out = out.filter((_, j) => j !== at(c.at));
    else if (c.op === "set") out = out.map((p, j): Pair => (j === at(c.at) ? [p[0], c.value] : p));
    else if (c.op === "add") out = [...out, [c.key, c.value]];
    else if (c.op === "repeat") out = [...out, ...out.filter((_, j) => j === at(c.at)).map((p): Pair => [p[0], c.value])];
    else if (c.op === "rename") out = out.map((p, j): Pair => (j === at(c.at) ? [c.key, p[1]] : p));
    else out = c.pairs;
  }
  return out;
}

/** Node names as they appear in the path (already percent-encoded, or deliberately not). */
const ODD_NODES = [
  ...["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "%5F%5Fproto%5F%5F", "no-such-node", "MAIN-MENU", "main-menu%20", "main%2Dmenu"],
  ...["..", ".", "%2e%2e", "a%2Fb", "%00", "%01", "%FF", "%C3%28", "%", "%E2%9C%93", "%F0%9F%99%82", "hangup", "x".repeat(100), "x".repeat(101), "x".repeat(300)],
];
const ODD_IDS = ["0", "-1", "1.5", "1e3", "0x1", "9007199254740993", "99999999999999999999", "abc", "%00", "", "1%20", "constructor"];
const nodeName = (type: NodeType | undefined) =>
  type === undefined
    ? fc.constant("")
    : type === "id"
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...nodesOf("id")) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_IDS) })
    : fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...nodesOf(type)) },
        { weight: 1, arbitrary: fc.constantFrom(...nodesOf("any")) },
        { weight: 2, arbitrary: fc.constantFrom(...ODD_NODES) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }).map(encodeURIComponent) },
      );

const ODD_QUERIES = [
  ...["?", "??", "?&&", "?=", "?%", "?%FF", "?%C3%28", "?attempt=0", "?attempt=-1", "?attempt=1&attempt=2", "?attempt=1e1", "?attempt=abc", "?attempt="],
  ...["?agent=-1", "?agent=10", "?agent=1.5", "?agent=", "?agent=0x1", "?agent=1&agent=1", "?reply=0", "?reply=-1", "?reply=1e400", "?reply=99999999999999999"],
  ...["?reply=9007199254740991", "?reply=%00", "?__proto__=x", "?constructor=x", "?a[b]=c", "?toString=1", `?x=${"y".repeat(5000)}`, "?CallSid=CA1"],
];
const query = (valid: fc.Arbitrary<string> | undefined) => {
  const usual = valid ?? fc.constant("");
  return fc.oneof(
    { weight: 5, arbitrary: usual },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_QUERIES) },
    { weight: 1, arbitrary: fc.tuple(usual, fc.constantFrom(...ODD_QUERIES)).map(([q, odd]) => (q ? `${q}&${odd.slice(1)}` : odd)) },
  );
};

/** How the parameters are sent. Twilio always sends a UTF-8 form. */
type Body =
  | { as: "form"; contentType: string }
  | { as: "form-escapes"; inserts: [number, string][] }
  | { as: "form-bytes"; inserts: [number, readonly number[]][] }
  | { as: "json"; values: "strings" | "numbers" | "arrays" | "objects" | "nulls" }
  | { as: "text" | "no-content-type" | "empty" }
  | { as: "other"; contentType: string };
const FORM = "application/x-www-form-urlencoded";
const body = (weights: { form: number; odd: number }) =>
  fc.oneof(
    { weight: weights.form, arbitrary: fc.record({ as: fc.constant("form" as const), contentType: fc.constantFrom(FORM, FORM, `${FORM}; charset=UTF-8`, `${FORM}; charset=ISO-8859-1`, FORM.toUpperCase()) }) },
    {
      weight: weights.odd,
      arbitrary: fc.record({
        as: fc.constant("form-escapes" as const),
        inserts: fc.array(fc.tuple(fc.nat(), fc.constantFrom("%C3%28", "%FF", "%ED%A0%80", "%C0%AF", "%E2%82", "%", "%G1", "%00", "&&", "=", "&=x", "+")), { minLength: 1, maxLength: 3 }),
      }),
    },
    {
      weight: weights.odd,
      arbitrary: fc.record({
        as: fc.constant("form-bytes" as const),
        inserts: fc.array(fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xef, 0xbb, 0xbf])), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    },
    {
      weight: weights.odd,
      arbitrary: fc.record({ as: fc.constant("json" as const), values: fc.constantFrom("strings" as const, "numbers" as const, "arrays" as const, "objects" as const, "nulls" as const) }),
    },
    { weight: weights.odd, arbitrary: fc.record({ as: fc.constantFrom("text" as const, "no-content-type" as const, "empty" as const) }) },
    {
      weight: weights.odd,
      arbitrary: fc.record({
        as: fc.constant("other" as const),
        contentType: fc.constantFrom("multipart/form-data; boundary=x", "application/xml", "application/octet-stream", "text/html; charset=utf-8", "", "form", "application/x-www-form-urlencoded-x"),
      }),
    },
  );

/** Missing or wrong in each of the ways a forged or misdirected request would be. */
type Signature =
  | { signed: "valid" }
  | { signed: "missing" | "empty" | "other-token" | "http-url" | "other-path" | "other-query" | "tampered" | "flipped-case" }
  | { signed: "garbage" | "garbage-then-valid"; garbage: string };
const validSignature = fc.constant<Signature>({ signed: "valid" });
const wrongSignature: fc.Arbitrary<Signature> = fc.oneof(
  fc.record({ signed: fc.constantFrom("missing" as const, "empty" as const, "other-token" as const, "http-url" as const, "other-path" as const) }),
  fc.record({ signed: fc.constantFrom("other-query" as const, "tampered" as const, "flipped-case" as const) }),
  fc.record({ signed: fc.constantFrom("garbage" as const, "garbage-then-valid" as const), garbage: fc.base64String({ minLength: 0, maxLength: 40 }) }),
);

interface Sent {
  path: string;
  node: string;
  query: string;
  params: Params;
  changes: Change[];
  body: Body;
  signature: Signature;
}

const routeOf = (path: string) => ROUTES.find((route) => route.path === path) as Route;
/** A route's webhook as Twilio sends it, about a call that exists (and to the route's first node, unless told). */
const asTwilioSends = (route: Route, node = route.node ? (nodesOf(route.node)[0] ?? "") : ""): [Sent] => {
  const [params = {}] = fc.sample(route.params, { numRuns: 1, seed: 1 });
  const calls = Object.fromEntries(["CallSid", "ParentCallSid"].filter((name) => params[name]).map((name) => [name, CALLS[0]]));
  return [{ path: route.path, node, query: "", params: { ...params, ...calls }, changes: [], body: { as: "form", contentType: FORM }, signature: { signed: "valid" } }];
};
/** Run before the generated requests, whatever the seed, so that every handler is reached. */
const EXAMPLES = ROUTES.map((route) => asTwilioSends(route));

/** Requests the fuzz has found failing inside, kept so that they are tried on every run. */
const twilioSends = (path: string, params: Params = {}, node?: string): Sent => {
  const [sent] = asTwilioSends(routeOf(path), node);
  return { ...sent, params: { ...sent.params, ...params } };
};
const REGRESSIONS: Sent[] = [
  // NUL in any parameter: Postgres stores it neither in text nor in jsonb (all of a status callback's parameters are kept).
  twilioSends(VOICE_STATUS, { Extra: "a\u0000b" }),
  twilioSends(VOICE_INCOMING, { CallerName: "\u0000" }),
  twilioSends(SMS_INCOMING, { Body: "hi\u0000" }),
  // A control character that TwiML would speak back (the greeting names the caller's city).
  twilioSends(VOICE_INCOMING, { FromCity: "SYD\u0001NEY" }),
  // A year that Date.parse takes and Postgres cannot store.
  twilioSends(VOICE_STATUS, { Timestamp: "-010000-01-01T00:00:00Z" }),
  // Object.prototype's names are not nodes of the flow.
  ...ROUTES.filter((route) => route.node).flatMap((route) => ["constructor", "__proto__", "toString"].map((node) => twilioSends(route.path, {}, node))),
];
const requests = (options: { signature: fc.Arbitrary<Signature>; body: fc.Arbitrary<Body>; changes: fc.Arbitrary<Change[]>; nodes?: "routable" }) =>
  fc.constantFrom(...ROUTES).chain((route) =>
    fc.record<Sent>({
      path: fc.constant(route.path),
      node: options.nodes === "routable" && route.node ? fc.constantFrom(...nodesOf(route.node), "no-such-node", "constructor") : nodeName(route.node),
      query: query(route.query),
      params: route.params,
      changes: options.changes,
      body: options.body,
      signature: options.signature,
    }),
  );

// ---- Sending: the body exactly as generated, signed over what the server will read ----

/** The parameters as a form parser reads them (@fastify/formbody): '+' is a space, and an escape that is not UTF-8 leaves the text as sent. */
function formPairs(text: string): Pair[] {
  const decode = (part: string) => {
    const spaced = part.replace(/\+/g, " ");
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  };
  return text
    .split("&")
    .filter((piece) => piece !== "")
    .map((piece): Pair => {
      const eq = piece.indexOf("=");
      return eq < 0 ? [decode(piece), ""] : [decode(piece.slice(0, eq)), decode(piece.slice(eq + 1))];
    });
}

/** Twilio's rule: the full URL, then each parameter's name and value, sorted by name; twilio-node sorts a repeated name's distinct values. */
function twilioSignature(token: string, url: string, pairs: Pair[]): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of pairs) byName.set(name, (byName.get(name) ?? new Set()).add(value));
  let data = url;
  for (const name of [...byName.keys()].sort()) for (const value of [...(byName.get(name) ?? [])].sort()) data += name + value;
  return createHmac("sha1", token).update(Buffer.from(data, "utf-8")).digest("base64");
}

const isForm = (contentType: string | undefined) => contentType?.split(";")[0]?.trim().toLowerCase() === FORM;

function build(sent: Sent) {
  // app.inject sends the URL as WHATWG's URL writes it (dot segments resolved, a lone "?" dropped): sign that.
  const parsed = new URL(sent.path.replace(":node", sent.node).replace(":id", sent.node) + sent.query, "http://localhost");
  const url = parsed.pathname + parsed.search;
  const pairs = applyChanges(
    Object.entries(sent.params).filter((entry): entry is Pair => entry[1] !== undefined),
    sent.changes,
  );
  const form = new URLSearchParams(pairs).toString();
  const splice = <T>(inserts: [number, T][], apply: (text: string, at: number, what: T) => string) =>
    inserts.reduce((text, [at, what]) => apply(text, at % (text.length + 1), what), form);
  let payload: string | Buffer | undefined = form;
  let contentType: string | undefined = FORM;
  switch (sent.body.as) {
    case "form":
      contentType = sent.body.contentType;
      break;
    case "form-escapes":
      payload = splice(sent.body.inserts, (text, at, what) => text.slice(0, at) + what + text.slice(at));
      break;
    case "form-bytes": {
      // The form is ASCII, so a character index is a byte index; latin1 keeps the inserted bytes as they are.
      const bytes = sent.body.inserts.reduce((text, [at, what]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + String.fromCharCode(...what) + text.slice(i);
      }, form);
      payload = Buffer.from(bytes, "latin1");
      break;
    }
    case "json": {
      // Values of other types than Twilio's strings.
      const typed = { strings: (v: string) => v, numbers: Number, arrays: (v: string) => [v], objects: (value: string) => ({ value }), nulls: () => null }[sent.body.values];
      payload = JSON.stringify(Object.fromEntries(pairs.map(([name, value]) => [name, typed(value)])));
      contentType = "application/json";
      break;
    }
    case "text":
      contentType = "text/plain";
      break;
    case "no-content-type":
      contentType = undefined;
      break;
    case "empty":
      payload = undefined;
      break;
    case "other":
      contentType = sent.body.contentType;
      break;
  }
  const text = payload === undefined ? "" : Buffer.isBuffer(payload) ? payload.toString("utf8") : payload;
  // Only a form carries parameters; for anything else the signature covers the URL alone.
  const params = isForm(contentType) ? formPairs(text) : [];
  const sign = (token = AUTH_TOKEN, signedUrl = `${BASE_URL}${url}`, signedParams = params) => twilioSignature(token, signedUrl, signedParams);
  const signature: Record<Signature["signed"], () => string | string[] | undefined> = {
    valid: () => sign(),
    missing: () => undefined,
    empty: () => "",
    "other-token": () => sign("f".repeat(32)),
    "http-url": () => sign(AUTH_TOKEN, `${BASE_URL.replace("https:", "http:")}${url}`),
    "other-path": () => sign(AUTH_TOKEN, `${BASE_URL}${sent.path === VOICE_INCOMING ? VOICE_STATUS : VOICE_INCOMING}`),
    "other-query": () => sign(AUTH_TOKEN, `${BASE_URL}${url}${url.includes("?") ? "&" : "?"}x=1`),
    tampered: () => sign(AUTH_TOKEN, undefined, [...params, ["Tampered", "1"]]),
    "flipped-case": () => sign().replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())),
    garbage: () => ("garbage" in sent.signature ? sent.signature.garbage : ""),
    // Two headers: app.inject hands the server both, and it reads the first (Node joins them on a socket).
    "garbage-then-valid": () => ["garbage" in sent.signature ? sent.signature.garbage : "", sign()],
  };
  const header = signature[sent.signature.signed]();
  const headers: Record<string, string | string[]> = {};
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (header !== undefined) headers["x-twilio-signature"] = header;
  return { url, headers, payload };
}

// ---- Checking the answers ----

const VOICE_VERBS = new Set(["Say", "Play", "Pause", "Gather", "Dial", "Record", "Redirect", "Hangup", "Reject", "Enqueue", "Leave", "Connect", "Refer", "Start", "Stop", "Pay"]);
const MESSAGING_VERBS = new Set(["Message", "Redirect"]);
const xml = new XMLParser({ preserveOrder: true, ignoreAttributes: false });

/** XML 1.0's Char production: no C0 controls but tab, LF and CR, no U+FFFE/U+FFFF, no lone surrogates. */
const xmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

function assertTwiml(body: string, verbs: Set<string>, what: string) {
  assert.equal(XMLValidator.validate(body), true, `${what}: not well-formed XML`);
  for (const ch of body) assert.ok(xmlChar(ch.codePointAt(0) ?? 0), `${what}: a character XML cannot carry`);
  for (const [, hex, dec] of body.matchAll(/&#(?:x([0-9a-f]+)|([0-9]+));/gi)) {
    assert.ok(xmlChar(hex ? parseInt(hex, 16) : Number(dec)), `${what}: a character reference XML cannot carry`);
  }
  const roots = (xml.parse(body) as Record<string, unknown>[]).filter((node) => !("?xml" in node));
  assert.equal(roots.length, 1, `${what}: one root element`);
  const response = roots[0]?.Response;
  assert.ok(Array.isArray(response), `${what}: the root element is <Response>`);
  for (const child of response as Record<string, unknown>[]) {
    for (const name of Object.keys(child).filter((key) => key !== ":@")) assert.ok(verbs.has(name), `${what}: <${name}> is not a TwiML verb here`);
  }
}

/** Log lines at error level or above, or that say a request failed, as "message: error"; the rest are dropped. */
function takeErrors(logLines: string[]): string[] {
  const entries = logLines.map((line) => JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } });
  logLines.length = 0;
  return entries
    .filter((entry) => (entry.level ?? 0) >= 50 || /webhook failed|request failed/.test(entry.msg ?? ""))
    .map((entry) => `${entry.msg}: ${entry.err?.message ?? ""}`);
}

async function send(app: FastifyInstance, logLines: string[], sent: Sent) {
  const route = routeOf(sent.path);
  const { url, headers, payload } = build(sent);
  const res = await app.inject({ method: "POST", url, headers, ...(payload === undefined ? {} : { payload }) });
  const what = `POST ${url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  const errors = takeErrors(logLines);
  assert.ok(errors.length === 0, `${what}: logged ${errors.join("; ")}`);
  assert.ok(res.statusCode === 200 || res.statusCode === 204 || (res.statusCode >= 400 && res.statusCode < 500), `${what}: unexpected status`);
  const signatureRefused = res.statusCode === 403 && /X-Twilio-Signature/.test(res.body);
  if (sent.signature.signed === "valid") {
    assert.ok(!signatureRefused, `${what}: refused a correctly signed request`);
  } else {
    // Only a request refused before it is read (413 too large, 415, a URL that does not route) escapes the check.
    const before = [404, 413, 414, 415].includes(res.statusCode) || (res.statusCode === 400 && /FST_ERR_BAD_URL/.test(res.body));
    assert.ok(signatureRefused || before, `${what}: accepted without a valid signature`);
  }
  if (route.node && route.node !== "id" && res.statusCode < 300) {
    // Node names are the flow's own (not Object.prototype's), of the route's type.
    const id = decodeURIComponent(url.split("?")[0]?.split("/")[4] ?? "");
    const known = Object.hasOwn(flow.nodes, id) && nodesOf(route.node).includes(id);
    assert.ok(known, `${what}: answered for a node the flow does not have`);
  }
  if (res.statusCode < 300) {
    const twiml = route.kind === "voice-twiml" || route.kind === "sms-twiml";
    assert.equal(res.statusCode, twiml ? 200 : 204, `${what}: TwiML routes answer 200, callbacks 204`);
    if (twiml) {
      assert.match(String(res.headers["content-type"]), /^text\/xml/, what);
      assertTwiml(res.body, route.kind === "voice-twiml" ? VOICE_VERBS : MESSAGING_VERBS, what);
    } else {
      assert.equal(res.body, "", what);
    }
  }
  return res;
}

/**
 * A digest of every row of every table: the app's schema and pg-boss's. The tables are read from the
 * catalogue, so a new one is covered without a change here. PGlite's database is this test's alone.
 */
async function snapshot(db: Database): Promise<Map<string, string>> {
  const schemas = db.schema ? [db.schema, `${db.schema}_jobs`] : undefined;
  const tables = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ($1::text[] is null and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
       or n.nspname = any($1::text[]))
     order by 1`,
    [schemas ?? null],
  );
  const digests = new Map<string, string>();
  for (const { name } of tables) {
    const [row] = await db.query<{ rows: number; digest: string }>(
      `select count(*)::int as rows, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') as digest from ${name} t`,
    );
    digests.set(name, `${row?.rows} rows ${row?.digest}`);
  }
  return digests;
}

/** Every method and path registered under /twilio, read from Fastify's route tree. */
function twilioRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const found: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = (match[1] ?? "").length / 4;
    stack.push(match[2] ?? "");
    const path = stack.join("");
    for (const method of match[3]?.split(", ") ?? []) if (path.startsWith("/twilio")) found.push(`${method} ${path}`);
  }
  return found.sort();
}

// ---- The test: one app for all properties (starting one takes seconds), shared state and all ----

test("every Twilio webhook route survives fuzzed requests", async (t) => {
  const logLines: string[] = [];
  const weather = await startOpenMeteoFixture(t);
  const { app, db } = await testApp(t, {
    logLines,
    config: { weather: { geocodingUrl: weather.geocodingUrl, forecastUrl: weather.forecastUrl, timeoutMs: 2_000 } },
  });
  await app.ready();

  await t.test("the fuzz covers every route registered under /twilio", () => {
    assert.deepEqual(twilioRoutes(app), ROUTES.map((route) => `POST ${route.path}`).sort());
    for (const route of ROUTES) assert.ok(app.hasRoute({ method: "POST", url: route.path }), route.path);
  });

  for (const call of CALLS) {
    const res = await signedPost(app, VOICE_INCOMING, voiceParams(call, { CallStatus: "ringing" }));
    assert.equal(res.statusCode, 200, res.body);
  }
  // A line to reach (entries and offers 1 to 3): three callers in Billing's line, the first two offered
  // to Ava and Noah, and Ava's accepted (a conversation).
  const { queue, agents } = app.repositories;
  const now = new Date();
  for (const call of CALLS.slice(0, 3)) await queue.enqueue({ callSid: call, department: "billing", number: "+61491570001", called: "+61255501234", enqueuedAt: now });
  await agents.choose("ava", "available", null, now);
  await agents.choose("noah", "available", null, now);
  const offers = await db.transaction((tx) => queue.with(tx).dispatch(now));
  assert.equal(offers.length, 2);
  for (const [i, made] of offers.entries()) await queue.offerCalling(made.offer.id, sid("CA", 0x20000 + i));
  assert.ok(await db.transaction((tx) => queue.with(tx).accept(offers[0]?.offer.id ?? 0, now)));
  assert.deepEqual(takeErrors(logLines), []);

  await t.test("requests the fuzz once found failing inside are answered", async () => {
    const failures: string[] = [];
    const attempt = (sent: Sent) => send(app, logLines, sent).catch((error: Error) => void failures.push(error.message));
    for (const sent of REGRESSIONS) await attempt(sent);
    // A status callback for our reply (?reply=) that names the SID of another stored message.
    // A message of its own, from a number of its own (the inbox acknowledges a number once an hour).
    const text = twilioSends(SMS_INCOMING, { Body: "hello", From: "+61491570998", MessageSid: `MM${"9".repeat(32)}` });
    const reply = /\?reply=(\d+)/.exec((await send(app, logLines, text)).body)?.[1];
    assert.ok(reply, "the text is answered with a reply");
    await attempt({ ...twilioSends(SMS_STATUS, { MessageSid: text.params.MessageSid }), query: `?reply=${reply}` });
    assert.deepEqual(failures, []);
  });

  await t.test("signed, real-looking webhooks with something wrong never fail inside", async () => {
    const answered = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(requests({ signature: validSignature, body: body({ form: 12, odd: 1 }), changes }), async (sent) => {
        const res = await send(app, logLines, sent);
        if (res.statusCode < 300) answered.set(sent.path, (answered.get(sent.path) ?? 0) + 1);
      }),
      { ...runs(800), examples: EXAMPLES },
    );
    // The fuzz reached past validation into every handler.
    for (const route of ROUTES) assert.ok((answered.get(route.path) ?? 0) > 0, `no generated request to ${route.path} was answered 2xx`);
  });

  await t.test("any body, content type, query string and signature: no internal error", async () => {
    const signature = fc.oneof({ weight: 3, arbitrary: validSignature }, { weight: 1, arbitrary: wrongSignature });
    await fc.assert(
      fc.asyncProperty(requests({ signature, body: body({ form: 2, odd: 1 }), changes }), (sent) => send(app, logLines, sent).then(() => undefined)),
      runs(400),
    );
  });

  await t.test("requests without a valid signature are refused with 403 and change no row", async () => {
    // What signed requests set going (offers to agents) has finished.
    await app.acd.settled();
    const before = await snapshot(db);
    assert.ok([...before.keys()].some((name) => /\.calls$/.test(name)) && [...before.keys()].some((name) => /\.job$/.test(name)), "the snapshot covers the app's tables and pg-boss's");
    const unsigned = requests({
      signature: wrongSignature,
      // Bodies the server reads (not too large, a content type it takes), so that only the signature refuses them.
      body: body({ form: 6, odd: 1 }).filter((b) => b.as !== "other"),
      changes: fc.oneof(fc.constant([] as Change[]), fc.array(change, { maxLength: 1 })),
      nodes: "routable",
    }).filter((sent) => (build(sent).payload?.length ?? 0) < 100_000);
    await fc.assert(
      fc.asyncProperty(unsigned, async (sent) => {
        const res = await send(app, logLines, sent);
        assert.equal(res.statusCode, 403, res.body);
      }),
      runs(250),
    );
    const after = await snapshot(db);
    const changed = [...after.keys()].filter((name) => after.get(name) !== before.get(name));
    assert.deepEqual(changed, [], "tables changed by unsigned requests");
    assert.deepEqual([...after.keys()], [...before.keys()]);
  });

  await t.test("the app still answers a signed call afterwards, and the snapshot sees what it stores", async () => {
    const before = await snapshot(db);
    const call = sid("CA", 0xabc);
    const res = await signedPost(app, VOICE_INCOMING, voiceParams(call, { CallStatus: "ringing" }));
    assert.equal(res.statusCode, 200, res.body);
    assertTwiml(res.body, VOICE_VERBS, "incoming call");
    assert.match(res.body, /<Gather /);
    assert.equal((await app.repositories.calls.get(call))?.status, "ringing");
    assert.notDeepEqual(await snapshot(db), before);
    assert.deepEqual(takeErrors(logLines), []);
  });
});
