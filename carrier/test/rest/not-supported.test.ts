// REST behaviour of Twilio's that the carrier does not have yet (docs/carrier.md, "Not yet supported").
// Each test states what Twilio does and is a `todo` until the carrier does it; the reason says what
// the carrier does instead. The operations it does not serve at all are listed, generated, in
// docs/carrier.md ("Operations served"), and each answers 20404.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startCarrier, until, type Carrier } from "./helpers.js";

const OURS = "+14155550100";
const HANDSET = "+14155550199";
const HOLD = '<Response><Pause length="600"/></Response>';

/** Places a call to an answering handset with extra Calls-create parameters, and waits until it is answered. */
async function answered(carrier: Carrier, extra: Record<string, unknown>): Promise<string> {
  const { client, store, engine } = carrier;
  store.addNumber({ phoneNumber: OURS });
  store.handset(HANDSET).behaviour = "answer";
  const created = await client.calls.create({ to: HANDSET, from: OURS, twiml: HOLD, ...extra });
  const call = engine.calls.get(created.sid);
  assert.ok(call);
  await until(store, "call-status", () => call.status === "in-progress");
  return created.sid;
}

test(
  "Calls create with Record=true records the call, and the recording is listed under the call",
  { todo: "not supported: Record=true on Calls create is refused with a 400 that points to <Record>" },
  async (t) => {
    const carrier = await startCarrier(t);
    const sid = await answered(carrier, { record: true });
    await carrier.clock.advance(5000);
    await carrier.client.calls(sid).update({ status: "completed" });
    const recordings = await carrier.client.calls(sid).recordings.list();
    assert.equal(recordings.length, 1);
    assert.equal(recordings[0]?.source, "OutboundAPI");
  },
);

test(
  "Calls create with MachineDetection=Enable says who answered: answered_by is human for a handset",
  { todo: "not supported: no answering-machine detection; answered_by stays null" },
  async (t) => {
    const carrier = await startCarrier(t);
    const sid = await answered(carrier, { machineDetection: "Enable" });
    assert.equal((await carrier.client.calls(sid).fetch()).answeredBy, "human");
  },
);

test(
  "Calls create with SendDigits plays the tones to the called party once it answers",
  { todo: "not supported: SendDigits is not read on Calls create" },
  async (t) => {
    const carrier = await startCarrier(t);
    const sid = await answered(carrier, { sendDigits: "1234#" });
    const call = carrier.engine.calls.get(sid);
    assert.ok(call);
    assert.ok(call.timeline.list().some((e) => e.type === "play" && e.digits === "1234#"), "the tones are on the timeline");
  },
);

test(
  "a message's media is listed under Messages/{Sid}/Media (MMS)",
  { todo: "not supported: MediaUrl is kept and counted in num_media, but the Media subresource is not served" },
  async (t) => {
    const { client, store } = await startCarrier(t);
    store.addNumber({ phoneNumber: OURS });
    const message = await client.messages.create({ to: HANDSET, from: OURS, body: "a picture", mediaUrl: ["https://example.com/cat.png"] });
    assert.equal(message.numMedia, "1");
    const media = await client.messages(message.sid).media.list();
    assert.equal(media.length, 1);
  },
);

test(
  "a recording is also served as MP3 at …/Recordings/{Sid}.mp3",
  { todo: "not supported: the carrier's recordings are WAV only; .mp3 answers 20404" },
  async (t) => {
    const carrier = await startCarrier(t);
    const now = carrier.clock.now();
    const sid = "RE00000000000000000000000000000001";
    carrier.store.recordings.set(sid, {
      sid,
      callSid: "CA0000000000000000000000000000000a",
      durationSeconds: 2,
      status: "completed",
      source: "RecordVerb",
      channels: 1,
      transcript: "",
      dateCreated: now,
      dateUpdated: now,
      startTime: now,
    });
    const response = await carrier.request(`/2010-04-01/Accounts/${carrier.store.account.sid}/Recordings/${sid}.mp3`, { auth: false });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "audio/mpeg");
  },
);

test(
  "Accounts create makes a subaccount, with its own SID and auth token",
  { todo: "not supported: one account; Accounts create and update are not served (20404)" },
  async (t) => {
    const { client } = await startCarrier(t);
    const sub = await client.api.v2010.accounts.create({ friendlyName: "Branch office" });
    assert.match(sub.sid, /^AC[0-9a-f]{32}$/);
    assert.equal(sub.friendlyName, "Branch office");
  },
);

test(
  "AvailablePhoneNumbers offers numbers in other countries (GB Local)",
  { todo: "not supported: the US is the carrier's one country; any other is 20404" },
  async (t) => {
    const { client } = await startCarrier(t);
    const numbers = await client.availablePhoneNumbers("GB").local.list({ limit: 3 });
    assert.equal(numbers.length, 3);
    assert.ok(numbers.every((n) => n.phoneNumber.startsWith("+44")));
  },
);

test(
  "AvailablePhoneNumbers filters by NearNumber and Distance",
  { todo: "not supported: the Near*, Distance, InRateCenter, InLata, InLocality and *Enabled filters are not read" },
  async (t) => {
    const { client } = await startCarrier(t);
    const numbers = await client.availablePhoneNumbers("US").local.list({ nearNumber: "+12125550100", distance: 10, limit: 3 });
    assert.ok(numbers.length > 0);
    assert.ok(numbers.every((n) => n.phoneNumber.startsWith("+1212")), numbers.map((n) => n.phoneNumber).join(", "));
  },
);

test(
  "a validation request calls the number, which verifies it by keying in the code",
  { todo: "not supported: the caller ID is verified at once; no validation call is placed" },
  async (t) => {
    const { client, engine } = await startCarrier(t);
    const request = await client.validationRequests.create({ phoneNumber: HANDSET, friendlyName: "Front desk" });
    assert.match(request.validationCode, /^\d{6}$/);
    assert.equal((await client.outgoingCallerIds.list({ phoneNumber: HANDSET })).length, 0, "not verified before the call");
    assert.ok([...engine.calls.values()].some((call) => call.to === HANDSET), "a validation call rings the number");
  },
);
