import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
// Hoisted from the carrier workspace, not a declared dependency of callcentre; used only to check well-formedness.
import { XMLValidator } from "fast-xml-parser";
import { renderFlowDiagram } from "../../src/dashboard/flow-diagram.js";
import { loadFlowFile, parseFlow } from "../../src/flows/load-flow.js";

const DEFAULT_FLOW = fileURLToPath(new URL("../../flows/default.yaml", import.meta.url));
const BUSINESS_HOURS_FLOW = fileURLToPath(new URL("../../flows/business-hours.yaml", import.meta.url));

interface DrawnEdge {
  classes: string[];
  from: string;
  to: string;
  label: string | undefined;
}

function edgesOf(svg: string): DrawnEdge[] {
  return [...svg.matchAll(/<g class="(edge[^"]*)" data-from="([^"]*)" data-to="([^"]*)">(.*?)<\/g>/g)].map((m) => ({
    classes: (m[1] ?? "").split(" "),
    from: m[2] ?? "",
    to: m[3] ?? "",
    label: /<text class="edge-label"[^>]*>([^<]*)<\/text>/.exec(m[4] ?? "")?.[1],
  }));
}

function edge(svg: string, from: string, to: string): DrawnEdge {
  const found = edgesOf(svg).filter((e) => e.from === from && e.to === to);
  assert.equal(found.length, 1, `one edge ${from} → ${to}`);
  return found[0] as DrawnEdge;
}

/** The opening tag of a node's group: its classes and position. */
function node(svg: string, id: string): { classes: string[]; x: number; y: number } {
  const m = new RegExp(`<g class="([^"]*)" data-node="${id}" transform="translate\\(([\\d.]+) ([\\d.]+)\\)">`).exec(svg);
  assert.ok(m, `node ${id} is drawn`);
  return { classes: (m[1] ?? "").split(" "), x: Number(m[2]), y: Number(m[3]) };
}

const HOSTILE = `company: 'Acme <script>alert(1)</script> & "Sons" ''Ltd'''
greeting: Hello.
start: main
nodes:
  main:
    type: menu
    prompt: Press 1.
    options:
      - { key: "1", label: '<script>&"', goto: sales }
      - { keywords: [other], label: "Other & more", goto: sales }
    onFailure: main
  sales:
    type: department
    name: "R&D <b>"
    agents: [{ name: "O'Brien <x>", number: "+61491570130" }]
    onNoAnswer: hangup
  orphan:
    type: redirect
    url: "https://example.com/twiml?a=1&b=<2>"
`;

test("the default flow: every node is drawn, with a complete svg root that is well-formed XML", () => {
  const flow = loadFlowFile(DEFAULT_FLOW);
  const { svg, width, height } = renderFlowDiagram(flow);
  for (const id of Object.keys(flow.nodes)) node(svg, id);
  assert.ok(
    svg.startsWith(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
        `role="img" aria-label="Call flow diagram"`,
    ),
  );
  assert.ok(svg.endsWith("</svg>"));
  assert.equal(XMLValidator.validate(svg), true);
  assert.doesNotMatch(svg, /<script|\son[a-z]+=|href=/i, "no scripts, handlers or external references");
  assert.equal(svg.match(/data-node="hangup"/g)?.length, 1, "one shared Hang up terminal");
});

test("the business-hours flow: the hours decision sends open calls to the start and closed calls to closed.then", () => {
  const { svg } = renderFlowDiagram(loadFlowFile(BUSINESS_HOURS_FLOW));
  assert.match(svg, /<text class="node-summary"[^>]*>Hours · Australia\/Sydney<\/text>/);
  assert.deepEqual(edge(svg, "_entry", "_hours").label, undefined);
  assert.equal(edge(svg, "_hours", "main-menu").label, "open");
  assert.equal(edge(svg, "_hours", "after-hours-voicemail").label, "closed");
  assert.equal(edgesOf(svg).filter((e) => e.from === "_entry").length, 1);
});

test("the default flow: menu options, failures and transfers are labelled edges", () => {
  const { svg } = renderFlowDiagram(loadFlowFile(DEFAULT_FLOW));
  const billing = edge(svg, "main-menu", "billing-menu");
  assert.equal(billing.label, "1 Billing");
  assert.deepEqual(billing.classes, ["edge"]);
  assert.equal(edge(svg, "main-menu", "hangup").label, "no input / invalid");
  // Billing is a line: where callers go with nobody signed in, past the maximum wait, or with the line full.
  assert.equal(edge(svg, "billing", "billing-callback-offer").label, "no agent, max wait, full");
  assert.equal(edge(svg, "billing", "billing-voicemail").label, "2 (queue menu)");
  assert.equal(edge(svg, "info", "back-to-main").label, "next");
  // Two transitions between one pair share a path.
  assert.equal(edge(svg, "billing-callback-offer", "billing-voicemail").label, "2 Voicemail, no input / invalid");
  // A voicemail's department is a reference, not somewhere the call goes.
  assert.equal(edgesOf(svg).filter((e) => e.from === "billing-voicemail").length, 0);
  assert.match(svg, /<text class="node-summary"[^>]*>Billing · 2 agents · queue<\/text>/);
  assert.match(svg, /<text class="node-summary"[^>]*>Menu · 6 options<\/text>/);
});

test("the business-hours flow: layers follow the shortest path from the incoming call; loops are back edges", () => {
  const { svg } = renderFlowDiagram(loadFlowFile(BUSINESS_HOURS_FLOW));
  const y = (id: string) => node(svg, id).y;
  assert.ok(y("_entry") < y("_hours"));
  assert.ok(y("_hours") < y("main-menu"));
  assert.equal(y("main-menu"), y("after-hours-voicemail"));
  assert.equal(y("billing-menu"), y("back-to-main"));
  assert.ok(y("billing-menu") < y("billing"));
  assert.ok(y("billing") < y("billing-callback-offer"));
  assert.ok(y("billing-callback") < y("hangup"), "the terminal sits below everything reachable");
  const redirect = edge(svg, "back-to-main", "main-menu");
  assert.deepEqual(redirect.classes, ["edge", "back"]);
  assert.equal(redirect.label, "redirect");
  assert.deepEqual(edge(svg, "info", "back-to-main").classes, ["edge", "back"], "same layer: a back edge");
  assert.ok(edgesOf(svg).every((e) => e.classes.includes("back") === (y(e.to) <= y(e.from))));
  // Nodes in a layer keep discovery order (main-menu's options in file order).
  const xs = ["billing-menu", "faults", "sales", "info", "general-voicemail", "back-to-main"].map((id) => node(svg, id).x);
  assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
});

test("text from the flow file is escaped", () => {
  const { svg } = renderFlowDiagram(parseFlow(HOSTILE));
  assert.doesNotMatch(svg, /<script|<b>|<x>|<2>/);
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, />Acme &lt;script&gt;alert\(1\)&lt;\/script&gt; …<\/text>/, "the company line, truncated");
  assert.match(svg, /&amp; &quot;Sons&quot; &apos;Ltd&apos;/, "in full in the hover title");
  assert.equal(edge(svg, "main", "sales").label, "1 &lt;script&gt;&amp;&quot;, Other &amp; more");
  assert.match(svg, /R&amp;D &lt;b&gt; · 1 agent · simultaneous/);
  assert.match(svg, /O&apos;Brien &lt;x&gt;/);
  assert.match(svg, /Redirect → https:\/\/example\.com\/twiml\?a=1&amp;b=&lt;2&gt;/);
});

test("unreachable nodes go in a last layer, marked; a loop onto itself is a back edge", () => {
  const { svg } = renderFlowDiagram(parseFlow(HOSTILE));
  const orphan = node(svg, "orphan");
  assert.deepEqual(orphan.classes, ["node", "node-redirect", "unreachable"]);
  assert.deepEqual(node(svg, "main").classes, ["node", "node-menu"]);
  assert.deepEqual(node(svg, "hangup").classes, ["node", "node-end"]);
  for (const id of ["_entry", "main", "sales", "hangup"]) assert.ok(node(svg, id).y < orphan.y, `${id} above orphan`);
  assert.equal(svg.match(/unreachable"/g)?.length, 1);
  assert.deepEqual(edge(svg, "main", "main").classes, ["edge", "back"]);
  assert.equal(edge(svg, "main", "main").label, "no input / invalid");
  // Without hours the incoming call goes straight to the start.
  assert.doesNotMatch(svg, /data-node="_hours"/);
  assert.equal(edge(svg, "_entry", "main").label, undefined);
});

test("without any edge to hangup there is no Hang up terminal", () => {
  const flow = parseFlow(`company: Acme
greeting: Hello.
start: vm
nodes:
  vm: { type: voicemail, prompt: Speak., transcribe: false }
`);
  const { svg } = renderFlowDiagram(flow);
  assert.doesNotMatch(svg, /data-node="hangup"/);
  assert.match(svg, /<text class="node-summary"[^>]*>Voicemail<\/text>/);
});

test("output is deterministic", () => {
  const first = renderFlowDiagram(loadFlowFile(DEFAULT_FLOW));
  const second = renderFlowDiagram(loadFlowFile(DEFAULT_FLOW));
  assert.deepEqual(first, second);
});

test("a queue department: its agents come from the top-level list, and its queue's targets are edges", () => {
  const flow = parseFlow(`company: Acme
greeting: Hello.
start: billing
agents:
  ava: { name: Ava <A>, phone: "+61491570110", departments: [billing] }
  ben: { name: Ben, client: ben, departments: [{ department: billing, level: overflow }] }
  cas: { name: Cas, client: cas, departments: [faults] }
nodes:
  billing:
    type: department
    name: Billing
    onCall: ava
    queue:
      whenNobody: vm
      afterMaxWait: cb
      menu:
        prompt: Press 1 or 2.
        options:
          - { key: 1, callback: true }
          - { key: 2, goto: vm }
  faults:
    type: department
    name: Faults
    queue: { whenNobody: hangup }
  vm: { type: voicemail, prompt: Speak., department: billing }
  cb: { type: callback, department: billing }
`);
  const { svg } = renderFlowDiagram(flow);
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /<text class="node-summary"[^>]*>Billing · 2 agents · queue<\/text>/);
  assert.match(svg, /<title>billing\nBilling · 2 agents · queue\nAgents: Ava &lt;A&gt; \(first-line\), Ben \(overflow\)\nOn call: Ava &lt;A&gt;<\/title>/);
  // whenFull is whenNobody's when left out: one path, both labels; the menu's goto joins them.
  assert.equal(edge(svg, "billing", "vm").label, "no agent, full, 2 (queue menu)");
  assert.equal(edge(svg, "billing", "cb").label, "max wait");
  assert.equal(edgesOf(svg).filter((e) => e.from === "billing").length, 2, "a callback option goes nowhere else in the flow");
  assert.deepEqual(node(svg, "faults").classes, ["node", "node-department", "unreachable"]);
  assert.match(svg, /<title>faults\nFaults · 1 agent · queue\nAgents: Cas \(first-line\)\nUnreachable/);
  assert.equal(edge(svg, "faults", "hangup").label, "no agent, max wait, full");
});
