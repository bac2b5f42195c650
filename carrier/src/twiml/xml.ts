// Shared by the voice and messaging TwiML parsers (docs/twilio-contract.md §1): XML to an ordered element tree,
// document-level errors 12100/12102, and a table-driven attribute reader that reports warning 12200.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Method, TwimlWarning } from "./nodes.js";

export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  /** Text (entities decoded) and elements in document order; comments are gone. */
  children: XmlChild[];
}
export type XmlChild = XmlElement | string;

export type DocumentResult =
  | { ok: true; root: XmlElement }
  | { ok: false; code: 12100 | 12102; message: string };

/** Collects schema warnings (12200); the call continues past them. */
export type Warn = (message: string) => void;

function warningCollector(): { warnings: TwimlWarning[]; warn: Warn } {
  const warnings: TwimlWarning[] = [];
  return { warnings, warn: (message) => warnings.push({ code: 12200, message }) };
}

class MalformedXml extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Entities are decoded below, so that an undefined one is a parse error as in any XML parser.
  processEntities: false,
  cdataPropName: "#cdata",
});

/** Parses a TwiML document: 12100 if it is not well-formed XML, 12102 if the root is not `<Response>`. */
export function parseTwimlDocument(xml: string): DocumentResult {
  const source = xml.startsWith("\uFEFF") ? xml.slice(1) : xml;
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { ok: false, code: 12100, message: `Malformed XML at line ${line}, column ${col}: ${msg}` };
  }
  let top: XmlChild[];
  try {
    top = convert(parser.parse(source) as unknown[]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 12100, message: `Malformed XML: ${reason}` };
  }
  const roots = top.filter((child) => typeof child !== "string");
  const stray = hasTrailingText(source) || top.some((child) => typeof child === "string" && child.trim() !== "");
  const root = roots[0];
  if (root === undefined || roots.length > 1 || stray) {
    return { ok: false, code: 12100, message: "Malformed XML: exactly one root element, and no text, may appear at the top level" };
  }
  if (root.name !== "Response") {
    return { ok: false, code: 12102, message: `The root element must be <Response>, not <${root.name}>` };
  }
  return { ok: true, root };
}

/** Text after the root element, which fast-xml-parser drops silently; trailing comments and PIs are fine. */
function hasTrailingText(source: string): boolean {
  let rest = source.trimEnd();
  for (;;) {
    const start = rest.endsWith("-->") ? rest.lastIndexOf("<!--") : rest.endsWith("?>") ? rest.lastIndexOf("<?") : -1;
    if (start < 0) return !rest.endsWith(">");
    rest = rest.slice(0, start).trimEnd();
  }
}

// fast-xml-parser's ordered output: each node is { [name]: children, ":@"?: attributes },
// with "#text" for text and "#cdata" (holding one text node) for CDATA sections.
function convert(nodes: unknown[]): XmlChild[] {
  const out: XmlChild[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    const name = Object.keys(node).find((key) => key !== ":@");
    if (name === undefined) continue;
    const value = node[name];
    if (name === "#text") out.push(decodeEntities(String(value)));
    else if (name === "#cdata") out.push(...(value as { "#text": unknown }[]).map((t) => String(t["#text"])));
    else {
      const attrs = new Map<string, string>();
      for (const [key, raw] of Object.entries((node[":@"] ?? {}) as Record<string, unknown>)) {
        const text = String(raw);
        if (text.includes("<")) throw new MalformedXml(`'<' in the value of attribute '${key}'`);
        attrs.set(key, decodeEntities(text));
      }
      out.push({ name, attrs, children: convert(value as unknown[]) });
    }
  }
  return out;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&<\s]*)(;?)/g, (whole, ref: string, semicolon: string) => {
    const named = Object.hasOwn(NAMED_ENTITIES, ref) ? NAMED_ENTITIES[ref] : undefined;
    const hex = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1];
    const dec = /^#([0-9]+)$/.exec(ref)?.[1];
    const code = hex !== undefined ? parseInt(hex, 16) : dec !== undefined ? parseInt(dec, 10) : NaN;
    const charOk = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    if (semicolon === ";" && named !== undefined) return named;
    if (semicolon === ";" && charOk && !surrogate) return String.fromCodePoint(code);
    throw new MalformedXml(`invalid entity reference '${whole}'`);
  });
}

export type Builder<V> = (el: XmlElement, warn: Warn) => V;

/** Parses a document and builds one node per verb of `<Response>`; unknown verbs are warned about. */
export function parseResponse<V>(
  xml: string,
  verbs: Record<string, Builder<V>>,
  what: string,
): { ok: true; verbs: V[]; warnings: TwimlWarning[] } | { ok: false; code: 12100 | 12102; message: string } {
  const doc = parseTwimlDocument(xml);
  if (!doc.ok) return doc;
  const { warnings, warn } = warningCollector();
  readAttributes(doc.root, {}, warn);
  if (ownText(doc.root).trim() !== "") warn("Text is not allowed directly inside <Response>; it was ignored");
  const nodes = elementsOf(doc.root).flatMap((el) => {
    const build = Object.hasOwn(verbs, el.name) ? verbs[el.name] : undefined;
    if (build !== undefined) return [build(el, warn)];
    warn(`<${el.name}> is not ${what}${caseHint(el.name, Object.keys(verbs))}; it was ignored`);
    return [];
  });
  return { ok: true, verbs: nodes, warnings };
}

// ---- Content helpers -------------------------------------------------------------------------------

export function elementsOf(el: XmlElement): XmlElement[] {
  return el.children.filter((child) => typeof child !== "string");
}

/** The element's own text (not its children's), untrimmed. */
export function ownText(el: XmlElement): string {
  return el.children.filter((child) => typeof child === "string").join("");
}

/** ` (did you mean <Say>?)` when `name` differs from a known name only by case. */
export function caseHint(name: string, known: readonly string[], format = (n: string) => `<${n}>`): string {
  const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
  return match === undefined ? "" : ` (did you mean ${format(match)}?)`;
}

/** Trimmed text of an element that may hold only text; child elements are warned about and skipped. */
export function textOnly(el: XmlElement, warn: Warn): string {
  for (const child of elementsOf(el)) warn(`<${child.name}> is not allowed inside <${el.name}>; it was ignored`);
  return ownText(el).trim();
}

/** For elements that hold nothing: any text or child element is warned about and skipped. */
export function expectEmpty(el: XmlElement, warn: Warn): void {
  textOnly(el, warn);
  if (ownText(el).trim() !== "") warn(`<${el.name}> may not contain text; it was ignored`);
}

// ---- Table-driven attribute reader -----------------------------------------------------------------

/** How to read one attribute: `parse` gives undefined for an invalid value, which then falls back. */
export interface Field<T> {
  parse: (raw: string) => T | undefined;
  fallback: T;
  /** Describes valid values, for the warning. */
  expected: string;
  /** What happens instead of an invalid value when there is no fallback, for the warning. */
  otherwise?: string;
  /** A valid value beyond Twilio's limit is brought within it, with a warning (the call goes on). */
  clamp?(value: T): T;
}

export type Spec = Record<string, Field<unknown>>;
export type Values<S extends Spec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/**
 * Reads the attributes in `spec`, defaulting absent or invalid ones (invalid ⇒ warning). Attributes
 * named in `ignored` are valid Twilio attributes this carrier does not model; anything else is
 * unknown ⇒ warning. Keys whose value is undefined are left out, so optional fields stay absent.
 */
export function readAttributes<S extends Spec>(
  el: XmlElement,
  spec: S,
  warn: Warn,
  ignored: readonly string[] = [],
): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const raw = el.attrs.get(name);
    let value = raw === undefined ? undefined : field.parse(raw);
    if (raw !== undefined && value !== undefined && field.clamp) {
      const within = field.clamp(value);
      if (within !== value) warn(`<${el.name}> ${name}="${raw}" is more than Twilio allows; using ${JSON.stringify(within)}`);
      value = within;
    }
    if (raw !== undefined && value === undefined) {
      const using =
        field.fallback !== undefined ? `using ${JSON.stringify(field.fallback)}` : (field.otherwise ?? "it was ignored");
      warn(`<${el.name}> ${name}="${raw}" is invalid (expected ${field.expected}); ${using}`);
    }
    // A fresh copy of list defaults, so no two nodes share (and could mutate) one array.
    value ??= Array.isArray(field.fallback) ? [...(field.fallback as unknown[])] : field.fallback;
    if (value !== undefined) out[name] = value;
  }
  const known = Object.keys(spec);
  for (const name of el.attrs.keys()) {
    if (Object.hasOwn(spec, name) || ignored.includes(name)) continue;
    warn(`<${el.name}> has unknown attribute '${name}'${caseHint(name, known, (n) => `'${n}'`)}; it was ignored`);
  }
  return out as Values<S>;
}

// ---- Field kinds -------------------------------------------------------------------------------

/** Any string (including ""), absent by default. */
export function text(): Field<string | undefined> {
  return { parse: (raw) => raw, fallback: undefined, expected: "a string" };
}

/** A non-empty string with a default. */
export function textOr(fallback: string): Field<string> {
  return { parse: (raw) => (raw.trim() === "" ? undefined : raw.trim()), fallback, expected: "a non-empty value" };
}

export function method(): Field<Method> {
  return { parse: (raw) => (raw === "GET" || raw === "POST" ? raw : undefined), fallback: "POST", expected: "GET or POST" };
}

export function bool(fallback: boolean): Field<boolean> {
  return { parse: (raw) => (raw === "true" ? true : raw === "false" ? false : undefined), fallback, expected: "true or false" };
}

export function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (!/^\s*\d+\s*$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/** An integer in [min, max]; `fallback` may be undefined for an optional attribute. */
export function int<D extends number | undefined>(fallback: D, min = 1, max = Number.MAX_SAFE_INTEGER): Field<number | D> {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  return { parse: (raw) => parseInteger(raw, min, max), fallback, expected: range };
}

/**
 * A number of seconds, an integer ≥ `min`. Above `max` (a limit of Twilio's, see limits.ts) it is
 * clamped to `max` with a warning, so that no wait outlasts what Twilio allows or a timer can hold.
 */
export function seconds<D extends number | undefined>(fallback: D, max: number, min = 1): Field<number | D> {
  return {
    parse: (raw) => parseInteger(raw, min, Infinity),
    fallback,
    expected: `an integer ≥ ${min}`,
    clamp: (value) => (value === undefined ? value : (Math.min(value, max) as number | D)),
  };
}

/** Say/Play `loop`: 1 by default; 0 means "until hangup", capped at 1,000 like everything else. */
export function loop(): Field<number> {
  return {
    parse: (raw) => {
      const value = parseInteger(raw, 0);
      return value === undefined ? undefined : value === 0 ? 1000 : Math.min(value, 1000);
    },
    fallback: 1,
    expected: "an integer ≥ 0",
  };
}

export function oneOf<T extends string, D extends T | undefined>(values: readonly T[], fallback: D): Field<T | D> {
  const parse = (raw: string): T | undefined => values.find((v) => v === raw);
  return { parse, fallback, expected: values.join(", ") };
}

/** A space-separated list of known words, e.g. `input="dtmf speech"`. */
export function words<T extends string>(values: readonly T[], fallback: T[]): Field<T[]> {
  const parse = (raw: string): T[] | undefined => {
    const parts = raw.split(/\s+/).filter((part) => part !== "");
    const known = parts.filter((part): part is T => values.some((v) => v === part));
    return parts.length > 0 && known.length === parts.length ? [...new Set(known)] : undefined;
  };
  return { parse, fallback, expected: `space-separated ${values.join(", ")}` };
}

/** A comma-separated list, each entry trimmed, empty entries dropped. */
export function commaList(): Field<string[]> {
  const parse = (raw: string): string[] => raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return { parse, fallback: [], expected: "a comma-separated list" };
}

export function pattern<D extends string | undefined>(re: RegExp, fallback: D, expected: string): Field<string | D> {
  return { parse: (raw) => (re.test(raw) ? raw : undefined), fallback, expected };
}
