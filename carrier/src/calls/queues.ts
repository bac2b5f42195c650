// Call queues, with one owner: <Enqueue> puts a caller in a named queue and runs its waitUrl
// document (through the one runner, with the verbs Twilio allows there); <Leave> takes them out;
// <Dial><Queue> runs the <Queue url> document on the first caller waiting, then bridges them with
// the agent in a room (docs/twilio-contract.md §2.9). The REST Queues and Members resources
// (rest/queues.ts) read and change queues here too: create, rename, resize, delete an empty queue,
// and dequeue a member to a new document (the REST update, run by the one runner).
import type { Clock } from "../clock.js";
import { newSid } from "../sids.js";
import type { Store } from "../store.js";
import type { DialNode, EnqueueNode, QueueNoun, VerbName } from "../twiml/nodes.js";
import type { FormParams } from "../webhooks/signature.js";
import { NEXT, type Outcome, type QueuesPort, type VerbContext } from "./ports.js";
import type { Call } from "./call.js";
import { dialActionParams, queueActionParams, queueUrlParams, queueWaitParams, type DialResult } from "./twilio-params.js";

export type QueueResult = "bridged" | "leave" | "hangup" | "redirected" | "queue-full" | "error";

/** The verbs Twilio runs in a waitUrl document; any other is a 12200 warning (Twilio's <Enqueue> page). */
export const WAIT_URL_VERBS: readonly VerbName[] = ["Say", "Play", "Pause", "Redirect", "Gather", "Leave", "Hangup"];
/** The verbs Twilio runs in a <Queue url> document, on the caller about to be connected (Twilio's <Queue> page). */
export const QUEUE_URL_VERBS: readonly VerbName[] = ["Say", "Play", "Pause", "Redirect"];

/** Twilio's default MaxSize of a queue, and the largest it may be (the Queue resource). */
export const DEFAULT_MAX_SIZE = 1000;
export const MAX_MAX_SIZE = 5000;

export interface Member {
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
  dateCreated: Date;
  dateUpdated: Date;
}

/** A REST change that could not be made: the name belongs to another queue, or the queue is not empty. */
export type QueueRefusal = "name-taken" | "not-empty";

export class Queues implements QueuesPort {
  private readonly byName = new Map<string, CallQueue>();
  private readonly memberOf = new WeakMap<Call, Member>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Every queue, in the order they were created. */
  list(): CallQueue[] {
    return [...this.byName.values()];
  }

  bySid(sid: string): CallQueue | undefined {
    return this.list().find((queue) => queue.sid === sid);
  }

  private named(name: string, create: boolean): CallQueue | undefined {
    let queue = this.byName.get(name);
    if (!queue && create) queue = this.add(name, DEFAULT_MAX_SIZE);
    return queue;
  }

  private add(name: string, maxSize: number): CallQueue {
    const now = this.clock.now();
    const queue: CallQueue = { sid: newSid("QU"), name, maxSize, members: [], waits: [], dateCreated: now, dateUpdated: now };
    this.byName.set(name, queue);
    this.store.emit("queue", queue);
    return queue;
  }

  /** REST create: a queue's FriendlyName is unique in the account (Twilio's Queue resource). */
  create(name: string, maxSize: number): CallQueue | QueueRefusal {
    return this.byName.has(name) ? "name-taken" : this.add(name, maxSize);
  }

  /**
   * REST update. A MaxSize below the current size keeps the callers already waiting; the queue
   * refuses new ones (queue-full) until it has shrunk below it, as Twilio documents.
   */
  update(queue: CallQueue, change: { name?: string | undefined; maxSize?: number | undefined }): CallQueue | QueueRefusal {
    if (change.name !== undefined && change.name !== queue.name) {
      if (this.byName.has(change.name)) return "name-taken";
      this.byName.delete(queue.name);
      queue.name = change.name;
      this.byName.set(queue.name, queue);
    }
    if (change.maxSize !== undefined) queue.maxSize = change.maxSize;
    queue.dateUpdated = this.clock.now();
    this.store.emit("queue", queue);
    return queue;
  }

  /** REST delete: only an empty queue can be deleted (Twilio's Queue resource). A later <Enqueue> of its name makes a new one. */
  delete(queue: CallQueue): true | QueueRefusal {
    if (queue.members.length > 0) return "not-empty";
    if (this.byName.get(queue.name) === queue) this.byName.delete(queue.name);
    this.store.emit("queue", queue);
    return true;
  }

  /** Seconds a member has waited so far. */
  waitedSeconds(member: Member): number {
    return Math.round((this.clock.now().getTime() - member.enqueuedAt) / 1000);
  }

  /** The average wait of the callers in the queue now, in whole seconds (the REST average_wait_time). */
  averageWaitSeconds(queue: CallQueue): number {
    if (queue.members.length === 0) return 0;
    return Math.round(queue.members.reduce((sum, member) => sum + this.waitedSeconds(member), 0) / queue.members.length);
  }

  /**
   * REST Members update: takes the member out of the queue now (the others move up) and replaces its
   * document with `update`, which the one runner fetches and runs. Its <Enqueue> action, if any, is
   * sent QueueResult=redirected as a notification (see enqueue()).
   */
  redirect(queue: CallQueue, member: Member, update: { url: string; method: "GET" | "POST" }): void {
    member.result = "redirected";
    this.take(queue, member);
    member.call.requestUpdate(update);
  }

  private waitParams(queue: CallQueue, member: Member): FormParams {
    const average = queue.waits.length ? Math.round(queue.waits.reduce((a, b) => a + b, 0) / queue.waits.length) : 0;
    return queueWaitParams(
      { sid: queue.sid, maxSize: queue.maxSize, size: queue.members.length, averageWaitSeconds: average },
      { position: queue.members.indexOf(member) + 1, waitedSeconds: this.waitedSeconds(member) },
    );
  }

  /** Takes the member out of the queue once; its wait is fixed then, not when its action is requested. */
  private take(queue: CallQueue, member: Member): void {
    if (member.queueSeconds !== undefined) return;
    const index = queue.members.indexOf(member);
    if (index >= 0) queue.members.splice(index, 1);
    member.queueSeconds = Math.round((this.clock.now().getTime() - member.enqueuedAt) / 1000);
    queue.waits.push(member.queueSeconds);
    if (queue.waits.length > 100) queue.waits.shift();
    this.store.emit("queue", queue);
  }

  async enqueue(node: EnqueueNode, ctx: VerbContext): Promise<Outcome> {
    const { call, signal } = ctx;
    const queue = this.named(node.name, true) as CallQueue;
    const finish = (result: QueueResult, member?: Member): Outcome => {
      call.timeline.add("enqueue.result", { queue: node.name, result });
      if (node.action === undefined) return NEXT;
      const params = queueActionParams(result, queue.sid, member?.queueSeconds ?? 0);
      const url = ctx.resolve(node.action);
      // Ended, or redirected by REST (Calls or Members update): the action is told, but its answer
      // cannot run; the call has ended, or runs the document of the update.
      if (call.isEnded || result === "redirected") {
        void ctx.webhooks.send({ url, method: node.method, params: { ...call.params(), ...params }, kind: "voice" }, "enqueue-action");
        return NEXT;
      }
      return { type: "request", url, method: node.method, params };
    };
    if (queue.members.length >= queue.maxSize) return finish("queue-full");
    const member: Member = { call, enqueuedAt: this.clock.now().getTime(), exit: new AbortController() };
    queue.members.push(member);
    this.memberOf.set(call, member);
    this.store.emit("queue", queue);
    call.setActivity("queued");
    call.timeline.add("enqueue", { queue: node.name, position: queue.members.length });
    const waiting = AbortSignal.any([signal, member.exit.signal]);
    try {
      while (!waiting.aborted) {
        if (!node.waitUrl) {
          // No waitUrl (Twilio's hold music) or "" (silence): wait until something happens.
          await this.clock.sleep(3_600_000, waiting);
          continue;
        }
        const started = this.clock.now().getTime();
        const ran = await ctx.runSubDocument(ctx.resolve(node.waitUrl), {
          method: node.waitUrlMethod,
          params: this.waitParams(queue, member),
          allowedVerbs: WAIT_URL_VERBS,
          signal: waiting,
        });
        // Still waiting: back to the queue. Gone (a <Leave>, a dequeue, a hang-up): the action's request
        // comes next, and the call is not settled in the queue meanwhile.
        if (!waiting.aborted) call.setActivity("queued");
        else if (!call.isEnded) call.setActivity("requesting");
        if (ran === "failed") {
          member.result = "error";
          break;
        }
        if (ran === "hangup") {
          member.result = "hangup";
          break;
        }
        // The document ran out: Twilio requests the waitUrl again. One that took no time would
        // spin: hold for a second before the next round.
        if (!waiting.aborted && this.clock.now().getTime() === started) await this.clock.sleep(1000, waiting);
      }
    } finally {
      this.take(queue, member);
      this.memberOf.delete(call);
    }
    if (member.result === "bridged" && member.bridgeDone) {
      await member.bridgeDone;
      call.setActivity("requesting");
    }
    const result = member.result ?? (call.isEnded ? "hangup" : "redirected");
    return finish(result, member);
  }

  leave(call: Call): boolean {
    const member = this.memberOf.get(call);
    if (!member) return false;
    member.result = "leave";
    member.exit.abort();
    return true;
  }

  async dequeue(node: DialNode, noun: QueueNoun, ctx: VerbContext): Promise<Outcome> {
    const { call, signal } = ctx;
    const finish = (result: DialResult): Outcome =>
      node.action === undefined ? NEXT : { type: "request", url: ctx.resolve(node.action), method: node.method, params: dialActionParams(result) };
    let queue = this.named(noun.name, false);
    if (!queue) {
      call.timeline.add("dial.result", { status: "failed", queue: noun.name, reason: "no such queue" });
      return finish({ status: "failed" });
    }
    call.setActivity("dialing");
    call.timeline.add("dial", { queue: noun.name });
    let member = queue.members[0];
    if (!member) {
      // Wait up to the Dial timeout for a caller to arrive in the queue of that name: the one it
      // was, or the one a later <Enqueue> makes if REST deletes or renames it meanwhile.
      const stop = new AbortController();
      const both = AbortSignal.any([signal, stop.signal]);
      const arrived = new Promise<void>((resolve) => {
        const check = (q: CallQueue) => {
          if (this.byName.get(noun.name) !== q || q.members.length === 0) return;
          queue = q;
          resolve();
        };
        this.store.on("queue", check);
        both.addEventListener("abort", () => this.store.off("queue", check), { once: true });
      });
      await Promise.race([arrived, this.clock.sleep(node.timeout * 1000, both)]);
      stop.abort();
      member = queue.members[0];
      if (call.isEnded || signal.aborted) return NEXT;
      if (!member) return finish({ status: "no-answer" });
    }
    let release: () => void = () => undefined;
    member.bridgeDone = new Promise((resolve) => (release = resolve));
    member.result = "bridged";
    // Out of the queue at once: no second agent can take this caller, positions move up now.
    this.take(queue, member);
    member.exit.abort();
    const caller = member.call;
    try {
      if (noun.url) {
        // Twilio's "about to connect" document runs on the caller before the two are connected.
        caller.timeline.add("whisper", { url: ctx.resolve(noun.url), on: caller.sid });
        const ran = await ctx.runSubDocument(ctx.resolve(noun.url), {
          on: caller,
          method: noun.method,
          params: queueUrlParams(queue.sid, member.queueSeconds ?? 0, call.sid),
          allowedVerbs: QUEUE_URL_VERBS,
          signal: AbortSignal.any([signal, caller.ended.signal]),
        });
        caller.timeline.add("whisper.result", { on: caller.sid, result: ran === "done" ? "accepted" : ran === "failed" ? "failed" : "hung-up" });
        if (call.isEnded || signal.aborted) return NEXT;
        if (caller.isEnded) {
          member.result = "hangup";
          call.timeline.add("dial.result", { status: "no-answer", queue: noun.name, reason: "the caller hung up before the bridge" });
          return finish({ status: "no-answer", queueSid: queue.sid });
        }
      }
      const bridge = await ctx.rooms.bridge([call, caller], {
        timeLimitSeconds: node.timeLimit,
        hangupOnStar: node.hangupOnStar ? call : undefined,
        signal,
        queue: noun.name,
      });
      if (call.isEnded) return NEXT;
      return finish({ status: "completed", legSid: caller.sid, durationSeconds: bridge.durationSeconds, queueSid: queue.sid });
    } finally {
      release();
    }
  }
}
