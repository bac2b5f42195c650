// Writes callcentre/public/audio/hold-music.wav, the music callers hear while they wait in a queue.
//
// The music is our own: this script composes and synthesises it from nothing but arithmetic (no
// samples, no recordings, no third-party audio), and it is released under the repository's licence
// (MIT) like the rest of the code. So the shipped file is licence-clean, and anyone can make it again.
//
//   node scripts/make-hold-music.mjs [output.wav]   (default: callcentre/public/audio/hold-music.wav)
//
// The output is deterministic: the only randomness is a seeded PRNG, so a re-run writes the same bytes
// (callcentre/test/acd/hold-music.test.ts checks that). Changing the music changes the file: run the
// script and commit both. Its length must stay HOLD_MUSIC.seconds (callcentre/src/acd/hold-music.ts).
//
// The music: 8 bars at 64 beats a minute (30 s) in C major, I–vi–IV–V then iii–vi–ii–V7, which leads
// back to the first bar when the file loops. Three voices: a soft pad (two slightly detuned
// triangle-like tones per chord note, slow attack and release, a slow swell), a quiet bass on the
// chord's root, and an arpeggio in eighth notes that wanders over the chord's notes (the PRNG picks the
// steps, the rests and the loudness) with a soft echo. The whole fades in and out, so the loop is
// seamless, and is scaled to a peak of -4 dBFS.
//
// The format is the telephone's own, which Twilio plays without converting: 8000 Hz mono, 8-bit
// G.711 µ-law (WAVE format 7, with the `fact` chunk non-PCM WAVE files carry). 30 s is 240,000 bytes of
// samples. No partial is above 3.6 kHz, so nothing aliases at 8000 Hz.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const RATE = 8000;
const BPM = 64;
const BEAT = 60 / BPM; // 0.9375 s
const BAR = 4 * BEAT; // 3.75 s
const SEED = 0x5eed_0017;
/** Top of the telephone band: partials above it are left out (and Nyquist is 4000 Hz). */
const MAX_PARTIAL_HZ = 3600;
/** The peak, in dBFS: under the -3 dBFS the brief allows, with room for µ-law's rounding. */
const PEAK_DBFS = -4;
const FADE_IN_SECONDS = 2;
const FADE_OUT_SECONDS = 3;

/** One chord a bar: the pad's voicing (MIDI notes, kept close for smooth voice leading) and the root. */
const BARS = [
  { name: "C", pad: [60, 64, 67], root: 48 },
  { name: "Am", pad: [60, 64, 69], root: 45 },
  { name: "F", pad: [60, 65, 69], root: 53 },
  { name: "G", pad: [59, 62, 67], root: 55 },
  { name: "Em", pad: [59, 64, 67], root: 52 },
  { name: "Am", pad: [60, 64, 69], root: 45 },
  { name: "Dm", pad: [62, 65, 69], root: 50 },
  { name: "G7", pad: [59, 62, 65, 67], root: 55 },
];
const SECONDS = BARS.length * BAR;
const LENGTH = Math.round(SECONDS * RATE);

const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0 → 1 along half a cosine: a click-free ramp. */
const ramp = (x) => (x <= 0 ? 0 : x >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * x));

/**
 * Adds a tone to `out`: `partials` are [harmonic, amplitude] pairs of `freq`, shaped by `envelope(t)`
 * (t in seconds from the start), from `start` for `seconds`.
 */
function addTone(out, { start, seconds, freq, partials, gain, envelope }) {
  const first = Math.max(0, Math.round(start * RATE));
  const last = Math.min(out.length, Math.round((start + seconds) * RATE));
  const audible = partials.filter(([harmonic]) => harmonic * freq <= MAX_PARTIAL_HZ);
  for (let i = first; i < last; i += 1) {
    const t = i / RATE - start;
    const level = gain * envelope(t);
    if (level === 0) continue;
    let sample = 0;
    for (const [harmonic, amplitude] of audible) sample += amplitude * Math.sin(2 * Math.PI * harmonic * freq * t);
    out[i] += level * sample;
  }
}

/** Triangle-like: odd harmonics falling away, softer than a true triangle. */
const PAD_PARTIALS = [[1, 1], [3, 0.1], [5, 0.03]];
const BASS_PARTIALS = [[1, 1], [2, 0.6], [3, 0.3], [4, 0.1]];
/** A soft bell or electric piano: mostly the fundamental, a little octave and twelfth. */
const ARP_PARTIALS = [[1, 1], [2, 0.22], [3, 0.07]];

function pad(out) {
  const attack = 1.2;
  const release = 1.6;
  BARS.forEach((bar, index) => {
    const start = index * BAR;
    const held = BAR;
    const envelope = (t) => ramp(t / attack) * (t <= held ? 1 : 1 - ramp((t - held) / release));
    for (const note of bar.pad) {
      // Two tones a few cents apart: a slow chorus, the pad's warmth.
      for (const cents of [-4, 4]) {
        addTone(out, { start, seconds: held + release, freq: hz(note) * 2 ** (cents / 1200), partials: PAD_PARTIALS, gain: 0.05, envelope });
      }
    }
  });
}

function bass(out) {
  const attack = 0.15;
  const release = 0.8;
  BARS.forEach((bar, index) => {
    const start = index * BAR;
    const held = BAR - 0.3;
    const envelope = (t) => ramp(t / attack) * Math.exp(-t / 4) * (t <= held ? 1 : 1 - ramp((t - held) / release));
    addTone(out, { start, seconds: held + release, freq: hz(bar.root), partials: BASS_PARTIALS, gain: 0.11, envelope });
  });
}

/** The arpeggio's notes in a bar: the chord's notes from G4 to C6. */
function arpNotes(bar) {
  const classes = new Set(bar.pad.map((note) => note % 12));
  const notes = [];
  for (let note = 67; note <= 84; note += 1) if (classes.has(note % 12)) notes.push(note);
  return notes;
}

function arpeggio(out, random) {
  const dry = new Float64Array(out.length);
  const eighth = BEAT / 2;
  let position = 2; // an index into the bar's notes, carried across bars so the line stays smooth
  BARS.forEach((bar, index) => {
    const notes = arpNotes(bar);
    position = Math.min(position, notes.length - 1);
    for (let step = 0; step < 8; step += 1) {
      // Rests, more of them off the beat, so no two bars have the same rhythm.
      if (step > 0 && random() < (step % 2 === 0 ? 0.12 : 0.3)) continue;
      const move = random();
      const by = move < 0.35 ? -1 : move < 0.7 ? 1 : move < 0.82 ? -2 : move < 0.94 ? 2 : 0;
      position += by;
      // Turn back at the ends of the range rather than stick there.
      if (position < 0) position = 1;
      if (position > notes.length - 1) position = notes.length - 2;
      const accent = step === 0 ? 1 : step % 2 === 0 ? 0.8 : 0.65;
      const gain = 0.16 * accent * (0.75 + 0.25 * random());
      const seconds = 1.4;
      const envelope = (t) => ramp(t / 0.012) * Math.exp(-t / 0.45) * (1 - ramp((t - (seconds - 0.1)) / 0.1));
      addTone(dry, { start: index * BAR + step * eighth, seconds, freq: hz(notes[position]), partials: ARP_PARTIALS, gain, envelope });
    }
  });
  // A soft echo three sixteenths behind, fading over a few repeats.
  const delay = Math.round(RATE * BEAT * 0.75);
  const wet = new Float64Array(out.length);
  for (let i = 0; i < out.length; i += 1) {
    wet[i] = dry[i] + (i >= delay ? 0.32 * wet[i - delay] : 0);
    out[i] += wet[i];
  }
}

/** Fades both ends to silence, so the file loops without a click or a jump. */
function fade(out) {
  for (let i = 0; i < out.length; i += 1) {
    const t = i / RATE;
    out[i] *= ramp(t / FADE_IN_SECONDS) * ramp((SECONDS - t) / FADE_OUT_SECONDS);
  }
}

/** Scales to PEAK_DBFS and converts to 16-bit integers. */
function normalise(out) {
  let peak = 0;
  for (const sample of out) peak = Math.max(peak, Math.abs(sample));
  const scale = (10 ** (PEAK_DBFS / 20) * 32767) / peak;
  return Int16Array.from(out, (sample) => Math.round(sample * scale));
}

/** G.711 µ-law from a 16-bit sample (the classic Sun reference encoder). */
function mulaw(sample) {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;
  return ~magnitude & 0xff;
}

/** A WAVE file: format 7 (µ-law), 8000 Hz, mono, 8 bits, with the `fact` chunk (its sample count). */
function wav(samples) {
  const data = Uint8Array.from(samples, mulaw);
  const header = Buffer.alloc(12 + 8 + 18 + 8 + 4 + 8);
  let at = 0;
  const ascii = (text) => (at = header.write(text, at, "latin1") + at);
  const u32 = (value) => (at = header.writeUInt32LE(value, at));
  const u16 = (value) => (at = header.writeUInt16LE(value, at));
  ascii("RIFF");
  u32(header.length - 8 + data.length);
  ascii("WAVE");
  ascii("fmt ");
  u32(18);
  u16(7); // WAVE_FORMAT_MULAW
  u16(1); // channels
  u32(RATE); // samples a second
  u32(RATE); // bytes a second
  u16(1); // block align
  u16(8); // bits a sample
  u16(0); // no extra format bytes
  ascii("fact");
  u32(4);
  u32(samples.length);
  ascii("data");
  u32(data.length); // 240,000: even, so no pad byte
  return Buffer.concat([header, data]);
}

export function holdMusic() {
  const out = new Float64Array(LENGTH);
  pad(out);
  bass(out);
  arpeggio(out, prng(SEED));
  fade(out);
  return wav(normalise(out));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const target = resolve(process.argv[2] ?? join(repo, "callcentre", "public", "audio", "hold-music.wav"));
  mkdirSync(dirname(target), { recursive: true });
  const bytes = holdMusic();
  writeFileSync(target, bytes);
  console.log(`${target}: ${bytes.length} bytes, ${SECONDS} s`);
}
