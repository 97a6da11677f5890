import type { RECTIFICATION_STATUSES } from "../../db/schema/evaluation";

export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/**
 * The rectification (整改) workflow as data: the unit responds to a finding, the inspector (or the
 * office) verifies the response; a failed verification sends it back to the unit. Who may take a
 * step is the access policy's (rectification write / decide); this table says when.
 */
export type RectificationStep = "respond" | "verify";

export interface RectificationTransition {
  step: RectificationStep;
  from: readonly RectificationStatus[];
  to: readonly RectificationStatus[];
  /** Why the step is refused in any other status. */
  refusal: string;
}

export const RECTIFICATION_TRANSITIONS: Record<RectificationStep, RectificationTransition> = {
  respond: { step: "respond", from: ["pending", "failed"], to: ["responded"], refusal: "整改情况已回复，等待核验" },
  verify: { step: "verify", from: ["responded"], to: ["passed", "failed"], refusal: "单位尚未回复整改情况，不能核验" },
};

export function rectificationAllows(status: RectificationStatus, step: RectificationStep): boolean {
  return RECTIFICATION_TRANSITIONS[step].from.includes(status);
}

/** The unit attaches evidence while it may respond. */
export function rectificationTakesEvidence(status: RectificationStatus): boolean {
  return rectificationAllows(status, "respond");
}
