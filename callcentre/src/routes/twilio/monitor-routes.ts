// The status callback of a supervisor's call monitoring a conversation (docs/monitoring.md): answered,
// they are in the conference; ended (hung up, never answered), their session ends.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Acd } from "../../acd/acd.js";
import { parseParams, parseWith, VoiceParams } from "./webhook-params.js";

const IdParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export default async function monitorRoutes(app: FastifyInstance, opts: { acd: Acd }): Promise<void> {
  app.post("/voice/monitor/:id/status", async (request, reply) => {
    const { id } = parseWith(IdParam, request.params);
    const params = parseParams(VoiceParams, request.body);
    await opts.acd.monitoring.supervisorCallStatus(id, params.CallSid, params.CallStatus);
    return reply.code(204).send();
  });
}
