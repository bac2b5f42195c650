// Everything the SMS service says, in one place. Each reply is GSM-7 and fits one segment (160
// characters); names echoed back are transliterated and shortened to keep it so (tested).
import { segmentInfo, toGsm7 } from "../weather/gsm7.js";
import { EARLIEST_SEND, LATEST_SEND } from "./schedule.js";

/** At most `max` septets of GSM-7 `text`, without trailing spaces: € [ ] { } ^ ~ | \ take two each. */
function cut(text: string, max: number): string {
  let out = "";
  let used = 0;
  for (const char of text) {
    used += segmentInfo(char).units;
    if (used > max) break;
    out += char;
  }
  return out.trimEnd();
}

const name = (text: string, max = 24) => cut(toGsm7(text), max);

export const replies = {
  help: () =>
    "Text WEATHER and a place for its forecast, e.g. WEATHER Sydney. SUBSCRIBE Sydney 7:00 for a daily one, STOP DAILY to end it. STOP ends all texts.",
  askPlace: () => "Which place? Text WEATHER and a place, e.g. WEATHER Sydney, or WEATHER Paris, FR to pick a country.",
  askSubscribePlace: () => "Which place? Text SUBSCRIBE, a place and a time, e.g. SUBSCRIBE Sydney 7:00",
  empty: () => "Your message was empty. Text WEATHER and a place for its forecast, e.g. WEATHER Sydney, or COMMANDS for more.",
  mediaOnly: () => "Sorry, we can only read text. Text WEATHER and a place for its forecast, e.g. WEATHER Sydney, or COMMANDS for more.",
  invalidPlace: (reason: string) => cut(`${toGsm7(reason)} Try e.g. WEATHER Sydney or WEATHER Paris, FR`, 160),
  subscribed: (place: string, time: string) =>
    `Subscribed: the ${name(place)} forecast every day at ${time} ${name(place, 20)} time. Text STOP DAILY to end it, STOP to end all texts.`,
  badTime: (text: string) =>
    `Sorry, "${name(text, 12)}" is not a time we can use. Pick one from ${EARLIEST_SEND} to ${LATEST_SEND}, e.g. SUBSCRIBE Sydney 7:30`,
  unsubscribed: (place: string) => `Your daily ${name(place)} forecast has stopped. Text SUBSCRIBE and a place to start one again.`,
  noSubscription: () => "You have no daily forecast. Text SUBSCRIBE, a place and a time to start one, e.g. SUBSCRIBE Sydney 7:00",
  choiceUnknown: () => "Sorry, there is no choice waiting for that number. Text WEATHER and a place, e.g. WEATHER Sydney.",
  ack: () => "Thanks, we got your message and someone will reply soon. For a forecast, text WEATHER and a place, e.g. WEATHER Sydney.",
  /** The inbox acknowledgement while places cannot be looked up: the text may have been a place. */
  ackWeatherDown: () => "Thanks, we got your message and someone will reply soon. Forecasts are unavailable just now: text WEATHER and a place later.",
  // Only when this service, not Twilio, answers the keywords (SMS_KEYWORD_REPLIES=app, short codes).
  optedOut: () => "You have been unsubscribed and will get no more messages from us. Text START to receive messages again.",
  optedIn: () => "You will receive messages from us again. Text HELP for help, STOP to unsubscribe.",
};
