// The Reports page's charts, drawn on the server as inline SVG (no library, no script): calls offered
// and answered per interval, the service level per interval, and the waits distribution. Each chart is
// an image with a title and a description (role="img", aria-labelledby), each bar or point has its own
// <title> (a tooltip, and read by screen readers), and the tables below hold the same figures. Colours
// are presentation attributes: the page's CSP allows no inline style.
import { escapeHtml, raw, type Html } from "../html.js";

// A narrow drawing, so that its 13-unit type stays readable when a phone scales it down.
const WIDTH = 480;
const HEIGHT = 240;
const LEFT = 52;
const RIGHT = 10;
/** The legend runs along the top, above the plot. */
const TOP = 34;
const BOTTOM = 24;
const FONT = 13;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

export const CHART_COLOURS = { offered: "#9bb0c6", answered: "#0b6e4f", abandoned: "#a33a00", other: "#b9bfc8", line: "#1f4e9c", target: "#b26b00" } as const;

/** The top of the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * power).find((top) => top >= max) ?? 10 * power);
}

const y = (value: number, top: number) => TOP + PLOT_H - (value / top) * PLOT_H;
const fmt = (n: number) => String(Math.round(n * 10) / 10);

function frame(id: string, title: string, description: string, body: string, legend: [string, string][]): Html {
  let x = LEFT;
  const legendItems = legend
    .map(([label, colour]) => {
      const item = `<g transform="translate(${x},16)"><rect width="11" height="11" y="-10" fill="${colour}"/><text x="15" font-size="${FONT}" fill="#1c2430">${escapeHtml(label)}</text></g>`;
      x += 15 + label.length * 7.2 + 14;
      return item;
    })
    .join("");
  return raw(
    `<figure class="report-chart" data-chart="${id}"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">` +
      `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>${body}${legendItems}</svg>` +
      `<figcaption>${escapeHtml(title)}. ${escapeHtml(description)}</figcaption></figure>`,
  );
}

function axes(top: number, unit: string): string {
  const ticks = [0, top / 2, top]
    .map((v) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v, top)}" y2="${y(v, top)}" stroke="#d9dee5"/><text x="${LEFT - 6}" y="${y(v, top) + 4}" text-anchor="end" font-size="${FONT}" fill="#5b6675">${fmt(v)}${unit}</text>`)
    .join("");
  return `${ticks}<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + PLOT_H}" stroke="#5b6675"/>`;
}

/** At most about 8 labels along the x axis, so that they never overlap. */
function xLabels(labels: string[], slot: number): string {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return labels
    .map((label, i) => (i % every === 0 ? `<text x="${LEFT + slot * i + slot / 2}" y="${TOP + PLOT_H + 14}" text-anchor="middle" font-size="${FONT}" fill="#5b6675">${escapeHtml(label)}</text>` : ""))
    .join("");
}

export interface CallsPoint {
  label: string;
  offered: number;
  answered: number;
}

/** Calls offered and answered per interval: two bars side by side in each interval. */
export function callsChart(id: string, title: string, points: CallsPoint[]): Html {
  const top = niceMax(Math.max(0, ...points.map((p) => Math.max(p.offered, p.answered))));
  const slot = PLOT_W / Math.max(1, points.length);
  const bar = Math.max(1, (slot * 0.8) / 2);
  const bars = points
    .map((p, i) => {
      const x = LEFT + slot * i + slot * 0.1;
      const rect = (value: number, dx: number, colour: string, what: string) =>
        `<rect data-series="${what}" data-value="${value}" x="${(x + dx).toFixed(2)}" y="${y(value, top).toFixed(2)}" width="${bar.toFixed(2)}" height="${(TOP + PLOT_H - y(value, top)).toFixed(2)}" fill="${colour}"><title>${escapeHtml(p.label)}: ${value} ${what}</title></rect>`;
      return `<g class="interval">${rect(p.offered, 0, CHART_COLOURS.offered, "offered")}${rect(p.answered, bar, CHART_COLOURS.answered, "answered")}</g>`;
    })
    .join("");
  const offered = points.reduce((a, p) => a + p.offered, 0);
  const answered = points.reduce((a, p) => a + p.answered, 0);
  const busiest = points.reduce<CallsPoint | undefined>((best, p) => (p.offered > (best?.offered ?? 0) ? p : best), undefined);
  const description = `${offered} offered and ${answered} answered over ${points.length} intervals${busiest ? `; the busiest, ${busiest.label}, had ${busiest.offered} offered` : ""}.`;
  return frame(id, title, description, axes(top, "") + bars + xLabels(points.map((p) => p.label), slot), [
    ["Offered", CHART_COLOURS.offered],
    ["Answered", CHART_COLOURS.answered],
  ]);
}

export interface RatePoint {
  label: string;
  /** Percent, or null when nothing was answered or abandoned in the interval. */
  value: number | null;
}

/**
 * The service level per interval as a line, broken where an interval has no rate; with a target as a
 * dashed reference line: the department's (its wallboard threshold), else the usual 80 %
 * (docs/callcentre-domain.md §1.2).
 */
export function serviceLevelChart(id: string, title: string, points: RatePoint[], target = 80, targetName = "the usual target"): Html {
  const slot = PLOT_W / Math.max(1, points.length);
  const xy = (p: RatePoint, i: number) => `${(LEFT + slot * i + slot / 2).toFixed(2)},${y(p.value ?? 0, 100).toFixed(2)}`;
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length > 1) runs.push(run.join(" "));
      run = [];
    } else run.push(xy(p, i));
  });
  if (run.length > 1) runs.push(run.join(" "));
  const lines = runs.map((r) => `<polyline points="${r}" fill="none" stroke="${CHART_COLOURS.line}" stroke-width="2"/>`).join("");
  const dots = points
    .map((p, i) =>
      p.value === null
        ? ""
        : `<circle data-value="${p.value.toFixed(1)}" cx="${(LEFT + slot * i + slot / 2).toFixed(2)}" cy="${y(p.value, 100).toFixed(2)}" r="${points.length > 60 ? 1.5 : 3.5}" fill="${CHART_COLOURS.line}"><title>${escapeHtml(p.label)}: ${p.value.toFixed(1)} %</title></circle>`,
    )
    .join("");
  const targetLine = `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(target, 100)}" y2="${y(target, 100)}" stroke="${CHART_COLOURS.target}" stroke-dasharray="6 4"/>`;
  const rated = points.filter((p) => p.value !== null) as { label: string; value: number }[];
  const lowest = rated.reduce<{ label: string; value: number } | undefined>((low, p) => (low === undefined || p.value < low.value ? p : low), undefined);
  const description =
    rated.length === 0
      ? "No interval had a call answered or abandoned: no service level to draw."
      : `${rated.length} of ${points.length} intervals have a service level; the lowest, ${lowest?.label}, was ${lowest?.value.toFixed(1)} %. The dashed line is ${targetName}, ${target} %.`;
  return frame(id, title, description, axes(100, " %") + targetLine + lines + dots + xLabels(points.map((p) => p.label), slot), [
    ["Service level", CHART_COLOURS.line],
    [`${target} % target`, CHART_COLOURS.target],
  ]);
}

export interface WaitPoint {
  label: string;
  /** The bin's inclusive upper bound in seconds; null for the open last bin. */
  upTo: number | null;
  answered: number;
  abandoned: number;
  other: number;
}

/** The waits distribution: a stacked bar per bin (answered, abandoned, other). */
export function waitsChart(id: string, title: string, bins: WaitPoint[]): Html {
  const top = niceMax(Math.max(0, ...bins.map((b) => b.answered + b.abandoned + b.other)));
  const slot = PLOT_W / Math.max(1, bins.length);
  const width = slot * 0.7;
  const bars = bins
    .map((b, i) => {
      const x = LEFT + slot * i + slot * 0.15;
      let base = 0;
      const parts = (
        [
          ["answered", b.answered, CHART_COLOURS.answered],
          ["abandoned", b.abandoned, CHART_COLOURS.abandoned],
          ["other", b.other, CHART_COLOURS.other],
        ] as const
      )
        .map(([what, value, colour]) => {
          const rect = `<rect data-series="${what}" data-value="${value}" x="${x.toFixed(2)}" y="${y(base + value, top).toFixed(2)}" width="${width.toFixed(2)}" height="${(y(base, top) - y(base + value, top)).toFixed(2)}" fill="${colour}"><title>${escapeHtml(b.label)}: ${value} ${what}</title></rect>`;
          base += value;
          return rect;
        })
        .join("");
      return `<g class="bin">${parts}</g>`;
    })
    .join("");
  const total = bins.reduce((a, b) => a + b.answered + b.abandoned + b.other, 0);
  const description = total === 0 ? "No visits in the range." : `${total} waits in ${bins.length} bins: ${bins.map((b) => `${b.label} ${b.answered + b.abandoned + b.other}`).join(", ")}.`;
  return frame(id, title, description, axes(top, "") + bars + xLabels(bins.map((b, i) => (b.upTo === null ? `>${bins[i - 1]?.upTo ?? 0} s` : `≤${b.upTo}`)), slot), [
    ["Answered", CHART_COLOURS.answered],
    ["Abandoned", CHART_COLOURS.abandoned],
    ["Other", CHART_COLOURS.other],
  ]);
}
