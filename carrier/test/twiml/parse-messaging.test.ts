import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { parseMessagingTwiml } from "../../src/twiml/parse-messaging.js";
import type { MessagingParseResult, MessagingVerb, TwimlWarning } from "../../src/twiml/nodes.js";

function parsed(xml: string): { verbs: MessagingVerb[]; warnings: TwimlWarning[] } {
  const result = parseMessagingTwiml(xml);
  assert.ok(result.ok, `expected a parsed document, got ${JSON.stringify(result)}`);
  return result;
}

function warned(inner: string): { verbs: MessagingVerb[]; messages: string[] } {
  const { verbs, warnings } = parsed(`<Response>${inner}</Response>`);
  for (const w of warnings) assert.equal(w.code, 12200);
  return { verbs, messages: warnings.map((w) => w.message) };
}

test("a twilio-node MessagingResponse with every verb and attribute parses exactly, with no warnings", () => {
  const r = new twilio.twiml.MessagingResponse();
  const attributes = { to: "+15550001111", from: "+15552223333", action: "/sent", method: "GET", statusCallback: "/status" };
  const rich = r.message(attributes, ""); // the body goes in a nested <Body> below
  rich.body("Your order & receipt");
  rich.media("https://media.example/a.png");
  rich.media("https://media.example/b.jpg?x=1&y=2");
  r.message("Plain text reply");
  r.redirect({ method: "GET" }, "/next");
  r.redirect("/again");

  const xml = r.toString();
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  const { verbs, warnings } = parsed(xml);
  assert.deepEqual(warnings, []);
  assert.deepEqual(verbs, [
    {
      verb: "Message",
      body: "Your order & receipt",
      media: ["https://media.example/a.png", "https://media.example/b.jpg?x=1&y=2"],
      to: "+15550001111",
      from: "+15552223333",
      action: "/sent",
      method: "GET",
      statusCallback: "/status",
    },
    { verb: "Message", body: "Plain text reply", media: [], method: "POST" },
    { verb: "Redirect", method: "GET", url: "/next" },
    { verb: "Redirect", method: "POST", url: "/again" },
  ]);
});

test("an empty <Response/> has no verbs; text is trimmed and entities decoded", () => {
  assert.deepEqual(parseMessagingTwiml("<Response/>"), { ok: true, verbs: [], warnings: [] });
  const { verbs, warnings } = parsed("<Response><Message>\n  Fish &amp; chips &#x2764;\n</Message><Message/></Response>");
  assert.deepEqual(warnings, []);
  assert.deepEqual(verbs, [
    { verb: "Message", body: "Fish & chips ❤", media: [], method: "POST" },
    { verb: "Message", body: "", media: [], method: "POST" },
  ]);
});

test("a message may carry only media", () => {
  const { verbs, warnings } = parsed("<Response><Message><Media> https://m/1.gif </Media></Message></Response>");
  assert.deepEqual(warnings, []);
  assert.deepEqual(verbs, [{ verb: "Message", body: "", media: ["https://m/1.gif"], method: "POST" }]);
});

test("malformed XML is 12100 and a wrong root is 12102", () => {
  const failures: [string, 12100 | 12102][] = [
    ["<Response><Message>hi</Response>", 12100],
    [' <?xml version="1.0"?><Response/>', 12100],
    ["<Response><Message>R&D</Message></Response>", 12100],
    ["<Response/>extra", 12100],
    ["<response/>", 12102],
    ["<Message>hi</Message>", 12102],
  ];
  for (const [xml, code] of failures) {
    const result: MessagingParseResult = parseMessagingTwiml(xml);
    assert.equal(result.ok, false, xml);
    assert.equal(!result.ok && result.code, code, xml);
  }
});

test("voice verbs, wrong case and unknown verbs are warned about and skipped", () => {
  const { verbs, messages } = warned("<Say>hi</Say><message>x</message><Message>ok</Message>stray");
  assert.deepEqual(verbs, [{ verb: "Message", body: "ok", media: [], method: "POST" }]);
  assert.deepEqual(messages, [
    "Text is not allowed directly inside <Response>; it was ignored",
    "<Say> is not a messaging verb; it was ignored",
    "<message> is not a messaging verb (did you mean <Message>?); it was ignored",
  ]);
});

test("unknown attributes, invalid methods and unknown children of <Message> are warned about", () => {
  const { verbs, messages } = warned(
    '<Message To="+1" method="PUT" priority="high"><Body>hi<b>x</b></Body><media>u</media><Media/></Message>' +
      '<Redirect method="PATCH">/x</Redirect>',
  );
  assert.deepEqual(verbs, [
    { verb: "Message", body: "hi", media: [], method: "POST" },
    { verb: "Redirect", method: "POST", url: "/x" },
  ]);
  assert.deepEqual(messages, [
    '<Message> method="PUT" is invalid (expected GET or POST); using "POST"',
    "<Message> has unknown attribute 'To' (did you mean 'to'?); it was ignored",
    "<Message> has unknown attribute 'priority'; it was ignored",
    "<b> is not allowed inside <Body>; it was ignored",
    "<media> is not allowed inside <Message> (did you mean <Media>?); it was ignored",
    "An empty <Media> was ignored",
    '<Redirect> method="PATCH" is invalid (expected GET or POST); using "POST"',
  ]);
});
