// The carrier's web softphone: a handset with a number of its own. It places calls to the
// carrier's numbers, answers calls that ring on it, presses keys, speaks (as text) and texts, all
// through the control API under /_carrier. What the other side says arrives on the call's
// Server-Sent Events timeline; it is written to the transcript and, where the browser can, spoken.
// Plain ES module, no build step.

const E164 = /^\+[1-9][0-9]{1,14}$/;
const FINAL = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
const DEFAULTS = { myNumber: "+61491570001", toNumber: "+61255501234" };
const KEYS = {
  myNumber: "softphone.myNumber",
  toNumber: "softphone.toNumber",
  smsTo: "softphone.smsTo",
  speak: "softphone.speak",
  details: "softphone.details",
  call: "softphone.call",
};

/** What the call is doing, in the caller's words. */
const ACTIVITY = {
  starting: "connecting",
  requesting: "waiting for the app",
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
    case "say": {
      const extra = [event.language && event.language !== "en-US" ? event.language : "", event.loop > 1 ? `×${event.loop}` : event.loop === 0 ? "repeats" : ""]
        .filter(Boolean)
        .join(" · ");
      addLine("them", String(event.text ?? ""), t, extra || undefined);
      if (live) voice.speak(String(event.text ?? ""), event.language, Number(event.loop ?? 1));
      return;
    }
    case "play": {
      if (event.errorCode) {
        addLine("error", `Could not play ${event.url} (error ${event.errorCode}: ${event.error ?? "unplayable"})`, t);
        return;
      }
      const seconds = typeof event.durationMs === "number" ? ` (${(event.durationMs / 1000).toFixed(1)} s)` : "";
      addLine("them", `♪ ${fileName(event.url)}${seconds}`, t, event.loop > 1 ? `×${event.loop}` : undefined);
      if (live) voice.play(String(event.url), Number(event.loop ?? 1));
      return;
    }
    case "pause":
      addLine("system", `… silence for ${plural(Number(event.length ?? 1), "second")}`, t);
      return;
    case "gather": {
      const wants = String(event.input ?? "dtmf")
        .split(" ")
        .map((kind) => (kind === "speech" ? "speak" : "press keys"))
        .join(" or ");
      const limit = event.numDigits ? ` (${plural(Number(event.numDigits), "key")})` : "";
      addLine("system", `Menu: ${wants}${limit}`, t);
      return;
    }
    case "gather.barge-in":
      if (live) voice.stop();
      addLine("detail", "Prompt interrupted by your input", t);
      return;
    case "gather.digits":
      addLine("system", `The app got keys ${event.digits}`, t);
      return;
    case "gather.speech":
      addLine("system", `The app heard “${event.text}”`, t);
      return;
    case "gather.timeout":
      addLine("system", "No input: the menu timed out", t);
      return;
    case "caller.digits":
      addLine("you", `pressed ${event.digits}`, t, event.accepted === false ? "not heard: nothing is listening" : undefined);
      return;
    case "caller.speech":
      addLine("you", String(event.text ?? ""), t, event.accepted === false ? "not heard: nothing is listening" : undefined);
      return;
    case "dial":
      if (event.queue) addLine("system", `Connecting to queue ${event.queue}…`, t);
      else addLine("system", `Dialling ${(event.numbers ?? []).join(", ")}…`, t);
      return;
    case "dial.result":
      addLine("system", `Dial ended: ${event.status}`, t);
      return;
    case "ringing":
      addLine("system", `Ringing ${event.handset ?? ""}`.trim(), t);
      return;
    case "answered":
      addLine("system", "Answered", t);
      return;
    case "declined":
      addLine("system", "Declined", t);
      return;
    case "bridged":
      addLine("system", event.queue ? `Connected (queue ${event.queue})` : `Connected to ${event.to ?? event.with}`, t);
      return;
    case "beep":
      addLine("them", "beep", t);
      return;
    case "record":
      addLine("system", "Recording: say your message (Say box), then press # or hang up", t);
      return;
    case "recorded": {
      const words = event.transcript ? `: “${event.transcript}”` : "";
      addLine("system", `Recorded ${plural(Number(event.duration ?? 0), "second")}${words}`, t);
      return;
    }
    case "record.empty":
      addLine("system", "Nothing was recorded", t);
      return;
    case "reject":
      addLine("system", `The call was rejected${event.reason ? ` (${event.reason})` : ""}`, t);
      return;
    case "hangup":
      addLine("system", event.by === "handset" ? "Hung up" : "The other side hung up", t);
      return;
    case "status":
      addLine("system", `Status: ${event.status}`, t);
      return;
    case "sms":
      addLine("system", `The app sent a text${event.to ? ` to ${event.to}` : ""} (${event.status})`, t);
      return;
    case "enqueue":
      addLine("system", `Waiting in queue ${event.queue} (position ${event.position})`, t);
      return;
    case "enqueue.result":
      addLine("system", `Left queue ${event.queue}: ${event.result}`, t);
      return;
    case "error":
    case "twiml.error":
    case "engine.error":
      addLine("error", `Error${event.code ? ` ${event.code}` : ""}: ${event.message ?? "unknown"}`, t);
      return;
    case "warning":
    case "twiml.warning":
      addLine("warn", `Warning${event.code ? ` ${event.code}` : ""}: ${event.message ?? ""}`, t);
      return;
    case "webhook":
      addLine("detail", `${event.method} ${event.url} → ${event.status || "no answer"}${event.errorCode ? ` (error ${event.errorCode})` : ""}`, t, event.purpose);
      return;
    case "twiml":
      addLine("detail", `TwiML: ${(event.verbs ?? []).join(", ") || "(empty)"}`, t);
      return;
    default:
      addLine("detail", `${t} ${detailsOf(event)}`.trim(), t);
  }
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
  el.dialpad.dataset.mode = active ? "dtmf" : "dial";
  el.dialpad.setAttribute("aria-label", active ? "Dial pad: keys are sent to the call" : "Dial pad: keys go into the number to call");
}

async function placeCall() {
  clearNotice();
  const from = myNumber();
  if (!from) return notify("My number must be an E.164 number such as +61491570001.");
  const to = validNumber(el.toNumber);
  if (!to) return notify("The number to call must be an E.164 number such as +61255501234.");
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
    if (result && result.accepted === false) notify("Nobody is listening on the call right now: your words were not heard.", "info");
    return true;
  } catch (error) {
    notify(`Could not say that: ${error.message}`);
    return false;
  }
}

// ---- dial pad --------------------------------------------------------------------------------------

function pressKey(key) {
  if (inCall()) {
    sendDigits(key);
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
    card.append(text, actions);
    el.incoming.append(card);
  }
  document.title = incoming.size > 0 ? "Incoming call · Softphone" : "Softphone · local carrier";
}

async function answerCall(view) {
  clearNotice();
  try {
    await api("POST", `calls/${encodeURIComponent(view.sid)}/answer`);
    incoming.delete(view.sid);
    renderIncoming();
    attach(view.sid, { live: true, heading: `Answered a call from ${view.from}` });
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
    if (myNumber() !== me) return;
    for (const message of list) upsertMessage(message, me);
  } catch (error) {
    notify(`Could not load messages: ${error.message}`);
  }
}

async function sendText() {
  clearNotice();
  const from = myNumber();
  if (!from) return notify("My number must be an E.164 number such as +61491570001.");
  const to = validNumber(el.smsTo);
  if (!to) return notify("Text to: enter an E.164 number such as +61255501234.");
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

function connectHandset() {
  handsetSource?.close();
  handsetSource = null;
  incoming.clear();
  renderIncoming();
  messages.clear();
  el.thread.replaceChildren();
  const me = myNumber();
  if (!me) return;
  const empty = document.createElement("li");
  empty.className = "line empty";
  empty.dataset.testid = "sms-empty";
  empty.textContent = "No messages yet.";
  el.thread.append(empty);
  const source = new window.EventSource(carrierUrl(`phones/${phonePath(me)}/events`));
  handsetSource = source;
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
  // On reconnecting the stream replays ringing calls; the messages are fetched once.
  void loadMessages(me);
}

// ---- wiring ----------------------------------------------------------------------------------------

el.callForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!inCall()) void placeCall();
});
el.hangupButton.addEventListener("click", () => void hangUp());

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

el.myNumber.addEventListener("change", () => {
  const me = myNumber();
  if (!me) return notify("My number must be an E.164 number such as +61491570001.");
  saved.set(KEYS.myNumber, me);
  connectHandset();
});
el.toNumber.addEventListener("change", () => {
  const to = validNumber(el.toNumber);
  if (to) saved.set(KEYS.toNumber, to);
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

function init() {
  el.myNumber.value = saved.get(KEYS.myNumber, DEFAULTS.myNumber);
  el.toNumber.value = saved.get(KEYS.toNumber, DEFAULTS.toNumber);
  el.smsTo.value = saved.get(KEYS.smsTo, el.toNumber.value);
  el.speakToggle.checked = saved.get(KEYS.speak, "on") !== "off";
  el.detailsToggle.checked = saved.get(KEYS.details, "off") === "on";
  el.transcript.classList.toggle("show-details", el.detailsToggle.checked);
  if (!window.speechSynthesis) el.speakToggle.parentElement.title = "This browser cannot speak: the transcript still shows what is said.";
  renderState();
  connectHandset();
  void showAccount();
  void resumeCall();
  document.body.dataset.ready = "true";
}

init();
