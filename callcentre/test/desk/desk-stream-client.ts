// A client of the desk's event stream (GET /desk/stream) over real HTTP: collects the `desk` events'
// data, and says when the server ended the stream (the dashboard's stream client, parsed).
import type { FastifyInstance } from "fastify";
import type { TestContext } from "node:test";
import type { DeskSnapshot } from "../../src/desk/desk-service.js";
import { openEventStream } from "../dashboard/live-stream-client.js";

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
  const stream = await openEventStream(t, app, cookie, "/desk/stream", "desk");
  return {
    status: stream.status,
    get events() {
      return stream.events.map((data) => JSON.parse(data || "{}") as DeskEvent);
    },
    ended: stream.ended,
  };
}
