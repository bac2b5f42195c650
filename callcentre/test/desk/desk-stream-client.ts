// A client of the desk's event stream (GET /desk/stream) over real HTTP: collects the `desk` events'
// data, and says when the server ended the stream.
import type { FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import type { DeskSnapshot } from "../../src/desk/desk-service.js";

export interface DeskEvent {
  now: string;
  snapshot: DeskSnapshot;
  html: string;
}

export interface DeskStream {
  status: number;
  events: DeskEvent[];
  ended(): boolean;
}

export async function openDeskStream(t: TestContext, app: FastifyInstance, cookie: string): Promise<DeskStream> {
  const { port } = app.server.address() as AddressInfo;
  const abort = new AbortController();
  t.after(() => abort.abort());
  const response = await fetch(`http://127.0.0.1:${port}/desk/stream`, { headers: { cookie }, signal: abort.signal, redirect: "manual" });
  const events: DeskEvent[] = [];
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
        if (event.startsWith("event: desk")) events.push(JSON.parse(event.split("\ndata: ")[1] ?? "{}") as DeskEvent);
      }
    }
    ended = true;
  })();
  return { status: response.status, events, ended: () => ended };
}
