// Server-sent event streams of the control API (a call's timeline, a handset's calls and texts).
// Each holds a connection and listeners for as long as its page is open, so their number is capped:
// past the cap a new stream gets 503 with the reason. A stream that has closed is never written to.
import type { FastifyReply, FastifyRequest } from "fastify";

export interface EventStream {
  /** Sends one message; `event` names it (`event: call`), otherwise it is a plain `data:` message. */
  send(data: unknown, event?: string): void;
  /** Sends an SSE comment, which clients ignore. */
  comment(text: string): void;
  /** Runs `cleanup` once, when the stream closes (the page went away, or the carrier is closing). */
  onClose(cleanup: () => void): void;
}

export class EventStreams {
  private count = 0;

  constructor(readonly max: number) {}

  get open(): number {
    return this.count;
  }

  /** Starts a stream on `reply`, or answers 503 (and returns undefined) when `max` are open. */
  start(request: FastifyRequest, reply: FastifyReply): EventStream | undefined {
    if (this.count >= this.max) {
      void reply
        .code(503)
        .header("retry-after", "10")
        .send({
          error: "too_many_streams",
          message: `${this.count} event streams are open, the most this carrier serves at once: close a softphone or calls page, then try again`,
        });
      return undefined;
    }
    this.count += 1;
    reply.hijack();
    const out = reply.raw;
    const cleanups: (() => void)[] = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.count -= 1;
      for (const cleanup of cleanups) cleanup();
    };
    // The response closes with its connection; the request's own "close" comes too, in some Node versions first.
    out.on("close", close);
    out.on("error", close);
    request.raw.on("close", close);
    out.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const write = (text: string) => {
      if (!closed && !out.destroyed && !out.writableEnded) out.write(text);
    };
    return {
      send: (data, event) => write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`),
      comment: (text) => write(`: ${text}\n\n`),
      onClose: (cleanup) => {
        if (closed) cleanup();
        else cleanups.push(cleanup);
      },
    };
  }
}
