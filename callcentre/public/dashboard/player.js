// Recording players: when a recording cannot be played, the page says why instead of leaving a
// player at 0:00. The recording proxy answers 404 when Twilio no longer has the recording (it was
// deleted, or the local carrier, which keeps recordings in memory, was restarted).
const GONE = "This recording is no longer available.";
const FAILED = "This recording could not be played. Try again later.";

async function explain(audio) {
  if (audio.dataset.explained === "true") return;
  audio.dataset.explained = "true";
  let text = FAILED;
  let gone = false;
  const controller = new AbortController();
  try {
    const response = await fetch(audio.currentSrc || audio.src, { credentials: "same-origin", signal: controller.signal });
    if (response.status === 404) {
      gone = true;
      const body = await response.json().catch(() => ({}));
      text = typeof body.message === "string" && body.message.startsWith(GONE.slice(0, -1)) ? body.message : GONE;
    } else if (response.status === 401 || response.redirected) {
      text = "Your session has ended: sign in again to play this recording.";
    }
  } catch {
    // Not reachable at all: the general sentence.
  } finally {
    controller.abort();
  }
  const note = document.createElement("p");
  note.className = "recording-unavailable";
  note.setAttribute("role", "status");
  note.textContent = text;
  // A recording that is gone cannot come back: its player goes. Any other failure may pass.
  audio.hidden = gone;
  audio.after(note);
}

// A media element's error does not bubble: it is heard on its way down (capture).
document.addEventListener(
  "error",
  (event) => {
    const target = event.target;
    if (target instanceof HTMLAudioElement && target.dataset.recording) void explain(target);
  },
  true,
);
for (const audio of document.querySelectorAll("audio[data-recording]")) if (audio.error) void explain(audio);
