/** Time is injected: the app asks its clock, tests pass a fixed or hand-advanced one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
