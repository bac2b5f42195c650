// The carrier's web softphone: a handset with a number of its own. It places calls to the
// carrier's numbers, answers calls that ring on it, presses keys, speaks (as text) and texts, all
// through the control API under /_carrier. What the other side says arrives on the call's
// Server-Sent Events timeline; it is written to the transcript and, where the browser can, spoken.
// A person types what they say: while they type into Say, the page tells the carrier (about once a
// second), which counts it as speaking, so a recording or a spoken answer does not end on silence.
// In agent mode the page is a client handset instead, client:<identity> (a Voice SDK Device): it
// registers the identity while the tab holds it, shows a call's custom parameters on the incoming
// call card, and places its calls through a TwiML app.
// Plain ES module, no build step.

import { IDENTITY, TabClaims, parameterPairs, parametersText } from "./agent.js";
import { EVENT } from "./timeline-events.js";

/**
 * The carrier's own rule for a number (E164 in carrier/src/numbering.ts: "+", a non-zero digit, 7 to
 * 15 digits in all), and the pattern of the number fields in index.html. A looser one would let
 * "My number", applied as it is typed, follow a partial number such as +614 that the carrier
 * refuses with 400.
 */
const E164 = /^\+[1-9]\d{6,14}$/;
const FINAL = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
const DEFAULTS = { myNumber: "+61491570001", toNumber: "+61255501234" };
/** At most one typing report a second while the person types. */
const TYPING_REPORT_MS = 1000;
/** "My number" takes effect this long after the last keystroke, once it is a whole number. */
const MY_NUMBER_DEBOUNCE_MS = 400;
const NUMBER_HINT = "a full number with its country code, like +61491570001";
const KEYS = {
  myNumber: "softphone.myNumber",
  toNumber: "softphone.toNumber",
  smsTo: "softphone.smsTo",
  speak: "softphone.speak",
  details: "softphone.details",
  call: "softphone.call",
  agentTo: "softphone.agentTo",
  application: "softphone.application",
  // Per tab (sessionStorage): a reload keeps the agent, a new tab does not take it over unasked.
  mode: "softphone.mode",
  identity: "softphone.identity",
};

/** What the call is doing, in the caller's words. */
const ACTIVITY = {
  starting: "connecting",
  requesting: "one moment",
  media: "listening",
  gathering: "in menu",
  recording: "recording",
  ringing: "ringing",
  dialing: "dialling",
  bridged: "connected",
  queued: "on hold",
  ended: "call ended",
};

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

const el = {
  account: byTestId("account"),
  notice: byTestId("notice"),
  myNumber: byTestId("my-number"),
  toNumber: byTestId("to-number"),
  callForm: byTestId("call-form"),
  callButton: byTestId("call-button"),
  hangupButton: byTestId("hangup-button"),
  state: byTestId("call-state"),
  activity: byTestId("call-activity"),
  status: byTestId("call-status"),
  peer: byTestId("call-peer"),
  listening: byTestId("call-listening"),
  dialpad: byTestId("dialpad"),
  sayForm: byTestId("say-form"),
  sayInput: byTestId("say-input"),
  sayButton: byTestId("say-button"),
  speakToggle: byTestId("speak-toggle"),
  detailsToggle: byTestId("details-toggle"),
  timelineLink: byTestId("timeline-link"),
  transcript: byTestId("transcript"),
  player: byTestId("player"),
  incoming: byTestId("incoming"),
  thread: byTestId("sms-thread"),
  smsForm: byTestId("sms-form"),
  smsTo: byTestId("sms-to"),
  smsBody: byTestId("sms-body"),
  smsSend: byTestId("sms-send"),
  modeNumber: byTestId("mode-number"),
  modeAgent: byTestId("mode-agent"),
  myIdentity: byTestId("my-identity"),
  identityState: byTestId("identity-state"),
  identityText: byTestId("identity-text"),
  takeBack: byTestId("identity-take-back"),
  toLabel: byTestId("to-label"),
  appSelect: byTestId("app-select"),
  appHint: byTestId("app-hint"),
};

// ---- small helpers -------------------------------------------------------------------------------

const saved = {
  get(key, fallback) {
    try {
      return window.localStorage.getItem(key) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // Storage may be disabled (private mode): the page still works, it just forgets.
    }
  },
};

const session = {
  get(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch {
      // as above
    }
  },
};

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the control API; resolves with its JSON, or throws an ApiError with the carrier's message. */
async function api(method, path, body) {
  const init = { method, headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(carrierUrl(path), init);
  } catch {
    throw new ApiError("The carrier is not reachable.", 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = data && typeof data.message === "string" ? data.message : `HTTP ${response.status}`;
    throw new ApiError(detail, response.status, data?.code);
  }
  return data;
}

/** Control API paths are relative to the page, so the softphone also works below a path prefix. */
function carrierUrl(path) {
  return new URL(`_carrier/${path}`, document.baseURI).href;
}

const phonePath = (number) => encodeURIComponent(number);

let noticeTimer;
function notify(message, kind = "error") {
  el.notice.textContent = message;
  el.notice.dataset.kind = kind;
  el.notice.hidden = false;
  window.clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(clearNotice, kind === "error" ? 8000 : 4000);
}

function clearNotice() {
  el.notice.hidden = true;
  el.notice.textContent = "";
}

function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function validNumber(input) {
  const value = input.value.trim();
  const ok = E164.test(value);
  input.setAttribute("aria-invalid", ok ? "false" : "true");
  return ok ? value : null;
}

function myNumber() {
  return validNumber(el.myNumber);
}

/** "number" (a handset with My number) or "agent" (the client handset client:<My identity>). */
let mode = "number";

/** The handset this page is: My number, or client:<identity> while this tab holds the identity. */
function myAddress() {
  if (mode === "number") return myNumber();
  return agent.identity && !agent.taken ? `client:${agent.identity}` : null;
}

/** What "To" must be: a number for a number's call; for a client's, any text its TwiML app reads. */
function validTo() {
  if (mode === "number") return validNumber(el.toNumber);
  const value = el.toNumber.value.trim();
  const ok = value !== "" && value.length <= 256;
  el.toNumber.setAttribute("aria-invalid", ok ? "false" : "true");
  return ok ? value : null;
}

// ---- voice: speech synthesis and audio -------------------------------------------------------------

const voice = {
  /** Plays left of the current <Play> when its loop is more than 1. */
  playsLeft: 0,

  speak(text, language, loop) {
    if (!el.speakToggle.checked || !text) return;
    const synth = window.speechSynthesis;
    const Utterance = window.SpeechSynthesisUtterance;
    if (!synth || typeof Utterance !== "function") return;
    try {
      // loop="0" is "until the caller acts"; three times is plenty for a person at a desk.
      const times = Math.min(loop > 0 ? loop : 3, 3);
      for (let i = 0; i < times; i += 1) {
        const utterance = new Utterance(text);
        if (language) utterance.lang = language;
        synth.speak(utterance);
      }
    } catch {
      // A browser without voices (headless, say) must not break the page.
    }
  },

  play(url, loop) {
    if (!el.speakToggle.checked) return;
    try {
      this.playsLeft = loop > 1 ? loop - 1 : 0;
      el.player.loop = loop === 0;
      el.player.src = url;
      const started = el.player.play();
      if (started && typeof started.catch === "function") {
        started.catch(() => {
          // Autoplay refused, or the file is not playable here: the transcript already says what played.
        });
      }
    } catch {
      // as above
    }
  },

  /** Stops speaking and playing at once (barge-in, hang up, a new call). */
  stop() {
    this.playsLeft = 0;
    try {
      window.speechSynthesis?.cancel();
    } catch {
      // no speech synthesis
    }
    try {
      el.player.pause();
      el.player.removeAttribute("src");
      el.player.load();
    } catch {
      // no media support
    }
  },
};

el.player.addEventListener("ended", () => {
  if (voice.playsLeft <= 0) return;
  voice.playsLeft -= 1;
  el.player.currentTime = 0;
  el.player.play().catch(() => {});
});

// ---- the transcript --------------------------------------------------------------------------------

function clearTranscript() {
  el.transcript.replaceChildren();
}

/**
 * Adds a line. `who` is "them" (the far end speaking), "you" (what this handset did), "system"
 * (what the call did), "detail" (webhooks and TwiML, hidden unless Details is on), "error" or "warn".
 */
function addLine(who, text, type, extra) {
  const nearBottom = el.transcript.scrollHeight - el.transcript.scrollTop - el.transcript.clientHeight < 48;
  const li = document.createElement("li");
  li.className = `line ${who}`;
  li.dataset.testid = "transcript-line";
  li.dataset.type = type;
  if (who === "them" || who === "you") {
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "them" ? "Them" : "You";
    li.append(label);
  }
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(body);
  if (extra) {
    const small = document.createElement("span");
    small.className = "extra";
    small.textContent = extra;
    li.append(small);
  }
  el.transcript.append(li);
  if (nearBottom) el.transcript.scrollTop = el.transcript.scrollHeight;
  return li;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Renders one timeline event; `live` says whether it should also be spoken or played. */
function renderEvent(event, live) {
  const t = event.type;
  switch (t) {
    case EVENT.say: {
      const extra = [event.language && event.language !== "en-US" ? event.language : "", event.loop > 1 ? `×${event.loop}` : event.loop === 0 ? "repeats" : ""]
        .filter(Boolean)
        .join(" · ");
      addLine("them", String(event.text ?? ""), t, extra || undefined);
      if (live) voice.speak(String(event.text ?? ""), event.language, Number(event.loop ?? 1));
      return;
    }
    case EVENT.play: {
      if (event.errorCode) {
        addLine("error", `Could not play ${event.url} (error ${event.errorCode}: ${event.error ?? "unplayable"})`, t);
        return;
      }
      const seconds = typeof event.durationMs === "number" ? ` (${(event.durationMs / 1000).toFixed(1)} s)` : "";
      addLine("them", `♪ ${fileName(event.url)}${seconds}`, t, event.loop > 1 ? `×${event.loop}` : undefined);
      if (live) voice.play(String(event.url), Number(event.loop ?? 1));
      return;
    }
    case EVENT.pause:
      addLine("system", `… silence for ${plural(Number(event.length ?? 1), "second")}`, t);
      return;
    case EVENT.gather: {
      const wants = String(event.input ?? "dtmf")
        .split(" ")
        .map((kind) => (kind === "speech" ? "say something (type it in the Say box)" : Number(event.numDigits) === 1 ? "press a key" : "press keys"))
        .join(" or ");
      const limit = Number(event.numDigits) > 1 ? ` (${plural(Number(event.numDigits), "key")})` : "";
      addLine("system", `Your turn: ${wants}${limit}`, t);
      return;
    }
    case EVENT.gatherBargeIn:
      if (live) voice.stop();
      addLine("detail", "You cut the message short", t);
      return;
    case EVENT.gatherDigits:
      addLine("system", `They got your keys: ${event.digits}`, t);
      return;
    case EVENT.gatherSpeech:
      addLine("system", `They heard “${event.text}”`, t);
      return;
    case EVENT.gatherTimeout:
      addLine("system", "They heard nothing and moved on", t);
      return;
    case EVENT.callerDigits:
      addLine("you", `pressed ${event.digits}`, t, event.accepted === false ? "nobody was listening for keys" : undefined);
      return;
    case EVENT.callerSpeech:
      addLine("you", String(event.text ?? ""), t, event.accepted === false ? "nobody heard this" : undefined);
      return;
    case EVENT.callerTyping:
      addLine("detail", "You are typing: the call hears you speaking", t);
      return;
    case EVENT.heard:
      // The person on the other leg of a bridged call said this.
      addLine("them", String(event.text ?? ""), t, event.from ? String(event.from) : undefined);
      if (live) voice.speak(String(event.text ?? ""), undefined, 1);
      return;
    case EVENT.dial:
      if (event.queue) addLine("system", `Connecting you to the next caller in ${event.queue}…`, t);
      else addLine("system", `Calling ${(event.numbers ?? []).join(", ")}…`, t);
      return;
    case EVENT.dialResult:
      addLine("system", DIAL_RESULT[event.status] ?? `The call ended (${event.status})`, t);
      return;
    case EVENT.ringing:
      // The status line already says "Ringing…".
      addLine("detail", `Ringing ${event.handset ?? ""}`.trim(), t);
      return;
    case EVENT.answered:
      addLine("detail", "Answered on this phone", t);
      return;
    case EVENT.declined:
      addLine("system", "Declined", t);
      return;
    case EVENT.bridged:
      addLine("system", `${event.queue ? `Connected through ${event.queue}` : `Connected to ${event.to ?? event.with}`}. Talk by typing in the Say box.`, t);
      return;
    case EVENT.beep:
      addLine("them", "beep", t);
      return;
    case EVENT.record:
      addLine("system", `Recording. Type your message in the Say box and press Say: the recording waits while you type. ${recordEnds(event)}`, t);
      return;
    case EVENT.recorded: {
      const words = event.transcript ? `: “${event.transcript}”` : "";
      addLine("system", `Recorded ${plural(Number(event.duration ?? 0), "second")}${words}`, t);
      return;
    }
    case EVENT.recordEmpty:
      addLine("system", "Nothing was recorded", t);
      return;
    case EVENT.reject:
      addLine("system", `The call was rejected${event.reason ? ` (${event.reason})` : ""}`, t);
      return;
    case EVENT.hangup:
      addLine("system", event.by === "handset" ? "Hung up" : "The other side hung up", t);
      return;
    case EVENT.status:
      if (STATUS[event.status]) addLine("system", STATUS[event.status], t);
      else addLine("detail", `Status: ${event.status}`, t);
      return;
    case EVENT.sms:
      addLine("system", `The app sent a text${event.to ? ` to ${event.to}` : ""} (${event.status})`, t);
      return;
    case EVENT.enqueue:
      addLine("system", `On hold in ${event.queue}: you are number ${event.position} in line`, t);
      return;
    case EVENT.enqueueResult:
      addLine("system", `Off hold: ${QUEUE_RESULT[event.result] ?? event.result}`, t);
      return;
    case EVENT.error:
    case EVENT.twimlError:
    case EVENT.engineError:
      addLine("error", `Error${event.code ? ` ${event.code}` : ""}: ${event.message ?? "unknown"}`, t);
      return;
    case EVENT.warning:
    case EVENT.twimlWarning:
      addLine("warn", `Warning${event.code ? ` ${event.code}` : ""}: ${event.message ?? ""}`, t);
      return;
    case EVENT.webhook:
      addLine("detail", `${event.method} ${event.url} → ${event.status || "no answer"}${event.errorCode ? ` (error ${event.errorCode})` : ""}`, t, event.purpose);
      return;
    case EVENT.twiml:
      addLine("detail", `TwiML: ${(event.verbs ?? []).join(", ") || "(empty)"}`, t);
      return;
    default:
      addLine("detail", `${t} ${detailsOf(event)}`.trim(), t);
  }
}

/** Call statuses a person cares about, in their words; the others are details. */
const STATUS = {
  ringing: "Ringing…",
  "in-progress": "Call answered",
  completed: "Call ended",
  busy: "The line was busy",
  failed: "The call could not be made",
  "no-answer": "Nobody answered",
  canceled: "Call cancelled",
};

const DIAL_RESULT = {
  completed: "The other person has left the call",
  busy: "Their line was busy",
  "no-answer": "Nobody answered",
  failed: "The call could not be put through",
  canceled: "The call was cancelled",
};

const QUEUE_RESULT = {
  bridged: "someone took your call",
  leave: "you left the line",
  hangup: "the call ended",
  redirected: "the call moved on",
  "queue-full": "the line is full",
  error: "something went wrong",
};

/** How a recording ends, from its finishOnKey. */
function recordEnds(event) {
  const keys = String(event.finishOnKey ?? "");
  const key = keys.includes("#") ? "#" : keys.charAt(0);
  return key ? `To finish, press ${key}, stay quiet or hang up.` : "To finish, stay quiet or hang up.";
}

function fileName(url) {
  try {
    const path = new URL(String(url)).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1)) || String(url);
  } catch {
    return String(url);
  }
}

function detailsOf(event) {
  return Object.entries(event)
    .filter(([key]) => !["seq", "at", "type"].includes(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
}

// ---- the current call ------------------------------------------------------------------------------

/** @type {null | { sid: string, view: any, source: EventSource | null, lastSeq: number, live: boolean, ended: boolean, closeTimer?: number }} */
let current = null;
let digitQueue = Promise.resolve();
/**
 * After a call ends the dial pad stays with it: keys pressed then (a menu's last answer, a key
 * pressed twice) must not start a new number. It dials again once the person turns to the number
 * to call, or makes or answers another call.
 */
let padAfterCall = false;

function inCall() {
  return current !== null && !current.ended;
}

/**
 * Follows a call: its timeline (each event once, even when the stream reconnects and replays) and
 * its status. `live` says whether events already on the timeline should be spoken too (true for
 * a call this page just placed or answered, false when re-attaching after a reload).
 */
function attach(sid, { live, heading }) {
  detach();
  clearTranscript();
  padAfterCall = false;
  lastTypingReport = 0;
  if (heading) addLine("system", heading, "heading");
  current = { sid, view: null, source: null, lastSeq: -1, live, ended: false };
  session.set(KEYS.call, sid);
  el.timelineLink.href = `calls.html#${encodeURIComponent(sid)}`;
  el.timelineLink.hidden = false;
  const call = current;
  const source = new window.EventSource(carrierUrl(`calls/${encodeURIComponent(sid)}/events`));
  call.source = source;
  source.onmessage = (message) => {
    if (current !== call) return;
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (typeof event.seq === "number") {
      if (event.seq <= call.lastSeq) return;
      call.lastSeq = event.seq;
    }
    renderEvent(event, call.live);
  };
  source.addEventListener("call", (message) => {
    if (current !== call) return;
    try {
      showCall(JSON.parse(message.data));
    } catch {
      return;
    }
    // Everything after the first snapshot happens now: speak it.
    call.live = true;
  });
  source.onerror = () => {
    if (current !== call) return;
    if (source.readyState === window.EventSource.CLOSED && !call.ended) {
      // The carrier refused the stream (the call is gone, or the carrier restarted).
      call.ended = true;
      padAfterCall = true;
      session.set(KEYS.call, null);
      addLine("error", "Lost the connection to this call.", "lost");
      renderState();
    }
  };
  renderState();
}

/** Stops following the current call (it goes on at the carrier if it has not ended). */
function detach() {
  if (!current) return;
  window.clearTimeout(current.closeTimer);
  current.source?.close();
  current = null;
  voice.stop();
}

function showCall(view) {
  if (!current || view.sid !== current.sid) return;
  current.view = view;
  if (FINAL.has(view.status) && !current.ended) {
    current.ended = true;
    padAfterCall = true;
    session.set(KEYS.call, null);
    // Status callbacks and the last webhook land on the timeline just after the end: keep
    // listening a moment before closing the stream.
    const call = current;
    call.closeTimer = window.setTimeout(() => call.source?.close(), 3000);
  }
  renderState();
}

function renderState() {
  const view = current?.view;
  const active = inCall();
  let state = "idle";
  if (current && current.ended) state = "ended";
  else if (view && (view.status === "ringing" || view.status === "queued" || view.status === "initiated")) state = "ringing";
  else if (current) state = "active";
  el.state.dataset.state = state;

  if (!current) {
    el.activity.textContent = "idle";
    el.status.textContent = "no call";
    el.peer.textContent = "";
  } else {
    el.activity.textContent = current.ended ? "call ended" : view ? (ACTIVITY[view.activity] ?? view.activity) : "connecting";
    el.status.textContent = view ? view.status : "starting";
    if (view) {
      // "inbound" is this handset calling one of the carrier's numbers; otherwise the call rang here.
      el.peer.textContent = view.direction === "inbound" ? `to ${view.to}` : `from ${view.from}`;
      el.peer.title = view.sid;
    }
  }
  el.listening.hidden = !(active && view && view.listening);
  el.callButton.disabled = active;
  el.hangupButton.disabled = !active;
  el.sayInput.disabled = !active;
  el.sayButton.disabled = !active;
  // The handset stays what it is until the call ends.
  el.modeNumber.disabled = active;
  el.modeAgent.disabled = active;
  el.myIdentity.disabled = active;
  const padMode = active ? "dtmf" : padAfterCall ? "ended" : "dial";
  el.dialpad.dataset.mode = padMode;
  el.dialpad.setAttribute("aria-label", PAD_LABEL[padMode]);
}

const PAD_LABEL = {
  dtmf: "Dial pad: keys are sent to the call",
  ended: "Dial pad: the call has ended; click the number to call to dial again",
  dial: "Dial pad: keys go into the number to call",
};

async function placeCall() {
  clearNotice();
  if (mode === "agent") return placeClientCall();
  const from = myNumber();
  if (!from) return notify(`My number must be ${NUMBER_HINT}.`);
  const to = validNumber(el.toNumber);
  if (!to) return notify("The number to call must be a full number with its country code, like +61255501234.");
  saved.set(KEYS.toNumber, to);
  el.callButton.disabled = true;
  try {
    const { sid } = await api("POST", "calls", { from, to });
    attach(sid, { live: true, heading: `Calling ${to} from ${from}` });
  } catch (error) {
    notify(`Could not call ${to}: ${error.message}`);
    renderState();
  }
}

async function hangUp() {
  if (!current) return;
  const { sid } = current;
  voice.stop();
  try {
    await api("POST", `calls/${encodeURIComponent(sid)}/hangup`);
  } catch (error) {
    if (error.status !== 409) notify(`Could not hang up: ${error.message}`);
  }
}

function sendDigits(digits) {
  if (!current) return;
  const { sid } = current;
  digitQueue = digitQueue.then(async () => {
    try {
      await api("POST", `calls/${encodeURIComponent(sid)}/digits`, { digits });
    } catch (error) {
      notify(`Key ${digits} was not sent: ${error.message}`);
    }
  });
}

async function say(text) {
  if (!current) return;
  try {
    const result = await api("POST", `calls/${encodeURIComponent(current.sid)}/speech`, { text });
    if (result && result.accepted === false) notify("Nobody heard that: the call was not waiting for you to speak just then.", "info");
    lastTypingReport = 0;
    return true;
  } catch (error) {
    notify(`Could not say that: ${error.message}`);
    return false;
  }
}

let lastTypingReport = 0;

/**
 * The person is typing into Say: on a call, that is them speaking. Reported at most once a second;
 * a report that fails (the call just ended) is of no consequence.
 */
function reportTyping() {
  if (!inCall() || el.sayInput.value.trim() === "") return;
  const now = Date.now();
  if (now - lastTypingReport < TYPING_REPORT_MS) return;
  lastTypingReport = now;
  api("POST", `calls/${encodeURIComponent(current.sid)}/typing`, {}).catch(() => {});
}

// ---- dial pad --------------------------------------------------------------------------------------

function pressKey(key) {
  if (inCall()) {
    sendDigits(key);
    return;
  }
  if (padAfterCall) {
    notify("The call has ended, so that key went nowhere. To dial a new number, click “Number to call” first.", "info");
    return;
  }
  const input = el.toNumber;
  // On an empty number, 0 first gives the "+" of an international number.
  input.value = input.value === "" && key === "0" ? "+" : input.value + key;
  validNumber(input);
}

el.dialpad.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-key]");
  if (button) pressKey(button.dataset.key);
});

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof window.HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
  if (!/^[0-9*#]$/.test(event.key)) return;
  event.preventDefault();
  const button = el.dialpad.querySelector(`button[data-key="${event.key}"]`);
  button?.classList.add("pressed");
  window.setTimeout(() => button?.classList.remove("pressed"), 150);
  pressKey(event.key);
});

// ---- incoming calls --------------------------------------------------------------------------------

/** Calls ringing on my handset, by SID. */
const incoming = new Map();

function showIncoming(view) {
  const ringingHere = view.direction !== "inbound" && view.status === "ringing";
  if (ringingHere) incoming.set(view.sid, view);
  else incoming.delete(view.sid);
  renderIncoming();
}

function renderIncoming() {
  const keep = new Set(incoming.keys());
  for (const node of [...el.incoming.children]) {
    if (!keep.has(node.dataset.sid)) node.remove();
  }
  for (const view of incoming.values()) {
    if (el.incoming.querySelector(`[data-sid="${view.sid}"]`)) continue;
    const card = document.createElement("div");
    card.className = "incoming-call";
    card.dataset.sid = view.sid;
    card.dataset.testid = "incoming-call";
    card.setAttribute("role", "group");
    card.setAttribute("aria-label", `Incoming call from ${view.from}`);
    const text = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = view.from;
    text.append("Incoming call from ", strong);
    card.append(text);
    const pairs = parameterPairs(view.parameters);
    if (pairs.length > 0) {
      // A <Dial><Client>'s <Parameter>s: what the app tells the agent about the caller.
      const list = document.createElement("ul");
      list.className = "call-params";
      list.dataset.testid = "incoming-parameters";
      list.setAttribute("aria-label", "About this call");
      for (const [label, value] of pairs) {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.className = "param-name";
        name.textContent = `${label}:`;
        item.append(name, value);
        list.append(item);
      }
      card.append(list);
      card.setAttribute("aria-label", `Incoming call from ${view.from}. ${parametersText(view.parameters)}`);
    }
    const actions = document.createElement("div");
    actions.className = "inline";
    const answer = document.createElement("button");
    answer.type = "button";
    answer.className = "btn btn-call";
    answer.dataset.testid = "answer-button";
    answer.textContent = "Answer";
    answer.addEventListener("click", () => answerCall(view));
    const decline = document.createElement("button");
    decline.type = "button";
    decline.className = "btn btn-hangup";
    decline.dataset.testid = "decline-button";
    decline.textContent = "Decline";
    decline.addEventListener("click", () => declineCall(view));
    actions.append(answer, decline);
    card.append(actions);
    el.incoming.append(card);
  }
  renderTitle();
}

async function answerCall(view) {
  clearNotice();
  try {
    await api("POST", `calls/${encodeURIComponent(view.sid)}/answer`);
    incoming.delete(view.sid);
    renderIncoming();
    const about = parametersText(view.parameters);
    attach(view.sid, { live: true, heading: `Answered a call from ${view.from}${about ? ` (${about})` : ""}` });
  } catch (error) {
    incoming.delete(view.sid);
    renderIncoming();
    notify(error.status === 409 ? "That call is no longer ringing." : `Could not answer: ${error.message}`);
  }
}

async function declineCall(view) {
  try {
    await api("POST", `calls/${encodeURIComponent(view.sid)}/reject`);
  } catch (error) {
    if (error.status !== 409) notify(`Could not decline: ${error.message}`);
  }
  incoming.delete(view.sid);
  renderIncoming();
}

// ---- messages --------------------------------------------------------------------------------------

/** Messages to and from my number, by SID. */
const messages = new Map();

function upsertMessage(message, me) {
  if (message.from !== me && message.to !== me) return;
  messages.set(message.sid, message);
  el.thread.querySelector('[data-testid="sms-empty"]')?.remove();
  let li = el.thread.querySelector(`[data-sid="${message.sid}"]`);
  if (!li) {
    li = document.createElement("li");
    li.dataset.sid = message.sid;
    li.dataset.testid = "sms-message";
    const meta = document.createElement("span");
    meta.className = "meta";
    const body = document.createElement("span");
    body.className = "body";
    const status = document.createElement("span");
    status.className = "msg-status";
    li.append(meta, body, status);
    // Keep the thread in date order, even when the initial load and the stream interleave.
    const later = [...el.thread.children].find((node) => {
      const other = messages.get(node.dataset.sid);
      return other && other.dateCreated > message.dateCreated;
    });
    el.thread.insertBefore(li, later ?? null);
    const nearBottom = el.thread.scrollHeight - el.thread.scrollTop - el.thread.clientHeight < 80;
    if (nearBottom || !later) el.thread.scrollTop = el.thread.scrollHeight;
  }
  const outgoing = message.from === me;
  li.className = `msg ${outgoing ? "out" : "in"}`;
  li.dataset.direction = outgoing ? "out" : "in";
  li.querySelector(".meta").textContent = `${outgoing ? `To ${message.to}` : `From ${message.from}`} · ${timeOf(message.dateCreated)}`;
  li.querySelector(".body").textContent = message.body || (message.media?.length ? `[${plural(message.media.length, "attachment")}]` : "");
  li.querySelector(".msg-status").textContent = messageStatus(message, outgoing);
}

function messageStatus(message, outgoing) {
  if (outgoing) return message.status === "received" ? "sent" : message.status;
  if (message.status === "delivered") return "";
  return message.errorCode ? `${message.status} (error ${message.errorCode})` : message.status;
}

async function loadMessages(me) {
  try {
    const { messages: list } = await api("GET", `phones/${phonePath(me)}/messages`);
    if (handsetNumber !== me) return;
    for (const message of list) upsertMessage(message, me);
  } catch (error) {
    notify(`Could not load messages: ${error.message}`);
  }
}

async function sendText() {
  clearNotice();
  const from = myNumber();
  if (!from) return notify(`My number must be ${NUMBER_HINT}.`);
  const to = validNumber(el.smsTo);
  if (!to) return notify("Text to: enter a full number with its country code, like +61255501234.");
  const body = el.smsBody.value.trim();
  if (!body) {
    el.smsBody.focus();
    return notify("Type a message first.", "info");
  }
  saved.set(KEYS.smsTo, to);
  el.smsSend.disabled = true;
  try {
    await api("POST", "messages", { from, to, body });
    el.smsBody.value = "";
  } catch (error) {
    notify(`Message not sent: ${error.message}`);
  } finally {
    el.smsSend.disabled = false;
  }
}

// ---- my handset: its event stream ------------------------------------------------------------------

let handsetSource = null;
/** The number whose calls and messages this page follows. */
let handsetNumber = null;

function connectHandset() {
  handsetSource?.close();
  handsetSource = null;
  handsetNumber = null;
  incoming.clear();
  renderIncoming();
  messages.clear();
  el.thread.replaceChildren();
  const me = myAddress();
  if (!me) return;
  handsetNumber = me;
  const empty = document.createElement("li");
  empty.className = "line empty";
  empty.dataset.testid = "sms-empty";
  empty.textContent = "No messages yet.";
  el.thread.append(empty);
  const source = new window.EventSource(carrierUrl(`phones/${phonePath(me)}/events`));
  handsetSource = source;
  let opened = false;
  source.addEventListener("open", () => {
    // The stream came back (the carrier restarted, say): register the client again.
    if (opened && handsetSource === source && mode === "agent") void registerAgent({ quiet: true });
    opened = true;
  });
  source.addEventListener("call", (message) => {
    if (handsetSource !== source) return;
    try {
      showIncoming(JSON.parse(message.data));
    } catch {
      // ignore a malformed event
    }
  });
  source.addEventListener("message", (message) => {
    if (handsetSource !== source) return;
    try {
      upsertMessage(JSON.parse(message.data), me);
    } catch {
      // ignore a malformed event
    }
  });
  // On reconnecting the stream replays ringing calls; the messages are fetched once. A client
  // does not text.
  if (mode === "number") void loadMessages(me);
}

/** The tab's title says a call is ringing, and which agent the tab is (one tab per agent). */
function renderTitle() {
  const who = mode === "agent" && agent.identity && !agent.taken ? `client:${agent.identity} · ` : "";
  document.title = incoming.size > 0 ? `Incoming call · ${who}Softphone` : who ? `${who}Softphone` : "Softphone · local carrier";
}

// ---- agent mode: the client handset client:<identity> -------------------------------------------

/**
 * The identity this tab is, whether the carrier has it registered, and whether another tab of this
 * browser has taken it over (then this tab neither takes its calls nor unregisters it).
 */
const agent = { identity: null, registered: false, taken: false };
const claims = new TabClaims((identity) => {
  if (agent.identity !== identity) return;
  agent.taken = true;
  agent.registered = false;
  // Reloading this tab must not take it back unasked: "Use it here" does that.
  session.set(KEYS.identity, null);
  connectHandset();
  renderIdentity();
  notify(`client:${identity} is now open in another tab, which takes its calls. This tab no longer does.`, "info");
});

function renderIdentity(failure) {
  let state = "none";
  let text = "Type an identity: letters, digits and underscores.";
  if (failure) {
    state = "failed";
    text = failure;
  } else if (agent.identity && agent.taken) {
    state = "taken";
    text = `client:${agent.identity} is open in another tab, which takes its calls.`;
  } else if (agent.identity && agent.registered) {
    state = "registered";
    text = `Registered as client:${agent.identity}: calls to it ring here.`;
  } else if (agent.identity) {
    state = "registering";
    text = `Registering client:${agent.identity}…`;
  }
  el.identityState.dataset.state = state;
  el.identityText.textContent = text;
  el.takeBack.hidden = state !== "taken";
  renderTitle();
}

/** Registers this tab's identity with the carrier (POST /_carrier/clients; idempotent). */
async function registerAgent({ quiet }) {
  const identity = agent.identity;
  if (!identity || agent.taken) return false;
  try {
    await api("POST", "clients", { identity });
    if (agent.identity !== identity || agent.taken) return false;
    agent.registered = true;
    renderIdentity();
    return true;
  } catch (error) {
    if (agent.identity !== identity) return false;
    agent.registered = false;
    renderIdentity(`Could not register client:${identity}: ${error.message}`);
    if (!quiet) notify(`Could not register client:${identity}: ${error.message}`);
    return false;
  }
}

/** Unregisters the identity this tab holds, if it still holds it; `keepalive` when the page goes. */
function unregisterAgent({ keepalive }) {
  const identity = agent.identity;
  const held = identity && !agent.taken;
  agent.identity = null;
  agent.registered = false;
  agent.taken = false;
  claims.release();
  if (!held) return;
  const url = carrierUrl(`clients/${encodeURIComponent(identity)}`);
  // A 404 (the carrier restarted, or forgot it) is of no consequence.
  window.fetch(url, { method: "DELETE", keepalive, headers: { accept: "application/json" } }).catch(() => {});
}

/** This tab becomes client:<identity>, taking it from any other tab of this browser. */
async function becomeAgent(identity) {
  if (agent.identity !== identity) unregisterAgent({ keepalive: false });
  agent.identity = identity;
  agent.taken = false;
  agent.registered = false;
  session.set(KEYS.identity, identity);
  claims.claim(identity);
  renderIdentity();
  if (await registerAgent({ quiet: false })) connectHandset();
}

let identityTimer;
function applyIdentity({ complain }) {
  window.clearTimeout(identityTimer);
  const value = el.myIdentity.value.trim();
  const ok = IDENTITY.test(value);
  el.myIdentity.setAttribute("aria-invalid", ok || value === "" ? "false" : "true");
  if (!ok) {
    if (complain && value !== "") notify("My identity: letters, digits and underscores only (at most 256), like ava or agent_7.");
    return;
  }
  if (value === agent.identity && !agent.taken) return;
  void becomeAgent(value);
}

/** Switches the page between a number's handset and a client's. */
function setMode(next) {
  if (next === mode) return;
  clearNotice();
  if (mode === "agent") unregisterAgent({ keepalive: false });
  mode = next;
  session.set(KEYS.mode, mode);
  el.modeNumber.checked = mode === "number";
  el.modeAgent.checked = mode === "agent";
  for (const node of document.querySelectorAll("[data-only]")) node.hidden = node.dataset.only !== mode;
  // A client dials whatever its TwiML app reads as To; a number dials one of the carrier's numbers.
  if (mode === "agent") {
    if (E164.test(el.toNumber.value.trim())) saved.set(KEYS.toNumber, el.toNumber.value.trim());
    el.toLabel.textContent = "To (sent to the TwiML app)";
    el.toNumber.type = "text";
    el.toNumber.removeAttribute("pattern");
    el.toNumber.value = saved.get(KEYS.agentTo, "");
    el.toNumber.placeholder = "a number, or client:bob";
  } else {
    if (el.toNumber.value.trim()) saved.set(KEYS.agentTo, el.toNumber.value.trim());
    el.toLabel.textContent = "Number to call";
    el.toNumber.type = "tel";
    el.toNumber.setAttribute("pattern", E164.source.slice(1, -1));
    el.toNumber.value = saved.get(KEYS.toNumber, DEFAULTS.toNumber);
    el.toNumber.placeholder = "";
  }
  el.toNumber.removeAttribute("aria-invalid");
  if (mode === "agent") {
    renderIdentity();
    void loadApplications();
    applyIdentity({ complain: false });
    if (!agent.identity) el.myIdentity.focus();
  }
  renderTitle();
  connectHandset();
}

/** The account's TwiML apps; a client's call goes through the one chosen (or the only one). */
async function loadApplications() {
  let list;
  try {
    ({ applications: list } = await api("GET", "applications"));
  } catch (error) {
    showAppHint(`Could not list the TwiML apps: ${error.message}`, "error");
    return;
  }
  const chosen = el.appSelect.value || saved.get(KEYS.application, "");
  el.appSelect.replaceChildren(
    ...list.map((app) => {
      const option = document.createElement("option");
      option.value = app.sid;
      option.textContent = app.friendlyName ? `${app.friendlyName} (${app.sid.slice(0, 8)}…)` : app.sid;
      option.dataset.voiceUrl = app.voiceUrl ?? "";
      return option;
    }),
  );
  if (list.some((app) => app.sid === chosen)) el.appSelect.value = chosen;
  el.appSelect.disabled = list.length === 0;
  describeApplication(list.length);
}

function describeApplication(count) {
  if (count === 0) {
    showAppHint("The account has no TwiML app. Create one (REST Applications, with a VoiceUrl) for a client's calls to go through.", "error");
    return;
  }
  const url = el.appSelect.selectedOptions[0]?.dataset.voiceUrl;
  showAppHint(url ? `Calls go to ${url}` : "This app has no VoiceUrl: its calls fail.", url ? "info" : "error");
}

function showAppHint(text, kind) {
  el.appHint.textContent = text;
  el.appHint.dataset.kind = kind;
}

/** The client calls `To` through its TwiML app, as a Voice SDK device.connect() does. */
async function placeClientCall() {
  const from = myAddress();
  if (!from) {
    el.myIdentity.focus();
    return notify(agent.taken ? "Another tab has this identity: click “Use it here” first." : "Type My identity first (letters, digits and underscores).");
  }
  const to = validTo();
  if (!to) return notify("Type who to call: the To your TwiML app reads (a number, or client:bob).");
  saved.set(KEYS.agentTo, to);
  if (el.appSelect.options.length === 0) await loadApplications();
  const applicationSid = el.appSelect.value || undefined;
  el.callButton.disabled = true;
  try {
    const { sid } = await api("POST", "calls", { from, to, ...(applicationSid ? { applicationSid } : {}) });
    attach(sid, { live: true, heading: `Calling ${to} from ${from}` });
  } catch (error) {
    notify(`Could not call ${to}: ${error.message}`);
    renderState();
  }
}

el.modeNumber.addEventListener("change", () => setMode("number"));
el.modeAgent.addEventListener("change", () => setMode("agent"));
el.myIdentity.addEventListener("input", () => {
  window.clearTimeout(identityTimer);
  identityTimer = window.setTimeout(() => applyIdentity({ complain: false }), MY_NUMBER_DEBOUNCE_MS);
});
el.myIdentity.addEventListener("change", () => applyIdentity({ complain: true }));
el.myIdentity.addEventListener("keydown", (event) => {
  if (event.key === "Enter") applyIdentity({ complain: true });
});
el.takeBack.addEventListener("click", () => {
  if (agent.identity) void becomeAgent(agent.identity);
});
el.appSelect.addEventListener("change", () => {
  saved.set(KEYS.application, el.appSelect.value);
  describeApplication(el.appSelect.options.length);
});
// Apps created since the page loaded appear when the person turns to the list.
el.appSelect.addEventListener("focus", () => void loadApplications());
el.toNumber.addEventListener("focus", () => {
  if (mode === "agent") void loadApplications();
});

// Leaving the page (closing the tab, reloading, navigating) takes the client offline, unless
// another tab has it now. A page restored from the back/forward cache registers it again.
window.addEventListener("pagehide", () => {
  if (mode !== "agent" || !agent.identity || agent.taken) return;
  const identity = agent.identity;
  unregisterAgent({ keepalive: true });
  agent.identity = identity;
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted && mode === "agent" && agent.identity) void becomeAgent(agent.identity);
});

// ---- wiring ----------------------------------------------------------------------------------------

el.callForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!inCall()) void placeCall();
});
el.hangupButton.addEventListener("click", () => void hangUp());

el.sayInput.addEventListener("input", reportTyping);
el.sayForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = el.sayInput.value.trim();
  if (!text || !inCall()) return;
  el.sayButton.disabled = true;
  if (await say(text)) el.sayInput.value = "";
  renderState();
  el.sayInput.focus();
});

el.smsForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void sendText();
});
el.smsBody.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    el.smsForm.requestSubmit();
  }
});

/**
 * Makes "My number" the handset this page is, as soon as it is a whole number: while the person
 * types (a moment after the last key), not only when they leave the field. `complain`: say so
 * when it is not a number (on leaving the field; not while it is being typed).
 */
let myNumberTimer;
function applyMyNumber({ complain }) {
  window.clearTimeout(myNumberTimer);
  const value = el.myNumber.value.trim();
  if (!E164.test(value)) {
    if (complain) {
      validNumber(el.myNumber);
      notify(`My number must be ${NUMBER_HINT}.`);
    }
    return;
  }
  validNumber(el.myNumber);
  if (value === handsetNumber || mode !== "number") return;
  saved.set(KEYS.myNumber, value);
  connectHandset();
}

el.myNumber.addEventListener("input", () => {
  window.clearTimeout(myNumberTimer);
  myNumberTimer = window.setTimeout(() => applyMyNumber({ complain: false }), MY_NUMBER_DEBOUNCE_MS);
});
el.myNumber.addEventListener("change", () => applyMyNumber({ complain: true }));
// Turning to the number to call, after a call, is dialling again.
const dialAgain = () => {
  if (!padAfterCall) return;
  padAfterCall = false;
  renderState();
};
el.toNumber.addEventListener("focus", dialAgain);
el.toNumber.addEventListener("input", dialAgain);
el.toNumber.addEventListener("change", () => {
  const to = validTo();
  if (to) saved.set(mode === "agent" ? KEYS.agentTo : KEYS.toNumber, to);
});
el.smsTo.addEventListener("change", () => {
  const to = validNumber(el.smsTo);
  if (to) saved.set(KEYS.smsTo, to);
});

el.speakToggle.addEventListener("change", () => {
  saved.set(KEYS.speak, el.speakToggle.checked ? "on" : "off");
  if (!el.speakToggle.checked) voice.stop();
});
el.detailsToggle.addEventListener("change", () => {
  saved.set(KEYS.details, el.detailsToggle.checked ? "on" : "off");
  el.transcript.classList.toggle("show-details", el.detailsToggle.checked);
});

async function showAccount() {
  try {
    const account = await api("GET", "account");
    el.account.textContent = `${account.accountSid} · ${account.clock} clock`;
    if (account.clock === "manual") el.account.title = "The carrier runs on a manual clock: calls move on only when time is advanced.";
  } catch {
    el.account.textContent = "carrier not reachable";
  }
}

/** After a reload, picks up the call this tab was on if it is still going. */
async function resumeCall() {
  const sid = session.get(KEYS.call);
  if (!sid) return;
  try {
    const view = await api("GET", `calls/${encodeURIComponent(sid)}`);
    if (FINAL.has(view.status) || current) {
      session.set(KEYS.call, null);
      return;
    }
    attach(sid, { live: false, heading: `Back on the call ${view.from} → ${view.to}` });
  } catch {
    session.set(KEYS.call, null);
  }
}

/**
 * A link may open the softphone as a given handset (a call centre's agent desk links to it):
 * `?client=<identity>` in agent mode, or `?number=<E.164>`. Taken as if typed, and kept as typed ones are.
 */
function takeHandsetFromLink() {
  const asked = new URLSearchParams(window.location.search);
  const client = asked.get("client");
  const number = asked.get("number");
  if (client !== null && IDENTITY.test(client)) {
    session.set(KEYS.identity, client);
    session.set(KEYS.mode, "agent");
  } else if (number !== null && E164.test(number)) {
    saved.set(KEYS.myNumber, number);
    session.set(KEYS.mode, "number");
  }
}

function init() {
  takeHandsetFromLink();
  el.myNumber.value = saved.get(KEYS.myNumber, DEFAULTS.myNumber);
  el.toNumber.value = saved.get(KEYS.toNumber, DEFAULTS.toNumber);
  el.smsTo.value = saved.get(KEYS.smsTo, el.toNumber.value);
  el.speakToggle.checked = saved.get(KEYS.speak, "on") !== "off";
  el.detailsToggle.checked = saved.get(KEYS.details, "off") === "on";
  el.transcript.classList.toggle("show-details", el.detailsToggle.checked);
  if (!window.speechSynthesis) el.speakToggle.parentElement.title = "This browser cannot speak: the transcript still shows what is said.";
  renderState();
  el.myIdentity.value = session.get(KEYS.identity) ?? "";
  if (session.get(KEYS.mode) === "agent") setMode("agent");
  else connectHandset();
  void showAccount();
  void resumeCall();
  document.body.dataset.ready = "true";
}

init();
