import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { ACCOUNT_PATH, ACCOUNT_SID, basicAuth, startCarrier } from "./helpers.js";

const rejectsAuthenticate = (error: unknown) => {
  assert.ok(error instanceof twilio.RestException);
  assert.equal(error.status, 401);
  assert.equal(error.code, 20003);
  return true;
};

test("a key is created with its secret once, then fetched, listed, renamed and deleted", async (t) => {
  const { client, clock, store } = await startCarrier(t);
  const created = await client.newKeys.create({ friendlyName: "deploy" });
  assert.match(created.sid, /^SK[0-9a-f]{32}$/);
  assert.match(created.secret, /^[A-Za-z0-9]{32}$/);
  assert.equal(created.friendlyName, "deploy");
  assert.deepEqual(created.dateCreated, clock.now());
  // Only a hash of the secret is kept.
  assert.ok(!JSON.stringify([...store.keys.values()]).includes(created.secret));

  const fetched = await client.keys(created.sid).fetch();
  assert.deepEqual(fetched.toJSON(), { sid: created.sid, friendlyName: "deploy", dateCreated: clock.now(), dateUpdated: clock.now() });
  assert.equal("secret" in fetched, false, "the secret is shown only when the key is created");

  await clock.advance(1000);
  const renamed = await client.keys(created.sid).update({ friendlyName: "ci" });
  assert.equal(renamed.friendlyName, "ci");
  assert.deepEqual(renamed.dateUpdated, clock.now());

  const second = await client.newKeys.create();
  assert.equal(second.friendlyName, null);
  assert.deepEqual((await client.keys.list()).map((k) => k.sid), [second.sid, created.sid]);

  assert.equal(await client.keys(created.sid).remove(), true);
  await assert.rejects(client.keys(created.sid).fetch(), { status: 404, code: 20404 });
  assert.deepEqual((await client.keys.list()).map((k) => k.sid), [second.sid]);
});

test("a key's SID and secret authenticate the official client on the account's resources", async (t) => {
  const { client, clientWithKey, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const { sid, secret } = await client.newKeys.create({ friendlyName: "app" });
  const withKey = clientWithKey(sid, secret);

  const call = await withKey.calls.create({ to: "+14155550199", from: "+14155550100", twiml: "<Response><Hangup/></Response>" });
  assert.match(call.sid, /^CA/);
  assert.equal(call.accountSid, ACCOUNT_SID);
  const message = await withKey.messages.create({ to: "+14155550199", from: "+14155550100", body: "hi" });
  assert.equal((await withKey.messages(message.sid).fetch()).body, "hi");
  const number = await withKey.incomingPhoneNumbers.create({ phoneNumber: "+14155550101" });
  assert.equal((await withKey.incomingPhoneNumbers.list()).length, 2);
  await withKey.incomingPhoneNumbers(number.sid).remove();
  assert.equal((await withKey.recordings.list()).length, 0);

  await assert.rejects(clientWithKey(sid, `${secret}x`).calls.list(), rejectsAuthenticate);
  await assert.rejects(clientWithKey("SK00000000000000000000000000000000", secret).calls.list(), rejectsAuthenticate);

  // A deleted key stops working at once.
  await client.keys(sid).remove();
  await assert.rejects(withKey.calls.list(), rejectsAuthenticate);
});

test("a Standard key is refused on the Keys resource (Twilio: Main keys only), 401/20003", async (t) => {
  const { client, clientWithKey } = await startCarrier(t);
  const { sid, secret } = await client.newKeys.create({ friendlyName: "standard" });
  const withKey = clientWithKey(sid, secret);
  await assert.rejects(withKey.newKeys.create({ friendlyName: "escalate" }), rejectsAuthenticate);
  await assert.rejects(withKey.keys.list(), rejectsAuthenticate);
  await assert.rejects(withKey.keys(sid).fetch(), rejectsAuthenticate);
  await assert.rejects(withKey.keys(sid).update({ friendlyName: "x" }), rejectsAuthenticate);
  await assert.rejects(withKey.keys(sid).remove(), rejectsAuthenticate);
  assert.equal((await client.keys.list()).length, 1);
});

test("a key works for this account only, and FriendlyName is at most 64 characters", async (t) => {
  const { client, request } = await startCarrier(t);
  const { sid, secret } = await client.newKeys.create();
  const other = "AC99999999999999999999999999999999";
  const response = await request(`/2010-04-01/Accounts/${other}/Calls.json`, { auth: false, headers: { authorization: basicAuth(sid, secret) } });
  assert.equal(response.status, 401);
  const own = await request(`${ACCOUNT_PATH}/Calls.json`, { auth: false, headers: { authorization: basicAuth(sid, secret) } });
  assert.equal(own.status, 200);
  await assert.rejects(client.newKeys.create({ friendlyName: "x".repeat(65) }), { status: 400, code: 20001 });
});
