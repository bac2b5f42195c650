// The wallboard (docs/wallboard.md): one screen of large tiles per queue department, for a wall TV
// across the room (?tv=1, or any screen 1600 px wide or more) as well as a desk or a phone (one
// column). Its own shell, without the dashboard's navigation. The board is a fragment that live.js
// fetches again on every event of the wallboard's stream; waits and times in state tick in the
// browser (ticker.js) from data-since against the server's clock (data-now). A tile past its
// threshold says so in words as well as in colour.
import { html, type Html } from "../html.js";
import { duration, percent } from "../format.js";
import { STATE_ORDER } from "../live-lines.js";
import type { Wallboard, WallboardDepartment } from "../wallboard.js";
import type { ThresholdCheck, TileMeasure } from "../wallboard-thresholds.js";
import { documentHead } from "./layout.js";

const since = (from: string, now: string) => html`<span class="ticker" data-since="${from}">${duration((Date.parse(now) - Date.parse(from)) / 1000)}</span>`;

const LEVEL_WORDS = { ok: "", near: "Warning", breached: "Breached" } as const;

/** One figure: the value, what it is, and, past or near a threshold, why in words. */
function tile(measure: TileMeasure | "calls", value: Html | string, label: string, check: ThresholdCheck | undefined, detail = ""): Html {
  const level = check?.level ?? "ok";
  return html`<div class="wb-tile level-${level}" data-tile="${measure}" data-level="${level}">
<span class="wb-value">${value}</span>
<span class="wb-label">${label}</span>
${detail ? html`<span class="wb-detail">${detail}</span>` : ""}
${level === "ok" ? "" : html`<span class="wb-why"><strong>${LEVEL_WORDS[level]}</strong> · ${(check?.text ?? "").replace(/ %/g, "\u00a0%")}</span>`}
</div>`;
}

const rateDetail = (w: WallboardDepartment["today"]) =>
  w.answered + w.abandoned === 0 ? "no answered or abandoned calls" : `${w.answeredWithinTarget} of ${w.answered + w.abandoned} within 20 s`;

function department(d: WallboardDepartment, now: string): Html {
  const check = (measure: TileMeasure) => d.checks.find((c) => c.measure === measure);
  const breached = d.checks.filter((c) => c.level === "breached").length;
  const near = d.checks.some((c) => c.level === "near");
  const summary =
    breached > 0
      ? html`<span class="wb-alarm">${breached} ${breached === 1 ? "limit" : "limits"} breached</span>`
      : near
        ? html`<span class="wb-near">near a limit</span>`
        : d.thresholds
          ? html`<span class="wb-fine">within limits</span>`
          : "";
  return html`<section class="wb-dept" data-department="${d.department}" aria-label="${d.name}">
<h2>${d.name} ${summary}</h2>
<div class="wb-tiles">
${tile("waiting", String(d.waiting), d.waiting === 1 ? "caller waiting" : "callers waiting", check("waiting"), d.callbacks > 0 ? `+ ${d.callbacks} call ${d.callbacks === 1 ? "back" : "backs"} holding a place` : "")}
${tile("longest-wait", d.longestWaitingSince ? since(d.longestWaitingSince, now) : duration(0), "longest wait", check("longest-wait"))}
${tile("service-level", percent(d.last30Minutes.serviceLevel), "service level, last 30 min", check("service-level"), rateDetail(d.last30Minutes))}
${tile("service-level-today", percent(d.today.serviceLevel), "service level today", check("service-level-today"), rateDetail(d.today))}
${tile("abandonment", percent(d.today.abandonmentRate), "abandoned today", check("abandonment"), `${d.today.abandoned} abandoned after 5 s · ${d.today.shortAbandoned} short`)}
${tile("calls", String(d.callsInProgress), d.callsInProgress === 1 ? "call in progress" : "calls in progress", undefined, d.offersRinging > 0 ? `+ ${d.offersRinging} ringing an agent` : "")}
</div>
<ul class="wb-agents" aria-label="Agents by state">${STATE_ORDER.map((state) => {
    const agents = d.agents[state];
    return html`<li class="wb-state state-${state}" data-state="${state}"><span class="wb-count">${agents.length}</span> <span class="wb-state-name">${state}</span>${
      agents.length === 0
        ? ""
        : html`<span class="wb-names">${agents.map(
            (a) => html`<span class="wb-agent" data-agent="${a.id}">${a.name}${a.reason ? ` (${a.reason})` : ""} ${since(a.since, now)}</span>`,
          )}</span>`
    }</li>`;
  })}</ul>
</section>`;
}

export function wallboardFragment(board: Wallboard): Html {
  return html`<div class="wb-board${board.departments.length === 1 ? " single" : ""}" data-now="${board.now}">${
    board.departments.length === 0 ? html`<p class="wb-empty">No department has a queue in the flow file.</p>` : board.departments.map((d) => department(d, board.now))
  }</div>`;
}

export interface WallboardPageOptions {
  company: string;
  board: Wallboard;
  /** The department shown alone, if one is. */
  department?: string | undefined;
  /** Every queue department, for the links between boards. */
  departments: { id: string; name: string }[];
  tv: boolean;
}

export function wallboardPage(o: WallboardPageOptions): Html {
  const query = new URLSearchParams({ ...(o.department ? { department: o.department } : {}) }).toString();
  const title = o.department ? (o.departments.find((d) => d.id === o.department)?.name ?? o.department) : "All departments";
  const path = o.department ? `/wallboard/${o.department}` : "/wallboard";
  return html`${documentHead({ title: `Wallboard: ${title} · ${o.company}`, stylesheets: ["/dashboard/assets/wallboard.css"] })}
<body class="wallboard${o.tv ? " tv" : ""}">
<header class="wb-bar">
  <h1>${title} <small>${o.company} · times in ${o.board.timezone}</small></h1>
  <nav class="wb-links" aria-label="Wallboards">
    <a href="/">Dashboard</a>
    <a href="/wallboard"${o.department ? "" : html` aria-current="page"`}>All</a>
    ${o.departments.map((d) => html`<a href="/wallboard/${d.id}"${d.id === o.department ? html` aria-current="page"` : ""}>${d.name}</a>`)}
    <a href="${path}?tv=1">TV mode</a>
  </nav>
</header>
<main id="wallboard" data-live-fragment="/wallboard/fragment${query ? `?${query}` : ""}" data-live-stream="/api/wallboard/stream">${wallboardFragment(o.board)}</main>
<script type="module" src="/dashboard/assets/live.js"></script>
</body>
</html>`;
}
