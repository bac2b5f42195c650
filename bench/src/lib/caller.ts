// A scripted caller on the carrier, through the default flow's menu to the end: call the centre,
// hear the greeting and the main menu, press 1 (billing menu), press 0 (back to the main menu),
// hang up, and wait until the call centre has acknowledged the "completed" status callback (the
// carrier's timeline shows its 204: the centre answers only after committing the call's status).
//
// With the manual clock, prompts outside a <Gather> move only when the clock does. The ClockDriver
// advances it only when every caller still on the line is waiting on it (all in "media"), one timer
// at a time: nobody is ever in a <Gather> while time moves, so no menu can time out on a slow caller.
import { setTimeout as delay } from "node:timers/promises";
import type { CallView, CarrierClient, TimelineEvent } from "./carrier-client.js";
import { CENTRE_NUMBER } from "./system.js";

export class ClockDriver {
  private active = 0;
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private advancing = false;
  private idleRounds = 0;
  /** Clock advances made (each fires the next due timer, for every call that shares its time). */
  advances = 0;

  constructor(private readonly carrier: CarrierClient) {}

  /** A caller is on the line (counts until leave()). */
  enter(): void {
    this.active += 1;
  }

  leave(): void {
    this.active -= 1;
    this.maybeAdvance();
  }

  /** Resolves after the clock has moved (the caller is in "media" and needs time to pass). */
  waitForTime(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.maybeAdvance();
    });
  }

  private maybeAdvance(): void {
    if (this.advancing || this.waiting.length === 0 || this.waiting.length < this.active) return;
    this.advancing = true;
    void this.advance();
  }

  private async advance(): Promise<void> {
    let failure: Error | undefined;
    try {
      const clock = await this.carrier.clock();
      if (clock.nextTimerAt) {
        this.idleRounds = 0;
        await this.carrier.advance(Math.max(0.001, (Date.parse(clock.nextTimerAt) - Date.parse(clock.now)) / 1000));
        this.advances += 1;
      } else {
        // Media with no timer yet (a <Play> still fetching its audio): look again shortly.
        if (++this.idleRounds > 1000) throw new Error("callers wait on the clock, but the carrier has no timer pending");
        await delay(5);
      }
    } catch (error) {
      failure = error as Error;
    } finally {
      const waiting = this.waiting;
      this.waiting = [];
      this.advancing = false;
      for (const waiter of waiting) {
        if (failure) waiter.reject(failure);
        else waiter.resolve();
      }
    }
  }
}

export interface CallOutcome {
  sid: string;
  /** performance.now() when the call was placed, and when the centre had recorded it completed. */
  placedAt: number;
  completedAt: number;
  /** performance.now() at each step: placed (the carrier answered the POST), main menu, billing menu, main menu again, hung up. */
  steps: Record<CallStep, number>;
}

export type CallStep = "placed" | "main-menu" | "billing-menu" | "main-menu-again" | "hung-up";

export class CallerError extends Error {
  constructor(
    readonly sid: string | undefined,
    message: string,
  ) {
    super(`${sid ?? "(not placed)"}: ${message}`);
  }
}

/**
 * What a caller has seen of its call's timeline: each poll asks the carrier only for the events
 * after these (`?since=`), so a poll's answer stays small however long the call gets.
 */
class TimelineReader {
  private seen = 0;
  gathers = 0;
  statusCallback: TimelineEvent | undefined;
  private readonly recent: TimelineEvent[] = [];

  read(view: CallView): CallView {
    for (const event of view.timeline ?? []) {
      if (event.type === "gather") this.gathers += 1;
      if (event.type === "webhook" && event.purpose === "status-callback") this.statusCallback ??= event;
      this.recent.push(event);
      if (this.recent.length > 6) this.recent.shift();
    }
    this.seen += view.timeline?.length ?? 0;
    return view;
  }

  get since(): number {
    return this.seen;
  }

  lastEvents(): string {
    return this.recent
      .map((e) => `${e.type}${e.status !== undefined ? ` ${String(e.status)}` : ""}${e.purpose ? ` (${String(e.purpose)})` : ""}`)
      .join(", ");
  }
}

/** Waits until the call is in its `count`-th <Gather> (the menus so far, plus this one). */
async function untilGathering(carrier: CarrierClient, sid: string, timeline: TimelineReader, count: number, clock: ClockDriver | undefined): Promise<void> {
  for (;;) {
    const view = timeline.read(await carrier.settled(sid, 30, timeline.since));
    if (view.activity === "gathering" && timeline.gathers >= count) return;
    if (view.activity === "ended") throw new CallerError(sid, `the call ended before menu ${count}: ${view.status}; last events: ${timeline.lastEvents()}`);
    if (view.activity === "media" && clock) await clock.waitForTime();
    // Still in the previous <Gather> (the keypress's request has not started yet): look again.
    else if (view.activity === "gathering") await delay(2);
  }
}

/** The status callback acknowledged by the centre, from the carrier's timeline. */
export async function untilStatusRecorded(carrier: CarrierClient, sid: string, timeline = new TimelineReader()): Promise<TimelineEvent> {
  for (let wait = 5; ; wait = Math.min(wait * 2, 20)) {
    timeline.read(await carrier.call(sid, timeline.since));
    if (timeline.statusCallback) return timeline.statusCallback;
    await delay(wait);
  }
}

async function press(carrier: CarrierClient, sid: string, digits: string): Promise<void> {
  if (!(await carrier.press(sid, digits))) throw new CallerError(sid, `nothing was listening for ${digits}`);
}

/** One caller through the menu; `clock` only with CARRIER_CLOCK=manual. */
export async function callThroughMenu(carrier: CarrierClient, from: string, clock?: ClockDriver): Promise<CallOutcome> {
  clock?.enter();
  let sid: string | undefined;
  let onLine = true;
  try {
    const placedAt = performance.now();
    const steps = {} as Record<CallStep, number>;
    sid = await carrier.placeCall(from, CENTRE_NUMBER);
    const timeline = new TimelineReader();
    steps.placed = performance.now();
    await untilGathering(carrier, sid, timeline, 1, clock); // greeting, then the main menu
    steps["main-menu"] = performance.now();
    await press(carrier, sid, "1");
    await untilGathering(carrier, sid, timeline, 2, clock); // the billing menu
    steps["billing-menu"] = performance.now();
    await press(carrier, sid, "0");
    await untilGathering(carrier, sid, timeline, 3, clock); // back to the main menu
    steps["main-menu-again"] = performance.now();
    await carrier.hangup(sid);
    steps["hung-up"] = performance.now();
    onLine = false;
    clock?.leave();
    const callback = await untilStatusRecorded(carrier, sid, timeline);
    if (callback.status !== 204) throw new CallerError(sid, `the centre answered the completed status callback with ${String(callback.status)}`);
    return { sid, placedAt, completedAt: performance.now(), steps };
  } catch (error) {
    if (error instanceof CallerError) throw error;
    throw new CallerError(sid, (error as Error).message);
  } finally {
    if (onLine) clock?.leave();
  }
}
