// Waits and talk times that tick in the browser, for the Live page (live.js) and the desk (desk.js):
// each element marked data-since shows the time since then, counted every second against the server's
// clock (the data-now of the last HTML the server sent), so a wrong clock here does not matter.
let offsetMs = 0;

/** Takes the server's time from the data-now in `root`, if it has one. */
export function readServerClock(root) {
  const marked = root.querySelector("[data-now]");
  if (marked) offsetMs = Date.parse(marked.getAttribute("data-now")) - Date.now();
}

/** "2:05", or "1:02:05" past the hour. */
export function format(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** Brings every data-since element up to the server's now. */
export function tick() {
  const now = Date.now() + offsetMs;
  for (const el of document.querySelectorAll("[data-since]")) {
    el.textContent = format((now - Date.parse(el.getAttribute("data-since"))) / 1000);
  }
}
