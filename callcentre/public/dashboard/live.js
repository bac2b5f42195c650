// Live parts of the dashboard: follows the server-sent event stream and, on every change, fetches
// the fresh HTML fragment for each element marked data-live-fragment. Waits tick every second from
// data-since, measured against the server's clock (data-now), so a wrong clock here does not matter.
import { readServerClock, tick } from "./ticker.js";

const targets = [...document.querySelectorAll("[data-live-fragment]")];

async function refresh() {
  for (const target of targets) {
    try {
      const response = await fetch(target.getAttribute("data-live-fragment"), { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (response.redirected || response.status === 401) {
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return;
      }
      if (!response.ok) continue;
      target.innerHTML = await response.text();
      readServerClock(target);
      target.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
    } catch {
      // The stream reconnects by itself; the next event refreshes again.
    }
  }
  document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates ?? 0) + 1);
  tick();
}

if (targets.length > 0) {
  readServerClock(document);
  // A page may follow another stream of the same events (the wallboard's, for supervisors).
  const events = new EventSource(targets[0].getAttribute("data-live-stream") ?? "/api/live/stream");
  // Every event refreshes, the first included: a change between rendering the page and
  // connecting the stream is not lost.
  events.addEventListener("live", () => {
    document.body.dataset.liveConnected = "true";
    void refresh();
  });
  events.addEventListener("error", () => {
    document.body.dataset.liveConnected = "false";
    // The browser gives up for good when the stream is refused (the session ended: signed out,
    // expired, or the password changed); refreshing then leads to the sign-in page.
    if (events.readyState === EventSource.CLOSED) void refresh();
  });
  setInterval(tick, 1000);
}
