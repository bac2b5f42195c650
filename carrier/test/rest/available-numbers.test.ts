import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_PATH, startCarrier } from "./helpers.js";

test("the US is the one country, with Local and TollFree numbers (no US mobile numbers, as on Twilio)", async (t) => {
  const { client, request } = await startCarrier(t);
  const countries = await client.availablePhoneNumbers.list();
  assert.deepEqual(
    countries.map((c) => [c.countryCode, c.country, c.beta, c.uri]),
    [["US", "United States", false, `${ACCOUNT_PATH}/AvailablePhoneNumbers/US.json`]],
  );
  const us = await client.availablePhoneNumbers("US").fetch();
  assert.deepEqual(us.subresourceUris, {
    local: `${ACCOUNT_PATH}/AvailablePhoneNumbers/US/Local.json`,
    toll_free: `${ACCOUNT_PATH}/AvailablePhoneNumbers/US/TollFree.json`,
  });
  await assert.rejects(client.availablePhoneNumbers("US").mobile.list({ limit: 5 }), { status: 404, code: 20404 });
  await assert.rejects(client.availablePhoneNumbers("GB").fetch(), { status: 404, code: 20404 });
  const gb = await request(`${ACCOUNT_PATH}/AvailablePhoneNumbers/GB/Local.json`);
  assert.equal(gb.status, 404);
  assert.equal(((await gb.json()) as { code: number }).code, 20404);
});

test("a Local search by AreaCode offers free numbers there, and buying one takes it off the next search", async (t) => {
  const { client } = await startCarrier(t);
  const found = await client.availablePhoneNumbers("US").local.list({ areaCode: 212, pageSize: 5, limit: 5 });
  assert.equal(found.length, 5);
  assert.equal(new Set(found.map((n) => n.phoneNumber)).size, 5);
  for (const n of found) assert.match(n.phoneNumber, /^\+1212[2-9]\d{6}$/);
  const first = found[0];
  assert.ok(first);
  assert.equal(first.friendlyName, `(212) ${first.phoneNumber.slice(5, 8)}-${first.phoneNumber.slice(8)}`);
  assert.equal(first.isoCountry, "US");
  assert.equal(first.region, "NY");
  assert.equal(first.locality, "New York");
  assert.deepEqual(first.capabilities, { voice: true, SMS: true, MMS: false, fax: false });

  const bought = await client.incomingPhoneNumbers.create({ phoneNumber: first.phoneNumber, voiceUrl: "https://app.example/voice" });
  assert.equal(bought.phoneNumber, first.phoneNumber);
  assert.equal(bought.type, "local");
  const again = await client.availablePhoneNumbers("US").local.list({ areaCode: 212, pageSize: 5, limit: 5 });
  assert.equal(again.length, 5);
  assert.ok(!again.some((n) => n.phoneNumber === first.phoneNumber), "a bought number is no longer available");

  // An area code that is not a geographic one has no local numbers.
  assert.deepEqual(await client.availablePhoneNumbers("US").local.list({ areaCode: 800, limit: 5 }), []);
  assert.deepEqual(await client.availablePhoneNumbers("US").local.list({ areaCode: 911, limit: 5 }), []);
});

test("Contains: digits, * for one digit, % for a run, + and $ anchors, letters as keypad digits", async (t) => {
  const { client } = await startCarrier(t);
  const search = async (contains: string, areaCode?: number) =>
    (await client.availablePhoneNumbers("US").local.list({ contains, areaCode, pageSize: 10, limit: 10 })).map((n) => n.phoneNumber);

  const storm = await search("STORM", 415);
  assert.equal(storm.length, 10);
  for (const n of storm) assert.match(n, /^\+1415\d*78676\d*$/, "STORM is 78676 on the keypad");

  const classic = await search("+1510555****");
  assert.equal(classic.length, 10);
  for (const n of classic) assert.match(n, /^\+1510555\d{4}$/);

  const ends = await search("%0000$");
  assert.equal(ends.length, 10);
  for (const n of ends) assert.match(n, /0000$/);

  const starts = await search("+312%");
  for (const n of starts) assert.match(n, /^\+1312/);
  assert.equal(starts.length, 10);

  const wild = await search("4*4*4");
  for (const n of wild) assert.match(n.slice(2), /4\d4\d4/);
  assert.equal(wild.length, 10);

  await assert.rejects(client.availablePhoneNumbers("US").local.list({ contains: "5", limit: 1 }), { status: 400 });
  await assert.rejects(client.availablePhoneNumbers("US").local.list({ contains: "55-12", limit: 1 }), { status: 400 });
});

test("TollFree numbers are 8XX, bought and listed as toll-free; InRegion and InPostalCode are accepted", async (t) => {
  const { client } = await startCarrier(t);
  const tollFree = await client.availablePhoneNumbers("US").tollFree.list({ pageSize: 3, limit: 3 });
  assert.equal(tollFree.length, 3);
  for (const n of tollFree) assert.match(n.phoneNumber, /^\+18(00|33|44|55|66|77|88)\d{7}$/);
  const in888 = await client.availablePhoneNumbers("US").tollFree.list({ areaCode: 888, contains: "FLOWER", limit: 2 });
  assert.equal(in888.length, 2);
  for (const n of in888) assert.match(n.phoneNumber, /^\+1888\d*356937\d*$/);

  const bought = await client.incomingPhoneNumbers.create({ phoneNumber: in888[0]?.phoneNumber ?? "" });
  assert.equal(bought.type, "tollfree");
  await client.incomingPhoneNumbers.create({ phoneNumber: "+14155550100" });
  assert.deepEqual((await client.incomingPhoneNumbers.list()).length, 2);
  assert.deepEqual((await client.api.v2010.account.incomingPhoneNumbers.tollFree.list()).map((n) => n.sid), [bought.sid]);
  assert.deepEqual((await client.api.v2010.account.incomingPhoneNumbers.local.list()).map((n) => n.phoneNumber), ["+14155550100"]);

  // InRegion narrows to area codes the carrier places there; elsewhere the number reports what was asked.
  const ny = await client.availablePhoneNumbers("US").local.list({ inRegion: "NY", limit: 3 });
  assert.equal(ny.length, 3);
  for (const n of ny) {
    assert.match(n.phoneNumber, /^\+1212/);
    assert.equal(n.region, "NY");
  }
  const tx = await client.availablePhoneNumbers("US").local.list({ inRegion: "TX", inPostalCode: "73301", limit: 2 });
  assert.equal(tx.length, 2);
  assert.deepEqual(tx.map((n) => [n.region, n.postalCode]), [["TX", "73301"], ["TX", "73301"]]);
});
