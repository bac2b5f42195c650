// Flat-out HTTP load with wrk (Debian's package, LuaJIT inside), each request a distinct, correctly
// signed incoming call. wrk is written in C and costs the machine far less than a load generator in
// Node (autocannon used a whole core to send ~27k req/s), which matters on two cores shared by the
// generator, the call centre, Postgres and the peer.
//
// The signing happens in wrk's own Lua (webhook.lua, written for each run): every request gets a new
// CallSid (the run's random prefix, the thread, a counter) and caller number, and its
// X-Twilio-Signature is computed there (HMAC-SHA1 in LuaJIT, keyed with the auth token, over the URL
// and the sorted parameters, as twilio-webhook.ts does). A pool of pre-signed requests would need one
// per request sent (hundreds of thousands, or calls repeat); signing in the generator costs a few
// microseconds a request, the same for the call centre and for the peer, which are sent the same
// requests. Every answer is checked in Lua (status 200 and the expected text in the body); done()
// prints the totals and latency percentiles as one JSON line.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult } from "./load.js";
import { findOnPath } from "./peer.js";

export interface WrkScript {
  file: string;
  /** The CallSids of this script's requests all start with this (for the database check). */
  sidPrefix: string;
}

export interface SignedCallTemplate {
  /** The URL the signature covers (the call centre's webhook URL, as PUBLIC_BASE_URL makes it). */
  signedUrl: string;
  authToken: string;
  /** Every parameter of the call, with "$sid" and "$from" where the CallSid and the caller go. */
  params: Record<string, string>;
  /** Text a correct answer contains. */
  expect: string;
}

const luaString = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** Writes webhook.lua for `template` into `dir`; `runHex` (22 hex digits) makes this run's CallSids unique. */
export function writeWrkScript(dir: string, template: SignedCallTemplate, runHex: string, name = "webhook"): WrkScript {
  if (!/^[0-9a-f]{22}$/.test(runHex)) throw new Error("runHex must be 22 hexadecimal digits");
  const names = Object.keys(template.params).sort();
  const value = (v: string, encoded: boolean) =>
    v === "$sid" ? "sid" : v === "$from" ? (encoded ? "fromEncoded" : "from") : luaString(encoded ? encodeURIComponent(v) : v);
  const signedParts = [luaString(template.signedUrl), ...names.flatMap((n) => [luaString(n), value(template.params[n] ?? "", false)])];
  const bodyParts = names.flatMap((n, i) => [luaString(`${i === 0 ? "" : "&"}${encodeURIComponent(n)}=`), value(template.params[n] ?? "", true)]);
  const lua = `-- Written by bench/src/lib/wrk.ts: distinct, signed incoming calls.
local bit = require("bit")
local band, bor, bxor, bnot, rol, lshift, rshift, tobit = bit.band, bit.bor, bit.bxor, bit.bnot, bit.rol, bit.lshift, bit.rshift, bit.tobit
local byte, char, rep, format, concat = string.byte, string.char, string.rep, string.format, table.concat

local w = {}
local function sha1(s)
  local len = #s
  local bits = len * 8
  s = s .. "\\128" .. rep("\\0", (55 - len) % 64) .. "\\0\\0\\0\\0" ..
    char(band(rshift(bits, 24), 255), band(rshift(bits, 16), 255), band(rshift(bits, 8), 255), band(bits, 255))
  local h0, h1, h2, h3, h4 = tobit(0x67452301), tobit(0xEFCDAB89), tobit(0x98BADCFE), tobit(0x10325476), tobit(0xC3D2E1F0)
  for i = 1, #s, 64 do
    for j = 0, 15 do
      local a, b, c, d = byte(s, i + j * 4, i + j * 4 + 3)
      w[j] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for j = 16, 79 do w[j] = rol(bxor(w[j - 3], w[j - 8], w[j - 14], w[j - 16]), 1) end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for j = 0, 79 do
      local f, k
      if j < 20 then f = bor(band(b, c), band(bnot(b), d)); k = 0x5A827999
      elseif j < 40 then f = bxor(b, c, d); k = 0x6ED9EBA1
      elseif j < 60 then f = bor(band(b, c), band(b, d), band(c, d)); k = 0x8F1BBCDC
      else f = bxor(b, c, d); k = 0xCA62C1D6 end
      local t = tobit(rol(a, 5) + f + e + k + w[j])
      e = d; d = c; c = rol(b, 30); b = a; a = t
    end
    h0 = tobit(h0 + a); h1 = tobit(h1 + b); h2 = tobit(h2 + c); h3 = tobit(h3 + d); h4 = tobit(h4 + e)
  end
  local out = {}
  for _, h in ipairs({ h0, h1, h2, h3, h4 }) do
    out[#out + 1] = char(band(rshift(h, 24), 255), band(rshift(h, 16), 255), band(rshift(h, 8), 255), band(h, 255))
  end
  return concat(out)
end

local key = ${luaString(template.authToken)}
if #key > 64 then key = sha1(key) end
key = key .. rep("\\0", 64 - #key)
local ipad, opad = {}, {}
for i = 1, 64 do
  ipad[i] = char(bxor(byte(key, i), 0x36))
  opad[i] = char(bxor(byte(key, i), 0x5c))
end
ipad, opad = concat(ipad), concat(opad)
local function hmac(message) return sha1(opad .. sha1(ipad .. message)) end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = byte(s, i, i + 2)
    local n = lshift(a, 16) + lshift(b or 0, 8) + (c or 0)
    local c1, c2, c3, c4 = rshift(n, 18) + 1, band(rshift(n, 12), 63) + 1, band(rshift(n, 6), 63) + 1, band(n, 63) + 1
    out[#out + 1] = alphabet:sub(c1, c1) .. alphabet:sub(c2, c2) .. (b and alphabet:sub(c3, c3) or "=") .. (c and alphabet:sub(c4, c4) or "=")
  end
  return concat(out)
end

local threads = {}
local nextThread = 0
function setup(thread)
  thread:set("threadIndex", nextThread)
  nextThread = nextThread + 1
  table.insert(threads, thread)
end

local counter = 0
-- Globals, so that done() can read them with thread:get().
wrong = 0
sample = nil
local prefix
local path
function init(args)
  path = args[1]
  prefix = "CA" .. ${luaString(runHex)} .. format("%02x", threadIndex)
end

function request()
  counter = counter + 1
  local sid = prefix .. format("%08x", counter)
  local line = 1000 + (counter % 8998)
  if line >= 1234 then line = line + 1 end
  local from = "+6125550" .. line
  local fromEncoded = "%2B6125550" .. line
  local signature = base64(hmac(${signedParts.join(" .. ")}))
  local body = ${bodyParts.join(" .. ")}
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
    ["User-Agent"] = "TwilioProxy/1.1",
    ["X-Twilio-Signature"] = signature,
  }, body)
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, ${luaString(template.expect)}, 1, true) then
    wrong = wrong + 1
    if sample == nil then sample = status .. ": " .. string.sub(body, 1, 200) end
  end
end

function done(summary, latency, requests)
  local wrongs, samples = 0, {}
  for _, thread in ipairs(threads) do
    wrongs = wrongs + thread:get("wrong")
    local s = thread:get("sample")
    if s then samples[#samples + 1] = s end
  end
  local e = summary.errors
  io.write(format('WRK-RESULT {"requests":%d,"durationUs":%d,"wrong":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"sample":"%s"}\\n',
    summary.requests, summary.duration, wrongs, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    (samples[1] or ""):gsub('[%c"\\\\]', " ")))
end
`;
  const file = join(dir, `${name}.lua`);
  writeFileSync(file, lua);
  return { file, sidPrefix: `CA${runHex}` };
}

export interface WrkRun {
  url: string;
  path: string;
  script: WrkScript;
  connections: number;
  threads: number;
  durationSeconds: number;
}

/** The wrk binary, or an error that says how to install it. */
export function findWrk(): string {
  const wrk = findOnPath("wrk");
  if (!wrk) throw new Error("the webhook benchmark needs wrk, which is not on PATH: apt-get install -y wrk");
  return wrk;
}

/** Runs wrk once and returns its figures in the shape of the other load generators. */
export async function runWrk(run: WrkRun): Promise<LoadResult> {
  const args = ["-t", String(run.threads), "-c", String(run.connections), "-d", `${Math.max(1, Math.round(run.durationSeconds))}s`, "--timeout", "10s", "-s", run.script.file, run.url, "--", run.path];
  const child = spawn(findWrk(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  const line = /^WRK-RESULT (.*)$/m.exec(out)?.[1];
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(" ")} failed (exit ${code}):\n${out}`);
  const r = JSON.parse(line) as {
    requests: number; durationUs: number; wrong: number; connect: number; read: number; write: number; status: number; timeout: number;
    p50Us: number; p99Us: number; maxUs: number; sample: string;
  };
  const seconds = r.durationUs / 1e6;
  const accepted = r.requests - r.wrong;
  return {
    durationSeconds: seconds,
    responses: r.requests,
    accepted,
    acceptedIds: [],
    rejected: r.wrong,
    non2xx: r.status,
    errors: r.connect + r.read + r.write,
    timeouts: r.timeout,
    statusCounts: {},
    perSecond: accepted / seconds,
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    maxMs: r.maxUs / 1000,
    samples: r.sample ? [r.sample] : [],
  };
}
