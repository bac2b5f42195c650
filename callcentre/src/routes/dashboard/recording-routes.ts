// A recording's audio for the dashboard's players, fetched from Twilio with the account's credentials,
// which stay here. The answer comes from the dashboard's own origin, so it must never be anything a
// browser would run: only audio is passed on, with nosniff and a CSP that allows nothing.
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { notFound } from "../../lib/http-errors.js";
import { parseWith } from "../twilio/webhook-params.js";
import { RecordingParam, SurveyParam } from "./dashboard-params.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";

const MEDIA_TIMEOUT_MS = 15_000;
const AUDIO_TYPE = /^audio\/[a-z0-9][a-z0-9.+-]*$/;
/** Opened as a document, the answer may run nothing, load nothing, and is sandboxed. */
const MEDIA_CSP = "default-src 'none'; sandbox";
/** What the players say when Twilio no longer has the recording (dashboard/player.js shows it). */
export const RECORDING_GONE = "This recording is no longer available: Twilio does not have it any more.";

const badGateway = (reply: FastifyReply, message: string) => reply.code(502).send({ statusCode: 502, error: "Bad Gateway", message });

export default async function recordingRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { repositories, config } = opts;
  const relay = recordingRelay(config);

  app.get("/api/recordings/:sid/audio", async (request, reply) => {
    const { sid } = parseWith(RecordingParam, request.params);
    const recording = await repositories.recordings.get(sid);
    if (!recording) throw notFound(`no recording ${sid}`);
    return relay(request, reply, sid, recording.url);
  });

  // A post-call survey's spoken comment: Twilio keeps it as a recording of the caller's call, known
  // here by its URL on the survey.
  app.get("/api/surveys/:entryId/comment/audio", async (request, reply) => {
    const { entryId } = parseWith(SurveyParam, request.params);
    const url = await repositories.surveys.commentUrl(entryId);
    if (!url) throw notFound(`no survey comment for line entry ${entryId}`);
    return relay(request, reply, `survey ${entryId}`, url);
  });

}

/**
 * What answers with a recording's audio (the dashboard's players, and the desk's for its voicemails):
 * passes on the recording at `recordingUrl` (its WAV), if it is audio from the configured API.
 */
export function recordingRelay(config: Pick<DashboardRoutesOptions["config"], "twilioApiBaseUrl" | "twilio">) {
  const apiOrigin = new URL(config.twilioApiBaseUrl).origin;
  const authorization = `Basic ${Buffer.from(`${config.twilio.accountSid}:${config.twilio.authToken}`).toString("base64")}`;
  return async function relay(request: FastifyRequest, reply: FastifyReply, sid: string, recordingUrl: string) {
    // The media is asked for only at the configured API (TWILIO_API_BASE_URL): a RecordingUrl
    // elsewhere gets neither the credentials nor a request.
    const url = URL.canParse(recordingUrl) ? new URL(`${recordingUrl.replace(/\.(wav|mp3|json)$/, "")}.wav`) : undefined;
    if (url?.origin !== apiOrigin) {
      request.log.warn({ recordingSid: sid, origin: url?.origin }, "recording URL is not on the configured Twilio API: not fetched");
      return badGateway(reply, "the recording is not on the configured Twilio API (TWILIO_API_BASE_URL)");
    }
    // Identity encoding, so that lengths and ranges are those of the audio itself.
    const headers: Record<string, string> = { authorization, "accept-encoding": "identity" };
    if (typeof request.headers.range === "string") headers.range = request.headers.range;
    let media: Response;
    try {
      media = await fetch(url, { headers, signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) });
    } catch (error) {
      request.log.warn({ err: error, recordingSid: sid }, "recording could not be fetched");
      return badGateway(reply, "the recording could not be fetched from Twilio");
    }
    const type = (media.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    // A compressed answer is decoded on the way in: its lengths and ranges no longer apply.
    const encoded = !["", "identity"].includes((media.headers.get("content-encoding") ?? "").trim().toLowerCase());
    const refuse = async (status: number, message: string) => {
      await media.body?.cancel().catch(() => undefined);
      if (status === 404) return reply.code(404).send({ statusCode: 404, error: "Not Found", message });
      request.log.warn({ recordingSid: sid, status: media.status, contentType: type }, "recording not served");
      return badGateway(reply, message);
    };
    if (media.status === 404) return refuse(404, RECORDING_GONE);
    if (!media.ok || !media.body) return refuse(502, `Twilio answered ${media.status} for the recording`);
    if (!AUDIO_TYPE.test(type)) return refuse(502, `Twilio's answer for the recording is not audio (${type || "no Content-Type"})`);
    if (encoded && media.status !== 200) return refuse(502, "Twilio compressed a part of the recording");
    reply.header("content-type", type).header("x-content-type-options", "nosniff").header("content-security-policy", MEDIA_CSP);
    if (!encoded) {
      for (const name of ["content-length", "content-range", "accept-ranges"]) {
        const value = media.headers.get(name);
        if (value) reply.header(name, value);
      }
    }
    return reply.code(media.status).send(Readable.fromWeb(media.body as ReadableStream));
  };
}
