import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { signedUrl, twilioSignature } from "../../src/webhooks/signature.js";

test("the signature matches Twilio's documented test vector", () => {
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" };
  const url = "https://example.com/myapp.php?foo=1&bar=2";
  assert.equal(twilioSignature("12345", url, params, "POST"), "L/OH5YylLD5NRKLltdqwSvS0BnU=");
});

test("twilio-node's validateRequest accepts what the carrier signs, for POST and GET", () => {
  const token = "0123456789abcdef0123456789abcdef";
  const params = { CallSid: "CA1", From: "+15005550006", Body: "hello & goodbye", Multi: ["b", "a"] };
  const url = "http://127.0.0.1:3000/twilio/voice/incoming?attempt=2";
  assert.ok(twilio.validateRequest(token, twilioSignature(token, url, params, "POST"), url, params));
  const get = "http://127.0.0.1:3000/answer?CallSid=CA1&From=%2B15005550006";
  assert.ok(twilio.validateRequest(token, twilioSignature(token, get, {}, "GET"), get, {}));
});

test("voice over HTTPS is signed without the port; credentials never", () => {
  assert.equal(signedUrl("https://user:pw@example.com:8443/voice", { dropHttpsPort: true }), "https://example.com/voice");
  assert.equal(signedUrl("https://example.com:8443/sms", { dropHttpsPort: false }), "https://example.com:8443/sms");
  assert.equal(signedUrl("http://localhost:3000/voice", { dropHttpsPort: true }), "http://localhost:3000/voice");
});
