// <Enqueue>, <Leave> and <Dial><Queue> (docs/twilio-contract.md §2.9, §2.6): a queued caller loops the
// waitUrl document (re-requested whenever it runs out) with QueuePosition, CurrentQueueSize and the
// other queue parameters; <Leave> sends the action QueueResult=leave, or falls through without one;
// <Dial><Queue> bridges the first caller, whose action gets QueueResult=bridged after the bridge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hangupByHandset } from "../../src/calls/placement.js";
import { sayMs } from "../../src/verbs/media.js";
import { STANDARD_PARAMS, elapsed, setup, type Harness } from "./harness.js";
import type { Call } from "../../src/calls/call.js";

const AGENT = "+14155550199";
const AGENT_LINE = "+15005550007";

/** A caller waiting in "support" (action /after-queue), an agent line whose /agent document is `agentDoc`. */
async function queued(h: Harness, agentDoc: string, wait = "<Say>Please hold</Say>"): Promise<Call> {
  h.store.addNumber({ phoneNumber: AGENT_LINE, voiceUrl: `${h.stub.url}/agent` });
  h.stub.twiml("/voice", '<Enqueue action="/after-queue" waitUrl="/wait">support</Enqueue><Say>Unreachable</Say>');
  h.stub.twiml("/wait", wait);
  h.stub.twiml("/agent", agentDoc);
  h.stub.twiml("/after-queue", "<Say>Thanks for calling</Say>");
  h.stub.twiml("/agent-done", "<Hangup/>");
  const caller = h.call();
  await h.until(caller, "enqueue");
  await h.until(caller, "twiml", (e) => e.url === `${h.stub.url}/wait`);
  return caller;
}

test("the waitUrl is POSTed with the queue parameters and requested again when it runs out", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, "<Hangup/>");
  const wait = await h.stub.waitFor("/wait");
  assert.equal(wait.method, "POST");
  for (const name of STANDARD_PARAMS) assert.ok(name in wait.params, name);
  assert.match(wait.params.QueueSid ?? "", /^QU[0-9a-f]{32}$/);
  assert.equal(wait.params.QueuePosition, "1");
  assert.equal(wait.params.CurrentQueueSize, "1");
  assert.equal(wait.params.QueueTime, "0");
  assert.ok(wait.params.AvgQueueTime !== undefined && wait.params.MaxQueueSize !== undefined);
  assert.equal(caller.status, "in-progress");

  await h.until(caller, "say");
  await h.advance(sayMs("Please hold"));
  const again = await h.stub.waitFor("/wait", 2);
  assert.equal(again.params.CallSid, caller.sid);
  assert.equal(again.params.QueueTime, String(Math.round(sayMs("Please hold") / 1000)));

  const second = h.call("+14155550133");
  const secondWait = await h.stub.waitFor((r) => r.path === "/wait" && r.params.CallSid === second.sid);
  assert.equal(secondWait.params.QueuePosition, "2");
  assert.equal(secondWait.params.CurrentQueueSize, "2");
  assert.equal(secondWait.params.QueueSid, wait.params.QueueSid, "one queue per name");
});

test("Leave in the waitUrl sends the action QueueResult=leave; the call continues with its document", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, "<Hangup/>", "<Leave/>");
  const after = await h.stub.waitFor("/after-queue");
  assert.equal(after.params.QueueResult, "leave");
  assert.equal(after.params.QueueSid, (await h.stub.waitFor("/wait")).params.QueueSid);
  assert.equal(after.params.QueueTime, "0");
  assert.deepEqual(h.events(caller, "say").map((e) => e.text), []);
  assert.equal((await h.until(caller, "say")).text, "Thanks for calling");
  assert.deepEqual(h.events(caller, "say").map((e) => e.text), ["Thanks for calling"], "the verb after Enqueue is unreachable");
});

test("Leave without an action resumes after the Enqueue", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Enqueue waitUrl="/wait">support</Enqueue><Say>Out of the queue</Say>');
  h.stub.twiml("/wait", "<Leave/>");
  const caller = h.call();
  assert.equal((await h.until(caller, "say")).text, "Out of the queue");
  assert.equal((await h.until(caller, "enqueue.result")).result, "leave");
});

test("the caller hanging up in the queue sends the action QueueResult=hangup", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, "<Hangup/>");
  await h.advance(4000);
  hangupByHandset(h.engine, caller);
  const after = await h.stub.waitFor("/after-queue");
  assert.equal(after.params.QueueResult, "hangup");
  await h.idle();
  // The wait document (one Say) is requested again each time it runs out: 6 rounds start in 4 s.
  const rounds = Math.floor(4000 / sayMs("Please hold")) + 1;
  assert.deepEqual(h.events(caller, "say").map((e) => e.text), Array<string>(rounds).fill("Please hold"), "no round after the hangup");
});

/** The agent calls in 30 s after the caller queued, and is bridged to them for 60 s. */
async function bridgedByAgent(h: Harness, { secondCaller = false } = {}): Promise<{ caller: Call; agent: Call; second?: Call }> {
  const caller = await queued(h, '<Dial action="/agent-done"><Queue>support</Queue></Dial>');
  const second = secondCaller ? h.call("+14155550133") : undefined;
  if (second) await h.until(second, "twiml", (e) => e.url === `${h.stub.url}/wait`);
  await h.advance(30_000);
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "bridged");
  await h.until(caller, "bridged");
  await h.idle(); // a waitUrl request of the caller's may still be in flight (see the in-flight test below)
  await h.advance(60_000);
  return { caller, agent, ...(second ? { second } : {}) };
}

test("Dial><Queue> bridges the first caller; when the agent hangs up the caller's action gets QueueResult=bridged", async (t) => {
  const h = await setup(t);
  const { caller, agent, second } = await bridgedByAgent(h, { secondCaller: true });
  assert.equal(caller.bridgedWith?.sid, agent.sid);
  const moved = await h.stub.waitFor((r) => r.path === "/wait" && r.params.CallSid === second?.sid && r.params.QueuePosition === "1");
  assert.equal(moved.params.CurrentQueueSize, "1", "the second caller is now first, and alone");
  hangupByHandset(h.engine, agent);
  const after = await h.stub.waitFor("/after-queue");
  assert.equal(after.params.CallSid, caller.sid);
  assert.equal(after.params.QueueResult, "bridged");
  assert.equal((await h.until(caller, "say", (e) => e.text === "Thanks for calling")).text, "Thanks for calling");
  assert.equal(caller.isEnded, false, "the caller's call goes on");
});

test("the caller hanging up ends the bridge; the agent's action gets DialCallStatus=completed", async (t) => {
  const h = await setup(t);
  const { caller, agent } = await bridgedByAgent(h);
  hangupByHandset(h.engine, caller);
  const done = await h.stub.waitFor("/agent-done");
  assert.equal(done.params.CallSid, agent.sid);
  assert.equal(done.params.DialCallStatus, "completed");
  assert.equal(done.params.DialCallSid, caller.sid);
  assert.equal(done.params.DialCallDuration, "60");
  assert.equal((await h.stub.waitFor("/after-queue")).params.QueueResult, "bridged");
});

test("Dial><Queue> on a queue that does not exist gives the action an error status", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Dial action="/agent-done"><Queue>nobody-here</Queue></Dial>');
  h.stub.twiml("/agent-done", "<Hangup/>");
  h.call();
  const done = await h.stub.waitFor("/agent-done");
  assert.equal(done.params.DialCallStatus, "failed");
});

test(
  "QueueTime is the time spent waiting in the queue, not including the bridge",
  async (t) => {
    const h = await setup(t);
    const { agent } = await bridgedByAgent(h);
    hangupByHandset(h.engine, agent);
    const after = await h.stub.waitFor("/after-queue");
    assert.equal(after.params.QueueTime, "30");
  },
);

test("a Queue noun's url runs on the dequeued caller before the bridge, with DequeingCallSid", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/about-to-connect", "<Say>Connecting you to an agent</Say>");
  const caller = await queued(h, '<Dial><Queue url="/about-to-connect">support</Queue></Dial>');
  await h.advance(5000);
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "dial");
  const said = await h.until(caller, "say", (e) => e.text === "Connecting you to an agent");
  const connect = h.stub.to("/about-to-connect")[0];
  assert.ok(connect, "the url was requested");
  assert.equal(connect.params.CallSid, caller.sid);
  assert.equal(connect.params.DequeingCallSid, agent.sid);
  assert.match(connect.params.QueueSid ?? "", /^QU[0-9a-f]{32}$/);
  assert.equal(connect.params.QueueTime, "5");
  await h.settled(agent);
  assert.deepEqual(h.events(agent, "bridged"), [], "not bridged while the caller hears it");
  await h.advance(sayMs("Connecting you to an agent"));
  const bridged = await h.until(agent, "bridged");
  assert.equal(bridged.with, caller.sid);
  assert.equal(elapsed(bridged) - elapsed(said), sayMs("Connecting you to an agent"));
});

test("a caller who hangs up during the Queue url is not bridged: QueueResult=hangup, and the agent's Dial ends no-answer", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/about-to-connect", "<Say>Connecting you to an agent</Say>");
  const caller = await queued(h, '<Dial action="/agent-done"><Queue url="/about-to-connect">support</Queue></Dial>');
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(caller, "say", (e) => e.text === "Connecting you to an agent");
  hangupByHandset(h.engine, caller);
  const done = await h.stub.waitFor("/agent-done");
  assert.equal(done.params.CallSid, agent.sid);
  assert.equal(done.params.DialCallStatus, "no-answer");
  assert.equal(done.params.DialBridged, "false");
  assert.equal((await h.stub.waitFor("/after-queue")).params.QueueResult, "hangup");
  assert.deepEqual(h.events(agent, "bridged"), []);
});

test("a Queue url document runs only Play, Say, Pause and Redirect: a <Gather> there is a 12200 warning", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/about-to-connect", '<Gather numDigits="1"><Say>Press 1</Say></Gather><Say>Connecting</Say>');
  const caller = await queued(h, '<Dial><Queue url="/about-to-connect">support</Queue></Dial>');
  const agent = h.call(AGENT, AGENT_LINE);
  const warning = await h.until(caller, "warning", (e) => e.code === 12200);
  assert.match(String(warning.message), /<Gather> is not allowed/);
  assert.equal((await h.until(caller, "say", (e) => e.text !== "Please hold")).text, "Connecting");
  await h.advance(sayMs("Connecting"));
  await h.until(agent, "bridged");
  assert.deepEqual(h.events(caller, "gather"), []);
});

test("a waitUrl document runs only the verbs Twilio allows there: <Dial> in it places no call and is a 12200 warning", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, "<Hangup/>", "<Dial>+14155550177</Dial><Say>Please hold</Say>");
  const warning = await h.until(caller, "warning", (e) => e.code === 12200);
  assert.match(String(warning.message), /<Dial> is not allowed/);
  assert.equal((await h.until(caller, "say")).text, "Please hold");
  assert.deepEqual(h.legs(caller), [], "no child call while queued");
  assert.equal(caller.activity, "media");
});

test("Dial><Queue> honours timeLimit: the bridge ends, the agent's action gets the duration, the caller goes on", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, '<Dial action="/agent-done" timeLimit="20"><Queue>support</Queue></Dial>');
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "bridged");
  await h.idle();
  await h.advance(19_999);
  assert.equal(h.stub.to("/agent-done").length, 0);
  await h.advance(1);
  const done = await h.stub.waitFor("/agent-done");
  assert.equal(done.params.DialCallStatus, "completed");
  assert.equal(done.params.DialCallDuration, "20");
  assert.equal((await h.stub.waitFor("/after-queue")).params.QueueResult, "bridged");
  assert.equal(caller.isEnded, false);
  assert.equal(caller.bridgedWith, undefined);
});

test("Dial><Queue> honours hangupOnStar: the agent's * ends the bridge and the agent's document goes on", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, '<Dial action="/agent-done" hangupOnStar="true"><Queue>support</Queue></Dial>');
  h.stub.twiml("/agent-done", "<Say>Next caller</Say>");
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "bridged");
  await h.idle();
  await h.advance(12_000);
  assert.equal(await h.press(agent, "*"), true);
  const done = await h.stub.waitFor("/agent-done");
  assert.equal(done.params.DialCallDuration, "12");
  assert.equal((await h.until(agent, "say")).text, "Next caller");
  assert.equal((await h.stub.waitFor("/after-queue")).params.QueueResult, "bridged");
  assert.equal(caller.isEnded, false);
});

test(
  "a dequeued caller leaves the queue at once, even while its waitUrl request is in flight",
  async (t) => {
    const h = await setup(t);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    t.after(() => release());
    let round = 0;
    const caller = await queued(h, '<Dial action="/agent-done" timeout="5"><Queue>support</Queue></Dial>');
    h.stub.route("/wait", async () => {
      if (++round === 1) await held; // the caller's next waitUrl request hangs
      return "<Response><Say>Please hold</Say></Response>";
    });
    await h.advance(sayMs("Please hold"));
    await h.stub.waitFor("/wait", 2);
    const first = h.call(AGENT, AGENT_LINE);
    await h.until(first, "bridged");
    const second = h.call("+14155550188", AGENT_LINE);
    await h.until(second, "dial");
    await h.settled(second);
    assert.deepEqual(h.events(second, "bridged"), [], "nobody is left in the queue");
    assert.equal(caller.bridgedWith?.sid, first.sid);
    release();
  },
);

test("workflowSid and maxQueueSize are 12200 warnings: the carrier has no TaskRouter, and the caller joins a plain queue", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Enqueue workflowSid="WW0123456789abcdef0123456789abcdef" maxQueueSize="5" waitUrl="">support</Enqueue>');
  const call = h.call();
  await h.until(call, "enqueue");
  const warnings = h.events(call, "warning").filter((e) => e.code === 12200).map((e) => String(e.message));
  assert.equal(warnings.length, 2, warnings.join(" | "));
  assert.ok(warnings[0]?.includes("workflowSid"), warnings[0]);
  assert.ok(warnings[1]?.includes("maxQueueSize"), warnings[1]);
  assert.equal((await h.until(call, "enqueue")).queue, "support");
});

test("Enqueue into a full queue sends the action QueueResult=queue-full at once; the call continues with its document", async (t) => {
  const h = await setup(t);
  const full = h.engine.queues.create("support", 1);
  assert.ok(typeof full !== "string");
  const first = await queued(h, "<Hangup/>");
  const second = h.call("+14155550133");
  const after = await h.stub.waitFor((r) => r.path === "/after-queue" && r.params.CallSid === second.sid);
  assert.equal(after.params.QueueResult, "queue-full");
  assert.equal(after.params.QueueSid, full.sid);
  assert.equal(after.params.QueueTime, "0");
  assert.equal((await h.until(second, "say")).text, "Thanks for calling");
  assert.deepEqual(h.events(second, "enqueue"), [], "never in the queue");
  assert.equal((await h.until(second, "enqueue.result")).result, "queue-full");
  assert.deepEqual(full.members.map((m) => m.call.sid), [first.sid]);
  assert.equal(h.stub.to("/wait").filter((r) => r.params.CallSid === second.sid).length, 0, "no hold music for a caller not queued");
});

test("Enqueue into a full queue without an action goes on with the next verb", async (t) => {
  const h = await setup(t);
  h.engine.queues.create("support", 1);
  h.stub.twiml("/voice", '<Enqueue waitUrl="">support</Enqueue><Say>We are busy, call back later</Say>');
  const first = h.call();
  await h.until(first, "enqueue");
  const second = h.call("+14155550133");
  assert.equal((await h.until(second, "say")).text, "We are busy, call back later");
  assert.equal((await h.until(second, "enqueue.result")).result, "queue-full");
  assert.equal(first.activity, "queued");
});

test("a MaxSize lowered below the queue's size keeps its callers and refuses new ones until it shrinks below it", async (t) => {
  const h = await setup(t);
  h.stub.twiml("/voice", '<Enqueue waitUrl="">support</Enqueue><Say>Busy</Say>');
  const callers = [h.call("+14155550131"), h.call("+14155550132")];
  for (const caller of callers) await h.until(caller, "enqueue");
  const queue = h.engine.queues.list()[0];
  assert.ok(queue);
  h.engine.queues.update(queue, { maxSize: 1 });
  const refused = h.call("+14155550133");
  assert.equal((await h.until(refused, "enqueue.result")).result, "queue-full");
  assert.equal(queue.members.length, 2, "the callers already waiting stay");
  hangupByHandset(h.engine, callers[0] as Call);
  await h.until(callers[0] as Call, "enqueue.result");
  const stillFull = h.call("+14155550134");
  assert.equal((await h.until(stillFull, "enqueue.result")).result, "queue-full", "one caller is not below a MaxSize of 1");
  hangupByHandset(h.engine, callers[1] as Call);
  await h.until(callers[1] as Call, "enqueue.result");
  const admitted = h.call("+14155550135");
  assert.equal((await h.until(admitted, "enqueue")).position, 1);
});

test("a REST Calls update of a queued caller sends its Enqueue action QueueResult=redirected and runs the new document", async (t) => {
  const h = await setup(t);
  const caller = await queued(h, "<Hangup/>");
  h.stub.twiml("/elsewhere", "<Say>Redirected</Say>");
  await h.advance(7000);
  h.engine.redirect(caller, { url: `${h.stub.url}/elsewhere`, method: "POST" });
  const after = await h.stub.waitFor("/after-queue");
  assert.equal(after.params.QueueResult, "redirected");
  assert.equal(after.params.QueueTime, "7");
  assert.equal((await h.until(caller, "say", (e) => e.text !== "Please hold")).text, "Redirected");
  await h.idle();
  assert.deepEqual(h.events(caller, "say").filter((e) => e.text === "Thanks for calling"), [], "the action's answer is not run");
  assert.equal(h.engine.queues.list()[0]?.members.length, 0);
});

test("an agent waiting in Dial><Queue> on a queue deleted meanwhile takes the caller of the queue a later Enqueue makes", async (t) => {
  const h = await setup(t);
  const first = h.engine.queues.create("support", 10);
  assert.ok(typeof first !== "string");
  h.store.addNumber({ phoneNumber: AGENT_LINE, voiceUrl: `${h.stub.url}/agent` });
  h.stub.twiml("/agent", '<Dial timeout="60"><Queue>support</Queue></Dial>');
  h.stub.twiml("/voice", '<Enqueue waitUrl="">support</Enqueue>');
  const agent = h.call(AGENT, AGENT_LINE);
  await h.until(agent, "dial");
  assert.equal(h.engine.queues.delete(first), true);
  const caller = h.call();
  await h.until(caller, "enqueue");
  const second = h.engine.queues.list()[0];
  assert.ok(second && second.sid !== first.sid, "a new queue of the same name");
  assert.equal((await h.until(agent, "bridged")).with, caller.sid);
});
