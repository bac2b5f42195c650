// A client of the dashboard's live event stream (GET /api/live/stream) over real HTTP: collects the
// `live` events, and says when the server ended the stream.
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

/** Opens the stream with the session's cookie; the app must be listening. */
export async function openLiveStream(t: TestContext, app: FastifyInstance, cookie: string): Promise<LiveStream> {
  const { port } = app.server.address() as AddressInfo;
  const abort = new AbortController();
  t.after(() => abort.abort());
  const response = await fetch(`http://127.0.0.1:${port}/api/live/stream`, { headers: { cookie }, signal: abort.signal, redirect: "manual" });
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
        if (event.startsWith("event: live")) events.push(event.split("\ndata: ")[1] ?? "");
      }
    }
    ended = true;
  })();
  return { status: response.status, events, ended: () => ended, close: () => abort.abort() };
}
