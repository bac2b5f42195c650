// The flow file's schema. Parsing normalises the friendly YAML shapes (a prompt may be a string, a
// step or a list of steps) into one typed form; cross-references are checked here too, so every
// problem carries the path of the field that causes it (load-flow.ts turns paths into line numbers).
// The fields its parts share are in schema-fields.ts; a queue department's `queue` block and the
// top-level `agents` are in queue-schema.ts.
import { z } from "zod";
import { AgentConfigSchema, AgentId, Queue, type AgentConfig, type AgentLevel, type QueueSettings } from "./queue-schema.js";
import { E164, HANGUP, Key, Prompt, Seconds, Target } from "./schema-fields.js";

export { E164, HANGUP, Prompt } from "./schema-fields.js";
export type { PromptStep } from "./schema-fields.js";
export { AGENT_LEVELS } from "./queue-schema.js";
export type { AgentConfig, AgentLevel, QueueSettings, ThresholdSettings } from "./queue-schema.js";

const NodeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "node ids use lower-case letters, digits and dashes")
  .refine((id) => id !== "hangup", '"hangup" is reserved: as a target it means say goodbye and hang up');

const MenuOption = z
  .strictObject({
    key: z.union([Key, z.number().int().min(0).max(9).transform(String)]).optional(),
    keywords: z.array(z.string().trim().min(1).max(100)).default([]),
    label: z.string().min(1),
    goto: Target,
  })
  .refine((option) => option.key !== undefined || option.keywords.length > 0, {
    message: "an option needs a key, keywords, or both",
  });

const MenuNode = z.strictObject({
  type: z.literal("menu"),
  prompt: Prompt,
  options: z.array(MenuOption).min(1),
  input: z.enum(["dtmf", "speech", "dtmf speech"]).default("dtmf speech"),
  /** Seconds to wait for input after the prompt has finished. */
  timeout: Seconds.max(60).default(5),
  /** How many more times the menu is offered after no input or an invalid choice. */
  retries: z.number().int().min(0).max(10).default(2),
  noInput: Prompt.prefault("Sorry, I didn't get that."),
  invalid: Prompt.prefault("Sorry, that is not one of the options."),
  onFailure: Target.default(HANGUP),
  hints: z.array(z.string().min(1).max(100)).max(500).default([]),
  /** Speech recognition language; defaults to the flow's language. */
  language: z.string().min(2).optional(),
  speechTimeout: z.union([z.literal("auto"), Seconds]).default("auto"),
  speechModel: z.string().min(1).default("phone_call"),
});

/** An agent of a ring-group department: rung at `number`. */
const Agent = z.strictObject({ name: z.string().min(1), number: E164 });

const QUEUE_ONLY_RING =
  "a queue department offers calls to its agents one at a time; ring/onNoAnswer/onBusy belong to a ring-group department (one that lists agents)";

/**
 * A department is a ring group (it lists `agents`, whose phones are rung by a <Dial>) or a queue
 * department (it has a `queue`: callers wait in a Twilio <Enqueue> for the agents of the top-level
 * `agents` list who serve it). The fields are read as one object, so each problem keeps its path,
 * then split into the two shapes.
 */
const DepartmentNode = z
  .strictObject({
    type: z.literal("department"),
    /** The department's name as spoken and shown ("Sales"). */
    name: z.string().min(1),
    prompt: Prompt.optional(),
    agents: z.array(Agent).min(1).max(10).optional(),
    queue: Queue.optional(),
    /** simultaneous: all agents' phones ring at once; sequential: one after another. */
    ring: z.enum(["simultaneous", "sequential"]).optional(),
    /** Seconds a ring group's <Dial> rings, or one offer of a queued call rings an agent. */
    ringTimeout: Seconds.max(600).default(20),
    /** The From of the calls placed for the department. */
    callerId: E164.optional(),
    /**
     * The agent who is sent an SMS when a voicemail for this department arrives: a ring group's
     * agent by name, or a queue department's agent by id (checked with the top-level `agents`).
     */
    onCall: z.string().min(1).optional(),
    onNoAnswer: Target.optional(),
    /** Where a busy (or failed) transfer goes; defaults to onNoAnswer. */
    onBusy: Target.optional(),
  })
  .superRefine((node, ctx) => {
    if (node.queue !== undefined) {
      if (node.agents !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["agents"],
          message: "a department has `agents` (a ring group) or a `queue` (a queue department), not both; a queue department's agents are listed in the top-level `agents`",
        });
      }
      for (const field of ["ring", "onNoAnswer", "onBusy"] as const) {
        if (node[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: QUEUE_ONLY_RING });
      }
      return;
    }
    if (node.agents === undefined) {
      ctx.addIssue({ code: "custom", message: "a department needs `agents` (a ring group) or a `queue` (a queue department)" });
      return;
    }
    if (node.onNoAnswer === undefined) {
      ctx.addIssue({ code: "custom", path: ["onNoAnswer"], message: 'missing: where the call goes when no agent answers (a node id, or "hangup")' });
    }
    if (node.onCall && !node.agents.some((agent) => agent.name === node.onCall)) {
      ctx.addIssue({
        code: "custom",
        path: ["onCall"],
        message: `names no agent of this department (agents: ${node.agents.map((a) => a.name).join(", ")})`,
      });
    }
  })
  .transform((node): RingGroupDepartment | QueueDepartment => {
    const { type, name, prompt, ringTimeout, callerId, onCall } = node;
    const common = { type, name, prompt, ringTimeout, callerId, onCall };
    if (node.queue) return { ...common, queue: node.queue };
    // The refinement above has made sure of both.
    const agents = node.agents ?? [];
    const onNoAnswer = node.onNoAnswer ?? HANGUP;
    return { ...common, agents, ring: node.ring ?? "simultaneous", onNoAnswer, onBusy: node.onBusy };
  });

interface DepartmentCommon {
  type: "department";
  name: string;
  prompt?: Prompt | undefined;
  ringTimeout: number;
  callerId?: string | undefined;
  onCall?: string | undefined;
}
/** A department that rings its own list of agents' phones with a <Dial>. */
export interface RingGroupDepartment extends DepartmentCommon {
  agents: RingGroupAgent[];
  ring: "simultaneous" | "sequential";
  onNoAnswer: string;
  onBusy?: string | undefined;
  queue?: undefined;
}
/** A department whose callers wait in a queue for its agents (the top-level `agents` who serve it). */
export interface QueueDepartment extends DepartmentCommon {
  queue: QueueSettings;
  agents?: undefined;
}
export type RingGroupAgent = z.output<typeof Agent>;

export function isQueueDepartment(node: FlowNode | undefined): node is QueueDepartment {
  return node?.type === "department" && node.queue !== undefined;
}
export function isRingGroupDepartment(node: FlowNode | undefined): node is RingGroupDepartment {
  return node?.type === "department" && node.queue === undefined;
}

const VoicemailNode = z
  .strictObject({
    type: z.literal("voicemail"),
    prompt: Prompt,
    /** Department node whose on-call agent is told about new messages. */
    department: z.string().optional(),
    /** Another number to tell about new messages. */
    notify: E164.optional(),
    maxLength: z.number().int().min(2).max(14400).default(120),
    /** Seconds of silence that end the recording (0 disables). */
    silenceTimeout: z.number().int().min(0).max(600).default(5),
    finishOnKey: z.string().regex(/^[0-9*#]*$/, "keys are 0-9, * and #").default("#"),
    beep: z.boolean().default(true),
    transcribe: z.boolean().default(true),
    thanks: Prompt.prefault("Thank you. Your message has been recorded. Goodbye."),
    noMessage: Prompt.prefault("We did not receive a message. Goodbye."),
  })
  .refine((node) => !node.transcribe || node.maxLength <= 120, {
    path: ["maxLength"],
    message: "must be at most 120 seconds when transcribe is true (Twilio transcribes recordings under 120 s)",
  });

const MessageNode = z.strictObject({ type: z.literal("message"), prompt: Prompt, next: Target });

const CallbackNode = z.strictObject({
  type: z.literal("callback"),
  department: z.string().optional(),
  prompt: Prompt.prefault("Thank you. We will call you back on the number you are calling from. Goodbye."),
});

const RedirectNode = z
  .strictObject({
    type: z.literal("redirect"),
    /** A node of this flow, fetched afresh (menu retries start over)… */
    to: z.string().optional(),
    /** …or another TwiML URL, absolute or relative to this service. */
    url: z.string().min(1).optional(),
    method: z.enum(["GET", "POST"]).default("POST"),
  })
  .refine((node) => (node.to === undefined) !== (node.url === undefined), {
    message: "a redirect needs exactly one of `to` (a node) or `url`",
  })
  .refine((node) => node.to === undefined || node.method === "POST", {
    path: ["method"],
    message: "a redirect to a node of this flow is always POST",
  });

const HangupNode = z.strictObject({ type: z.literal("hangup"), prompt: Prompt.optional() });

const FlowNode = z.discriminatedUnion("type", [
  MenuNode,
  DepartmentNode,
  VoicemailNode,
  MessageNode,
  CallbackNode,
  RedirectNode,
  HangupNode,
]);
export type FlowNode = z.output<typeof FlowNode>;
export type MenuNode = z.output<typeof MenuNode>;
/** A department node: a ring group or a queue department (see `isQueueDepartment`). */
export type DepartmentNode = RingGroupDepartment | QueueDepartment;
export type VoicemailNode = z.output<typeof VoicemailNode>;

const Period = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a period is "HH:MM-HH:MM" in 24-hour time')
  .refine((period) => {
    const [start = "", end = ""] = period.split("-");
    return start < end;
  }, "a period must end after it starts")
  .transform((period) => {
    const [start = "", end = ""] = period.split("-");
    return { start, end };
  });
export type Period = z.output<typeof Period>;

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Australia/Sydney");

const Holiday = z.strictObject({
  date: z.iso.date("a date is YYYY-MM-DD"),
  name: z.string().min(1),
  /** Special hours that day; absent or empty means closed all day. */
  hours: z.array(Period).default([]),
  /** What callers hear when the holiday closes the line; defaults to hours.closed.prompt. */
  message: Prompt.optional(),
});

const Hours = z.strictObject({
  /** The zone the periods are read in; defaults to the flow's `timezone`. */
  timezone: TimeZone.optional(),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(Period)),
  holidays: z.array(Holiday).default([]),
  closed: z.strictObject({ prompt: Prompt, then: Target.default(HANGUP) }),
});

const BlockedNumber = z
  .string()
  .regex(/^\+[1-9]\d{0,14}\*?$/, 'must be an E.164 number, or a prefix ending in * such as "+1900*"');

const Blocklist = z.strictObject({
  reason: z.enum(["rejected", "busy"]).default("rejected"),
  numbers: z.array(BlockedNumber).default([]),
  /** Reject callers who withhold their number (From "anonymous", "unknown" or missing digits). */
  anonymous: z.boolean().default(false),
});

/**
 * The safe flow, for when the call centre cannot run the flow itself (its database is unreachable):
 * an apology, then the call is put through to one number that a person answers.
 */
const Fallback = z.strictObject({
  number: E164,
  prompt: Prompt.prefault("We are sorry, our systems are having trouble. Please hold while we put you through to a member of our team."),
  ringTimeout: Seconds.max(600).default(30),
  callerId: E164.optional(),
  /** Said when the number does not answer (or is busy), before the call ends. */
  unanswered: Prompt.prefault("Sorry, nobody could take your call right now. Please call again later. Goodbye."),
});

/** Calls placed back to customers from the dashboard ("Call back"). */
const Callback = z.strictObject({
  /** Said first when the customer answers, so that they know who is calling. */
  greeting: Prompt.prefault("This is {company} returning your call."),
  /** Where a call-back goes when its voicemail or request names no department; defaults to `start`. */
  then: z.string().optional(),
});

export const FlowSchema = z
  .strictObject({
    company: z.string().min(1),
    /** The centre's time zone: the dashboard's times and days, and the default zone of `hours`. */
    timezone: TimeZone.optional(),
    voice: z.string().min(1).default("Polly.Joanna"),
    language: z.string().min(2).default("en-US"),
    greeting: Prompt,
    goodbye: Prompt.prefault("Thank you for calling. Goodbye."),
    start: Target,
    hours: Hours.optional(),
    blocklist: Blocklist.prefault({}),
    fallback: Fallback.optional(),
    callback: Callback.prefault({}),
    // Without a prototype: a name looked up from a URL ("constructor", "__proto__") is not a node.
    nodes: z.record(NodeId, FlowNode).transform((nodes) => Object.assign(Object.create(null) as typeof nodes, nodes)),
    /** The agents of the queue departments, by id; without a prototype, as `nodes`. */
    agents: z
      .record(AgentId, AgentConfigSchema)
      .default({})
      .transform((agents) => {
        const byId = Object.create(null) as Record<string, AgentConfig>;
        for (const [id, agent] of Object.entries(agents)) byId[id] = { id, ...agent };
        return byId;
      }),
  })
  .superRefine((flow, ctx) => {
    const ids = Object.keys(flow.nodes);
    const known = (id: string, path: (string | number)[], allowHangup = true) => {
      if ((allowHangup && id === HANGUP) || Object.hasOwn(flow.nodes, id)) return;
      ctx.addIssue({
        code: "custom",
        path,
        message: `unknown node "${id}"; known nodes: ${ids.join(", ")}${allowHangup ? `, or "${HANGUP}"` : ""}`,
      });
    };
    known(flow.start, ["start"], false);
    if (flow.callback.then !== undefined) known(flow.callback.then, ["callback", "then"], false);
    if (flow.hours) {
      if (!flow.hours.timezone && !flow.timezone) {
        ctx.addIssue({ code: "custom", path: ["hours", "timezone"], message: "missing: the zone of these hours, here or as the flow's timezone (e.g. Australia/Sydney)" });
      }
      known(flow.hours.closed.then, ["hours", "closed", "then"]);
      const dates = new Set<string>();
      flow.hours.holidays.forEach((holiday, i) => {
        if (dates.has(holiday.date)) {
          ctx.addIssue({ code: "custom", path: ["hours", "holidays", i, "date"], message: `${holiday.date} is listed twice` });
        }
        dates.add(holiday.date);
      });
    }
    // This refinement runs even when parts of the flow have problems of their own; a part with
    // problems has not been transformed into its parsed shape, so the checks below leave it alone.
    const sound = (...path: (string | number)[]) =>
      !ctx.issues.some((issue) => {
        const at = issue.path ?? [];
        return at.length > 0 && (at.length < path.length ? at : path).every((part, i) => at[i] === part && path[i] === part);
      });
    // The agents that parsed, by the key: the id is added by a transform, which runs only when all of them parse.
    const agents = Object.entries((flow.agents as unknown) ?? {}).flatMap(([id, agent]) => (sound("agents", id) ? [{ ...(agent as AgentConfig), id }] : []));
    checkAgents(agents, flow.nodes, sound, ctx);
    for (const [id, node] of Object.entries(flow.nodes)) {
      const at = (...rest: (string | number)[]) => ["nodes", id, ...rest];
      switch (node.type) {
        case "menu": {
          node.options.forEach((option, i) => known(option.goto, at("options", i, "goto")));
          known(node.onFailure, at("onFailure"));
          const seen = new Map<string, number>();
          node.options.forEach((option, i) => {
            if (option.key === undefined) return;
            if (seen.has(option.key)) {
              ctx.addIssue({ code: "custom", path: at("options", i, "key"), message: `key ${option.key} is used twice` });
            }
            seen.set(option.key, i);
          });
          if (node.input === "dtmf" && node.options.some((option) => option.key === undefined)) {
            ctx.addIssue({ code: "custom", path: at("input"), message: "every option needs a key when input is dtmf" });
          }
          break;
        }
        case "department":
          if (!sound("nodes", id)) break;
          if (node.queue) {
            checkQueueDepartment(id, node, agents, sound, ctx, known);
          } else {
            known(node.onNoAnswer, at("onNoAnswer"));
            if (node.onBusy) known(node.onBusy, at("onBusy"));
          }
          break;
        case "voicemail":
          if (node.department && flow.nodes[node.department]?.type !== "department") {
            ctx.addIssue({ code: "custom", path: at("department"), message: `"${node.department}" is not a department node` });
          }
          break;
        case "callback":
          if (node.department && flow.nodes[node.department]?.type !== "department") {
            ctx.addIssue({ code: "custom", path: at("department"), message: `"${node.department}" is not a department node` });
          }
          break;
        case "message":
          known(node.next, at("next"));
          break;
        case "redirect":
          if (node.to !== undefined) known(node.to, at("to"), false);
          break;
      }
    }
  })
  // One zone for the centre: the flow's, else that of its hours, else UTC; hours without a zone of
  // their own are read in the flow's.
  .transform((flow) => {
    const timezone = flow.timezone ?? flow.hours?.timezone ?? "UTC";
    return { ...flow, timezone, hours: flow.hours ? { ...flow.hours, timezone: flow.hours.timezone ?? timezone } : undefined };
  });

type Known = (id: string, path: (string | number)[]) => void;
/** Whether the part of the flow at `path` parsed without problems (and so has its parsed shape). */
type Sound = (...path: (string | number)[]) => boolean;

/** A queue department's targets, and its on-call agent: one of the top-level agents who serves it and has a phone. */
function checkQueueDepartment(
  id: string,
  node: QueueDepartment,
  agents: AgentConfig[],
  sound: Sound,
  ctx: z.RefinementCtx,
  known: Known,
) {
  const at = (...rest: (string | number)[]) => ["nodes", id, ...rest];
  const { queue } = node;
  known(queue.whenNobody, at("queue", "whenNobody"));
  // A target left out is whenNobody's, already checked.
  if (queue.afterMaxWait !== queue.whenNobody) known(queue.afterMaxWait, at("queue", "afterMaxWait"));
  if (queue.whenFull !== queue.whenNobody) known(queue.whenFull, at("queue", "whenFull"));
  queue.menu?.options.forEach((option, i) => {
    if (option.goto !== undefined) known(option.goto, at("queue", "menu", "options", i, "goto"));
  });
  if (node.onCall === undefined || !sound("agents", node.onCall)) return;
  const serving = agents.filter((agent) => agent.phone && agent.departments.some((d) => d.department === id));
  if (!serving.some((agent) => agent.id === node.onCall)) {
    ctx.addIssue({
      code: "custom",
      path: at("onCall"),
      message:
        `names no agent who serves this department and has a phone` +
        ` (${serving.length ? `such agents: ${serving.map((a) => a.id).join(", ")}` : "there are none in the top-level agents"})`,
    });
  }
}

/** Each agent serves queue departments, each once; no two agents share a phone or a client identity. */
function checkAgents(agents: AgentConfig[], nodes: Record<string, FlowNode>, sound: Sound, ctx: z.RefinementCtx) {
  const queues = Object.keys(nodes).filter((id) => isQueueDepartment(nodes[id]));
  const phones = new Map<string, string>();
  const clients = new Map<string, string>();
  for (const agent of agents) {
    const at = (...rest: (string | number)[]) => ["agents", agent.id, ...rest];
    const listed = new Set<string>();
    agent.departments.forEach(({ department }, i) => {
      // A department node with problems of its own may or may not be meant as a queue department.
      if (Object.hasOwn(nodes, department) && !sound("nodes", department)) return;
      if (!isQueueDepartment(nodes[department])) {
        ctx.addIssue({
          code: "custom",
          path: at("departments", i),
          message: `"${department}" is not a queue department (a department node with a queue); ${queues.length ? `queue departments: ${queues.join(", ")}` : "this flow has none"}`,
        });
      } else if (listed.has(department)) {
        ctx.addIssue({ code: "custom", path: at("departments", i), message: `"${department}" is listed twice` });
      }
      listed.add(department);
    });
    for (const [field, seen] of [["phone", phones], ["client", clients]] as const) {
      const value = agent[field];
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first !== undefined) {
        const what = field === "phone" ? "a phone" : "a client identity";
        ctx.addIssue({ code: "custom", path: at(field), message: `agent ${first} has ${value} too; two agents may not share ${what}` });
      }
      else seen.set(value, agent.id);
    }
  }
}

export type Flow = z.output<typeof FlowSchema>;
/** The top-level agents who serve queue department `department`, in file order, with their level there. */
export function agentsServing(flow: Pick<Flow, "agents">, department: string): { agent: AgentConfig; level: AgentLevel }[] {
  return Object.values(flow.agents).flatMap((agent) =>
    agent.departments.filter((d) => d.department === department).map((d) => ({ agent, level: d.level })),
  );
}

/** Business hours, with their zone settled. */
export type Hours = NonNullable<Flow["hours"]>;
