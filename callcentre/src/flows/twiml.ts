// TwiML built by the twilio package, memoised. A turn records its verbs as data (name, attributes,
// text, nested verbs) and the document is rendered by twilio's VoiceResponse only the first time
// that exact list of verbs is seen; later turns with the same verbs reuse the string. The menu a
// caller hears is the same for every caller from the same place, so nearly every webhook is a cache
// hit, and the builder (a tree of xmlbuilder objects per answer) was the largest cost of a webhook.
//
// The key is the recorded verbs themselves, so two turns share a string only when VoiceResponse
// would have been called identically for both: what is cached is exactly what would be built.
import twilio from "twilio";
import type VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";

/** A verb: its name, attributes, text (if any) and nested verbs (if any). */
type Verb = [name: string, attributes: object, text?: string, children?: Verb[]];

/** Anything that renders to a TwiML document. */
export interface Twiml {
  toString(): string;
}

/** Most documents kept; the least recently used goes first. */
const CACHE_SIZE = 2000;
const rendered = new Map<string, string>();

/** Verbs that can appear inside <Gather>. */
export class PromptVerbs {
  constructor(protected readonly verbs: Verb[]) {}

  say(attributes: VoiceResponse.SayAttributes, text: string): void {
    this.verbs.push(["say", attributes, text]);
  }

  play(attributes: VoiceResponse.PlayAttributes, url: string): void {
    this.verbs.push(["play", attributes, url]);
  }

  pause(attributes: VoiceResponse.PauseAttributes): void {
    this.verbs.push(["pause", attributes]);
  }
}

export class DialVerbs {
  constructor(private readonly verbs: Verb[]) {}

  number(attributes: VoiceResponse.NumberAttributes, number: string): void {
    this.verbs.push(["number", attributes, number]);
  }

  client(attributes: VoiceResponse.ClientAttributes, identity: string): void {
    this.verbs.push(["client", attributes, identity]);
  }

  conference(attributes: VoiceResponse.ConferenceAttributes, name: string): void {
    this.verbs.push(["conference", attributes, name]);
  }
}

/** A <Response> being recorded. */
export class TwimlResponse extends PromptVerbs implements Twiml {
  constructor() {
    super([]);
  }

  hangup(): void {
    this.verbs.push(["hangup", {}]);
  }

  reject(attributes: VoiceResponse.RejectAttributes): void {
    this.verbs.push(["reject", attributes]);
  }

  redirect(attributes: VoiceResponse.RedirectAttributes, url: string): void {
    this.verbs.push(["redirect", attributes, url]);
  }

  record(attributes: VoiceResponse.RecordAttributes): void {
    this.verbs.push(["record", attributes]);
  }

  enqueue(attributes: VoiceResponse.EnqueueAttributes, queue: string): void {
    this.verbs.push(["enqueue", attributes, queue]);
  }

  leave(): void {
    this.verbs.push(["leave", {}]);
  }

  gather(attributes: VoiceResponse.GatherAttributes): PromptVerbs {
    const children: Verb[] = [];
    this.verbs.push(["gather", attributes, undefined, children]);
    return new PromptVerbs(children);
  }

  dial(attributes: VoiceResponse.DialAttributes): DialVerbs {
    const children: Verb[] = [];
    this.verbs.push(["dial", attributes, undefined, children]);
    return new DialVerbs(children);
  }

  /** The document: from the cache, or built by twilio's VoiceResponse and cached. */
  override toString(): string {
    const key = JSON.stringify(this.verbs);
    const hit = rendered.get(key);
    if (hit !== undefined) {
      // Most recently used last.
      rendered.delete(key);
      rendered.set(key, hit);
      return hit;
    }
    const xml = build(this.verbs).toString();
    if (rendered.size >= CACHE_SIZE) rendered.delete(rendered.keys().next().value as string);
    rendered.set(key, xml);
    return xml;
  }
}

/** Replays recorded verbs onto the twilio package's builder. */
function build(verbs: readonly Verb[]): VoiceResponse {
  const response = new twilio.twiml.VoiceResponse();
  replay(response, verbs);
  return response;
}

type Builder = Record<string, (attributes: object, text?: string) => unknown>;

function replay(into: object, verbs: readonly Verb[]): void {
  const builder = into as Builder;
  for (const [name, attributes, text, children] of verbs) {
    const element = text === undefined ? builder[name]!.call(into, attributes) : builder[name]!.call(into, attributes, text);
    if (children) replay(element as object, children);
  }
}
