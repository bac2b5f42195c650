// Call queues: <Enqueue> puts a caller in a named queue with a waitUrl loop; <Leave> takes them
// out; <Dial><Queue> bridges an agent to the first caller waiting (docs/twilio-contract.md §2.9).
import { newSid } from "../sids.js";
import type { DialNode, EnqueueNode, QueueNoun } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";
import type { Outcome, VerbContext } from "../verbs/verb.js";
import { NEXT } from "../verbs/verb.js";
import type { Call } from "./call.js";
import type { CallControl } from "../verbs/verb.js";

export type QueueResult = "bridged" | "leave" | "hangup" | "redirected" | "queue-full" | "error";

interface Member {
  call: Call;
  enqueuedAt: number;
  /** Seconds spent in the queue, set when the caller leaves it (dequeued, Leave, hangup). */
  queueSeconds?: number;
  exit: AbortController;
  result?: QueueResult;
  /** Resolves when a bridge to an agent has ended. */
  bridgeDone?: Promise<void>;
}

export interface CallQueue {
  sid: string;
  name: string;
  maxSize: number;
  members: Member[];
  /** Waits of callers who left the queue, for AvgQueueTime. */
  waits: number[];
  created: Date;
}

const queuesByControl = new WeakMap<CallControl, Map<string, CallQueue>>();
const memberOf = new WeakMap<Call, Member>();

export function queues(control: CallControl): Map<string, CallQueue> {
  let map = queuesByControl.get(control);
  if (!map) {
    map = new Map();
    queuesByControl.set(control, map);
  }
  return map;
}

function queueNamed(control: CallControl, name: string, create: boolean): CallQueue | undefined {
  const map = queues(control);
  let queue = map.get(name);
  if (!queue && create) {
    queue = { sid: newSid("QU"), name, maxSize: 1000, members: [], waits: [], created: control.clock.now() };
    map.set(name, queue);
  }
  return queue;
}

function queueParams(control: CallControl, queue: CallQueue, member: Member): FormParams {
  const now = control.clock.now().getTime();
  const average = queue.waits.length ? Math.round(queue.waits.reduce((a, b) => a + b, 0) / queue.waits.length) : 0;
  return {
    QueueSid: queue.sid,
    QueuePosition: String(queue.members.indexOf(member) + 1),
    QueueTime: String(Math.round((now - member.enqueuedAt) / 1000)),
    AvgQueueTime: String(average),
    CurrentQueueSize: String(queue.members.length),
    MaxQueueSize: String(queue.maxSize),
  };
}

/** Takes the member out of the queue once; its wait is fixed then, not when its action is requested. */
function leaveQueue(control: CallControl, queue: CallQueue, member: Member): void {
  if (member.queueSeconds !== undefined) return;
  const index = queue.members.indexOf(member);
  if (index >= 0) queue.members.splice(index, 1);
  member.queueSeconds = Math.round((control.clock.now().getTime() - member.enqueuedAt) / 1000);
  queue.waits.push(member.queueSeconds);
  if (queue.waits.length > 100) queue.waits.shift();
  control.store.emit("queue", queue);
}

/** <Enqueue>: waits in the queue, looping the waitUrl document, until bridged, <Leave> or hangup. */
export async function enqueue(node: EnqueueNode, ctx: VerbContext): Promise<Outcome> {
  const { call, control, signal } = ctx;
  const queue = queueNamed(control, node.name, true) as CallQueue;
  const finish = (result: QueueResult, member?: Member): Outcome => {
    call.timeline.add("enqueue.result", { queue: node.name, result });
    if (node.action === undefined) return NEXT;
    const params: FormParams = { QueueResult: result, QueueSid: queue.sid, QueueTime: String(member?.queueSeconds ?? 0) };
    const url = ctx.resolve(node.action);
    if (call.isEnded) {
      void control.webhook(call, { url, method: node.method, params: { ...call.params(), ...params }, kind: "voice" }, "enqueue-action");
      return NEXT;
    }
    return { type: "request", url, method: node.method, params };
  };
  if (queue.members.length >= queue.maxSize) return finish("queue-full");
  const member: Member = { call, enqueuedAt: control.clock.now().getTime(), exit: new AbortController() };
  queue.members.push(member);
  memberOf.set(call, member);
  control.store.emit("queue", queue);
  call.setActivity("queued");
  call.timeline.add("enqueue", { queue: node.name, position: queue.members.length });
  const waiting = AbortSignal.any([signal, member.exit.signal]);
  try {
    let next: { url: string; method: "GET" | "POST"; params?: FormParams } | undefined =
      node.waitUrl ? { url: ctx.resolve(node.waitUrl), method: node.waitUrlMethod } : undefined;
    while (!waiting.aborted) {
      if (!next) {
        // No waitUrl (Twilio's hold music) or "" (silence): wait until something happens.
        await control.clock.sleep(3_600_000, waiting);
        continue;
      }
      const started = control.clock.now().getTime();
      const doc = await control.fetchDocument(call, next.url, next.method, { ...call.params(), ...queueParams(control, queue, member), ...(next.params ?? {}) });
      call.setActivity("queued");
      if (waiting.aborted) break;
      if ("error" in doc) {
        call.timeline.add("error", { code: doc.error, message: doc.message, url: next.url });
        member.result = "error";
        break;
      }
      const outcome = await control.runVerbs(call, doc, waiting);
      call.setActivity("queued");
      if (outcome.type === "end") {
        member.result = "hangup";
        control.end(call, outcome.status);
        break;
      }
      const again = { url: ctx.resolve(node.waitUrl as string), method: node.waitUrlMethod };
      next = outcome.type === "request" ? { url: outcome.url, method: outcome.method, params: outcome.params ?? {} } : again;
      // A wait document that took no time would spin: hold for a second before the next round.
      if (control.clock.now().getTime() === started) await control.clock.sleep(1000, waiting);
    }
  } finally {
    leaveQueue(control, queue, member);
    memberOf.delete(call);
  }
  if (member.result === "bridged" && member.bridgeDone) {
    await member.bridgeDone;
    call.setActivity("requesting");
  }
  const result = member.result ?? (call.isEnded ? "hangup" : "redirected");
  return finish(result, member);
}

/** <Leave>: only inside a waitUrl document. */
export function leave(ctx: VerbContext): Outcome {
  const member = memberOf.get(ctx.call);
  if (!member) {
    ctx.call.timeline.add("warning", { code: 12200, message: "<Leave> outside a queue's waitUrl" });
    return NEXT;
  }
  member.result = "leave";
  member.exit.abort();
  return NEXT;
}

/** <Dial><Queue>: bridges the dialling call to the first caller in the queue. */
export async function dequeueFor(node: DialNode, noun: QueueNoun, ctx: VerbContext): Promise<Outcome> {
  const { call, control, signal } = ctx;
  const finish = (params: FormParams): Outcome =>
    node.action === undefined ? NEXT : { type: "request", url: ctx.resolve(node.action), method: node.method, params };
  const queue = queueNamed(control, noun.name, false);
  if (!queue) {
    call.timeline.add("dial.result", { status: "failed", queue: noun.name, reason: "no such queue" });
    return finish({ DialCallStatus: "failed" });
  }
  call.setActivity("dialing");
  call.timeline.add("dial", { queue: noun.name });
  let member = queue.members[0];
  if (!member) {
    // Wait up to the Dial timeout for a caller to arrive.
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    const arrived = new Promise<void>((resolve) => {
      const check = (q: CallQueue) => {
        if (q === queue && q.members.length > 0) resolve();
      };
      control.store.on("queue", check);
      both.addEventListener("abort", () => control.store.off("queue", check), { once: true });
    });
    await Promise.race([arrived, control.clock.sleep(node.timeout * 1000, both)]);
    stop.abort();
    member = queue.members[0];
    if (call.isEnded || signal.aborted) return NEXT;
    if (!member) return finish({ DialCallStatus: "no-answer" });
  }
  let release: () => void = () => undefined;
  member.bridgeDone = new Promise((resolve) => (release = resolve));
  member.result = "bridged";
  // Out of the queue at once: no second agent can take this caller, positions move up now.
  leaveQueue(control, queue, member);
  member.exit.abort();
  const caller = member.call;
  const started = control.clock.now().getTime();
  call.timeline.add("bridged", { with: caller.sid, queue: noun.name });
  caller.timeline.add("bridged", { with: call.sid, queue: noun.name });
  call.bridgedWith = caller;
  caller.bridgedWith = call;
  call.setActivity("bridged");
  caller.setActivity("bridged");
  await new Promise<void>((resolve) => {
    const both = AbortSignal.any([signal, caller.ended.signal]);
    if (both.aborted) resolve();
    else both.addEventListener("abort", () => resolve(), { once: true });
  });
  call.bridgedWith = undefined;
  caller.bridgedWith = undefined;
  release();
  const duration = Math.round((control.clock.now().getTime() - started) / 1000);
  if (call.isEnded) return NEXT;
  return finish({ DialCallStatus: "completed", DialCallSid: caller.sid, DialCallDuration: String(duration), QueueSid: queue.sid });
}
