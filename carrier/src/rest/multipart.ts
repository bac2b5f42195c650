// multipart/form-data bodies on the REST API. twilio-node 3.0 to 3.40 send every POST as multipart (its
// `request` library's `formData`), and Twilio accepts them, so the carrier does too: a multipart body
// becomes the same key/value object a urlencoded one does (a repeated field, such as
// StatusCallbackEvent or MediaUrl, an array). Twilio's 2010-04-01 API takes no file uploads: a file
// part is refused with 400 rather than silently dropped. Registered inside the REST plugin only.
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { badRequest } from "./errors.js";

export async function registerMultipart(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    // A whole Twilio request fits well inside this; fields are parameters, never documents.
    limits: { fields: 1000, fieldSize: 64 * 1024 },
    async onFile(part) {
      // Drain the upload so the connection stays usable, then refuse the request.
      part.file.resume();
      throw badRequest(`'${part.fieldname}' was sent as a file; Twilio's REST API takes form fields only`);
    },
  });
}
