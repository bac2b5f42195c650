// The agent's desk, live: follows the desk's server-sent event stream and swaps in the panel each
// event carries. What the agent is typing (a wrap-up's note and disposition, marked data-keep) and
// the field they are in survive the swap. Waits and talk time tick every second from data-since,
// measured against the server's clock (data-now), so a wrong clock here does not matter.
import { readServerClock, tick } from "./ticker.js";

const panel = document.querySelector("[data-desk-stream]");

/** Replaces the panel, keeping what the agent changed in data-keep fields and where their focus was. */
function swap(html) {
  const kept = new Map();
  for (const field of panel.querySelectorAll("[data-keep]")) {
    const changed = field.tagName === "SELECT" ? [...field.options].some((o) => o.selected !== o.defaultSelected) : field.value !== field.defaultValue;
    if (changed) kept.set(field.getAttribute("data-keep"), field.value);
  }
  const focused = document.activeElement && panel.contains(document.activeElement) ? document.activeElement.id : "";
  panel.innerHTML = html;
  for (const [key, value] of kept) {
    const field = panel.querySelector(`[data-keep="${CSS.escape(key)}"]`);
    if (field) field.value = value;
  }
  if (focused) document.getElementById(focused)?.focus();
}

if (panel) {
  readServerClock(document);
  const events = new EventSource(panel.getAttribute("data-desk-stream"));
  events.addEventListener("desk", (event) => {
    const { html } = JSON.parse(event.data);
    swap(html);
    readServerClock(panel);
    tick();
    document.body.dataset.deskConnected = "true";
    document.body.dataset.deskUpdates = String(Number(document.body.dataset.deskUpdates ?? 0) + 1);
  });
  events.addEventListener("error", () => {
    document.body.dataset.deskConnected = "false";
    // The browser gives up for good when the stream is refused (the session ended): reloading then
    // leads to the sign-in page.
    if (events.readyState === EventSource.CLOSED) window.location.reload();
  });
  setInterval(tick, 1000);
}
