// The live event streams open on this instance, by the session that opened each. Signing out ends
// that session's streams at once; a stream whose session has ended in another way (expired, the
// password changed, signed out through another instance) ends at its next event or keep-alive.
import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

/** A comment line every so often keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

export class SessionStreams {
  private readonly streams = new Map<ServerResponse, string>();

  add(tokenHash: string, stream: ServerResponse): void {
    this.streams.set(stream, tokenHash);
    stream.once("close", () => this.streams.delete(stream));
  }

  /** Ends the streams of one session (it signed out). */
  endSession(tokenHash: string): void {
    for (const [stream, owner] of this.streams) if (owner === tokenHash) stream.end();
  }

  /** Ends every stream (the server is closing). */
  endAll(): void {
    for (const stream of this.streams.keys()) stream.end();
  }
}

export interface SessionStreamOptions {
  streams: SessionStreams;
  /** Whether the stream's session is still signed in (checked before every write but the first). */
  signedIn: () => Promise<boolean>;
  /** Names the stream in the log ("live stream", "desk stream"). */
  label: string;
  /** Starts the events: each text given to `emit` is one event; resolves with the function that stops them. */
  subscribe: (emit: (event: string) => void) => Promise<() => void>;
}

/**
 * Answers with server-sent events for as long as the request's session lasts: it ends when the
 * session signs out (SessionStreams), and at the first event or keep-alive after the session has ended
 * otherwise (expired, a new password). Writes go out in order; everything is released on close, which
 * may come while the first event is still being built.
 */
export async function sessionEventStream(request: FastifyRequest, reply: FastifyReply, o: SessionStreamOptions): Promise<void> {
  const tokenHash = request.session?.tokenHash ?? "";
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
  res.write("retry: 3000\n\n");
  o.streams.add(tokenHash, res);
  let sending = Promise.resolve();
  const send = (text: string) => {
    sending = sending.then(async () => {
      try {
        if (res.writableEnded) return;
        if (await o.signedIn()) res.write(text);
        else res.end();
      } catch (error) {
        request.log.warn({ err: error }, `${o.label}: the session could not be checked`);
      }
    });
  };
  let unsubscribe: (() => void) | undefined;
  const heartbeat = setInterval(() => send(": keep-alive\n\n"), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  res.on("close", () => {
    clearInterval(heartbeat);
    unsubscribe?.();
  });
  let first = true;
  try {
    const remove = await o.subscribe((event) => {
      // The first event follows the session check of this very request.
      if (first) res.write(event);
      else send(event);
      first = false;
    });
    if (res.destroyed) remove();
    else unsubscribe = remove;
  } catch (error) {
    request.log.warn({ err: error }, `${o.label} could not start`);
    res.end();
  }
}
