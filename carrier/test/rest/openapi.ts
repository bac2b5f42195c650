// Twilio's OpenAPI description of 2010-04-01 (fixtures/, see its README) as test data: its operations,
// which of them the carrier serves (a route whose path and method are the operation's), and a
// validator for each operation's response schema.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import type { FastifyInstance } from "fastify";
import { parse } from "yaml";

type Json = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }>>;
  components: Json;
}

export interface Operation {
  method: "GET" | "POST" | "DELETE";
  /** The spec's path, e.g. /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json */
  path: string;
  operationId: string;
  /** The response statuses the spec lists, e.g. ["200"]. */
  statuses: string[];
}

const METHODS = ["get", "post", "delete"] as const;

export const spec = parse(readFileSync(new URL("./fixtures/twilio_api_v2010.yaml", import.meta.url), "utf8")) as Spec;

export const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({
    method: m.toUpperCase() as Operation["method"],
    path,
    operationId: item[m]?.operationId ?? `${m} ${path}`,
    statuses: Object.keys(item[m]?.responses ?? {}),
  })),
);

/** A path with its parameters blanked: `{Sid}` and `:sid` both become `{}`. */
function shape(path: string): string {
  return path.replace(/\{[^}]+\}/g, "{}").replace(/:[A-Za-z]+/g, "{}");
}

const matchers = operations.map((op) => ({
  op,
  regex: new RegExp(`^${op.path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  params: (op.path.match(/\{/g) ?? []).length,
}));

/** The spec operation a request (method and URL) is for: the matching path with the fewest parameters. */
export function operationOf(method: string, url: string): Operation | undefined {
  const path = url.split("?")[0] ?? url;
  return matchers
    .filter((m) => m.op.method === method && m.regex.test(path))
    .sort((a, b) => a.params - b.params)[0]?.op;
}

export interface Route {
  method: string;
  url: string;
}

/** Records the app's routes (call before the routes are registered). */
export function recordRoutes(app: FastifyInstance, routes: Route[]): void {
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

/** The spec operations the routes serve: same method, same path shape. */
export function servedBy(routes: Route[]): Operation[] {
  const served = new Set(routes.map((r) => `${r.method} ${shape(r.url)}`));
  return operations.filter((op) => served.has(`${op.method} ${shape(op.path)}`));
}

/** Twilio's error body (the spec describes none): exactly code, message, more_info and status. */
const ERROR_SCHEMA = {
  type: "object",
  required: ["code", "message", "more_info", "status"],
  additionalProperties: false,
  properties: { code: { type: "integer" }, message: { type: "string" }, more_info: { type: "string" }, status: { type: "integer" } },
};

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

function collectFormats(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectFormats(item, into);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "format" && typeof child === "string") into.add(child);
      else collectFormats(child, into);
    }
  }
  return into;
}

/**
 * Schemas the spec forgets to mark nullable, though Twilio's own examples in it show null: a
 * conference's `reason_conference_ended` until it has ended ("fetchValidRegionInProgress").
 */
const NULLABLE_ERRATA = ["conference_enum_reason_conference_ended"];

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // The spec's formats. Those that say something checkable are checked; the rest (uri: Twilio's uri
  // fields are paths; phone-number: friendly names are formatted) are names only.
  const checked: Record<string, (value: string) => boolean> = {
    "date-time-rfc-2822": (v) => RFC_2822.test(v),
    "http-method": (v) => ["GET", "POST", "PUT", "DELETE", "HEAD"].includes(v),
    "iso-country-code": (v) => /^[A-Z]{2}$/.test(v),
  };
  for (const format of collectFormats(spec, new Set())) ajv.addFormat(format, checked[format] ?? (() => true));
  const components = rebased(spec.components) as { schemas: Record<string, unknown> };
  for (const name of NULLABLE_ERRATA) components.schemas[name] = { anyOf: [components.schemas[name], { type: "null" }] };
  ajv.addSchema({ components } as Json, "spec");
  return ajv;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The schema as Ajv takes it: local references pointed at the spec's components, and OpenAPI's
 * `nullable` without a `type` (beside a $ref) written as "that, or null".
 */
function rebased(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebased);
  if (!schema || typeof schema !== "object") return schema;
  const result = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === "$ref" && typeof value === "string" ? value.replace(/^#/, "spec#") : rebased(value)]),
  );
  if (result.nullable === true && result.type === undefined) {
    const { nullable: _nullable, ...rest } = result;
    return { anyOf: [rest, { type: "null" }] };
  }
  return result;
}

/** The validator of an operation's response with this status, or of Twilio's error body for 4xx/5xx. */
export function validatorFor(op: Operation | undefined, status: number): ValidateFunction | undefined {
  ajv ??= newAjv();
  const key = status >= 400 ? "error" : `${op?.method} ${op?.path} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = status >= 400 ? ERROR_SCHEMA : spec.paths[op?.path ?? ""]?.[op?.method.toLowerCase() ?? ""]?.responses?.[String(status)]?.content?.["application/json"]?.schema;
    if (!schema) return undefined;
    validate = ajv.compile(rebased(schema) as Json);
    validators.set(key, validate);
  }
  return validate;
}
