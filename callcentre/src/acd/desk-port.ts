// What the agent desk (routes/desk) asks of the ACD, apart from acd.ts so the desk's routes do not
// import the ACD's workings.
import type { AgentRow, ChosenState, Device, StateRefusal } from "../repositories/agents-repository.js";

/** An agent's part in a call, for the desk: what they may do now. */
export type CallAction = "hold" | "resume" | "mute" | "unmute" | "hangup" | "pause-recording" | "resume-recording";

export interface DeskPort {
  /** The agent (or a supervisor for them) chooses a state; the ACD then offers calls to those available. */
  choose(agentId: string, state: ChosenState, reason: string | null): Promise<AgentRow | StateRefusal>;
  /** Where offers ring for an agent with both a phone and a client identity. */
  setDevice(agentId: string, device: Device): Promise<boolean>;
  /** Something an agent's desk shows changed (in this instance): `agentId`, or undefined for all. */
  onChange(listener: (agentId: string | undefined) => void): () => void;
}
