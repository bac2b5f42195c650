// A warm transfer written the way Twilio's "Warm Transfer" tutorial (Node/Express) and Flex-style
// agent desks write one: the caller waits in a conference named for the call, with hold music; the
// app adds agent 1 with the Participants API; agent 1's desk then puts the caller on hold, adds
// agent 2, takes the caller off hold and leaves. twilio.webhook() validates X-Twilio-Signature on
// every Twilio request; handlers answer res.send(twiml.toString()) (text/html). It imports nothing
// from the carrier: it knows its URLs, its number, its account and token, and the REST base URL.
import express, { type Request, type Response } from "express";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";

const { VoiceResponse } = twilio.twiml;

export const GREETING = "Thanks for calling. Please hold while we connect you to an agent.";
export const WAIT_MUSIC = "Your call is important to us. An agent will be with you shortly.";
export const HOLD_MUSIC = "Please stay on the line while your agent consults a colleague.";

/** twilio-node has no base-URL option: the app rewrites the API prefix, as docs/carrier.md shows. */
class ApiRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.baseUrl) });
  }
}

export interface WarmTransferConfig {
  accountSid: string;
  authToken: string;
  /** Where the REST API is (https://api.twilio.com on Twilio). */
  apiBaseUrl: string;
  /** The app's own public origin, for the callback URLs it gives the REST API. */
  publicUrl: string;
  /** The app's number: the caller ID of the agents' legs. */
  number: string;
  agent1: string;
  agent2: string;
}

/** A conference status callback as the app received it (its signature checked). */
export interface ConferenceEvent {
  event: string;
  sequenceNumber: number;
  callSid: string | undefined;
  label: string | undefined;
  hold: string | undefined;
}

export function createWarmTransferApp(config: WarmTransferConfig) {
  const client = twilio(config.accountSid, config.authToken, { httpClient: new ApiRequestClient(config.apiBaseUrl) });
  const events: ConferenceEvent[] = [];
  const rejected: { path: string; status: number }[] = [];
  const conferenceCallbacks = () => ({
    conferenceStatusCallback: `${config.publicUrl}/conference/events`,
    conferenceStatusCallbackEvent: ["start", "end", "join", "leave", "hold"],
  });

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, res, next) => {
    res.on("finish", () => {
      if (res.statusCode >= 400) rejected.push({ path: req.path, status: res.statusCode });
    });
    next();
  });

  const webhooks = express.Router();
  webhooks.use(twilio.webhook(config.authToken));

  // The caller: a conference named for the call, which starts when an agent joins. Agent 1 is
  // called into it over the Participants API (the conference is named, so its SID is not needed).
  webhooks.post("/incoming", async (req: Request, res: Response) => {
    const callSid = (req.body as Record<string, string>).CallSid ?? "";
    const twiml = new VoiceResponse();
    twiml.say(GREETING);
    twiml.dial().conference(
      {
        startConferenceOnEnter: false,
        endConferenceOnExit: true,
        waitUrl: "/music/wait",
        participantLabel: "customer",
        statusCallback: "/conference/events",
        statusCallbackEvent: ["start", "end", "join", "leave", "hold"],
      },
      callSid,
    );
    await client.conferences(callSid).participants.create({
      from: config.number,
      to: config.agent1,
      label: "agent1",
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      beep: "false",
      ...conferenceCallbacks(),
    });
    res.send(twiml.toString());
  });

  webhooks.post("/music/wait", (_req: Request, res: Response) => {
    const twiml = new VoiceResponse();
    twiml.say({ loop: 0 }, WAIT_MUSIC);
    res.send(twiml.toString());
  });

  // HoldMethod defaults to GET (Twilio's default for a participant's HoldUrl).
  webhooks.get("/music/hold", (_req: Request, res: Response) => {
    const twiml = new VoiceResponse();
    twiml.say({ loop: 0 }, HOLD_MUSIC);
    res.send(twiml.toString());
  });

  webhooks.post("/conference/events", (req: Request, res: Response) => {
    const body = req.body as Record<string, string>;
    events.push({
      event: body.StatusCallbackEvent ?? "",
      sequenceNumber: Number(body.SequenceNumber),
      callSid: body.CallSid,
      label: body.ParticipantLabel,
      hold: body.Hold,
    });
    res.sendStatus(204);
  });

  // The agent's desk (the agent's browser calls these; Flex does the same through its own backend).
  const desk = express.Router();
  // Only Participants create takes the conference's name; the others need its SID, as on Twilio.
  const participants = async (req: Request) => {
    const name = String(req.params.conference);
    const [conference] = await client.conferences.list({ friendlyName: name, status: "in-progress", limit: 1 });
    if (!conference) throw new Error(`no conference in progress named ${name}`);
    return client.conferences(conference.sid).participants;
  };
  desk.post("/:conference/hold", async (req: Request, res: Response) => {
    const p = await (await participants(req))("customer").update({
      hold: true,
      holdUrl: `${config.publicUrl}/music/hold`,
    });
    res.json({ callSid: p.callSid, hold: p.hold });
  });
  desk.post("/:conference/add-agent", async (req: Request, res: Response) => {
    const p = await (await participants(req)).create({
      from: config.number,
      to: config.agent2,
      label: "agent2",
      startConferenceOnEnter: true,
      endConferenceOnExit: false,
      beep: "false",
    });
    res.json({ callSid: p.callSid });
  });
  desk.post("/:conference/unhold", async (req: Request, res: Response) => {
    const p = await (await participants(req))("customer").update({ hold: false });
    res.json({ callSid: p.callSid, hold: p.hold });
  });
  desk.post("/:conference/leave", async (req: Request, res: Response) => {
    await (await participants(req))("agent1").remove();
    res.json({ left: true });
  });
  app.use("/desk", desk);
  // After the desk: the signature check applies to every request that reaches this router.
  app.use(webhooks);

  return { app, events, rejected };
}
