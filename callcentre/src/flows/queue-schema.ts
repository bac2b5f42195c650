// The flow file's queue departments and their agents: a department's `queue` block, and the
// top-level `agents`. Checks that need the rest of the flow (which departments exist, who is on
// call) are made with the flow's in flow-schema.ts.
import { z } from "zod";
import { E164, Key, Prompt, Target } from "./schema-fields.js";

/** A path served by the centre ("/audio/hold-music.wav") or an absolute http(s) URL. */
const AudioUrl = z
  .string()
  .regex(/^(\/|https?:\/\/)\S+$/, 'must be a path served by the centre such as "/audio/hold-music.wav", or an absolute http(s) URL');

/** An option of the menu a queued caller is offered while waiting: `callback: true` or `goto`. */
const QueueMenuOption = z
  .strictObject({
    key: z.union([Key, z.number().int().min(0).max(9).transform(String)]),
    /** Call the caller back, keeping their place in the queue. */
    callback: z.literal(true).optional(),
    goto: Target.optional(),
  })
  .refine((option) => (option.callback === undefined) !== (option.goto === undefined), {
    message: "an option needs exactly one of `callback: true` or `goto`",
  });

const QueueMenu = z
  .strictObject({ prompt: Prompt, options: z.array(QueueMenuOption).min(1) })
  .superRefine((menu, ctx) => {
    const keys = new Set<string>();
    let callback = false;
    menu.options.forEach((option, i) => {
      if (keys.has(option.key)) ctx.addIssue({ code: "custom", path: ["options", i, "key"], message: `key ${option.key} is used twice` });
      keys.add(option.key);
      if (option.callback && callback) {
        ctx.addIssue({ code: "custom", path: ["options", i, "callback"], message: "only one option may ask for a callback" });
      }
      callback ||= option.callback === true;
    });
  });

/** Whether a breached threshold also sends an SMS alert to the accounts on duty (docs/wallboard.md). */
export const ALERT_CHANNELS = ["sms", "none"] as const;

/**
 * The wallboard's limits for a queue department (docs/wallboard.md): a figure past one turns its tile
 * red (amber when close), and, with `alert: sms`, starts a breach that texts the accounts on duty once.
 */
export const Thresholds = z
  .strictObject({
    /** Percent: a service level below this (the last 30 minutes, and today) is a breach. */
    serviceLevelBelow: z.number().gt(0).max(100).optional(),
    /** Seconds: a caller on the phone in the line waiting longer than this. */
    longestWaitOver: z.number().int().min(1).max(86400).optional(),
    /** Callers on the phone in the line: more than this many. */
    waitingOver: z.number().int().min(0).max(1000).optional(),
    /** Percent: today's abandonment rate above this. */
    abandonmentOver: z.number().min(0).lt(100).optional(),
    alert: z.enum(ALERT_CHANNELS).default("none"),
  })
  .refine((t) => [t.serviceLevelBelow, t.longestWaitOver, t.waitingOver, t.abandonmentOver].some((limit) => limit !== undefined), {
    message: "thresholds need at least one of serviceLevelBelow, longestWaitOver, waitingOver or abandonmentOver",
  });
export type ThresholdSettings = z.output<typeof Thresholds>;

/** How a queue department holds its callers and treats its agents (a department's `queue` block). */
export const Queue = z
  .strictObject({
    holdMusic: AudioUrl.default("/audio/hold-music.wav"),
    /** Seconds between announcements of the caller's position. */
    announceEvery: z.number().int().min(10).max(600).default(30),
    /** Also say the estimated wait, when there is enough history to estimate it. */
    announceWait: z.boolean().default(true),
    /** Seconds a caller may wait before going to `afterMaxWait`. */
    maxWait: z.number().int().min(30).max(86400).default(900),
    /** Callers waiting (callbacks holding a place included) before newcomers go to `whenFull`. */
    maxSize: z.number().int().min(1).max(1000).default(50),
    /** Where callers go when no agent of the department is signed in. */
    whenNobody: Target,
    /** Where a caller goes after `maxWait`; defaults to `whenNobody`. */
    afterMaxWait: Target.optional(),
    /** Where a newcomer goes when `maxSize` callers are waiting; defaults to `whenNobody`. */
    whenFull: Target.optional(),
    /** Seconds of after-call work before an agent is offered calls again; 0: until the agent says ready. */
    wrapUp: z.number().int().min(0).max(3600).default(30),
    /** Offers missed in a row before the agent is put on break ("missed"). */
    maxNoAnswer: z.number().int().min(1).max(20).default(3),
    /** Calls back that keep the caller's place. */
    callback: z
      .strictObject({
        /** Calls to the customer before the request fails. */
        attempts: z.number().int().min(1).max(10).default(3),
        /** Seconds between attempts. */
        retryAfter: z.number().int().min(30).max(86400).default(120),
      })
      .prefault({}),
    /** A menu offered to waiting callers (a <Gather> in the queue's waitUrl). */
    menu: QueueMenu.optional(),
    /** Record the conversation with the agent, after this notice to the caller. */
    record: z.strictObject({ notice: Prompt }).optional(),
    /** The wallboard's limits for this line, and whether a breach texts the accounts on duty. */
    thresholds: Thresholds.optional(),
    /** A survey for the caller when the agent hangs up first. */
    survey: z
      .strictObject({
        prompt: Prompt.prefault("Before you go, how did we do? Press 1 to 5, where 5 is excellent."),
        /** Also record a short spoken comment after the score. */
        comment: z.boolean().default(false),
        commentPrompt: Prompt.prefault("After the tone, tell us in a few words how we did."),
        thanks: Prompt.prefault("Thank you for your feedback. Goodbye."),
      })
      .optional(),
  })
  .transform((queue) => ({
    ...queue,
    afterMaxWait: queue.afterMaxWait ?? queue.whenNobody,
    whenFull: queue.whenFull ?? queue.whenNobody,
  }));
/** A queue department's `queue` block, parsed: defaults applied, `afterMaxWait` and `whenFull` settled. */
export type QueueSettings = z.output<typeof Queue>;

/** An agent id: the key in the top-level `agents`, and the name the agent signs in to the desk with. */
export const AgentId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "agent ids use lower-case letters, digits and dashes");

export const AGENT_LEVELS = ["first-line", "overflow"] as const;
export type AgentLevel = (typeof AGENT_LEVELS)[number];

/** A department an agent serves: "billing", or { department: billing, level: overflow }. */
const AgentDepartment = z.preprocess(
  (value) => (typeof value === "string" ? { department: value } : value),
  z.strictObject({
    department: z.string().min(1),
    level: z.enum(AGENT_LEVELS).default("first-line"),
  }),
);

/** An agent of the queue departments (the top-level `agents`); the id is the key. */
export const AgentConfigSchema = z
  .strictObject({
    /** Shown on the desk and the dashboard, and spoken. */
    name: z.string().min(1),
    /** The phone an offered call rings. */
    phone: E164.optional(),
    /** A Twilio Client identity, reached as client:<identity> (the desk's softphone). */
    client: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a client identity is 1 to 64 letters, digits, "_", "." or "-", written without the "client:" prefix')
      .optional(),
    departments: z.array(AgentDepartment).min(1),
  })
  .refine((agent) => agent.phone !== undefined || agent.client !== undefined, {
    message: "an agent needs a phone, a client identity, or both",
  });
/** An agent of the top-level `agents`, parsed; `id` is its key there. */
export type AgentConfig = z.output<typeof AgentConfigSchema> & { id: string };
