// Draws a loaded flow as a layered, top-to-bottom SVG diagram for the dashboard. Pure: flow → markup.
// Contract: the SVG is self-contained (no scripts, event handlers or external references) and every
// piece of text taken from the flow file is XML-escaped. Output is deterministic for a given flow.
// Layer of a box = BFS distance from "Incoming call"; boxes unreachable from there go in a last layer.
// Edges to the same or an earlier layer are routed round the right side ("edge back"); edges that
// skip layers are routed round the left side ("edge long"), so neither runs straight across boxes.
import { agentsServing, HANGUP, type Flow, type FlowNode } from "../flows/flow-schema.js";

export interface FlowDiagram {
  svg: string;
  width: number;
  height: number;
}

type Kind = FlowNode["type"] | "entry" | "hours" | "end";
interface Box {
  id: string;
  kind: Kind;
  title: string;
  summary: string;
  details: string[];
  layer: number;
  x: number;
  y: number;
  unreachable: boolean;
}
interface Edge {
  from: string;
  to: string;
  labels: string[];
}
type Point = [number, number];

// Synthetic boxes. Node ids match /^[a-z0-9][a-z0-9-]*$/ and may not be "hangup", so these never clash.
const ENTRY = "_entry";
const HOURS = "_hours";

const NODE_W = 200;
const NODE_H = 52;
const GAP_X = 32;
const GAP_Y = 72;
const MARGIN = 24;
const LANE = 14;
const TITLE_CHARS = 24;
const SUMMARY_CHARS = 32;
const LABEL_CHARS = 32;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
}

function truncate(text: string, budget: number): string {
  const chars = [...text]; // code points, so an emoji is never cut in half
  return chars.length <= budget ? text : `${chars.slice(0, budget - 1).join("")}…`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Where a node can send the call, in file order. References (a voicemail's department) are not transitions. */
function transitions(node: FlowNode): [target: string, label: string][] {
  switch (node.type) {
    case "menu":
      return [
        ...node.options.map((o): [string, string] => [o.goto, o.key === undefined ? o.label : `${o.key} ${o.label}`]),
        [node.onFailure, "no input / invalid"],
      ];
    case "department":
      if (node.queue) {
        const { whenNobody, afterMaxWait, whenFull, menu } = node.queue;
        // Short labels: the three often share one target, and a label is cut at LABEL_CHARS.
        return [
          [whenNobody, "no agent"],
          [afterMaxWait, "max wait"],
          [whenFull, "full"],
          ...(menu?.options ?? []).flatMap((o): [string, string][] => (o.goto === undefined ? [] : [[o.goto, `${o.key} (queue menu)`]])),
        ];
      }
      return node.onBusy ? [[node.onNoAnswer, "no answer"], [node.onBusy, "busy"]] : [[node.onNoAnswer, "no answer"]];
    case "message":
      return [[node.next, "next"]];
    case "redirect":
      return node.to === undefined ? [] : [[node.to, "redirect"]];
    default:
      return [];
  }
}

/** A box's kind, title, summary line, and the details shown only on hover. */
function describe(id: string, flow: Flow): Pick<Box, "kind" | "title" | "summary" | "details"> {
  if (id === ENTRY) return { kind: "entry", title: "Incoming call", summary: flow.company, details: [] };
  if (id === HOURS) {
    const holidays = (flow.hours?.holidays ?? []).map((h) => `${h.name} (${h.date})`);
    const details = holidays.length ? [`Holidays: ${holidays.join(", ")}`] : [];
    return { kind: "hours", title: "Open hours?", summary: `Hours · ${flow.hours?.timezone ?? ""}`, details };
  }
  const node = flow.nodes[id];
  if (!node) return { kind: "end", title: "Hang up", summary: "Goodbye, end of call", details: [] };
  const box = (summary: string, details: string[] = []) => ({ kind: node.type, title: id, summary, details });
  switch (node.type) {
    case "menu":
      return box(`Menu · ${plural(node.options.length, "option")}`);
    case "department": {
      if (node.queue) {
        const agents = agentsServing(flow, id);
        return box(`${node.name} · ${plural(agents.length, "agent")} · queue`, [
          `Agents: ${agents.length ? agents.map(({ agent, level }) => `${agent.name} (${level})`).join(", ") : "none"}`,
          ...(node.onCall ? [`On call: ${flow.agents[node.onCall]?.name ?? node.onCall}`] : []),
        ]);
      }
      return box(`${node.name} · ${plural(node.agents.length, "agent")} · ${node.ring}`, [
        `Agents: ${node.agents.map((a) => a.name).join(", ")}`,
        ...(node.onCall ? [`On call: ${node.onCall}`] : []),
      ]);
    }
    case "voicemail":
      return box(node.transcribe ? "Voicemail · transcribed" : "Voicemail", node.department ? [`Department: ${node.department}`] : []);
    case "callback":
      return box("Callback", node.department ? [`Department: ${node.department}`] : []);
    case "redirect":
      return box(`Redirect → ${node.to ?? node.url ?? ""}`);
    case "message":
      return box("Message");
    case "hangup":
      return box("Hang up");
  }
}

export function renderFlowDiagram(flow: Flow): FlowDiagram {
  // Edges, merged per (from, to) pair in order of first appearance.
  const edges = new Map<string, Edge>();
  const addEdge = (from: string, to: string, label?: string) => {
    const key = `${from}\n${to}`;
    const edge = edges.get(key) ?? { from, to, labels: [] };
    if (label) edge.labels.push(label);
    edges.set(key, edge);
  };
  if (flow.hours) {
    addEdge(ENTRY, HOURS);
    addEdge(HOURS, flow.start, "open");
    addEdge(HOURS, flow.hours.closed.then, "closed");
  } else {
    addEdge(ENTRY, flow.start);
  }
  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const [target, label] of transitions(node)) addEdge(id, target, label);
  }
  const targetsHangup = [...edges.values()].some((e) => e.to === HANGUP);

  // Layers by BFS from the entry; discovery order is the order within a layer.
  const layerOf = new Map<string, number>([[ENTRY, 0]]);
  for (const id of layerOf.keys()) {
    // A Map iterates keys added during iteration, so this walks the queue.
    for (const edge of edges.values()) {
      if (edge.from === id && !layerOf.has(edge.to)) layerOf.set(edge.to, (layerOf.get(id) ?? 0) + 1);
    }
  }
  const reached = [...layerOf.keys()];
  const deepest = Math.max(...reached.filter((id) => id !== HANGUP).map((id) => layerOf.get(id) ?? 0));
  // The shared "Hang up" terminal sits in its own layer under every other reachable box.
  if (layerOf.has(HANGUP)) {
    reached.splice(reached.indexOf(HANGUP), 1);
    reached.push(HANGUP);
    layerOf.set(HANGUP, deepest + 1);
  }
  const orphans = Object.keys(flow.nodes).filter((id) => !layerOf.has(id));
  if (targetsHangup && !layerOf.has(HANGUP)) orphans.push(HANGUP);
  const lastLayer = Math.max(...layerOf.values()) + 1;
  for (const id of orphans) layerOf.set(id, lastLayer);

  const boxOf = new Map<string, Box>();
  for (const id of [...reached, ...orphans]) {
    const layer = layerOf.get(id) ?? lastLayer;
    boxOf.set(id, { id, ...describe(id, flow), layer, x: 0, y: 0, unreachable: orphans.includes(id) });
  }

  // Geometry: each layer centred; gutters on the left (long edges) and right (back edges).
  const boxes = [...boxOf.values()];
  const rows: Box[][] = []; // layers are numbered without gaps
  for (const box of boxes) (rows[box.layer] ??= []).push(box);
  const kindOf = (e: Edge) => {
    const span = (boxOf.get(e.to)?.layer ?? 0) - (boxOf.get(e.from)?.layer ?? 0);
    return span <= 0 ? "back" : span > 1 ? "long" : "direct";
  };
  const backCount = [...edges.values()].filter((e) => kindOf(e) === "back").length;
  const longCount = [...edges.values()].filter((e) => kindOf(e) === "long").length;
  const leftGutter = longCount ? 16 + longCount * LANE : 0;
  const rightGutter = backCount ? 16 + backCount * LANE : 0;
  const widest = Math.max(...rows.map((row) => row.length));
  const contentWidth = widest * NODE_W + (widest - 1) * GAP_X;
  rows.forEach((row, r) => {
    const rowWidth = row.length * NODE_W + (row.length - 1) * GAP_X;
    const left = MARGIN + leftGutter + (contentWidth - rowWidth) / 2;
    row.forEach((box, i) => {
      box.x = left + i * (NODE_W + GAP_X);
      box.y = MARGIN + r * (NODE_H + GAP_Y);
    });
  });
  const width = MARGIN * 2 + leftGutter + contentWidth + rightGutter;
  const height = MARGIN * 2 + rows.length * NODE_H + (rows.length - 1) * GAP_Y;

  const edgeMarkup: string[] = [];
  let back = 0;
  let long = 0;
  for (const edge of edges.values()) {
    const a = boxOf.get(edge.from);
    const b = boxOf.get(edge.to);
    if (!a || !b) continue;
    const kind = kindOf(edge);
    const label = edge.labels.join(", ");
    let d: string;
    let at: Point;
    let anchor = "middle";
    if (kind === "direct") {
      const [sx, sy, ex, ey] = [a.x + NODE_W / 2, a.y + NODE_H, b.x + NODE_W / 2, b.y];
      const my = (sy + ey) / 2;
      d = `M${sx} ${sy} C${sx} ${my} ${ex} ${my} ${ex} ${ey}`;
      at = [sx + (ex - sx) * 0.84, sy + (ey - sy) * 0.7 - 4]; // on the curve at t = 0.75: nearer the target
    } else {
      // Down into the gap below the source, along a gutter lane, across the gap above the target, down.
      const right = kind === "back";
      const lane = right ? back++ : long++;
      const laneX = right
        ? MARGIN + leftGutter + contentWidth + 16 + lane * LANE
        : MARGIN + leftGutter - 16 - lane * LANE;
      const sx = a.x + NODE_W * (right ? 0.75 : 0.25);
      const ex = b.x + NODE_W * (right ? 0.75 : 0.25);
      const y1 = a.y + NODE_H + 12 + (lane % 4) * 5;
      const y2 = b.y - 12 - (lane % 4) * 5;
      d = rounded([[sx, a.y + NODE_H], [sx, y1], [laneX, y1], [laneX, y2], [ex, y2], [ex, b.y]]);
      at = [sx + (right ? 6 : -6), y1 - 3];
      anchor = right ? "start" : "end";
    }
    const cls = kind === "direct" ? "edge" : `edge ${kind}`;
    const text = label
      ? `<title>${escapeXml(label)}</title><text class="edge-label" x="${at[0]}" y="${at[1]}" text-anchor="${anchor}" ` +
        `font-size="11" fill="#445" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(truncate(label, LABEL_CHARS))}</text>`
      : "";
    edgeMarkup.push(
      `<g class="${cls}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}">` +
        `<path d="${d}" fill="none" stroke="#889" stroke-width="1.5" marker-end="url(#flow-arrow)"/>${text}</g>`,
    );
  }

  const nodeMarkup = boxes.map((box) => {
    const cls = `node node-${box.kind}${box.unreachable ? " unreachable" : ""}`;
    const hover = [box.title, box.summary, ...box.details, ...(box.unreachable ? ["Unreachable from an incoming call"] : [])];
    return (
      `<g class="${cls}" data-node="${escapeXml(box.id)}" transform="translate(${box.x} ${box.y})">` +
      `<title>${escapeXml(hover.join("\n"))}</title>` +
      `<rect width="${NODE_W}" height="${NODE_H}" rx="10" fill="#fff" stroke="#556" stroke-width="1.5"` +
      `${box.unreachable ? ' stroke-dasharray="5 4"' : ""}/>` +
      `<text class="node-title" x="${NODE_W / 2}" y="21" text-anchor="middle" font-size="13" font-weight="600" fill="#223">` +
      `${escapeXml(truncate(box.title, TITLE_CHARS))}</text>` +
      `<text class="node-summary" x="${NODE_W / 2}" y="39" text-anchor="middle" font-size="11" fill="#556">` +
      `${escapeXml(truncate(box.summary, SUMMARY_CHARS))}</text></g>`
    );
  });

  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="Call flow diagram" font-family="system-ui, sans-serif">` +
    `<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ` +
    `orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#889"/></marker></defs>` +
    `${edgeMarkup.join("")}${nodeMarkup.join("")}</svg>`;
  return { svg, width, height };
}

/** A polyline through `points` with its corners rounded off by quadratic curves. */
function rounded(points: Point[], radius = 8): string {
  const toward = ([x, y]: Point, [tx, ty]: Point, r: number): string => {
    const length = Math.hypot(tx - x, ty - y);
    const k = length === 0 ? 0 : Math.min(r, length / 2) / length;
    return `${x + (tx - x) * k} ${y + (ty - y) * k}`;
  };
  const [first, ...rest] = points;
  if (!first) return "";
  const parts = [`M${first[0]} ${first[1]}`];
  rest.forEach((point, i) => {
    const next = rest[i + 1];
    if (!next) return void parts.push(`L${point[0]} ${point[1]}`);
    const previous = points[i] ?? first;
    parts.push(`L${toward(point, previous, radius)} Q${point[0]} ${point[1]} ${toward(point, next, radius)}`);
  });
  return parts.join(" ");
}
