// The field shapes the flow file's parts share: phone numbers, seconds, targets, keys and prompts.
import { z } from "zod";
import { placeholdersIn, PLACEHOLDERS } from "./templates.js";

export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +61291234567");
export const Seconds = z.number().int().positive();
const Loop = z.number().int().min(0).max(1000);
/** A node id, or `hangup` (say the flow's goodbye and end the call). */
export const Target = z.string().min(1);
export const HANGUP = "hangup";

function checkPlaceholders(text: string, ctx: z.RefinementCtx, field: string) {
  for (const name of placeholdersIn(text)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `unknown placeholder {${name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      });
    }
  }
}

const SayStep = z
  .strictObject({
    say: z.string().min(1).max(4096),
    /** Said instead when a placeholder in `say` has no value for this caller. */
    otherwise: z.string().min(1).max(4096).optional(),
    voice: z.string().min(1).optional(),
    language: z.string().min(2).optional(),
    loop: Loop.optional(),
  })
  .superRefine((step, ctx) => {
    checkPlaceholders(step.say, ctx, "say");
    if (step.otherwise) checkPlaceholders(step.otherwise, ctx, "otherwise");
  })
  .transform((step) => ({ kind: "say" as const, ...step }));
const PlayStep = z
  .strictObject({ play: z.string().min(1), loop: Loop.optional() })
  .transform((step) => ({ kind: "play" as const, url: step.play, loop: step.loop }));
const PauseStep = z
  .strictObject({ pause: Seconds.max(600) })
  .transform((step) => ({ kind: "pause" as const, seconds: step.pause }));

type SayStepOut = z.output<typeof SayStep>;
type PlayStepOut = z.output<typeof PlayStep>;
type PauseStepOut = z.output<typeof PauseStep>;

/**
 * One step: "text" (a say), { say }, { play } or { pause }. Dispatched by its key rather than tried
 * against each shape in turn, so a problem is reported for the field that has it.
 */
const PromptStep = z.unknown().transform((value, ctx): SayStepOut | PlayStepOut | PauseStepOut => {
  const has = (key: string) => typeof value === "object" && value !== null && key in value;
  const [schema, input] =
    typeof value === "string"
      ? [SayStep, { say: value }]
      : has("say")
        ? [SayStep, value]
        : has("play")
          ? [PlayStep, value]
          : has("pause")
            ? [PauseStep, value]
            : [undefined, value];
  if (!schema) {
    ctx.addIssue({ code: "custom", message: "a prompt step is a string, or one of { say: … }, { play: … }, { pause: … }" });
    return z.NEVER;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = typeof value === "string" && issue.path[0] === "say" ? issue.path.slice(1) : issue.path;
      ctx.addIssue({ code: "custom", message: issue.message, path: path as (string | number)[] });
    }
    return z.NEVER;
  }
  return result.data;
});

/** A prompt: a string, one step, or a list of steps; always a list after parsing. */
export const Prompt = z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(PromptStep));
export type PromptStep = SayStepOut | PlayStepOut | PauseStepOut;
export type Prompt = PromptStep[];

export const Key = z.string().regex(/^[0-9*#]$/, "a key is one of 0-9, * or #");
