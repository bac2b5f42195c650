// The wallboard (docs/wallboard.md), for supervisors and the owner: the page for every queue
// department or for one, its fragment (fetched again by live.js on every event), the JSON, and an
// event stream that says when to fetch: the Live page's feed, through a route of this group, so that
// a session allowed the wallboard is allowed its updates.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { sessionEventStream } from "../../dashboard/session-streams.js";
import { boardDepartments, buildWallboard } from "../../dashboard/wallboard.js";
import { wallboardFragment, wallboardPage } from "../../dashboard/views/wallboard-view.js";
import { notFound } from "../../lib/http-errors.js";
import { parseWith } from "../twilio/webhook-params.js";
import type { ApiRoutesOptions } from "./api-routes.js";

const NodeId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be a department's node id such as billing");
const WallboardQuery = z.strictObject({ department: NodeId.optional() });
const PageQuery = z.strictObject({ tv: z.enum(["0", "1"]).optional() });
const DepartmentParam = z.strictObject({ department: NodeId });

export default async function wallboardRoutes(app: FastifyInstance, opts: ApiRoutesOptions): Promise<void> {
  const { flow, repositories, clock, service, live, streams } = opts;
  const departments = boardDepartments(flow).map(({ id, name }) => ({ id, name }));
  const deps = { flow, repositories, clock, zone: service.zone };

  /** The board of every queue department, or of one (404 when it is not a queue department of the flow). */
  const board = async (department?: string) => {
    if (department !== undefined && !departments.some((d) => d.id === department)) throw notFound(`no queue department "${department}" in the flow`);
    return buildWallboard(deps, department);
  };

  const page = async (department: string | undefined, tv: boolean) =>
    wallboardPage({ company: flow.company, board: await board(department), department, departments, tv }).toString();

  app.get("/wallboard", async (request, reply) => {
    const { tv } = parseWith(PageQuery, request.query);
    return reply.type("text/html; charset=utf-8").send(await page(undefined, tv === "1"));
  });

  app.get("/wallboard/fragment", async (request, reply) => {
    const { department } = parseWith(WallboardQuery, request.query);
    return reply.type("text/html; charset=utf-8").send(wallboardFragment(await board(department)).toString());
  });

  app.get("/wallboard/:department", async (request, reply) => {
    const { department } = parseWith(DepartmentParam, request.params);
    const { tv } = parseWith(PageQuery, request.query);
    return reply.type("text/html; charset=utf-8").send(await page(department, tv === "1"));
  });

  app.get("/api/wallboard", async (request) => board(parseWith(WallboardQuery, request.query).department));

  // Server-sent events: `live` whenever the Live page's snapshot changes (at least every 5 s while
  // anything waits or ticks); the page then fetches its fragment. The snapshot itself is not sent.
  app.get("/api/wallboard/stream", async (request, reply) => {
    const tokenHash = request.session?.tokenHash ?? "";
    await sessionEventStream(request, reply, {
      streams,
      signedIn: async () => (await repositories.sessions.find(tokenHash, clock())) !== undefined,
      label: "wallboard stream",
      subscribe: (emit) => live.subscribe(() => emit(`event: live\ndata: {}\n\n`)),
    });
  });
}
