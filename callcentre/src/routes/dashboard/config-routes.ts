// The owner's view of the configuration: the flow file as the call centre runs it (page and JSON).
import type { FastifyInstance } from "fastify";
import { flowPage } from "../../dashboard/views/flow-view.js";
import type { DashboardRoutesOptions } from "./dashboard-options.js";
import { pageContext } from "./page-context.js";

export default async function configRoutes(app: FastifyInstance, opts: DashboardRoutesOptions): Promise<void> {
  const { service, flow } = opts;

  app.get("/flow", async (request, reply) =>
    reply.type("text/html; charset=utf-8").send(flowPage(pageContext(request, flow.company), flow, service.flowFile()).toString()),
  );

  app.get("/api/flow", async () => ({ flow, file: service.flowFile() }));
}
