// Recording media: the WAV file a recording is (8 kHz, 16-bit PCM, one channel or two), and where it
// is kept. With a directory (DATA_DIR/recordings), each finished recording is written there as
// <Sid>.wav beside <Sid>.json, its REST metadata; a carrier that starts on the same directory serves
// both again, so a RecordingUrl handed to an app or a player outlives a restart. Without a directory
// (tests that build an engine alone) only the recording's stretches are kept, in memory, and its WAV
// is made from them when asked for.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Recording } from "../store.js";

const RATE = 8000;
const SID = /^RE[0-9a-f]{32}$/;

/** A stretch of a recording: `ms` of sound (a quiet hum) or of silence (a paused stretch kept as silence). */
export interface Segment {
  ms: number;
  silent: boolean;
}

/**
 * A WAV file of `segments` (or `seconds` of hum), 8 kHz 16-bit PCM with `channels` channels: the
 * first channel hums at 120 Hz, the second (dual recordings: the other party) at 180 Hz. The data
 * length is exactly duration × 8000 × 2 × channels bytes.
 */
export function recordingWav(seconds: number | Segment[], channels = 1): Buffer {
  return Buffer.concat([...wavChunks(typeof seconds === "number" ? [{ ms: seconds * 1000, silent: false }] : seconds, channels)]);
}

/** The WAV as a header and then a second of audio at a time, so a long recording is never one buffer. */
function* wavChunks(segments: Segment[], channels: number): Generator<Buffer> {
  const frames = Math.max(1, segments.reduce((sum, s) => sum + Math.round((s.ms * RATE) / 1000), 0));
  const blockAlign = 2 * channels;
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + frames * blockAlign, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(frames * blockAlign, 40);
  yield header;
  // Which stretch each frame is in: the frame where each stretch ends.
  const ends: { end: number; silent: boolean }[] = [];
  let at = 0;
  for (const segment of segments) ends.push({ end: (at += Math.round((segment.ms * RATE) / 1000)), silent: segment.silent });
  let stretch = 0;
  for (let start = 0; start < frames; start += RATE) {
    const count = Math.min(RATE, frames - start);
    const chunk = Buffer.alloc(count * blockAlign); // zeroed: silence
    for (let i = 0; i < count; i++) {
      const frame = start + i;
      while (stretch < ends.length - 1 && frame >= (ends[stretch]?.end ?? 0)) stretch++;
      if (ends[stretch]?.silent) continue;
      for (let c = 0; c < channels; c++) {
        const hz = 120 + 60 * c;
        chunk.writeInt16LE(Math.round(300 * Math.sin((2 * Math.PI * hz * frame) / RATE)), i * blockAlign + c * 2);
      }
    }
    yield chunk;
  }
}

/** Where recordings' media and metadata are kept: a directory, or nowhere (made on demand). */
export class RecordingFiles {
  /** Without a directory: each recording's stretches, to make its WAV from. */
  private readonly memory = new Map<string, { segments: Segment[]; channels: number }>();

  constructor(private readonly dir: string | undefined) {
    if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Writes a finished recording's WAV and metadata (or, with no directory, keeps its stretches). */
  save(recording: Recording, segments: Segment[]): void {
    if (!this.dir) {
      this.memory.set(recording.sid, { segments, channels: recording.channels });
      return;
    }
    const fd = openSync(join(this.dir, `${recording.sid}.wav`), "w", 0o600);
    try {
      for (const chunk of wavChunks(segments, recording.channels)) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    writeFileSync(join(this.dir, `${recording.sid}.json`), `${JSON.stringify(recording)}\n`, { mode: 0o600 });
  }

  /** The file of a recording's WAV, when it was written to disk. */
  file(sid: string): string | undefined {
    if (!this.dir || !SID.test(sid)) return undefined;
    const file = join(this.dir, `${sid}.wav`);
    return existsSync(file) ? file : undefined;
  }

  /** The WAV of a recording, from disk (or memory); undefined when none was kept. */
  wav(sid: string): Buffer | undefined {
    const kept = this.memory.get(sid);
    if (kept) return recordingWav(kept.segments, kept.channels);
    if (!this.dir || !SID.test(sid)) return undefined;
    const file = join(this.dir, `${sid}.wav`);
    return existsSync(file) ? readFileSync(file) : undefined;
  }

  remove(sid: string): void {
    this.memory.delete(sid);
    if (!this.dir || !SID.test(sid)) return;
    rmSync(join(this.dir, `${sid}.wav`), { force: true });
    rmSync(join(this.dir, `${sid}.json`), { force: true });
  }

  /** The recordings kept by an earlier run whose media is still on disk. */
  load(): Recording[] {
    if (!this.dir) return [];
    const found: Recording[] = [];
    for (const name of readdirSync(this.dir)) {
      const sid = name.replace(/\.json$/, "");
      if (!name.endsWith(".json") || !SID.test(sid) || !existsSync(join(this.dir, `${sid}.wav`))) continue;
      try {
        const raw = JSON.parse(readFileSync(join(this.dir, name), "utf8")) as Recording & Record<"dateCreated" | "dateUpdated" | "startTime", string>;
        if (raw.sid !== sid || typeof raw.durationSeconds !== "number") continue;
        found.push({ ...raw, dateCreated: new Date(raw.dateCreated), dateUpdated: new Date(raw.dateUpdated), startTime: new Date(raw.startTime) });
      } catch {
        // A metadata file that cannot be read is left alone: its media is not served.
      }
    }
    return found.sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
  }
}
