// The `wallboard-alerts` job (docs/wallboard.md, "Alerts"): every minute, the wallboard's figures of
// each queue department against its thresholds. A breached limit starts a breach, which ends when the
// figure is back within it; a breach of a department with `alert: sms` texts each account on duty
// once, when it starts. One evaluation runs at a time across instances (an advisory lock, taken before
// the figures are read, so each sees the breaches the one before it left), and a measure has at most
// one open breach (a unique index), so however many instances evaluate, a breach sends one alert. The
// alerts are notifications, queued in the breach's transaction and sent by the `notification-send`
// job (notifications/notifier.ts: retried, logged with the number masked).
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Database, Queryable } from "../db/database.js";
import { duration, localClock } from "../dashboard/format.js";
import { buildWallboard, type WallboardDepartment } from "../dashboard/wallboard.js";
import { alertBreaches, type AlertMeasure, type ThresholdCheck } from "../dashboard/wallboard-thresholds.js";
import { E164, isQueueDepartment, type Flow } from "../flows/flow-schema.js";
import type { Clock } from "../lib/clock.js";
import { maskPhone } from "../lib/phone.js";
import type { Repositories } from "../plugins/app/repositories.js";
import { WallboardAlertsRepository, type BreachRow } from "../repositories/wallboard-alerts-repository.js";
import { toGsm7, truncate } from "../weather/gsm7.js";
import { QUEUES, type Jobs } from "./jobs.js";

/** notifications.kind of an alert; its subject is the breach. */
export const ALERT_KIND = "wallboard-alert";

export interface WallboardAlertsDeps {
  db: Database;
  repositories: Repositories;
  flow: Flow;
  config: Pick<Config, "phoneNumber" | "publicBaseUrl">;
  jobs: Jobs;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The centre's zone (the flow's timezone). */
  zone: string;
}

export interface EvaluationResult {
  started: BreachRow[];
  ended: number;
  /** SMS alerts queued. */
  alerts: number;
}

const pct = (value: number) => `${value.toFixed(1)}%`;

/** What a breached figure is, in a few words: "longest wait 2:35", "service level 62.5% (last 30 min)". */
function figure(measure: AlertMeasure, value: number): string {
  switch (measure) {
    case "waiting":
      return `${value} ${value === 1 ? "caller" : "callers"} waiting`;
    case "longest-wait":
      return `longest wait ${duration(value)}`;
    case "service-level":
      return `service level ${pct(value)} (last 30 min)`;
    case "abandonment":
      return `abandoned ${pct(value)} today`;
  }
}

/**
 * The alert's text, in one GSM-7 segment (docs/callcentre-domain.md §6): "Billing: longest wait 2:35,
 * over the 2:00 limit, at 14:03. https://…/wallboard/billing".
 */
export function alertText(o: { name: string; department: string; check: ThresholdCheck & { measure: AlertMeasure }; at: Date; zone: string; baseUrl: string }): string {
  const value = o.check.value ?? 0;
  const what = `${figure(o.check.measure, value)}, ${o.check.text.replace(/ %/g, "%")}, at ${localClock(o.at, o.zone).slice(0, 5)}.`;
  const link = `${o.baseUrl}/wallboard/${o.department}`;
  const name = truncate(toGsm7(o.name), 30);
  const text = toGsm7(`${name}: ${what} ${link}`);
  return text.length <= 160 ? text : toGsm7(`${name}: ${what}`);
}

export class WallboardAlerts {
  private readonly breaches: WallboardAlertsRepository;

  constructor(private readonly deps: WallboardAlertsDeps) {
    this.breaches = new WallboardAlertsRepository(deps.db);
  }

  /** One evaluation of every queue department's thresholds. */
  async run(): Promise<EvaluationResult> {
    const { db, flow, clock, zone, repositories } = this.deps;
    const result: EvaluationResult = { started: [], ended: 0, alerts: 0 };
    await db.transaction(async (tx) => {
      const breaches = this.breaches.with(tx);
      await breaches.lock();
      // Read after the lock, in the transaction: the figures are no older than the last evaluation's
      // decisions, and evaluations waiting for the lock cannot starve this one of connections.
      const board = await buildWallboard({ flow, repositories: { agents: repositories.agents.with(tx), queue: repositories.queue.with(tx), monitors: repositories.monitors.with(tx) }, clock, zone });
      const now = new Date(board.now);
      const breached = new Map<string, { department: WallboardDepartment; check: ThresholdCheck & { measure: AlertMeasure } }>();
      for (const department of board.departments) {
        for (const check of alertBreaches(department.checks)) breached.set(`${department.department}/${check.measure}`, { department, check });
      }
      const open = await breaches.openBreaches();
      for (const breach of open) {
        if (breached.has(`${breach.department}/${breach.measure}`)) continue;
        if (await breaches.end(breach.id, now)) {
          result.ended += 1;
          this.deps.log.info({ department: breach.department, measure: breach.measure, breach: breach.id }, "wallboard threshold recovered");
        }
      }
      const openKeys = new Set(open.map((b) => `${b.department}/${b.measure}`));
      for (const [key, { department, check }] of breached) {
        if (openKeys.has(key)) continue;
        const started = await breaches.start({ department: department.department, measure: check.measure, value: check.value ?? 0, threshold: check.limit }, now);
        if (!started) continue; // another evaluator started it
        result.started.push(started);
        const alerts = department.thresholds?.alert === "sms" ? await this.queueAlerts(tx, started, department, check, now) : 0;
        result.alerts += alerts;
        this.deps.log.warn(
          { department: department.department, measure: check.measure, value: check.value, threshold: check.limit, breach: started.id, alerts },
          "wallboard threshold breached",
        );
      }
    });
    if (result.alerts > 0) this.deps.jobs.notify(QUEUES.notificationSend);
    return result;
  }

  /** Queues one SMS per on-duty account's phone, from the department's number or the centre's; returns how many. */
  private async queueAlerts(
    tx: Queryable,
    breach: BreachRow,
    department: WallboardDepartment,
    check: ThresholdCheck & { measure: AlertMeasure },
    now: Date,
  ): Promise<number> {
    const { flow, config, jobs, log, zone, repositories } = this.deps;
    const node = flow.nodes[department.department];
    const from = (isQueueDepartment(node) ? node.callerId : undefined) ?? config.phoneNumber;
    const phones = await this.breaches.with(tx).onDutyPhones();
    if (!from) {
      log.warn({ department: department.department, breach: breach.id }, "wallboard alert not sent: no number to send from (set the department's callerId or TWILIO_PHONE_NUMBER)");
      return 0;
    }
    if (phones.length === 0) {
      log.warn({ department: department.department, breach: breach.id }, "wallboard alert not sent: no account is on duty with a phone");
      return 0;
    }
    const body = alertText({ name: department.name, department: department.department, check, at: now, zone, baseUrl: config.publicBaseUrl });
    let queued = 0;
    for (const to of new Set(phones)) {
      if (!E164.safeParse(to).success) {
        log.warn({ breach: breach.id, to: maskPhone(to) }, "wallboard alert not sent to an on-duty phone that is not an E.164 number");
        continue;
      }
      const id = await repositories.notifications.with(tx).add({ kind: ALERT_KIND, subjectSid: `breach-${breach.id}`, to, from, body });
      if (id === undefined) continue;
      await jobs.enqueue([{ name: QUEUES.notificationSend, data: { notificationId: id } }], tx);
      queued += 1;
    }
    await this.breaches.with(tx).setAlerts(breach.id, queued);
    log.info({ breach: breach.id, to: [...new Set(phones)].map(maskPhone) }, "wallboard alerts queued");
    return queued;
  }
}
