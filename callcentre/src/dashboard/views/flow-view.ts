// Flow: the loaded flow drawn as a diagram, with business hours and departments, and the problems
// of the flow file on disk if it has been edited into an invalid state since start.
import { html, raw, type Html } from "../html.js";
import type { Flow } from "../../flows/flow-schema.js";
import { agentsServing, WEEKDAYS } from "../../flows/flow-schema.js";
import type { FlowFileState } from "../dashboard-service.js";
import { renderFlowDiagram } from "../flow-diagram.js";
import { nodeName } from "../labels.js";
import { page, type PageContext } from "./layout.js";


export function flowPage(ctx: PageContext, flow: Flow, state: FlowFileState): Html {
  const diagram = renderFlowDiagram(flow);
  const departments = Object.entries(flow.nodes).flatMap(([id, node]) => (node.type === "department" ? [{ id, node }] : []));
  return page(ctx, {
    title: "Flow",
    active: "/flow",
    body: html`<p class="hint"><code>${state.file}</code></p>
${
  state.problems.length > 0
    ? html`<section class="notice error" role="alert"><p>The flow file on disk is not valid. The call centre keeps running the flow it loaded at start (drawn below) until the file is fixed and the service restarted.</p>
<ul class="problems">${state.problems.map((p) => html`<li><code>${p}</code></li>`)}</ul></section>`
    : state.changed
      ? html`<p class="notice">The flow file has changed since start and is valid: restart the service to load it.</p>`
      : ""
}
<div class="diagram scroll">${raw(diagram.svg)}</div>
${
  flow.hours
    ? html`<h2>Hours <small>${flow.hours.timezone}</small></h2>
<div class="scroll"><table><tbody>${WEEKDAYS.map((day) => {
        const periods = flow.hours?.weekly[day] ?? [];
        return html`<tr><th>${day.charAt(0).toUpperCase()}${day.slice(1)}</th><td>${periods.length === 0 ? "closed" : periods.map((p) => `${p.start}–${p.end}`).join(", ")}</td></tr>`;
      })}</tbody></table></div>
${flow.hours.holidays.length > 0 ? html`<h3>Holidays</h3><ul class="plain">${flow.hours.holidays.map((h) => html`<li>${h.date} · ${h.name} · ${h.hours.length === 0 ? "closed" : h.hours.map((p) => `${p.start}–${p.end}`).join(", ")}</li>`)}</ul>` : ""}`
    : html`<p>No business hours: the line is always open.</p>`
}
<h2>Departments</h2>
<div class="scroll"><table><thead><tr><th>Department</th><th>Agents</th><th>Ringing</th><th>No answer</th></tr></thead><tbody>
${departments.map(({ id, node }) => {
  const target = (to: string) => (to === "hangup" ? "goodbye, hang up" : nodeName(flow, to));
  return node.queue
    ? html`<tr><td>${node.name} <code>${id}</code></td><td>${agentsServing(flow, id).map(({ agent, level }) => `${agent.name} (${level})`).join(", ")}</td>
<td>queue, one agent at a time, ${node.ringTimeout} s</td><td>nobody signed in: ${target(node.queue.whenNobody)}</td></tr>`
    : html`<tr><td>${node.name} <code>${id}</code></td><td>${node.agents.map((a) => `${a.name} ${a.number}`).join(", ")}</td>
<td>${node.ring}, ${node.ringTimeout} s</td><td>${target(node.onNoAnswer)}</td></tr>`;
})}
</tbody></table></div>`,
  });
}
