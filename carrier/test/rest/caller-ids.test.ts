import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier } from "./helpers.js";

const MOBILE = "+14155550142";
const HANDSET = "+14155550199";

test("a validation request verifies a caller ID, which is then listed, fetched, renamed, called from and deleted", async (t) => {
  const { client, clock, store } = await startCarrier(t);
  const validation = await client.validationRequests.create({ phoneNumber: MOBILE, friendlyName: "My mobile" });
  assert.equal(validation.accountSid, ACCOUNT_SID);
  assert.equal(validation.phoneNumber, MOBILE);
  assert.equal(validation.friendlyName, "My mobile");
  assert.match(validation.validationCode, /^\d{6}$/);

  const [callerId, ...rest] = await client.outgoingCallerIds.list();
  assert.ok(callerId);
  assert.equal(rest.length, 0);
  assert.match(callerId.sid, /^PN[0-9a-f]{32}$/);
  assert.equal(callerId.phoneNumber, MOBILE);
  assert.equal(callerId.friendlyName, "My mobile");
  assert.equal(callerId.uri, `${ACCOUNT_PATH}/OutgoingCallerIds/${callerId.sid}.json`);
  assert.deepEqual(callerId.dateCreated, clock.now());
  assert.deepEqual((await client.outgoingCallerIds(callerId.sid).fetch()).toJSON(), callerId.toJSON());
  assert.equal((await client.outgoingCallerIds.list({ phoneNumber: MOBILE })).length, 1);
  assert.equal((await client.outgoingCallerIds.list({ phoneNumber: HANDSET })).length, 0);
  assert.equal((await client.outgoingCallerIds.list({ friendlyName: "My mobile" })).length, 1);

  await clock.advance(1000);
  const renamed = await client.outgoingCallerIds(callerId.sid).update({ friendlyName: "Work" });
  assert.equal(renamed.friendlyName, "Work");
  assert.deepEqual(renamed.dateUpdated, clock.now());

  // A verified caller ID is a From that Calls create accepts, as on Twilio.
  const call = await client.calls.create({ to: HANDSET, from: MOBILE, twiml: "<Response><Hangup/></Response>" });
  assert.equal(call.from, MOBILE);
  await assert.rejects(client.validationRequests.create({ phoneNumber: MOBILE }), { status: 400, code: 21450 });

  assert.equal(await client.outgoingCallerIds(callerId.sid).remove(), true);
  await assert.rejects(client.outgoingCallerIds(callerId.sid).fetch(), { status: 404, code: 20404 });
  await assert.rejects(client.calls.create({ to: HANDSET, from: MOBILE, twiml: "<Response/>" }), { status: 400, code: 21210 });
  assert.equal(store.callerIds.size, 0);
});

test("a validation request needs an E.164 PhoneNumber and takes no StatusCallback here", async (t) => {
  const { client } = await startCarrier(t);
  await assert.rejects(client.validationRequests.create({ phoneNumber: "0415 555 0142" }), { status: 400, code: 21421 });
  await assert.rejects(client.validationRequests.create({ phoneNumber: MOBILE, statusCallback: "https://app.example/validated" }), { status: 400 });
  const plain = await client.validationRequests.create({ phoneNumber: MOBILE });
  assert.equal(plain.friendlyName, "(415) 555-0142");
});
