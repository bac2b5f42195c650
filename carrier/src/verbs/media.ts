// Say, Play and Pause take time, as on a real call (a <Gather>'s timeout starts after them).
// Inside <Gather> they stop at the caller's first input.
import type { GatherChild, PlayNode, SayNode } from "../twiml/nodes.js";
import { sayMs } from "../calls/speech.js";
import { MAX_CALL_SECONDS } from "../limits.js";
import { fetchMedia } from "../webhooks/http.js";
import type { VerbContext } from "./verb.js";

/** Speaking time for text: the carrier's one speech model, kept with the handset's speech. */
export { sayMs };

/** Duration of a WAV file from its header, or undefined when it is not one. */
export function wavMs(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 44 || ascii(0) !== "RIFF" || ascii(8) !== "WAVE") return undefined;
  const byteRate = view.getUint32(28, true);
  let at = 12;
  while (at + 8 <= bytes.length) {
    const size = view.getUint32(at + 4, true);
    if (ascii(at) === "data") return byteRate > 0 ? Math.round((size / byteRate) * 1000) : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

const AUDIO = /^audio\/(mpeg|mp3|wav|wave|x-wav|aiff|x-aifc|x-aiff|x-gsm|gsm|ulaw|basic)$/;

/** Fetches a <Play> URL (GET, no parameters) and returns how long it plays, or a Twilio error. */
async function playable(url: string): Promise<{ ms: number } | { error: number; message: string }> {
  const media = await fetchMedia(url);
  if (!media.ok) return { error: media.errorCode, message: media.error };
  const type = media.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!AUDIO.test(type)) return { error: 13420, message: `not audio: ${type || "no Content-Type"}` };
  return { ms: wavMs(media.head) ?? 5_000 };
}

/**
 * How long media plays `loop` times, at most MAX_CALL_SECONDS: a call lasts no longer, and the
 * clock is never handed a wait it cannot hold (a long text said 1,000 times is weeks).
 */
function looped(ms: number, loop: number): number {
  return Math.min(ms * loop, MAX_CALL_SECONDS * 1000);
}

export type MediaResult = "done" | "stopped";

/** Inside <Gather> the call stays "gathering" while prompts play: the caller can answer at once. */
function mediaActivity(ctx: VerbContext, verb: string): void {
  if (ctx.call.activity !== "gathering") ctx.call.setActivity("media", { verb });
}

export async function say(node: SayNode, ctx: VerbContext, signal: AbortSignal): Promise<MediaResult> {
  ctx.call.timeline.add("say", { text: node.text, voice: node.voice, language: node.language, loop: node.loop });
  mediaActivity(ctx, "Say");
  const result = await ctx.clock.sleep(looped(sayMs(node.text), node.loop), signal);
  return result === "elapsed" ? "done" : "stopped";
}

/** DTMF tones: about a tenth of a second a key, w = 0.5 s, W = 1 s. */
export function digitsMs(digits: string): number {
  return [...digits].reduce((ms, key) => ms + (key === "w" ? 500 : key === "W" ? 1000 : 100), 0);
}

export async function play(node: PlayNode, ctx: VerbContext, signal: AbortSignal): Promise<MediaResult> {
  if (!node.url.trim() && node.digits) {
    // <Play digits="…"/>: tones only, nothing to fetch.
    ctx.call.timeline.add("play", { digits: node.digits, loop: node.loop });
    mediaActivity(ctx, "Play");
    const result = await ctx.clock.sleep(looped(digitsMs(node.digits), node.loop), signal);
    return result === "elapsed" ? "done" : "stopped";
  }
  const url = ctx.resolve(node.url);
  const media = await ctx.clock.track(playable(url));
  if ("error" in media) {
    ctx.call.timeline.add("play", { url, loop: node.loop, errorCode: media.error, error: media.message });
    return signal.aborted ? "stopped" : "done";
  }
  ctx.call.timeline.add("play", { url, loop: node.loop, ...(node.digits ? { digits: node.digits } : {}), durationMs: media.ms });
  mediaActivity(ctx, "Play");
  const result = await ctx.clock.sleep(looped(media.ms, node.loop), signal);
  return result === "elapsed" ? "done" : "stopped";
}

export async function pause(seconds: number, ctx: VerbContext, signal: AbortSignal): Promise<MediaResult> {
  ctx.call.timeline.add("pause", { length: seconds });
  mediaActivity(ctx, "Pause");
  const result = await ctx.clock.sleep(seconds * 1000, signal);
  return result === "elapsed" ? "done" : "stopped";
}

export function playChild(child: GatherChild, ctx: VerbContext, signal: AbortSignal): Promise<MediaResult> {
  switch (child.verb) {
    case "Say":
      return say(child, ctx, signal);
    case "Play":
      return play(child, ctx, signal);
    case "Pause":
      return pause(child.length, ctx, signal);
  }
}

export type Waited = "input" | "typing" | "timeout" | "aborted";

/**
 * Resolves when input arrives or `ms` of clock time passes, whichever is first. With `typing`,
 * the caller typing also ends the wait ("typing"): the caller is speaking, so a silence timer
 * that was running must start again (the verb waits anew).
 */
export async function waitForInputOrTimeout(ctx: VerbContext, ms: number | undefined, signal: AbortSignal, options: { typing?: boolean } = {}): Promise<Waited> {
  if (ctx.call.input.pending) return "input";
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const waits: Promise<Waited>[] = [
    ctx.call.input.waitForInput(both).then(() => (ctx.call.input.pending ? "input" : "aborted")),
  ];
  if (ms !== undefined) waits.push(ctx.clock.sleep(ms, both).then((r) => (r === "elapsed" ? "timeout" : "aborted")));
  if (options.typing) waits.push(ctx.call.input.waitForTyping(both).then(() => (both.aborted ? "aborted" : "typing")));
  const result = await Promise.race(waits);
  stop.abort();
  if (signal.aborted) return "aborted";
  return result === "aborted" && ctx.call.input.pending ? "input" : result;
}
