// An IVR phone tree written the way Twilio's Node docs write one ("IVR: Phone Tree" with Express),
// kept to what such an app does: twilio.webhook() validates X-Twilio-Signature with the auth token,
// every handler builds a VoiceResponse and answers res.send(twiml.toString()), which Express sends
// as text/html. It imports nothing from the carrier: it knows only its own URLs and its token.
import express, { type Request, type Response } from "express";
import twilio from "twilio";

const { VoiceResponse } = twilio.twiml;

/** Planets the caller may be put through to (extension → phone number). */
export const PLANETS: Record<string, { name: string; number: string }> = {
  "2": { name: "Brodo Asogi", number: "+12024173378" },
  "3": { name: "Dagobah", number: "+12027336386" },
  "4": { name: "Oober Cronos", number: "+12027336637" },
};

export const WELCOME =
  "Thanks for calling the E T Phone Home Service. Please press 1 for directions. Press 2 for a list of planets to call.";
export const DIRECTIONS =
  "To get to your extraction point, get on your bike and go down the street. Then Left down an alley. Avoid the police cars. Turn left into an unfinished housing development. Fly over the roadblock. Go passed the moon. Soon after you will see your mother ship.";
export const PLANET_LIST =
  "To call the planet Brodo Asogi, press 2. To call the planet Dagobah, press 3. To call an oober asteroid to your location, press 4. To go back to the main menu, press the star key.";
export const NO_INPUT = "We did not receive any input. Goodbye!";

function welcome(): string {
  const twiml = new VoiceResponse();
  const gather = twiml.gather({ action: "/ivr/menu", numDigits: 1, method: "POST" });
  gather.say({ loop: 3 }, WELCOME);
  twiml.say(NO_INPUT);
  return twiml.toString();
}

function menu(digit: string | undefined): string {
  const twiml = new VoiceResponse();
  if (digit === "1") {
    twiml.say({ voice: "Polly.Amy", language: "en-GB" }, DIRECTIONS);
    twiml.say("Thank you for calling the ET Phone Home Service - the adventurous alien's first choice in intergalactic travel");
    twiml.hangup();
  } else if (digit === "2") {
    const gather = twiml.gather({ action: "/ivr/planets", numDigits: 1, method: "POST" });
    gather.say({ voice: "Polly.Amy", language: "en-GB", loop: 3 }, PLANET_LIST);
  } else {
    return redirectWelcome();
  }
  return twiml.toString();
}

function planets(digit: string | undefined): string {
  const planet = digit === undefined ? undefined : PLANETS[digit];
  if (!planet) return redirectWelcome();
  const twiml = new VoiceResponse();
  twiml.say(`Connecting you to ${planet.name}.`);
  twiml.dial(planet.number);
  return twiml.toString();
}

function redirectWelcome(): string {
  const twiml = new VoiceResponse();
  twiml.say("Returning to the main menu");
  twiml.redirect("/ivr/welcome");
  return twiml.toString();
}

/** What the app saw of one request: enough for a test to check the carrier's requests were accepted. */
export interface Served {
  method: string;
  path: string;
  digits: string | undefined;
  status: number;
  contentType: string;
}

export function createIvrApp(authToken: string): { app: express.Express; served: Served[] } {
  const served: Served[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, res, next) => {
    res.on("finish", () =>
      served.push({
        method: req.method,
        path: new URL(req.originalUrl, "http://app").pathname,
        digits: (req.body as Record<string, string> | undefined)?.Digits,
        status: res.statusCode,
        contentType: String(res.getHeader("content-type") ?? ""),
      }),
    );
    next();
  });

  const router = express.Router();
  router.use(twilio.webhook(authToken));
  router.post("/welcome", (_req: Request, res: Response) => {
    res.send(welcome());
  });
  router.post("/menu", (req: Request, res: Response) => {
    res.send(menu((req.body as Record<string, string>).Digits));
  });
  router.post("/planets", (req: Request, res: Response) => {
    res.send(planets((req.body as Record<string, string>).Digits));
  });
  app.use("/ivr", router);
  return { app, served };
}
