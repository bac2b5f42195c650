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

/**
 * The supervisor's controls (data-live-action: monitoring, agents' states) post in the background, so
 * the page stays as it is; a monitoring start takes the number from "Ring me at". The answer is said
 * in #live-notice, and the fragment refreshes at once (the event stream also brings the change).
 */
async function act(form, submitter) {
  const notice = document.getElementById("live-notice");
  const body = new URLSearchParams(new FormData(form, submitter));
  body.delete("redirect");
  const ringAt = document.getElementById("monitor-to");
  if (form.hasAttribute("data-monitor") && ringAt) body.set("to", ringAt.value.trim());
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    const response = await fetch(form.action, { method: "POST", body, headers: { accept: "application/json" }, credentials: "same-origin" });
    const answer = await response.json().catch(() => ({}));
    if (notice) {
      notice.textContent = response.ok ? (submitter?.dataset.done ?? "Done.") : (answer.message ?? `Not done (${response.status}).`);
      notice.dataset.kind = response.ok ? "done" : "error";
    }
  } catch {
    if (notice) {
      notice.textContent = "Not done: the call centre could not be reached.";
      notice.dataset.kind = "error";
    }
  }
  await refresh();
}

// In local mode the softphone link opens the handset "Ring me at" names.
document.getElementById("monitor-to")?.addEventListener("input", (event) => {
  const link = document.getElementById("monitor-softphone");
  if (!link) return;
  const address = event.target.value.trim();
  const [name, value] = address.startsWith("client:") ? ["client", address.slice("client:".length)] : ["number", address];
  link.href = address ? `${link.dataset.softphone}?${new URLSearchParams([[name, value]])}` : link.dataset.softphone;
});

document.addEventListener("submit", (event) => {
  const form = event.target instanceof HTMLFormElement && event.target.closest("[data-live-fragment]") ? event.target : undefined;
  if (!form?.hasAttribute("data-live-action")) return;
  event.preventDefault();
  void act(form, event.submitter);
});

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
