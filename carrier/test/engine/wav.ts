// Reading a WAV header in tests: what a recording's media says about itself.
import assert from "node:assert/strict";

/** The WAV header's facts: channels, sample rate, bits, and the data length in bytes. */
export function wavFacts(wav: Buffer): { channels: number; rate: number; bits: number; dataBytes: number } {
  assert.equal(wav.toString("ascii", 0, 4), "RIFF");
  assert.equal(wav.toString("ascii", 8, 16), "WAVEfmt ");
  assert.equal(wav.readUInt16LE(20), 1, "PCM");
  assert.equal(wav.toString("ascii", 36, 40), "data");
  const dataBytes = wav.readUInt32LE(40);
  assert.equal(wav.length, 44 + dataBytes);
  return { channels: wav.readUInt16LE(22), rate: wav.readUInt32LE(24), bits: wav.readUInt16LE(34), dataBytes };
}
