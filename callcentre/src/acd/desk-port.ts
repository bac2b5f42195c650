// What the agent desk (routes/desk) asks of the ACD, apart from acd.ts so the desk's routes do not
// import the ACD's workings.
import type { AgentRow, ChosenState, Device, StateRefusal } from "../repositories/agents-repository.js";

/** What an agent does to their conversation from the desk (docs/queue.md, "From the desk"). */
export type CallAction =
  | { action: "hold" | "resume" | "mute" | "unmute" | "hangup" | "pause-recording" | "resume-recording" }
  /** A cold transfer: to another department's line (at its front), or to one named agent. */
  | { action: "transfer"; department: string }
  | { action: "transfer"; agent: string }
  /** A warm transfer: consult an agent with the caller on hold, then hand over or go back. */
  | { action: "consult"; agent: string }
  | { action: "complete-transfer" | "cancel-consult" };

/** Why a call action was not done, as the short code the desk puts into words. */
export type CallRefusal = "no-call" | "no-recording" | "unavailable" | "no-consult" | "unknown-target" | "twilio";

export interface DeskPort {
  /** The agent (or a supervisor for them) chooses a state; the ACD then offers calls to those available. */
  choose(agentId: string, state: ChosenState, reason: string | null): Promise<AgentRow | StateRefusal>;
  /** Where offers ring for an agent with both a phone and a client identity. */
  setDevice(agentId: string, device: Device): Promise<boolean>;
  /** Acts on the agent's conversation (hold, mute, transfer…); "done", or why not. */
  callAction(agentId: string, action: CallAction): Promise<"done" | CallRefusal>;
  /** Something an agent's desk shows changed (in this instance): `agentId`, or undefined for all. */
  onChange(listener: (agentId: string | undefined) => void): () => void;
}
