// Every TwiML voice verb and the file that runs it. The mapped type makes the compiler check that
// no verb is missing: adding a verb is one file, one line here, one test file.
import { dialVerb } from "./dial.js";
import { enqueueVerb } from "./enqueue.js";
import { gatherVerb } from "./gather.js";
import { hangupVerb } from "./hangup.js";
import { leaveVerb } from "./leave.js";
import { pauseVerb } from "./pause.js";
import { playVerb } from "./play.js";
import { recordVerb } from "./record.js";
import { redirectVerb } from "./redirect.js";
import { rejectVerb } from "./reject.js";
import { sayVerb } from "./say.js";
import { smsVerb } from "./sms.js";
import { startVerb } from "./start.js";
import { stopVerb } from "./stop.js";
import type { VerbRegistry } from "./verb.js";

export const VERBS: VerbRegistry = {
  Say: sayVerb,
  Play: playVerb,
  Pause: pauseVerb,
  Gather: gatherVerb,
  Dial: dialVerb,
  Record: recordVerb,
  Hangup: hangupVerb,
  Redirect: redirectVerb,
  Reject: rejectVerb,
  Enqueue: enqueueVerb,
  Leave: leaveVerb,
  Sms: smsVerb,
  Start: startVerb,
  Stop: stopVerb,
};
