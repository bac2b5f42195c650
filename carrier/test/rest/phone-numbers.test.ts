import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier } from "./helpers.js";

test("a number is created, fetched, listed, updated and deleted through the official client", async (t) => {
  const { client, store, clock } = await startCarrier(t);

  const created = await client.incomingPhoneNumbers.create({
    phoneNumber: "+14155550100",
    friendlyName: "Main line",
    voiceUrl: "https://app.example/voice",
    voiceFallbackUrl: "https://app.example/voice-fallback",
    smsUrl: "https://app.example/sms",
    smsMethod: "GET",
    statusCallback: "https://app.example/status",
  });
  assert.match(created.sid, /^PN[0-9a-f]{32}$/);
  assert.equal(created.accountSid, ACCOUNT_SID);
  assert.equal(created.phoneNumber, "+14155550100");
  assert.equal(created.friendlyName, "Main line");
  assert.equal(created.voiceUrl, "https://app.example/voice");
  assert.equal(created.voiceMethod, "POST");
  assert.equal(created.voiceFallbackUrl, "https://app.example/voice-fallback");
  assert.equal(created.voiceFallbackMethod, "POST");
  assert.equal(created.smsUrl, "https://app.example/sms");
  assert.equal(created.smsMethod, "GET");
  assert.equal(created.smsFallbackUrl, null);
  assert.equal(created.statusCallback, "https://app.example/status");
  assert.equal(created.statusCallbackMethod, "POST");
  assert.deepEqual(created.capabilities, { voice: true, sms: true, mms: false, fax: false });
  assert.equal(created.status, "in-use");
  assert.equal(created.origin, "twilio");
  assert.equal(created.beta, false);
  assert.equal(created.apiVersion, "2010-04-01");
  assert.equal(created.uri, `${ACCOUNT_PATH}/IncomingPhoneNumbers/${created.sid}.json`);
  assert.deepEqual(created.dateCreated, clock.now());
  // The carrier routes to what REST configured.
  assert.equal(store.numberByPhone("+14155550100")?.smsUrl, "https://app.example/sms");

  const fetched = await client.incomingPhoneNumbers(created.sid).fetch();
  assert.deepEqual(fetched.toJSON(), created.toJSON());

  await clock.advance(60_000);
  const updated = await client.incomingPhoneNumbers(created.sid).update({ voiceUrl: "https://app.example/voice2", voiceMethod: "GET", smsUrl: "" });
  assert.equal(updated.voiceUrl, "https://app.example/voice2");
  assert.equal(updated.voiceMethod, "GET");
  assert.equal(updated.smsUrl, null, "an empty URL clears it");
  assert.equal(updated.friendlyName, "Main line", "what is not sent stays");
  assert.deepEqual(updated.dateUpdated, clock.now());
  assert.equal(store.numbers.get(created.sid)?.voiceUrl, "https://app.example/voice2");

  const second = await client.incomingPhoneNumbers.create({ areaCode: "212" });
  assert.match(second.phoneNumber, /^\+1212555\d{4}$/);
  assert.equal(second.friendlyName, "(212) 555-0100", "the default friendly name is the formatted number");

  assert.equal((await client.incomingPhoneNumbers.list()).length, 2);
  assert.deepEqual((await client.incomingPhoneNumbers.list({ phoneNumber: "415" })).map((n) => n.sid), [created.sid]);
  assert.deepEqual((await client.incomingPhoneNumbers.list({ phoneNumber: "+1212555****" })).map((n) => n.sid), [second.sid]);
  assert.deepEqual((await client.incomingPhoneNumbers.list({ friendlyName: "Main line" })).map((n) => n.sid), [created.sid]);
  assert.equal((await client.incomingPhoneNumbers.list({ friendlyName: "nobody" })).length, 0);

  assert.equal(await client.incomingPhoneNumbers(created.sid).remove(), true);
  assert.equal(store.numberByPhone("+14155550100"), undefined);
  await assert.rejects(client.incomingPhoneNumbers(created.sid).fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.incomingPhoneNumbers(created.sid).remove(), { status: 404, code: 20404 });
});

test("a number already on the account cannot be created again (21422)", async (t) => {
  const { client, store } = await startCarrier(t);
  await client.incomingPhoneNumbers.create({ phoneNumber: "+14155550100" });
  await assert.rejects(
    client.incomingPhoneNumbers.create({ phoneNumber: "+14155550100" }),
    (error: unknown) => {
      assert.ok(error instanceof twilio.RestException);
      assert.equal(error.status, 400);
      assert.equal(error.code, 21422);
      assert.equal(error.moreInfo, "https://www.twilio.com/docs/errors/21422");
      return true;
    },
  );
  assert.equal(store.numbers.size, 1);
});

test("number parameters are validated with Twilio's codes", async (t) => {
  const { client, request } = await startCarrier(t);
  await assert.rejects(client.incomingPhoneNumbers.create({ phoneNumber: "4155550100" }), { status: 400, code: 21421 });
  await assert.rejects(client.incomingPhoneNumbers.create({ phoneNumber: "+14155550100", voiceUrl: "not a url" }), { status: 400, code: 21402 });
  await assert.rejects(client.incomingPhoneNumbers.create({ phoneNumber: "+14155550100", smsMethod: "PUT" }), { status: 400, code: 21403 });
  await assert.rejects(client.incomingPhoneNumbers.create({ areaCode: "012" }), { status: 400, code: 21451 });
  const response = await request(`${ACCOUNT_PATH}/IncomingPhoneNumbers.json`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "FriendlyName=x" });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { code: number }).code, 20001);
});

test("an AreaCode picks a free fictional number each time", async (t) => {
  const { client } = await startCarrier(t);
  const first = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  const second = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  assert.equal(first.phoneNumber, "+14155550100");
  assert.equal(second.phoneNumber, "+14155550101");
});

test("the Local sub-list creates and lists the same numbers", async (t) => {
  const { client, store } = await startCarrier(t);
  const created = await client.incomingPhoneNumbers.local.create({ phoneNumber: "+14155550123", smsUrl: "https://app.example/sms" });
  assert.match(created.sid, /^PN[0-9a-f]{32}$/);
  assert.equal(store.numberByPhone("+14155550123")?.smsUrl, "https://app.example/sms");
  assert.deepEqual((await client.incomingPhoneNumbers.local.list()).map((n) => n.sid), [created.sid]);
  assert.deepEqual((await client.incomingPhoneNumbers.list()).map((n) => n.sid), [created.sid]);
});
