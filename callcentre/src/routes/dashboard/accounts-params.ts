// The Accounts page's and API's fields, checked once here (the CLI checks the same): anything else is
// a 400 that says which field is wrong.
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../../plugins/app/agent-passwords.js";
import { ACCOUNT_ID, ACCOUNT_ROLES } from "../../repositories/accounts-repository.js";
import { E164 } from "./dashboard-params.js";

const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);
/** A form sends a checkbox as "on" when ticked; a hidden "false" before it says "unticked" (the last value wins). */
const lastOf = (value: unknown) => (Array.isArray(value) ? value.at(-1) : value);
const flag = z.preprocess(lastOf, z.union([z.boolean(), z.enum(["true", "on", "false"]).transform((v) => v !== "false")]));

export const AccountId = z.string().trim().toLowerCase().regex(ACCOUNT_ID, "must be 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
export const AccountName = z.string().trim().min(1, "must not be empty").max(100);
export const AccountRoleField = z.enum(ACCOUNT_ROLES);
export const AccountPhone = z.preprocess(blankToNull, E164.nullable());
/** A Twilio Client identity (Twilio's rule: letters, digits, and . _ - @; at most 121 characters). */
export const AccountClient = z.preprocess(blankToNull, z.string().trim().regex(/^[A-Za-z0-9._@-]{1,121}$/, "must be a Client identity: letters, digits, '.', '_', '-', '@'").nullable());
export const ChosenPassword = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);

/** Fields every action form carries: the CSRF token and where to go back to. */
const ActionFields = { _csrf: z.string().optional(), redirect: z.string().max(2000).optional() };

export const AccountIdParam = z.strictObject({ id: z.string().min(1).max(100) });

export const NewAccountBody = z.strictObject({
  ...ActionFields,
  id: AccountId,
  name: AccountName,
  role: AccountRoleField,
  phone: AccountPhone.optional(),
  client: AccountClient.optional(),
  onDuty: flag.optional(),
  /** Chosen (at least 12 characters); blank or absent: one is generated and shown once. */
  password: z.preprocess((v) => (v === "" ? undefined : v), ChosenPassword.optional()),
});

export const AccountChangesBody = z.strictObject({
  ...ActionFields,
  name: AccountName.optional(),
  role: AccountRoleField.optional(),
  phone: AccountPhone.optional(),
  client: AccountClient.optional(),
  onDuty: flag.optional(),
});

export const PasswordResetBody = z.strictObject({
  ...ActionFields,
  password: z.preprocess((v) => (v === "" ? undefined : v), ChosenPassword.optional()),
});

/** Changing one's own password: the current one, and the new one twice (a form) or once (a script). */
export const OwnPasswordBody = z
  .strictObject({ ...ActionFields, current: z.string().max(1024), password: ChosenPassword, confirm: z.string().max(1024).optional() })
  .refine((b) => b.confirm === undefined || b.confirm === b.password, { message: "the two new passwords differ", path: ["confirm"] });

/** Going on duty, or off: "true" or "false" from the form's buttons, a boolean from a script. */
export const OwnDutyBody = z.strictObject({ ...ActionFields, onDuty: flag });
