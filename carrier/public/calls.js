// The carrier's calls page: every call (GET /_carrier/calls), refreshed every two seconds, and
// the full timeline of the one chosen (GET /_carrier/calls/{sid}). The chosen call is in the URL
// hash, so calls.html#CA… links straight to a timeline. Plain ES module, no build step.

import { EVENT } from "./timeline-events.js";

const FINAL = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);
const REFRESH_MS = 2000;

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

const el = {
  account: byTestId("account"),
  notice: byTestId("notice"),
  updated: byTestId("calls-updated"),
  autoRefresh: byTestId("auto-refresh"),
  refresh: byTestId("refresh-button"),
  callsBody: byTestId("calls-body"),
  callsEmpty: byTestId("calls-empty"),
  heading: byTestId("timeline-heading"),
  summary: byTestId("call-summary"),
  timelineWrap: byTestId("timeline-wrap"),
  timelineBody: byTestId("timeline-body"),
  timelineEmpty: byTestId("timeline-empty"),
};

async function getJson(path) {
  let response;
  try {
    response = await fetch(new URL(`_carrier/${path}`, document.baseURI).href, { headers: { accept: "application/json" } });
  } catch {
    throw Object.assign(new Error("The carrier is not reachable."), { status: 0 });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${response.status}`), { status: response.status });
  return data;
}

function notify(message) {
  el.notice.textContent = message;
  el.notice.hidden = !message;
}

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  if (text !== undefined) td.textContent = text;
  return td;
}

function clockTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? "");
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

// ---- the list of calls -----------------------------------------------------------------------------

function selectedSid() {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return "";
  }
}

/** Updates the table in place, keyed by SID, so rows do not jump under the pointer while refreshing. */
function renderCalls(calls) {
  el.callsEmpty.hidden = calls.length > 0;
  const rows = new Map([...el.callsBody.children].map((row) => [row.dataset.sid, row]));
  const selected = selectedSid();
  let previous = null;
  for (const call of calls) {
    let row = rows.get(call.sid);
    rows.delete(call.sid);
    if (!row) row = newCallRow(call);
    fillCallRow(row, call, selected);
    const expected = previous ? previous.nextSibling : el.callsBody.firstChild;
    if (row !== expected) el.callsBody.insertBefore(row, expected);
    previous = row;
  }
  for (const row of rows.values()) row.remove();
}

function newCallRow(call) {
  const row = document.createElement("tr");
  row.className = "call-row";
  row.dataset.sid = call.sid;
  row.dataset.testid = "call-row";
  const open = document.createElement("button");
  open.type = "button";
  open.className = "parties";
  open.dataset.testid = "call-open";
  open.title = `Show the timeline of ${call.sid}`;
  open.addEventListener("click", () => select(call.sid));
  const sub = document.createElement("span");
  sub.className = "sub";
  const first = cell();
  first.append(open, sub);
  const status = document.createElement("span");
  status.className = "pill";
  const statusCell = cell();
  statusCell.append(status);
  row.append(first, statusCell, cell("", "nowrap mono hide-narrow"), cell("", "num"));
  return row;
}

function fillCallRow(row, call, selected) {
  const [first, statusCell, started, duration] = row.children;
  const open = first.querySelector("button");
  open.textContent = `${call.from} → ${call.to}`;
  first.querySelector(".sub").textContent = `${call.sid.slice(0, 12)}… · ${call.direction}`;
  const pill = statusCell.firstChild;
  pill.textContent = FINAL.has(call.status) || call.activity === "ended" ? call.status : `${call.status} · ${call.activity}`;
  pill.dataset.status = call.status;
  started.textContent = clockTime(call.dateCreated).slice(0, 8);
  started.title = call.dateCreated;
  duration.textContent = call.duration ?? "";
  const isSelected = call.sid === selected;
  row.classList.toggle("selected", isSelected);
  open.setAttribute("aria-pressed", String(isSelected));
}

let listBusy = false;
async function refreshList() {
  if (listBusy) return;
  listBusy = true;
  try {
    const { calls } = await getJson("calls");
    renderCalls(calls);
    el.updated.textContent = `updated ${clockTime(new Date().toISOString()).slice(0, 8)}`;
    notify("");
  } catch (error) {
    notify(`Could not load calls: ${error.message}`);
  } finally {
    listBusy = false;
  }
}

// ---- one call's timeline ---------------------------------------------------------------------------

let shown = { sid: "", lastSeq: -1, firstAt: 0 };

function select(sid) {
  if (selectedSid() === sid) void refreshTimeline();
  else window.location.hash = encodeURIComponent(sid);
}

function detailNodes(event) {
  const fragment = document.createDocumentFragment();
  const fields = Object.entries(event).filter(([key]) => !["seq", "at", "type"].includes(key));
  // What was said reads best as a quotation, ahead of the other fields.
  const textField = fields.find(([key]) => key === "text");
  if (textField && typeof textField[1] === "string") {
    fragment.append(`“${textField[1]}”`);
  }
  for (const [key, value] of fields) {
    if (key === "text" && textField && typeof value === "string") continue;
    if (value === undefined || value === null || value === "") continue;
    if (fragment.childNodes.length > 0) fragment.append("  ");
    const k = document.createElement("span");
    k.className = "k";
    k.textContent = `${key}=`;
    fragment.append(k, Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return fragment;
}

const ERRORS = new Set([EVENT.error, EVENT.twimlError, EVENT.engineError]);
const SPOKEN = new Set([EVENT.say, EVENT.play]);

function kindOf(type) {
  if (ERRORS.has(type)) return "error";
  if (SPOKEN.has(type)) return "say";
  return "other";
}

function renderSummary(view) {
  const entries = [
    ["Call", view.sid],
    ["From", view.from],
    ["To", view.to],
    ["Direction", view.direction],
    ["Status", view.status],
    ["Activity", view.activity],
    ["Duration", view.duration === null ? "" : `${view.duration} s`],
    ["Parent", view.parentCallSid ?? ""],
  ].filter(([, value]) => value !== "");
  el.summary.replaceChildren(
    ...entries.map(([name, value]) => {
      const wrap = document.createElement("div");
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      if (name === "Call" || name === "Parent") dd.className = "mono";
      wrap.append(dt, dd);
      return wrap;
    }),
  );
  el.summary.hidden = false;
}

let timelineBusy = false;
async function refreshTimeline() {
  const sid = selectedSid();
  if (!sid) {
    shown = { sid: "", lastSeq: -1, firstAt: 0 };
    el.heading.textContent = "Timeline";
    el.summary.hidden = true;
    el.timelineWrap.hidden = true;
    el.timelineEmpty.hidden = false;
    el.timelineEmpty.textContent = "Choose a call to see its timeline.";
    return;
  }
  if (timelineBusy) return;
  timelineBusy = true;
  try {
    const view = await getJson(`calls/${encodeURIComponent(sid)}`);
    if (selectedSid() !== sid) return;
    if (shown.sid !== sid) {
      shown = { sid, lastSeq: -1, firstAt: 0 };
      el.timelineBody.replaceChildren();
    }
    el.heading.textContent = `Timeline of ${view.from} → ${view.to}`;
    renderSummary(view);
    const timeline = Array.isArray(view.timeline) ? view.timeline : [];
    if (timeline.length > 0 && shown.firstAt === 0) shown.firstAt = new Date(timeline[0].at).getTime();
    for (const event of timeline) {
      if (event.seq <= shown.lastSeq) continue;
      shown.lastSeq = event.seq;
      const row = document.createElement("tr");
      row.dataset.testid = "timeline-row";
      row.dataset.type = event.type;
      row.dataset.kind = kindOf(event.type);
      const at = cell(undefined, "nowrap mono");
      at.title = event.at;
      const offset = (new Date(event.at).getTime() - shown.firstAt) / 1000;
      at.append(clockTime(event.at));
      if (Number.isFinite(offset) && offset > 0) {
        const small = document.createElement("small");
        small.className = "k";
        small.textContent = ` +${offset.toFixed(2)} s`;
        at.append(small);
      }
      const details = cell(undefined, "details");
      details.append(detailNodes(event));
      row.append(cell(String(event.seq), "num"), at, cell(event.type, "mono nowrap"), details);
      el.timelineBody.append(row);
    }
    el.timelineWrap.hidden = false;
    el.timelineEmpty.hidden = true;
    for (const row of el.callsBody.children) row.classList.toggle("selected", row.dataset.sid === sid);
  } catch (error) {
    el.summary.hidden = true;
    el.timelineWrap.hidden = true;
    el.timelineEmpty.hidden = false;
    el.timelineEmpty.textContent = error.status === 404 ? `There is no call ${sid} (the carrier may have restarted).` : `Could not load the timeline: ${error.message}`;
  } finally {
    timelineBusy = false;
  }
}

// ---- wiring ----------------------------------------------------------------------------------------

function refreshAll() {
  void refreshList();
  void refreshTimeline();
}

el.refresh.addEventListener("click", refreshAll);
window.addEventListener("hashchange", () => {
  void refreshTimeline();
  void refreshList();
});

window.setInterval(() => {
  if (!el.autoRefresh.checked || document.hidden) return;
  void refreshList();
  // Also for an ended call: its timeline still gains the last status callback a moment later.
  if (shown.sid) void refreshTimeline();
}, REFRESH_MS);

getJson("account").then(
  (account) => {
    el.account.textContent = `${account.accountSid} · ${account.clock} clock`;
  },
  () => {
    el.account.textContent = "carrier not reachable";
  },
);

refreshAll();
document.body.dataset.ready = "true";
