// A client of a session's event stream over real HTTP (the dashboard's GET /api/live/stream, the
// desk's GET /desk/stream): collects the data of one event's name, and says when the server ended it.
import type { FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";

export interface LiveStream {
  status: number;
  /** The data of each `live` event so far. */
  events: string[];
  /** Whether the server has ended the stream (or the connection). */
  ended(): boolean;
  close(): void;
}

/** Opens the Live page's stream with the session's cookie; the app must be listening. */
export function openLiveStream(t: TestContext, app: FastifyInstance, cookie: string): Promise<LiveStream> {
  return openEventStream(t, app, cookie, "/api/live/stream", "live");
}

/** Opens `path`'s event stream with the session's cookie and collects the data of its `name` events. */
export async function openEventStream(t: TestContext, app: FastifyInstance, cookie: string, path: string, name: string): Promise<LiveStream> {
  const { port } = app.server.address() as AddressInfo;
  const abort = new AbortController();
  t.after(() => abort.abort());
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie }, signal: abort.signal, redirect: "manual" });
  const events: string[] = [];
  let ended = false;
  const reader = response.body?.getReader();
  void (async () => {
    let buffer = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = reader ? await reader.read().catch(() => ({ value: undefined, done: true as const })) : { value: undefined, done: true as const };
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith(`event: ${name}\n`)) events.push(event.split("\ndata: ")[1] ?? "");
      }
    }
    ended = true;
  })();
  return { status: response.status, events, ended: () => ended, close: () => abort.abort() };
}
