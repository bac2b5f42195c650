// The shipped hold music: a telephone-format WAVE file whose length is HOLD_MUSIC.seconds, that
// scripts/make-hold-music.mjs makes again byte for byte, served at HOLD_MUSIC.path like the other prompts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { HOLD_MUSIC } from "../../src/flows/hold-music.js";
import { testApp } from "../helpers.js";

const SHIPPED = fileURLToPath(new URL(`../../public${HOLD_MUSIC.path}`, import.meta.url));
const SCRIPT = fileURLToPath(new URL("../../../scripts/make-hold-music.mjs", import.meta.url));

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;

interface Wave {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** The `fact` chunk's sample count, when there is one. */
  factSamples?: number;
  data: Buffer;
}

/** Reads a RIFF WAVE file's chunks, checking the sizes add up. */
function parseWave(bytes: Buffer): Wave {
  assert.equal(bytes.toString("latin1", 0, 4), "RIFF");
  assert.equal(bytes.toString("latin1", 8, 12), "WAVE");
  assert.equal(bytes.readUInt32LE(4), bytes.length - 8, "the RIFF size is the file's");
  const chunks = new Map<string, Buffer>();
  let at = 12;
  while (at < bytes.length) {
    const id = bytes.toString("latin1", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    assert.ok(at + 8 + size <= bytes.length, `chunk ${id} fits in the file`);
    chunks.set(id, bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size + (size % 2);
  }
  assert.equal(at, bytes.length, "nothing after the last chunk");
  const fmt = chunks.get("fmt ");
  const data = chunks.get("data");
  assert.ok(fmt && data, "fmt and data chunks");
  const fact = chunks.get("fact");
  return {
    format: fmt.readUInt16LE(0),
    channels: fmt.readUInt16LE(2),
    sampleRate: fmt.readUInt32LE(4),
    byteRate: fmt.readUInt32LE(8),
    blockAlign: fmt.readUInt16LE(12),
    bitsPerSample: fmt.readUInt16LE(14),
    ...(fact ? { factSamples: fact.readUInt32LE(0) } : {}),
    data,
  };
}

/** G.711 µ-law to a 16-bit sample. */
function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function samples(wave: Wave): number[] {
  if (wave.format === WAVE_FORMAT_MULAW) return [...wave.data].map(mulawToLinear);
  return Array.from({ length: wave.data.length / 2 }, (_, i) => wave.data.readInt16LE(2 * i));
}

test("the shipped file is 8000 Hz mono µ-law (or 16-bit PCM) and lasts exactly HOLD_MUSIC.seconds", () => {
  const wave = parseWave(readFileSync(SHIPPED));
  assert.ok([WAVE_FORMAT_MULAW, WAVE_FORMAT_PCM].includes(wave.format), `format ${wave.format}`);
  assert.equal(wave.sampleRate, 8000);
  assert.equal(wave.channels, 1);
  assert.equal(wave.bitsPerSample, wave.format === WAVE_FORMAT_MULAW ? 8 : 16);
  assert.equal(wave.blockAlign, (wave.channels * wave.bitsPerSample) / 8);
  assert.equal(wave.byteRate, wave.sampleRate * wave.blockAlign);
  const frames = wave.data.length / wave.blockAlign;
  // Non-PCM WAVE files carry their sample count in a fact chunk.
  if (wave.format !== WAVE_FORMAT_PCM) assert.equal(wave.factSamples, frames);
  assert.equal(frames / wave.sampleRate, HOLD_MUSIC.seconds);
});

test("the music peaks at -3 dBFS or below and starts and ends in silence, so it loops without a click", () => {
  const decoded = samples(parseWave(readFileSync(SHIPPED)));
  const peak = decoded.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
  assert.ok(peak > 0, "not silence");
  assert.ok(20 * Math.log10(peak / 32768) <= -3, `peak ${(20 * Math.log10(peak / 32768)).toFixed(2)} dBFS`);
  // The first and last 10 ms: within µ-law's smallest steps of zero.
  for (const edge of [decoded.slice(0, 80), decoded.slice(-80)]) assert.ok(Math.max(...edge.map(Math.abs)) <= 8, "silent at the ends");
});

test("scripts/make-hold-music.mjs writes the shipped file again, byte for byte", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hold-music-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "hold-music.wav");
  execFileSync(process.execPath, [SCRIPT, out], { stdio: "pipe" });
  assert.ok(readFileSync(out).equals(readFileSync(SHIPPED)), "run the script and commit its output");
});

test("it is served at HOLD_MUSIC.path as audio/wav, playable from another origin like the other prompts", async (t) => {
  const { app } = await testApp(t);
  const response = await app.inject({ method: "GET", url: HOLD_MUSIC.path });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers["content-type"], "audio/wav");
  assert.equal(response.headers["cross-origin-resource-policy"], "cross-origin");
  assert.ok(response.rawPayload.equals(readFileSync(SHIPPED)));
});
