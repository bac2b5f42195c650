import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, startCarrier } from "./helpers.js";

test("the account is fetched and listed through the official client", async (t) => {
  const { client, clock } = await startCarrier(t);
  const account = await client.api.v2010.accounts(ACCOUNT_SID).fetch();
  assert.equal(account.sid, ACCOUNT_SID);
  assert.equal(account.ownerAccountSid, ACCOUNT_SID);
  assert.equal(account.authToken, AUTH_TOKEN);
  assert.equal(account.status, "active");
  assert.equal(account.type, "Full");
  assert.equal(account.friendlyName, "My first Twilio account");
  assert.deepEqual(account.dateCreated, clock.now());
  assert.equal(account.uri, `${ACCOUNT_PATH}.json`);
  assert.equal(account.subresourceUris.calls, `${ACCOUNT_PATH}/Calls.json`);
  assert.equal(account.subresourceUris.keys, `${ACCOUNT_PATH}/Keys.json`);

  // The client's own shortcut, client.api.account, fetches the same.
  assert.equal((await client.api.account.fetch()).sid, ACCOUNT_SID);

  assert.deepEqual((await client.api.v2010.accounts.list()).map((a) => a.sid), [ACCOUNT_SID]);
  assert.deepEqual((await client.api.v2010.accounts.list({ status: "active" })).map((a) => a.sid), [ACCOUNT_SID]);
  assert.deepEqual(await client.api.v2010.accounts.list({ status: "closed" }), []);
  assert.deepEqual(await client.api.v2010.accounts.list({ friendlyName: "someone else" }), []);
});

test("another account is 401, and a Standard API key may not read Accounts (Twilio: Main keys only)", async (t) => {
  const { client, clientWithKey, request } = await startCarrier(t);
  const other = await request("/2010-04-01/Accounts/AC99999999999999999999999999999999.json");
  assert.equal(other.status, 401);
  assert.equal(((await other.json()) as { code: number }).code, 20003);

  const { sid, secret } = await client.newKeys.create();
  const withKey = clientWithKey(sid, secret);
  await assert.rejects(withKey.api.v2010.accounts(ACCOUNT_SID).fetch(), { status: 401, code: 20003 });
  await assert.rejects(withKey.api.v2010.accounts.list(), { status: 401, code: 20003 });
  // …while the account's other resources are open to it.
  assert.deepEqual(await withKey.calls.list(), []);
});
