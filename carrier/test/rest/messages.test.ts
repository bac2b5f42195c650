import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_PATH, ACCOUNT_SID, startCarrier, until } from "./helpers.js";

const OURS = "+14155550100";
const OTHER_OURS = "+14155550111";
const HANDSET = "+14155550199";
const SECOND_HANDSET = "+14155550188";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

test("a message is created queued, then delivered to the handset", async (t) => {
  const { client, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });

  const created = await client.messages.create({ to: HANDSET, from: OURS, body: "Your appointment is at 10:00" });
  assert.match(created.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(created.status, "queued");
  assert.equal(created.accountSid, ACCOUNT_SID);
  assert.equal(created.to, HANDSET);
  assert.equal(created.from, OURS);
  assert.equal(created.body, "Your appointment is at 10:00");
  assert.equal(created.direction, "outbound-api");
  assert.equal(created.numSegments, "1");
  assert.equal(created.numMedia, "0");
  assert.equal(created.dateSent, null);
  assert.equal(created.errorCode, null);
  assert.equal(created.messagingServiceSid, null);
  assert.equal(created.price, null);
  assert.equal(created.priceUnit, "USD");
  assert.equal(created.apiVersion, "2010-04-01");
  assert.equal(created.uri, `${ACCOUNT_PATH}/Messages/${created.sid}.json`);

  await until(store, "message", () => store.messages.get(created.sid)?.status === "delivered");
  const fetched = await client.messages(created.sid).fetch();
  assert.equal(fetched.status, "delivered");
  assert.ok(fetched.dateSent instanceof Date);
  assert.deepEqual(store.handset(HANDSET).inbox, [created.sid]);
});

test("repeated MediaUrl parameters all reach the message", async (t) => {
  const { client, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const created = await client.messages.create({ to: HANDSET, from: OURS, mediaUrl: ["https://app.example/a.png", "https://app.example/b.png"] });
  assert.equal(created.numMedia, "2");
  assert.deepEqual(store.messages.get(created.sid)?.mediaUrls, ["https://app.example/a.png", "https://app.example/b.png"]);
});

test("the message list pages through next_page_uri, newest first", async (t) => {
  const carrier = await startCarrier(t);
  const { client, store, request } = carrier;
  store.addNumber({ phoneNumber: OURS });
  const sids: string[] = [];
  for (let i = 0; i < 5; i++) sids.push((await client.messages.create({ to: HANDSET, from: OURS, body: `message ${i}` })).sid);
  const newestFirst = [...sids].reverse();

  // .list follows next_page_uri until it is null: three pages (2, 2, 1).
  const { client: logged, requests } = carrier.loggingClient();
  assert.deepEqual((await logged.messages.list({ pageSize: 2 })).map((m) => m.sid), newestFirst);
  assert.equal(requests.length, 3);
  assert.match(requests[1]?.uri ?? "", /\/Messages\.json\?PageSize=2&Page=1&PageToken=PA/);
  assert.match(requests[2]?.uri ?? "", /\/Messages\.json\?PageSize=2&Page=2&PageToken=PA/);

  const viaEach: string[] = [];
  await client.messages.each({ pageSize: 2 }, (m) => {
    viaEach.push(m.sid);
  });
  assert.deepEqual(viaEach, newestFirst);

  // The envelope itself: exactly one list key, paths (not absolute URLs), null at both ends.
  const pages: Record<string, unknown>[] = [];
  let next: string | null = `${ACCOUNT_PATH}/Messages.json?PageSize=2`;
  while (next) {
    const response = await request(next);
    assert.equal(response.status, 200);
    const page = (await response.json()) as Record<string, unknown>;
    pages.push(page);
    next = page.next_page_uri as string | null;
  }
  assert.equal(pages.length, 3);
  for (const page of pages) {
    assert.deepEqual(Object.keys(page).sort(), ["end", "first_page_uri", "messages", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"]);
    assert.equal(page.page_size, 2);
    assert.equal(page.first_page_uri, `${ACCOUNT_PATH}/Messages.json?PageSize=2&Page=0`);
  }
  const [first, second, last] = pages;
  assert.equal(first?.previous_page_uri, null);
  assert.equal(first?.uri, `${ACCOUNT_PATH}/Messages.json?PageSize=2&Page=0`);
  assert.match(String(first?.next_page_uri), new RegExp(`^${ACCOUNT_PATH}/Messages\\.json\\?PageSize=2&Page=1&PageToken=PA${newestFirst[1]}$`));
  assert.deepEqual([second?.page, second?.start, second?.end], [1, 2, 3]);
  assert.match(String(second?.previous_page_uri), /^\/2010-04-01\/.*Page=0/);
  assert.deepEqual([last?.page, last?.start, last?.end, last?.next_page_uri], [2, 4, 4, null]);
  assert.deepEqual(
    pages.flatMap((page) => (page.messages as { sid: string }[]).map((m) => m.sid)),
    newestFirst,
  );
});

test("a message created while paging does not shift the pages (PageToken)", async (t) => {
  const { client, store, request } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const sids: string[] = [];
  for (let i = 0; i < 4; i++) sids.push((await client.messages.create({ to: HANDSET, from: OURS, body: `m${i}` })).sid);
  const first = (await (await request(`${ACCOUNT_PATH}/Messages.json?PageSize=2`)).json()) as { next_page_uri: string; messages: { sid: string }[] };
  await client.messages.create({ to: HANDSET, from: OURS, body: "newer" });
  const second = (await (await request(first.next_page_uri)).json()) as { messages: { sid: string }[] };
  assert.deepEqual([...first.messages, ...second.messages].map((m) => m.sid), [...sids].reverse());
});

test("messages are filtered by To, From and DateSent, and filters carry over to later pages", async (t) => {
  const { client, store, clock, request } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  store.addNumber({ phoneNumber: OTHER_OURS });
  const a = await client.messages.create({ to: HANDSET, from: OURS, body: "a" });
  const b = await client.messages.create({ to: SECOND_HANDSET, from: OURS, body: "b" });
  const c = await client.messages.create({ to: HANDSET, from: OTHER_OURS, body: "c" });
  await until(store, "message", () => [...store.messages.values()].every((m) => m.status === "delivered"));
  // The next day (the manual clock starts 2026-01-05 09:00 UTC).
  await clock.advance(24 * 3600 * 1000);
  const d = await client.messages.create({ to: HANDSET, from: OURS, body: "d" });
  await until(store, "message", () => store.messages.get(d.sid)?.status === "delivered");

  const sidsOf = (list: { sid: string }[]) => list.map((m) => m.sid);
  assert.deepEqual(sidsOf(await client.messages.list({ to: HANDSET })), [d.sid, c.sid, a.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ to: HANDSET, pageSize: 1 })), [d.sid, c.sid, a.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ from: OTHER_OURS })), [c.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ to: SECOND_HANDSET, from: OURS })), [b.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ dateSent: new Date("2026-01-05T00:00:00Z") })), [c.sid, b.sid, a.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ dateSentAfter: new Date("2026-01-06T00:00:00Z") })), [d.sid]);
  assert.deepEqual(sidsOf(await client.messages.list({ dateSentBefore: new Date("2026-01-05T23:59:59Z") })), [c.sid, b.sid, a.sid]);

  // Twilio's own form: YYYY-MM-DD, with DateSent< and DateSent> as on-or-before and on-or-after.
  const raw = async (query: string) =>
    ((await (await request(`${ACCOUNT_PATH}/Messages.json?${query}`)).json()) as { messages: { sid: string }[] }).messages.map((m) => m.sid);
  assert.deepEqual(await raw("DateSent=2026-01-06"), [d.sid]);
  assert.deepEqual(await raw("DateSent%3C=2026-01-05"), [c.sid, b.sid, a.sid]);
  assert.deepEqual(await raw("DateSent%3E=2026-01-05&To=%2B14155550199"), [d.sid, c.sid, a.sid]);
  const bad = await request(`${ACCOUNT_PATH}/Messages.json?DateSent=yesterday`);
  assert.equal(bad.status, 400);
});

test("a recipient who opted out cannot be sent to (21610)", async (t) => {
  const { client, store } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  store.setOptOut(OURS, HANDSET, true);
  await assert.rejects(client.messages.create({ to: HANDSET, from: OURS, body: "hello" }), {
    status: 400,
    code: 21610,
    moreInfo: "https://www.twilio.com/docs/errors/21610",
  });
  assert.equal(store.messages.size, 0);
});

test("sending errors are HTTP 400 with Twilio's codes", async (t) => {
  const { client, store, request } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  await assert.rejects(client.messages.create({ to: "5551234567", from: OURS, body: "x" }), { status: 400, code: 21211 });
  await assert.rejects(client.messages.create({ to: HANDSET, from: "+14155550000", body: "x" }), { status: 400, code: 21606 });
  await assert.rejects(client.messages.create({ to: HANDSET, from: OURS }), { status: 400, code: 21602 });
  await assert.rejects(client.messages.create({ to: HANDSET, from: OURS, body: "x", statusCallback: "nope" }), { status: 400, code: 21609 });
  await assert.rejects(client.messages.create({ to: HANDSET, from: OURS, mediaUrl: ["ftp://x/y.png"] }), { status: 400, code: 21620 });
  await assert.rejects(client.messages.create({ to: HANDSET, messagingServiceSid: "MG0123456789abcdef0123456789abcdef", body: "x" }), {
    status: 400,
    code: 21705,
  });

  const response = await request(`${ACCOUNT_PATH}/Messages.json`, { method: "POST", headers: FORM, body: "From=%2B14155550100&Body=x" });
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    code: 21604,
    message: "A 'To' phone number is required.",
    more_info: "https://www.twilio.com/docs/errors/21604",
    status: 400,
  });
  assert.equal(store.messages.size, 0);
});

test("a delivered message can be redacted and deleted; one still in flight cannot be deleted", async (t) => {
  const { client, store, clock } = await startCarrier(t);
  store.addNumber({ phoneNumber: OURS });
  const sent = await client.messages.create({ to: HANDSET, from: OURS, body: "secret" });
  await until(store, "message", () => store.messages.get(sent.sid)?.status === "delivered");

  const redacted = await client.messages(sent.sid).update({ body: "" });
  assert.equal(redacted.body, "");
  assert.equal(await client.messages(sent.sid).remove(), true);
  await assert.rejects(client.messages(sent.sid).fetch(), { status: 404, code: 20404 });

  const now = clock.now();
  const stuck = "SM00000000000000000000000000000001";
  store.messages.set(stuck, {
    sid: stuck, from: OURS, to: HANDSET, body: "x", mediaUrls: [], status: "queued", direction: "outbound-api", numSegments: 1,
    errorCode: null, errorMessage: null, statusCallback: null, dateCreated: now, dateUpdated: now, dateSent: null,
  });
  await assert.rejects(client.messages(stuck).remove(), { status: 400, code: 20009 });
  assert.ok(store.messages.has(stuck));
});
