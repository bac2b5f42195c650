import { test } from "node:test";
import assert from "node:assert/strict";
import twilio from "twilio";
import { ACCOUNT_PATH, ACCOUNT_SID, AUTH_TOKEN, basicAuth, startCarrier } from "./helpers.js";

const AUTHENTICATE = { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 };

test("a wrong auth token makes the official client throw RestException 20003 / 401", async (t) => {
  const { clientWithToken, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const client = clientWithToken("wrong-token");
  for (const attempt of [
    () => client.messages.list(),
    () => client.messages.create({ to: "+14155550199", from: "+14155550100", body: "x" }),
    () => client.calls("CA00000000000000000000000000000000").fetch(),
  ]) {
    await assert.rejects(attempt(), (error: unknown) => {
      assert.ok(error instanceof twilio.RestException);
      assert.equal(error.status, 401);
      assert.equal(error.code, 20003);
      assert.equal(error.moreInfo, "https://www.twilio.com/docs/errors/20003");
      return true;
    });
  }
  assert.equal(store.messages.size, 0);
});

test("without credentials, or for another account, the answer is 401 with WWW-Authenticate", async (t) => {
  const { request } = await startCarrier(t);
  const other = "AC99999999999999999999999999999999";
  const attempts: [string, Record<string, string>][] = [
    [`${ACCOUNT_PATH}/Calls.json`, {}],
    [`${ACCOUNT_PATH}/Calls.json`, { authorization: "Bearer abc" }],
    [`${ACCOUNT_PATH}/Calls.json`, { authorization: basicAuth(ACCOUNT_SID, "") }],
    [`/2010-04-01/Accounts/${other}/Calls.json`, { authorization: basicAuth(ACCOUNT_SID, AUTH_TOKEN) }],
    [`/2010-04-01/Accounts/${other}/Calls.json`, { authorization: basicAuth(other, AUTH_TOKEN) }],
    [`${ACCOUNT_PATH}/Nothing/Here.json`, {}],
  ];
  for (const [path, headers] of attempts) {
    const response = await request(path, { auth: false, headers });
    assert.equal(response.status, 401, `${path} ${JSON.stringify(headers)}`);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Basic realm=/);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await response.json(), AUTHENTICATE);
  }
});

test("an unknown SID or path is 404 with code 20404 in Twilio's error shape", async (t) => {
  const { request } = await startCarrier(t);
  for (const path of [
    `${ACCOUNT_PATH}/Messages/SM00000000000000000000000000000000.json`,
    `${ACCOUNT_PATH}/IncomingPhoneNumbers/PN00000000000000000000000000000000.json`,
    `${ACCOUNT_PATH}/Queues/QU00000000000000000000000000000000.json`,
  ]) {
    const response = await request(path);
    assert.equal(response.status, 404, path);
    assert.deepEqual(await response.json(), {
      code: 20404,
      message: `The requested resource ${path} was not found`,
      more_info: "https://www.twilio.com/docs/errors/20404",
      status: 404,
    });
  }
});

test("delete answers 204 with an empty body", async (t) => {
  const { request, store } = await startCarrier(t);
  const number = store.addNumber({ phoneNumber: "+14155550100" });
  const response = await request(`${ACCOUNT_PATH}/IncomingPhoneNumbers/${number.sid}.json`, { method: "DELETE" });
  assert.equal(response.status, 204);
  assert.equal(await response.text(), "");
});

test("paging: PageSize is capped at 1000, a page past the end is empty, bad values are 400", async (t) => {
  const { request, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: "+14155550100" });
  const big = (await (await request(`${ACCOUNT_PATH}/IncomingPhoneNumbers.json?PageSize=5000`)).json()) as Record<string, unknown>;
  assert.equal(big.page_size, 1000);
  assert.equal((big.incoming_phone_numbers as unknown[]).length, 1);
  assert.equal(big.next_page_uri, null);

  const beyond = (await (await request(`${ACCOUNT_PATH}/IncomingPhoneNumbers.json?PageSize=1&Page=3`)).json()) as Record<string, unknown>;
  assert.deepEqual(beyond.incoming_phone_numbers, []);
  assert.equal(beyond.next_page_uri, null);
  assert.equal(beyond.previous_page_uri, `${ACCOUNT_PATH}/IncomingPhoneNumbers.json?PageSize=1&Page=2`);

  const defaults = (await (await request(`${ACCOUNT_PATH}/Calls.json`)).json()) as Record<string, unknown>;
  assert.deepEqual(defaults, {
    first_page_uri: `${ACCOUNT_PATH}/Calls.json?PageSize=50&Page=0`,
    end: 0,
    next_page_uri: null,
    page: 0,
    page_size: 50,
    previous_page_uri: null,
    start: 0,
    uri: `${ACCOUNT_PATH}/Calls.json?PageSize=50&Page=0`,
    calls: [],
  });

  const bad = await request(`${ACCOUNT_PATH}/Calls.json?PageSize=many`);
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { code: number }).code, 20001);
});
