// The official twilio-python (Debian's python3-twilio) against the carrier: available numbers, buying
// one, applications on it, a call, a message, a caller ID, a queue and a conference, as a Python app
// would make them. Skipped, saying why, where no python3 on the machine can import twilio; in CI
// (.ci/run installs python3-twilio) its absence fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ACCOUNT_SID, AUTH_TOKEN, startCarrier } from "./helpers.js";

const SCRIPT = fileURLToPath(new URL("./python/exercise_rest.py", import.meta.url));

/** The first python3 that imports twilio (Debian's package lives in /usr/bin/python3's path), with its version. */
function findPython(): { python: string; version: string } | undefined {
  for (const python of [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => Boolean(p))) {
    try {
      const version = execFileSync(python, ["-c", "import twilio; print(twilio.__version__)"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
      return { python, version };
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

const found = findPython();

test(
  `twilio-python ${found?.version ?? ""} drives numbers, applications, calls, messages, caller IDs, queues and conferences`,
  { skip: found || process.env.CI ? false : "no python3 here imports twilio: install Debian's python3-twilio (apt-get install python3-twilio, or set PYTHON)" },
  async (t) => {
    assert.ok(found, "no python3 imports twilio: .ci/run installs python3-twilio");
    const { baseUrl, store, engine } = await startCarrier(t);
    store.handset("+14155550177").behaviour = "answer";
    const { stdout } = await promisify(execFile)(found?.python ?? "python3", [SCRIPT, baseUrl, ACCOUNT_SID, AUTH_TOKEN], { timeout: 30_000 });
    const seen = JSON.parse(stdout) as {
      available: string[];
      number: { sid: string; phone_number: string; friendly_name: string };
      application: { sid: string; voice_url: string; voice_method: string; sms_url: string };
      applications: string[];
      number_applications: string[];
      numbers: string[];
      call: { sid: string; status: string; to: string; from: string };
      calls: string[];
      message: { sid: string; status: string; body: string };
      validation: { phone_number: string; code: string };
      caller_ids: string[];
      missing: { status: number; code: number };
      queue: { sid: string; friendly_name: string; max_size: number; current_size: number };
      queues: string[];
      members: string[];
      conference: { friendly_name: string; status: string };
      participant: { call_sid: string; label: string; muted: boolean; joined: string };
      participants: string[];
      ended: { status: string; reason: string };
    };

    assert.equal(seen.available.length, 2);
    for (const n of seen.available) assert.match(n, /^\+1212\d{7}$/);
    assert.equal(seen.number.phone_number, seen.available[0]);
    assert.equal(seen.number.friendly_name, "Python line");
    assert.deepEqual(seen.numbers, [seen.number.phone_number]);
    assert.equal(store.numbers.get(seen.number.sid)?.voiceApplicationSid, seen.application.sid);

    assert.deepEqual(seen.application, { sid: seen.application.sid, voice_url: "https://app.example/voice", voice_method: "GET", sms_url: "https://app.example/sms" });
    assert.deepEqual(seen.applications, [seen.application.sid]);
    assert.deepEqual(seen.number_applications, [seen.application.sid, seen.application.sid]);

    assert.equal(seen.call.status, "queued");
    assert.equal(seen.call.from, seen.number.phone_number);
    assert.deepEqual(seen.calls, [seen.call.sid]);
    assert.ok(engine.calls.has(seen.call.sid));

    assert.equal(seen.message.status, "queued");
    assert.equal(seen.message.body, "Hello from Python");
    assert.ok(store.messages.has(seen.message.sid));

    assert.equal(seen.validation.phone_number, "+14155550142");
    assert.match(seen.validation.code, /^\d{6}$/);
    assert.deepEqual(seen.caller_ids, ["+14155550142"]);
    assert.deepEqual(seen.missing, { status: 404, code: 20404 });

    assert.deepEqual(seen.queue, { sid: seen.queue.sid, friendly_name: "python-support", max_size: 100, current_size: 0 });
    assert.deepEqual(seen.queues, ["python-support"]);
    assert.deepEqual(seen.members, []);
    assert.deepEqual(seen.conference, { friendly_name: "python-room", status: "in-progress" });
    assert.deepEqual(seen.participant, { call_sid: seen.participant.joined, label: "caller", muted: true, joined: seen.participant.joined });
    assert.deepEqual(seen.participants, [seen.participant.joined]);
    assert.deepEqual(seen.ended, { status: "completed", reason: "conference-ended-via-api" });
  },
);
