// The SMS service: an inbound text → what it asks for → effects (opt-out, subscription, inbox) and a
// reply. Replies that need Open-Meteo are answered inside the webhook when the lookup finishes within
// the budget; otherwise the webhook answers at once and a job sends the reply through the REST API.
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { SMS_STATUS } from "../flows/paths.js";
import { QUEUES, type Jobs } from "../jobs/jobs.js";
import type { Clock } from "../lib/clock.js";
import { maskPhone } from "../lib/phone.js";
import type { RateLimiter } from "../lib/rate-limiter.js";
import type { ContactsRepository, PendingChoice } from "../repositories/contacts-repository.js";
import type { MessagesRepository } from "../repositories/messages-repository.js";
import type { SubscriptionsRepository } from "../repositories/subscriptions-repository.js";
import type { TwilioClient } from "../twilio-client.js";
import { ambiguousMessage, forecastMessage, notFoundMessage, unavailableMessage } from "../weather/format.js";
import { segmentInfo } from "../weather/gsm7.js";
import { WeatherUnavailableError, type OpenMeteo, type Place } from "../weather/open-meteo.js";
import { describePlace, resolvePlace, type Resolution } from "../weather/places.js";
import { parseCommand, type Command } from "./commands.js";
import { replies } from "./replies.js";
import { DEFAULT_SEND, EARLIEST_SEND, LATEST_SEND, nextOccurrence, parseTimeOfDay } from "./schedule.js";

export interface InboundSms {
  sid: string;
  from: string;
  to: string;
  body: string;
  numMedia: number;
  numSegments?: number | undefined;
}

export interface SmsReply {
  /** The stored reply's id (the status callback URL carries it until Twilio names its SID). */
  id: number;
  body: string;
}

export interface SmsServiceDeps {
  db: Database;
  messages: MessagesRepository;
  contacts: ContactsRepository;
  subscriptions: SubscriptionsRepository;
  weather: Pick<OpenMeteo, "searchPlaces" | "forecast">;
  jobs: Jobs;
  twilio: TwilioClient;
  limiter: RateLimiter;
  clock: Clock;
  config: Pick<Config, "sms" | "publicBaseUrl">;
  log: FastifyBaseLogger;
}

/** An automatic acknowledgement of an inbox message goes at most once an hour to the same number. */
export const ACK_WINDOW_MS = 60 * 60_000;
/** A choice between places is remembered for an hour. */
const CHOICE_TTL_MS = 60 * 60_000;

/** What became of an inbound text: what kind of message it was, and the reply to it, if any. */
interface Outcome {
  inboundKind: string;
  reply?: { kind: string; body: string };
}

/** Commands whose answer needs Open-Meteo (and so may outlast the webhook's budget). */
type SlowCommand = Extract<Command, { type: "weather" | "place" | "subscribe" | "choice" }>;

export class SmsService {
  constructor(private readonly deps: SmsServiceDeps) {}

  /**
   * Handles an inbound text and returns the reply to put in the webhook's TwiML, if any. A message
   * Twilio repeats (same SID) is handled once.
   */
  async receive(sms: InboundSms): Promise<SmsReply | undefined> {
    const { messages, contacts, clock, config } = this.deps;
    const now = clock();
    const inboundId = await messages.add(
      {
        sid: sms.sid,
        direction: "inbound",
        from: sms.from,
        to: sms.to,
        body: sms.body,
        status: "received",
        kind: "other",
        numMedia: sms.numMedia,
        numSegments: sms.numSegments ?? null,
      },
      now,
    );
    if (inboundId === undefined) return undefined;
    const command = parseCommand(sms.body);
    const appAnswersKeywords = config.sms.keywordReplies === "app";

    switch (command.type) {
      case "opt-out":
        await this.recordOptOut(sms.from, "opted out", now, inboundId);
        return appAnswersKeywords ? this.reply(sms, inboundId, { kind: "opt-out", body: replies.optedOut() }, now) : undefined;
      case "opt-in":
        await contacts.optIn(sms.from, now);
        await messages.setKind(inboundId, "opt-in");
        return appAnswersKeywords ? this.reply(sms, inboundId, { kind: "opt-in", body: replies.optedIn() }, now) : undefined;
      case "help-keyword":
        await messages.setKind(inboundId, "help");
        return appAnswersKeywords ? this.reply(sms, inboundId, { kind: "help", body: replies.help() }, now) : undefined;
      default:
        break;
    }

    const contact = await contacts.get(sms.from);
    if (contact?.optedOutAt) {
      // We may not text them; what they wrote still reaches an agent.
      await messages.setKind(inboundId, command.type === "other" || command.type === "place" ? "inbox" : command.type);
      return undefined;
    }

    let outcome: Outcome;
    if (isSlow(command)) {
      const answered = await this.withinBudget((abandoned) => this.answerSlow(command, sms, now, abandoned));
      if (answered === "late") {
        await messages.setKind(inboundId, command.type);
        await this.deps.jobs.enqueue([{ name: QUEUES.smsReply, data: { inboundId } }]);
        this.deps.jobs.notify(QUEUES.smsReply);
        return undefined;
      }
      outcome = answered;
    } else {
      outcome = await this.answerFast(command, sms, now);
    }
    await messages.setKind(inboundId, outcome.inboundKind);
    return outcome.reply ? this.reply(sms, inboundId, outcome.reply, now) : undefined;
  }

  /**
   * The `sms-reply` job: answers a text whose lookup outlasted the webhook, through the REST API.
   * Sends at most one reply per inbound message, however often the job runs.
   */
  async replyLate(inboundId: number, lastAttempt: boolean): Promise<void> {
    const { messages, contacts, clock } = this.deps;
    const inbound = await messages.get(inboundId);
    if (!inbound || inbound.direction !== "inbound") return;
    if (await messages.replyTo(inboundId)) return;
    if (await contacts.isOptedOut(inbound.from)) return;
    const command = parseCommand(inbound.body);
    if (!isSlow(command)) return;
    const sms: InboundSms = { sid: inbound.sid ?? "", from: inbound.from, to: inbound.to, body: inbound.body, numMedia: inbound.numMedia };
    const now = clock();
    const outcome = await this.answerSlow(command, sms, now);
    if (outcome.reply?.body === unavailableMessage() && !lastAttempt) throw new Error("forecast unavailable; will retry");
    await messages.setKind(inboundId, outcome.inboundKind);
    if (!outcome.reply) return;
    await this.sendByRest({ to: inbound.from, from: inbound.to, body: outcome.reply.body, kind: outcome.reply.kind, inReplyTo: inboundId }, now);
  }

  /**
   * Sends a message through the REST API and stores it. 21610 (the number opted out with Twilio)
   * marks it opted out here too and cancels its subscription; other errors are thrown.
   */
  async sendByRest(
    m: { to: string; from: string; body: string; kind: string; inReplyTo?: number },
    now: Date,
  ): Promise<{ sid: string } | { optedOut: true } | undefined> {
    const { messages, twilio, limiter, config, log } = this.deps;
    const id = await messages.add({ direction: "outbound-api", from: m.from, to: m.to, body: m.body, status: "queued", kind: m.kind, inReplyTo: m.inReplyTo }, now);
    if (id === undefined) return undefined; // replied already
    await limiter.take();
    try {
      const sent = await twilio.messages.create({ to: m.to, from: m.from, body: m.body, statusCallback: `${config.publicBaseUrl}${SMS_STATUS}` });
      await messages.setSid(id, sent.sid, (sent.status as "queued") ?? "queued", Number(sent.numSegments) || segmentInfo(m.body).segments);
      log.info({ messageSid: sent.sid, to: maskPhone(m.to), kind: m.kind }, "message sent");
      return { sid: sent.sid };
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 21610) {
        await messages.markFailed(id, 21610, (error as Error).message, now);
        await this.optedOutByTwilio(m.to, now);
        return { optedOut: true };
      }
      // Nothing was sent: forget the row so that a retry can send it.
      await messages.forgetUnsent(id);
      throw error;
    }
  }

  /** Twilio refused a message with 21610: the number opted out there, so it is opted out here. */
  async optedOutByTwilio(number: string, now: Date): Promise<void> {
    await this.recordOptOut(number, "opted out (21610)", now);
  }

  /** Opts a number out of everything and cancels its daily forecast, giving `reason` for the cancellation. */
  private async recordOptOut(number: string, reason: string, now: Date, inboundId?: number): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await this.deps.contacts.with(tx).optOut(number, now);
      await this.deps.subscriptions.with(tx).cancel(number, reason, now);
      if (inboundId !== undefined) await this.deps.messages.with(tx).setKind(inboundId, "opt-out");
    });
    this.deps.log.info({ number: maskPhone(number), reason }, "number opted out");
  }

  private async reply(sms: InboundSms, inboundId: number, answer: { kind: string; body: string }, now: Date): Promise<SmsReply | undefined> {
    const id = await this.deps.messages.add(
      { direction: "outbound-reply", from: sms.to, to: sms.from, body: answer.body, status: "queued", kind: answer.kind, inReplyTo: inboundId, numSegments: segmentInfo(answer.body).segments },
      now,
    );
    return id === undefined ? undefined : { id, body: answer.body };
  }

  /** Runs `start` for at most the reply budget; `abandoned()` tells the work when the webhook stopped waiting. */
  private async withinBudget<T>(start: (abandoned: () => boolean) => Promise<T>): Promise<T | "late"> {
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => {
        gaveUp = true;
        resolve("late");
      }, this.deps.config.sms.replyBudgetMs);
    });
    const work = start(() => gaveUp);
    // The lookup goes on after the budget (it warms the caches for the job); its failure is only logged.
    work.catch((error: unknown) => this.deps.log.warn({ err: error }, "SMS lookup failed"));
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async answerFast(command: Command, sms: InboundSms, now: Date): Promise<Outcome> {
    const { subscriptions } = this.deps;
    switch (command.type) {
      case "empty":
        return { inboundKind: "empty", reply: { kind: "help", body: sms.numMedia > 0 ? replies.mediaOnly() : replies.empty() } };
      case "help":
        return { inboundKind: "help", reply: { kind: "help", body: replies.help() } };
      case "unsubscribe": {
        const current = await subscriptions.byNumber(sms.from);
        const cancelled = await subscriptions.cancel(sms.from, "unsubscribed", now);
        const body = cancelled && current ? replies.unsubscribed(current.placeName) : replies.noSubscription();
        return { inboundKind: "unsubscribe", reply: { kind: "unsubscribe", body } };
      }
      default:
        return this.inbox(sms, now);
    }
  }

  /**
   * Looks up what the command needs, then applies it. Writes nothing until the lookup is done. Work the
   * webhook stopped waiting for (`abandoned`) claims no inbox acknowledgement: the job that answers in
   * its place sends it.
   */
  private async answerSlow(command: SlowCommand, sms: InboundSms, now: Date, abandoned: () => boolean = () => false): Promise<Outcome> {
    const { contacts } = this.deps;
    const say = (kind: string, body: string): Outcome => ({ inboundKind: command.type, reply: { kind, body } });
    const toInbox = (text?: string): Promise<Outcome> => (abandoned() ? Promise.resolve({ inboundKind: "inbox" }) : this.inbox(sms, now, text));
    if (command.type === "choice") {
      const contact = await contacts.get(sms.from);
      const choice = contact?.pendingChoice;
      const place = choice && now.getTime() - Date.parse(choice.offeredAt) < CHOICE_TTL_MS ? choice.places[command.index - 1] : undefined;
      if (!choice || !place) return toInbox(replies.choiceUnknown());
      if (choice.command === "subscribe") {
        await contacts.setPendingChoice(sms.from, null, now);
        return say("subscribe", await this.subscribe(sms, place, choice.time ?? DEFAULT_SEND, now));
      }
      // The choice is used up only by a forecast sent: not by work the webhook gave up on (the job
      // answers it), nor by an unavailable forecast (a retry, or the person, may pick again).
      const forecast = await this.forecastFor(place);
      if (!abandoned() && forecast !== unavailableMessage()) await contacts.setPendingChoice(sms.from, null, now);
      return say("weather", forecast);
    }
    if (command.type === "subscribe") {
      if (!command.place) return say("subscribe", replies.askSubscribePlace());
      const time = command.timeText ? parseTimeOfDay(command.timeText) : DEFAULT_SEND;
      if (!time || time < EARLIEST_SEND || time > LATEST_SEND) return say("subscribe", replies.badTime(command.timeText ?? ""));
      const resolution = await this.resolve(command.place);
      switch (resolution?.kind) {
        case undefined:
          return say("subscribe", unavailableMessage());
        case "found":
          return say("subscribe", await this.subscribe(sms, resolution.place, time, now));
        case "ambiguous":
          return say("choice", await this.offer(sms, { command: "subscribe", time, places: resolution.options, offeredAt: now.toISOString() }, command.place, now));
        case "not-found":
          return say("subscribe", notFoundMessage(command.place));
        case "invalid":
          return say("subscribe", replies.invalidPlace(resolution.reason));
      }
    }
    // WEATHER <place>, or a bare place name.
    if (command.place === "") return say("weather", replies.askPlace());
    const resolution = await this.resolve(command.place);
    switch (resolution?.kind) {
      case undefined:
        // Places cannot be looked up (Open-Meteo unreachable, slow or failing). Only an explicit
        // WEATHER is known to ask for a forecast; a bare text may be anything ("my power is out"),
        // so it goes to an agent, whatever the weather service is doing.
        return command.type === "place" ? toInbox(replies.ackWeatherDown()) : say("weather", unavailableMessage());
      case "found":
        return say("weather", await this.forecastFor(resolution.place));
      case "ambiguous":
        return say("choice", await this.offer(sms, { command: "weather", places: resolution.options, offeredAt: now.toISOString() }, command.place, now));
      case "not-found":
        // A bare text that is not a place is a message for an agent; an explicit WEATHER is told.
        return command.type === "place" ? toInbox() : say("weather", notFoundMessage(command.place));
      case "invalid":
        return command.type === "place" ? toInbox() : say("weather", replies.invalidPlace(resolution.reason));
    }
  }

  /** The place a text names, or undefined when Open-Meteo cannot be reached. */
  private async resolve(query: string): Promise<Resolution | undefined> {
    try {
      return await resolvePlace(this.deps.weather, query);
    } catch (error) {
      if (error instanceof WeatherUnavailableError) return undefined;
      throw error;
    }
  }

  private async forecastFor(place: Place): Promise<string> {
    try {
      return forecastMessage(place, await this.deps.weather.forecast(place));
    } catch (error) {
      if (error instanceof WeatherUnavailableError) return unavailableMessage();
      throw error;
    }
  }

  private async subscribe(sms: InboundSms, place: Place, time: string, now: Date): Promise<string> {
    await this.deps.subscriptions.upsert(
      {
        number: sms.from,
        fromNumber: sms.to,
        placeName: place.name,
        placeLabel: describePlace(place),
        latitude: place.latitude,
        longitude: place.longitude,
        timezone: place.timezone,
        sendTime: time,
        nextSendAt: nextOccurrence(time, place.timezone, now),
      },
      now,
    );
    this.deps.log.info({ from: maskPhone(sms.from), place: place.name, time }, "daily forecast subscribed");
    return replies.subscribed(place.name, time);
  }

  private async offer(sms: InboundSms, choice: PendingChoice, query: string, now: Date): Promise<string> {
    await this.deps.contacts.setPendingChoice(sms.from, choice, now);
    return ambiguousMessage(query, choice.places);
  }

  /** A message for an agent: acknowledged at most once an hour per number, with `text` when given. */
  private async inbox(sms: InboundSms, now: Date, text?: string): Promise<Outcome> {
    const ack = await this.deps.contacts.claimAck(sms.from, now, ACK_WINDOW_MS);
    return ack ? { inboundKind: "inbox", reply: { kind: "ack", body: text ?? replies.ack() } } : { inboundKind: "inbox" };
  }
}

function isSlow(command: Command): command is SlowCommand {
  return command.type === "weather" || command.type === "place" || command.type === "subscribe" || command.type === "choice";
}
