// What the dashboard shows and does, over the repositories: the live picture, a day's metrics, and
// the agents' actions (call back, reply, mark handled). Routes parse input and render; this decides.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { Config } from "../config.js";
import { E164, isQueueDepartment, type Flow } from "../flows/flow-schema.js";
import { FlowError, parseFlow } from "../flows/load-flow.js";
import { VOICE_STATUS, voicePaths } from "../flows/paths.js";
import { HttpError, notFound } from "../lib/http-errors.js";
import type { Clock } from "../lib/clock.js";
import type { Repositories } from "../plugins/app/repositories.js";
import type { LiveCallRow, StoredCallStatus } from "../repositories/calls-repository.js";
import { localDate } from "../sms/schedule.js";
import type { SmsService } from "../sms/sms-service.js";
import type { TwilioClient } from "../twilio-client.js";
import { centreZone, localDayRange } from "./format.js";
import { stepLine } from "./labels.js";
import { lineMetrics, type LineMetrics } from "./line-metrics.js";
import { liveLines, type LiveAgent, type LiveLine } from "./live-lines.js";
import { metricsByDepartment, queueMetrics, waitSeconds, type QueueMetrics } from "./queue-metrics.js";

export const CALLS_PAGE_SIZE = 50;
/** The most rows a list page or API answer carries. */
export const LIST_LIMIT = 200;

/** The call log's filter: `from` and `to` are local days in the centre's zone (both included). */
export interface CallLogQuery {
  from?: string | undefined;
  to?: string | undefined;
  number?: string | undefined;
  status?: StoredCallStatus | undefined;
  department?: string | undefined;
  page: number;
}

/** The flow file as it is on disk now. */
export interface FlowFileState {
  file: string;
  /** Problems of the file as it is on disk now (empty when it is valid). */
  problems: string[];
  /** The file on disk differs from the flow loaded at start. */
  changed: boolean;
}

/** The customer of a call: the caller of an inbound call, the callee of one we placed. */
export const customerOf = (call: { direction: string; from: string; to: string }) =>
  call.direction.startsWith("outbound") ? { customer: call.to, ours: call.from } : { customer: call.from, ours: call.to };

/** Calls that started longer ago than this and never reported an end are not shown as live. */
const LIVE_HORIZON_MS = 6 * 3600_000;

export interface LiveCall {
  sid: string;
  /** The customer's number, whichever way the call goes. */
  customer: string;
  from: string;
  to: string;
  direction: string;
  status: string;
  startedAt: string;
  /** The step the call is at: "menu.entered main-menu", "transfer.started billing"… */
  step: string | null;
  /** The same step in people's words: "Menu: main menu", "Ringing the department: Billing"… */
  stepText: string | null;
  department: string | null;
  /** waiting: ringing the department's agents; talking: an agent answered. */
  state: "in-flow" | "waiting" | "talking";
  waitingSince: string | null;
  agent: string | null;
}

export interface LiveSnapshot {
  now: string;
  calls: LiveCall[];
  /** Callers waiting for a department, from its visits (`transfers`): ring groups and lines alike. */
  queues: { department: string; waiting: number; longestWaitSeconds: number; callers: { sid: string; from: string; since: string }[] }[];
  /** The queue departments' lines, from the ACD's own rows (docs/queue.md). */
  lines: LiveLine[];
  /** Every agent of the flow, with their state and the call they are on. */
  agents: LiveAgent[];
  /** Callers waiting now: those ringing a ring group's agents, and those on the phone in a line. */
  waiting: number;
  longestWaitSeconds: number;
  /**
   * When the longest-waiting of those callers began to wait (null: nobody waits). "Longest wait now"
   * is the clock from this instant, the same start and clock as that caller's own wait as listed, so
   * the two agree.
   */
  longestWaitingSince: string | null;
}

export interface DayMetrics {
  date: string;
  timezone: string;
  queue: QueueMetrics;
  departments: { department: string; metrics: QueueMetrics }[];
  /** Each queue department's line, measured from the line itself (line-metrics.ts). */
  lines: { department: string; name: string; metrics: LineMetrics }[];
  callsPerHour: number[];
  calls: number;
  outcomes: Record<string, number>;
  voicemails: number;
  sms: { inbound: number; outbound: number };
}

/** An action that could not be done, with a short code the page turns into a sentence. */
export class ActionError extends HttpError {
  constructor(
    statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(statusCode, message);
    this.name = "ActionError";
  }
}

export interface DashboardServiceDeps {
  config: Config;
  flow: Flow;
  repositories: Repositories;
  twilio: TwilioClient;
  sms: SmsService;
  clock: Clock;
}

function liveCall(row: LiveCallRow, flow: Flow): LiveCall {
  const state = row.transferStartedAt ? (row.transferAnsweredAt ? "talking" : "waiting") : "in-flow";
  return {
    sid: row.sid,
    customer: customerOf(row).customer,
    from: row.from,
    to: row.to,
    direction: row.direction,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    step: row.lastEvent ? [row.lastEvent, row.lastNode].filter(Boolean).join(" ") : null,
    stepText: row.lastEvent ? stepLine(flow, { kind: row.lastEvent, node: row.lastNode, detail: {} }) : null,
    department: row.transferDepartment ?? row.department,
    state,
    waitingSince: state === "waiting" ? (row.transferStartedAt?.toISOString() ?? null) : null,
    agent: row.agent,
  };
}

export class DashboardService {
  readonly zone: string;

  constructor(private readonly deps: DashboardServiceDeps) {
    this.zone = centreZone(deps.flow);
  }

  today(): string {
    return localDate(this.deps.clock(), this.zone);
  }

  async live(): Promise<LiveSnapshot> {
    const now = this.deps.clock();
    const [rows, { lines, agents }] = await Promise.all([
      this.deps.repositories.calls.live(new Date(now.getTime() - LIVE_HORIZON_MS)),
      liveLines(this.deps.flow, this.deps.repositories),
    ]);
    const calls = rows.map((row) => liveCall(row, this.deps.flow));
    const byDepartment = new Map<string, LiveSnapshot["queues"][number]>();
    for (const call of calls) {
      if (call.state !== "waiting" || !call.waitingSince || !call.department) continue;
      const queue = byDepartment.get(call.department) ?? { department: call.department, waiting: 0, longestWaitSeconds: 0, callers: [] };
      const wait = Math.max(0, (now.getTime() - Date.parse(call.waitingSince)) / 1000);
      queue.waiting += 1;
      queue.longestWaitSeconds = Math.max(queue.longestWaitSeconds, Math.round(wait));
      queue.callers.push({ sid: call.sid, from: call.customer, since: call.waitingSince });
      byDepartment.set(call.department, queue);
    }
    const queues = [...byDepartment.values()];
    // A line's callers are counted from the line itself (their wait begins when they join it), and a
    // ring group's from its visits: each caller once, as the page lists them.
    const lineNames = new Set(lines.map((line) => line.name));
    const ringing = queues.filter((q) => !lineNames.has(q.department));
    const starts = [...ringing.flatMap((q) => q.callers.map((c) => c.since)), ...lines.flatMap((l) => l.callers.filter((c) => c.kind === "call").map((c) => c.since))].sort();
    const since = starts[0] ?? null;
    return {
      now: now.toISOString(),
      calls,
      queues,
      lines,
      agents,
      waiting: starts.length,
      longestWaitSeconds: since ? Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000)) : 0,
      longestWaitingSince: since,
    };
  }

  /** The metrics of a local day in the centre's zone (docs/callcentre-domain.md §1). */
  async metrics(date: string): Promise<DayMetrics> {
    const { repositories } = this.deps;
    const now = this.deps.clock();
    const { from, to } = localDayRange(date, this.zone);
    const [visits, entries, surveys, callsPerHour, outcomes, voicemails, sms] = await Promise.all([
      repositories.transfers.startedBetween(from, to),
      repositories.queue.enteredBetween(from, to),
      repositories.surveys.byDepartment(from, to),
      repositories.calls.perHour(from, to, this.zone),
      repositories.calls.outcomes(from, to),
      repositories.recordings.countVoicemails(from, to),
      repositories.messages.countBetween(from, to),
    ]);
    return {
      date,
      timezone: this.zone,
      queue: queueMetrics(visits, now),
      departments: metricsByDepartment(visits, now),
      lines: this.lineDepartments(entries.map((e) => e.department), surveys.map((s) => s.department)).map(({ id, name }) => {
        const survey = surveys.find((s) => s.department === id);
        return {
          department: id,
          name,
          metrics: lineMetrics(
            entries.filter((e) => e.department === id),
            { count: survey?.count ?? 0, averageScore: survey?.averageScore ?? null },
            now,
          ),
        };
      }),
      callsPerHour,
      calls: callsPerHour.reduce((a, b) => a + b, 0),
      outcomes,
      voicemails,
      sms,
    };
  }

  /** The flow's queue departments, then any other department seen in the lines' rows (since removed from the flow). */
  private lineDepartments(...seen: string[][]): { id: string; name: string }[] {
    const lines = Object.entries(this.deps.flow.nodes).flatMap(([id, node]) => (isQueueDepartment(node) ? [{ id, name: node.name }] : []));
    const others = [...new Set(seen.flat())].filter((id) => !lines.some((line) => line.id === id)).sort();
    return [...lines, ...others.map((id) => ({ id, name: id }))];
  }

  /** One page of the call log. */
  async searchCalls(q: CallLogQuery) {
    return this.deps.repositories.calls.search({
      from: q.from ? localDayRange(q.from, this.zone).from : undefined,
      to: q.to ? localDayRange(q.to, this.zone).to : undefined,
      number: q.number,
      status: q.status,
      department: q.department,
      limit: CALLS_PAGE_SIZE,
      offset: (q.page - 1) * CALLS_PAGE_SIZE,
    });
  }

  /** Everything about one call: its steps, department visits with their waits, recordings, callback request, surveys. */
  async callDetail(sid: string) {
    const { repositories } = this.deps;
    const call = await repositories.calls.get(sid);
    if (!call) throw notFound(`no call ${sid}`);
    const now = this.deps.clock();
    const [events, visits, recordings, callback, surveys] = await Promise.all([
      repositories.calls.events(sid),
      repositories.transfers.forCall(sid),
      repositories.recordings.forCall(sid),
      repositories.callbacks.forCall(sid),
      repositories.surveys.forCall(sid),
    ]);
    const transfers = visits.map((t) => ({ ...t, waitSeconds: waitSeconds(t, now) }));
    return { call, events, transfers, recordings, callback: callback ?? null, surveys };
  }

  async conversation(number: string) {
    const { messages, contacts } = this.deps.repositories;
    const [thread, optedOut] = await Promise.all([messages.conversation(number, 500), contacts.isOptedOut(number)]);
    return { number, optedOut, messages: thread };
  }

  /** The flow file on disk now: still valid? changed since start? Read afresh on each call. */
  flowFile(): FlowFileState {
    const { config, flow } = this.deps;
    const file = config.flowFile;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      return { file, problems: [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`], changed: false };
    }
    try {
      return { file, problems: [], changed: !isDeepStrictEqual(parseFlow(text, file), flow) };
    } catch (error) {
      if (error instanceof FlowError) return { file, problems: error.problems, changed: true };
      throw error;
    }
  }

  async subscribers() {
    const { subscriptions, contacts } = this.deps.repositories;
    const [list, optedOut] = await Promise.all([subscriptions.list(1000), contacts.optedOut(1000)]);
    return { subscriptions: list, optedOut };
  }

  /**
   * Calls the customer back through the REST API from the number they called. When they answer,
   * they hear who is calling (the flow's callback.greeting), then the department they were trying to
   * reach rings (without one: callback.then, else the start).
   */
  async callBack(target: { voicemail: string } | { callbackRequest: string }): Promise<{ callSid: string }> {
    const { repositories, flow, config, twilio, clock } = this.deps;
    let callSid: string;
    let entry = flow.callback.then ?? flow.start;
    if ("voicemail" in target) {
      const voicemail = await repositories.recordings.voicemail(target.voicemail);
      if (!voicemail) throw new ActionError(404, "not-found", `no voicemail ${target.voicemail}`);
      callSid = voicemail.callSid;
      const node = voicemail.node ? flow.nodes[voicemail.node] : undefined;
      if (node?.type === "voicemail" && node.department) entry = node.department;
    } else {
      callSid = target.callbackRequest;
      const request = await repositories.callbacks.forCall(callSid);
      if (!request) throw new ActionError(404, "not-found", `no callback request for call ${callSid}`);
      const department = Object.entries(flow.nodes).find(([, node]) => node.type === "department" && node.name === request.department);
      if (department) entry = department[0];
    }
    const call = await repositories.calls.get(callSid);
    if (!call) throw notFound(`no call ${callSid}`);
    const { customer, ours } = customerOf(call);
    if (!E164.safeParse(customer).success) throw new ActionError(409, "no-number", "the caller withheld their number: there is nobody to call back");
    const placed = await twilio.calls.create({
      to: customer,
      from: config.phoneNumber ?? ours,
      url: `${config.publicBaseUrl}${voicePaths.callBack(entry)}`,
      method: "POST",
      statusCallback: `${config.publicBaseUrl}${VOICE_STATUS}`,
      statusCallbackMethod: "POST",
      statusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
    });
    const now = clock();
    if ("voicemail" in target) await repositories.recordings.calledBack(target.voicemail, placed.sid, now);
    else await repositories.callbacks.calledBack(callSid, placed.sid, now);
    await repositories.calls.addEvents(callSid, [{ kind: "callback.placed", detail: { callSid: placed.sid } }], now);
    return { callSid: placed.sid };
  }

  /** Texts a customer from the page, through the REST API; refused for a number that opted out. */
  async reply(number: string, body: string): Promise<{ sid: string }> {
    const { repositories, config, sms, clock } = this.deps;
    if (await repositories.contacts.isOptedOut(number)) {
      throw new ActionError(409, "opted-out", `${number} has opted out (STOP): it cannot be texted until it texts START`);
    }
    const lastInbound = (await repositories.messages.conversation(number, 1000)).findLast((m) => m.direction === "inbound");
    const from = config.phoneNumber ?? lastInbound?.to;
    if (!from) throw new ActionError(409, "no-sender", "no number to text from: set TWILIO_PHONE_NUMBER, or reply to someone who texted us");
    const sent = await sms.sendByRest({ to: number, from, body, kind: "agent-reply" }, clock());
    if (!sent) throw new Error("reply was not stored");
    if ("optedOut" in sent) throw new ActionError(409, "opted-out", `${number} has opted out with Twilio (error 21610)`);
    return sent;
  }
}
