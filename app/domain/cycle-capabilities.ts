import type { CycleStatus } from "../../db/schema/cycles";

/**
 * What each cycle status allows (beside its transition table in cycle-status.ts): the one place
 * routes and services ask "may this happen now?" instead of comparing statuses themselves.
 */
export const CYCLE_CAPABILITIES = [
  /** Seen beyond the office (lists, pages of departments, evaluators and leaders). */
  "visible",
  /** Indicator sets are added, replaced and edited freely (a draft). */
  "editSets",
  /** Published indicators may still be amended, with a reason. */
  "amendIndicators",
  /** A category's settings (weight, grades, pass mark, bonus gate) may change: freely in a draft, with a reason after publishing, never once results are final. */
  "editCategorySettings",
  /** A department's self-inspection of the cycle is shown (to it and in the office's overview). */
  "selfInspectionShown",
  /** Departments fill in and submit their self-inspection (自查). */
  "selfInspect",
  /** Evaluators work: assignments, entries, sign-off, spot checks, arbitration. */
  "evaluate",
  /** The office (re)computes the preliminary results. */
  "computeResults",
  /** The office records outside offices' assessments (外部单位评价) that designated leaves take. */
  "recordOutsideAssessments",
  /** Results are out: departments see their score cards (初步结果 and later). */
  "resultsOut",
  /** Appeals (复核申请) are filed and decided; the window may be closed early. */
  "appeal",
  /** The final snapshot stands (已定稿 and later): it is what every page and export shows. */
  "resultsFinal",
  /** The public 通报 page may be opened. */
  "publicPage",
  /** The office writes (and rewrites) the formal 通报 document of the final results. */
  "issueNotice",
] as const;
export type CycleCapability = (typeof CYCLE_CAPABILITIES)[number];

export const CYCLE_STATUS_CAPABILITIES: Record<CycleStatus, readonly CycleCapability[]> = {
  draft: ["editSets", "editCategorySettings"],
  published: ["visible", "amendIndicators", "editCategorySettings", "selfInspectionShown", "selfInspect", "evaluate", "computeResults", "recordOutsideAssessments"],
  evaluating: ["visible", "amendIndicators", "editCategorySettings", "selfInspectionShown", "evaluate", "computeResults", "recordOutsideAssessments"],
  preliminary: ["visible", "editCategorySettings", "selfInspectionShown", "computeResults", "resultsOut", "appeal", "recordOutsideAssessments"],
  final: ["visible", "selfInspectionShown", "resultsOut", "resultsFinal", "publicPage", "issueNotice"],
  archived: ["visible", "resultsOut", "resultsFinal", "publicPage"],
};

export function cycleAllows(status: CycleStatus, capability: CycleCapability): boolean {
  return CYCLE_STATUS_CAPABILITIES[status].includes(capability);
}

/** The statuses that allow a capability (for queries), in status order. */
export function statusesAllowing(capability: CycleCapability): CycleStatus[] {
  return (Object.keys(CYCLE_STATUS_CAPABILITIES) as CycleStatus[]).filter((status) => cycleAllows(status, capability));
}

export type EditMode = "draft" | "amend" | "frozen";

/** How the indicator editor works in a status: edit freely, amend with a reason, or not at all. */
export function editModeOf(status: CycleStatus): EditMode {
  if (cycleAllows(status, "editSets")) return "draft";
  if (cycleAllows(status, "amendIndicators")) return "amend";
  return "frozen";
}
