// The twilio client the service uses, pointed at a Twilio-compatible API (the carrier, or here a
// local stand-in): it retries a 429 itself, as it does against api.twilio.com.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTwilioClient } from "../src/twilio-client.js";
import { ACCOUNT_SID, AUTH_TOKEN, fakeTwilioRest } from "./cli/fake-twilio-rest.js";

test("a 429 from a rebased API is retried by the client (backoff), and the message is sent once", async (t) => {
  const api = await fakeTwilioRest(t);
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, source: "environment" }, api.url);
  api.failNext(429, 20429, "Too Many Requests");
  const message = await client.messages.create({ to: "+61491570156", from: "+61255501234", body: "hello" });
  assert.match(message.sid, /^SM/);
  const posts = api.requests.filter((r) => r.method === "POST" && r.path.endsWith("/Messages.json"));
  assert.equal(posts.length, 2, "the 429, then the retry");
  assert.equal(api.messages.size, 1);
});
