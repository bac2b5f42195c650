import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFlow } from "../../src/flows/load-flow.js";
import { problems, editOnce } from "./flow-problems.js";
import { agentsServing, isQueueDepartment, isRingGroupDepartment } from "../../src/flows/flow-schema.js";

// A flow with two queue departments, their agents, and a ring-group department beside them.
// Line numbers matter: the tests below expect problems at exact positions of this text.
const ACD = `company: Acme
greeting: Hello.
start: main
agents:
  ava:
    name: Ava Nguyen
    phone: "+61491570110"
    client: ava
    departments:
      - billing
      - { department: faults, level: overflow }
  ben:
    name: Ben Ito
    client: ben.ito
    departments: [faults]
nodes:
  main:
    type: menu
    prompt: Press 1 for billing, 2 for faults, 3 for sales.
    options:
      - { key: "1", label: Billing, goto: billing }
      - { key: "2", label: Faults, goto: faults }
      - { key: "3", label: Sales, goto: sales }
  billing:
    type: department
    name: Billing
    prompt: Please hold while we connect you to the billing team.
    ringTimeout: 15
    callerId: "+61255501234"
    onCall: ava
    queue:
      holdMusic: https://cdn.example.com/hold.mp3
      announceEvery: 45
      announceWait: false
      maxWait: 600
      maxSize: 10
      whenNobody: billing-voicemail
      afterMaxWait: billing-callback
      whenFull: hangup
      wrapUp: 0
      maxNoAnswer: 2
      callback: { attempts: 5, retryAfter: 300 }
      menu:
        prompt: To keep your place in line and have us call you back, press 1. To leave a message, press 2.
        options:
          - { key: 1, callback: true }
          - { key: "2", goto: billing-voicemail }
      record:
        notice: This call will be recorded for quality and training.
      survey:
        comment: true
  faults:
    type: department
    name: Faults
    queue:
      whenNobody: billing-voicemail
  sales:
    type: department
    name: Sales
    agents: [{ name: Sam, number: "+61491570120" }]
    onCall: Sam
    onNoAnswer: billing-voicemail
  billing-voicemail:
    type: voicemail
    department: billing
    prompt: Please leave a message.
  billing-callback:
    type: callback
    department: billing
`;


const edit = (from: string, to: string): string => editOnce(ACD, from, to);

test("agents parse by id, without a prototype, with their departments' levels filled in", () => {
  const flow = parseFlow(ACD);
  assert.equal(Object.getPrototypeOf(flow.agents), null);
  assert.deepEqual({ ...flow.agents }, {
    ava: {
      id: "ava",
      name: "Ava Nguyen",
      phone: "+61491570110",
      client: "ava",
      departments: [
        { department: "billing", level: "first-line" },
        { department: "faults", level: "overflow" },
      ],
    },
    ben: { id: "ben", name: "Ben Ito", client: "ben.ito", departments: [{ department: "faults", level: "first-line" }] },
  });
  assert.deepEqual(
    agentsServing(flow, "faults").map(({ agent, level }) => [agent.id, level]),
    [["ava", "overflow"], ["ben", "first-line"]],
  );
  const withoutAgents = parseFlow(`company: Acme\ngreeting: Hello.\nstart: bye\nnodes:\n  bye: { type: hangup }\n`);
  assert.deepEqual({ ...withoutAgents.agents }, {});
  assert.equal(Object.getPrototypeOf(withoutAgents.agents), null);
});

test("a queue department keeps every setting given, and normalises its prompts and menu keys", () => {
  const billing = parseFlow(ACD).nodes.billing;
  assert.ok(isQueueDepartment(billing));
  assert.ok(!isRingGroupDepartment(billing));
  assert.deepEqual(billing, {
    type: "department",
    name: "Billing",
    prompt: [{ kind: "say", say: "Please hold while we connect you to the billing team." }],
    ringTimeout: 15,
    callerId: "+61255501234",
    onCall: "ava",
    queue: {
      holdMusic: "https://cdn.example.com/hold.mp3",
      announceEvery: 45,
      announceWait: false,
      maxWait: 600,
      maxSize: 10,
      whenNobody: "billing-voicemail",
      afterMaxWait: "billing-callback",
      whenFull: "hangup",
      wrapUp: 0,
      maxNoAnswer: 2,
      callback: { attempts: 5, retryAfter: 300 },
      menu: {
        prompt: [{ kind: "say", say: "To keep your place in line and have us call you back, press 1. To leave a message, press 2." }],
        options: [
          { key: "1", callback: true },
          { key: "2", goto: "billing-voicemail" },
        ],
      },
      record: { notice: [{ kind: "say", say: "This call will be recorded for quality and training." }] },
      survey: {
        prompt: [{ kind: "say", say: "Before you go, how did we do? Press 1 to 5, where 5 is excellent." }],
        comment: true,
        commentPrompt: [{ kind: "say", say: "After the tone, tell us in a few words how we did." }],
        thanks: [{ kind: "say", say: "Thank you for your feedback. Goodbye." }],
      },
    },
  });
});

test("a queue department with only whenNobody gets every default, and its other targets are whenNobody's", () => {
  const faults = parseFlow(ACD).nodes.faults;
  assert.ok(isQueueDepartment(faults));
  assert.deepEqual(faults, {
    type: "department",
    name: "Faults",
    prompt: undefined,
    ringTimeout: 20,
    callerId: undefined,
    onCall: undefined,
    queue: {
      holdMusic: "/audio/hold-music.wav",
      announceEvery: 30,
      announceWait: true,
      maxWait: 900,
      maxSize: 50,
      whenNobody: "billing-voicemail",
      afterMaxWait: "billing-voicemail",
      whenFull: "billing-voicemail",
      wrapUp: 30,
      maxNoAnswer: 3,
      callback: { attempts: 3, retryAfter: 120 },
    },
  });
});

test("a ring-group department parses as before, beside queue departments", () => {
  const sales = parseFlow(ACD).nodes.sales;
  assert.ok(isRingGroupDepartment(sales));
  assert.ok(!isQueueDepartment(sales));
  assert.deepEqual(sales, {
    type: "department",
    name: "Sales",
    prompt: undefined,
    ringTimeout: 20,
    callerId: undefined,
    onCall: "Sam",
    agents: [{ name: "Sam", number: "+61491570120" }],
    ring: "simultaneous",
    onNoAnswer: "billing-voicemail",
    onBusy: undefined,
  });
});

// [what is wrong, the flow, the problems expected]. Positions are line:column in that flow.
const REJECTED: [string, string, string | string[]][] = [
  [
    "an agent with neither phone nor client",
    edit("    client: ben.ito\n", ""),
    "flow.yaml:13:5: agents.ben: an agent needs a phone, a client identity, or both",
  ],
  [
    "an agent id that is not lower-case",
    edit("  ben:\n", "  Ben:\n"),
    "flow.yaml:13:5: agents.Ben: agent ids use lower-case letters, digits and dashes",
  ],
  [
    "a client identity written with its prefix",
    edit("client: ben.ito", "client: client:ben"),
    'flow.yaml:14:13: agents.ben.client: a client identity is 1 to 64 letters, digits, "_", "." or "-", written without the "client:" prefix',
  ],
  [
    "a phone that is not E.164",
    edit('phone: "+61491570110"', 'phone: "0491570110"'),
    "flow.yaml:7:12: agents.ava.phone: must be an E.164 phone number such as +61291234567",
  ],
  [
    "an agent without departments",
    edit("departments: [faults]", "departments: []"),
    "flow.yaml:15:18: agents.ben.departments: Too small: expected array to have >=1 items",
  ],
  [
    "a department that is a ring group",
    edit("departments: [faults]", "departments: [faults, sales]"),
    'flow.yaml:15:27: agents.ben.departments[1]: "sales" is not a queue department (a department node with a queue); queue departments: billing, faults',
  ],
  [
    "a department that does not exist",
    edit("- { department: faults, level: overflow }", "- { department: fault, level: overflow }"),
    'flow.yaml:11:9: agents.ava.departments[1]: "fault" is not a queue department (a department node with a queue); queue departments: billing, faults',
  ],
  [
    "a department listed twice",
    edit("level: overflow }", "level: overflow }\n      - faults"),
    'flow.yaml:12:9: agents.ava.departments[2]: "faults" is listed twice',
  ],
  [
    "a level that does not exist",
    edit("level: overflow", "level: backup"),
    'flow.yaml:11:38: agents.ava.departments[1].level: Invalid option: expected one of "first-line"|"overflow"',
  ],
  [
    "two agents with one phone",
    edit("    client: ben.ito\n", '    phone: "+61491570110"\n'),
    "flow.yaml:14:12: agents.ben.phone: agent ava has +61491570110 too; two agents may not share a phone",
  ],
  [
    "two agents with one client identity",
    edit("client: ben.ito", "client: ava"),
    "flow.yaml:14:13: agents.ben.client: agent ava has ava too; two agents may not share a client identity",
  ],
  [
    "a department with neither agents nor a queue",
    edit("    queue:\n      whenNobody: billing-voicemail\n", ""),
    "flow.yaml:53:5: nodes.faults: a department needs `agents` (a ring group) or a `queue` (a queue department)",
  ],
  [
    "a department with both agents and a queue",
    edit("    name: Faults\n", '    name: Faults\n    agents: [{ name: Zoe, number: "+61491570199" }]\n'),
    "flow.yaml:55:13: nodes.faults.agents: a department has `agents` (a ring group) or a `queue` (a queue department), not both; a queue department's agents are listed in the top-level `agents`",
  ],
  [
    "ring on a queue department",
    edit("    name: Faults\n", "    name: Faults\n    ring: sequential\n"),
    "flow.yaml:55:11: nodes.faults.ring: a queue department offers calls to its agents one at a time; ring/onNoAnswer/onBusy belong to a ring-group department (one that lists agents)",
  ],
  [
    "onNoAnswer on a queue department",
    edit("    name: Faults\n", "    name: Faults\n    onNoAnswer: hangup\n"),
    "flow.yaml:55:17: nodes.faults.onNoAnswer: a queue department offers calls to its agents one at a time; ring/onNoAnswer/onBusy belong to a ring-group department (one that lists agents)",
  ],
  [
    "onBusy on a queue department",
    edit("    name: Faults\n", "    name: Faults\n    onBusy: hangup\n"),
    "flow.yaml:55:13: nodes.faults.onBusy: a queue department offers calls to its agents one at a time; ring/onNoAnswer/onBusy belong to a ring-group department (one that lists agents)",
  ],
  [
    "a ring group without onNoAnswer",
    edit("    onNoAnswer: billing-voicemail\n", ""),
    'flow.yaml:58:5: nodes.sales.onNoAnswer: missing: where the call goes when no agent answers (a node id, or "hangup")',
  ],
  [
    "a queue without whenNobody",
    edit("      whenNobody: billing-voicemail\n      afterMaxWait", "      afterMaxWait"),
    "flow.yaml:32:7: nodes.billing.queue.whenNobody: Invalid input: expected string, received undefined",
  ],
  [
    "an unknown whenNobody",
    edit("      whenNobody: billing-voicemail\n  sales", "      whenNobody: voicemail\n  sales"),
    'flow.yaml:56:19: nodes.faults.queue.whenNobody: unknown node "voicemail"; known nodes: main, billing, faults, sales, billing-voicemail, billing-callback, or "hangup"',
  ],
  [
    "an unknown afterMaxWait",
    edit("afterMaxWait: billing-callback", "afterMaxWait: call-back"),
    'flow.yaml:38:21: nodes.billing.queue.afterMaxWait: unknown node "call-back"; known nodes: main, billing, faults, sales, billing-voicemail, billing-callback, or "hangup"',
  ],
  [
    "an unknown whenFull",
    edit("whenFull: hangup", "whenFull: full"),
    'flow.yaml:39:17: nodes.billing.queue.whenFull: unknown node "full"; known nodes: main, billing, faults, sales, billing-voicemail, billing-callback, or "hangup"',
  ],
  [
    "an unknown field in a queue",
    edit("      wrapUp: 0\n", "      wrapUp: 0\n      colour: blue\n"),
    'flow.yaml:32:7: nodes.billing.queue: Unrecognized key: "colour"',
  ],
  [
    "an announcement interval out of range",
    edit("announceEvery: 45", "announceEvery: 5"),
    "flow.yaml:33:22: nodes.billing.queue.announceEvery: Too small: expected number to be >=10",
  ],
  [
    "a maxWait out of range",
    edit("maxWait: 600", "maxWait: 100000"),
    "flow.yaml:35:16: nodes.billing.queue.maxWait: Too big: expected number to be <=86400",
  ],
  [
    "a maxSize of zero",
    edit("maxSize: 10", "maxSize: 0"),
    "flow.yaml:36:16: nodes.billing.queue.maxSize: Too small: expected number to be >=1",
  ],
  [
    "a wrap-up that is not whole seconds",
    edit("wrapUp: 0", "wrapUp: 2.5"),
    "flow.yaml:40:15: nodes.billing.queue.wrapUp: Invalid input: expected int, received number",
  ],
  [
    "a maxNoAnswer out of range",
    edit("maxNoAnswer: 2", "maxNoAnswer: 21"),
    "flow.yaml:41:20: nodes.billing.queue.maxNoAnswer: Too big: expected number to be <=20",
  ],
  [
    "callback attempts out of range",
    edit("attempts: 5", "attempts: 11"),
    "flow.yaml:42:29: nodes.billing.queue.callback.attempts: Too big: expected number to be <=10",
  ],
  [
    "a callback retry too soon",
    edit("retryAfter: 300", "retryAfter: 10"),
    "flow.yaml:42:44: nodes.billing.queue.callback.retryAfter: Too small: expected number to be >=30",
  ],
  [
    "hold music that is neither a path nor a URL",
    edit("holdMusic: https://cdn.example.com/hold.mp3", "holdMusic: hold.mp3"),
    'flow.yaml:32:18: nodes.billing.queue.holdMusic: must be a path served by the centre such as "/audio/hold-music.wav", or an absolute http(s) URL',
  ],
  [
    "a menu option with both callback and goto",
    edit("{ key: 1, callback: true }", "{ key: 1, callback: true, goto: hangup }"),
    "flow.yaml:46:13: nodes.billing.queue.menu.options[0]: an option needs exactly one of `callback: true` or `goto`",
  ],
  [
    "a menu option with neither callback nor goto",
    edit("{ key: 1, callback: true }", "{ key: 1 }"),
    "flow.yaml:46:13: nodes.billing.queue.menu.options[0]: an option needs exactly one of `callback: true` or `goto`",
  ],
  [
    "a menu option with callback: false",
    edit("{ key: 1, callback: true }", "{ key: 1, callback: false }"),
    "flow.yaml:46:33: nodes.billing.queue.menu.options[0].callback: Invalid input: expected true",
  ],
  [
    "a menu key used twice",
    edit('{ key: "2", goto: billing-voicemail }', '{ key: "1", goto: billing-voicemail }'),
    "flow.yaml:47:20: nodes.billing.queue.menu.options[1].key: key 1 is used twice",
  ],
  [
    "two callback options",
    edit('{ key: "2", goto: billing-voicemail }', '{ key: "2", callback: true }'),
    "flow.yaml:47:35: nodes.billing.queue.menu.options[1].callback: only one option may ask for a callback",
  ],
  [
    "a menu key that is not a key",
    edit('{ key: "2", goto: billing-voicemail }', '{ key: "22", goto: billing-voicemail }'),
    "flow.yaml:47:20: nodes.billing.queue.menu.options[1].key: a key is one of 0-9, * or #",
  ],
  [
    "a menu option going nowhere",
    edit('{ key: "2", goto: billing-voicemail }', '{ key: "2", goto: voicemail }'),
    'flow.yaml:47:31: nodes.billing.queue.menu.options[1].goto: unknown node "voicemail"; known nodes: main, billing, faults, sales, billing-voicemail, billing-callback, or "hangup"',
  ],
  [
    "a menu without options",
    edit("          - { key: 1, callback: true }\n          - { key: \"2\", goto: billing-voicemail }\n", "          []\n"),
    "flow.yaml:46:11: nodes.billing.queue.menu.options: Too small: expected array to have >=1 items",
  ],
  [
    "a record block without its notice",
    edit("        notice: This call will be recorded for quality and training.\n", "        {}\n"),
    'flow.yaml:49:9: nodes.billing.queue.record.notice[0]: a prompt step is a string, or one of { say: … }, { play: … }, { pause: … }',
  ],
  [
    "an unknown field in a survey",
    edit("        comment: true\n", "        comment: true\n        stars: 5\n"),
    'flow.yaml:51:9: nodes.billing.queue.survey: Unrecognized key: "stars"',
  ],
  [
    "a queue department's on-call agent who does not serve it",
    edit("onCall: ava", "onCall: ben").replace("client: ben.ito", 'phone: "+61491570111"'),
    "flow.yaml:30:13: nodes.billing.onCall: names no agent who serves this department and has a phone (such agents: ava)",
  ],
  [
    "a queue department's on-call agent without a phone",
    edit("    name: Faults\n", "    name: Faults\n    onCall: ben\n"),
    "flow.yaml:55:13: nodes.faults.onCall: names no agent who serves this department and has a phone (such agents: ava)",
  ],
  [
    "on-call agents when no agent has a phone",
    edit("    name: Faults\n", "    name: Faults\n    onCall: ben\n").replace('    phone: "+61491570110"\n', ""),
    [
      "flow.yaml:29:13: nodes.billing.onCall: names no agent who serves this department and has a phone (there are none in the top-level agents)",
      "flow.yaml:54:13: nodes.faults.onCall: names no agent who serves this department and has a phone (there are none in the top-level agents)",
    ],
  ],
  [
    "a queue department's on-call agent named instead of given by id",
    edit("onCall: ava", "onCall: Ava Nguyen"),
    "flow.yaml:30:13: nodes.billing.onCall: names no agent who serves this department and has a phone (such agents: ava)",
  ],
];

for (const [what, yaml, expected] of REJECTED) {
  test(`rejected: ${what}`, () => {
    assert.deepEqual(problems(yaml), typeof expected === "string" ? [expected] : expected);
  });
}
