import type { APPEAL_STATUSES } from "../../db/schema/evaluation";

export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/**
 * The appeal (复核申请) workflow as data: the unit files (pending), the office decides it once —
 * 维持 (upheld) or 调整 (adjusted). Who may is the access policy's (appeal write / decide); the cycle
 * must allow appeals (cycle-capabilities.ts); this table says which appeal may still change.
 */
export type AppealStep = "decide";

export interface AppealTransition {
  step: AppealStep;
  from: readonly AppealStatus[];
  to: readonly AppealStatus[];
  /** Why the step is refused in any other status. */
  refusal: string;
}

export const APPEAL_TRANSITIONS: Record<AppealStep, AppealTransition> = {
  decide: { step: "decide", from: ["pending"], to: ["upheld", "adjusted"], refusal: "该复核申请已处理" },
};

export function appealAllows(status: AppealStatus, step: AppealStep): boolean {
  return APPEAL_TRANSITIONS[step].from.includes(status);
}

/** The unit attaches evidence while its appeal is undecided. */
export function appealTakesEvidence(status: AppealStatus): boolean {
  return appealAllows(status, "decide");
}
