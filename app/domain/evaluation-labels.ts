/**
 * Client-safe labels for third-party evaluation (评估、抽查、整改、复核): shared by services and
 * route components (never import such values from a .server module into a component).
 */

export const RECTIFICATION_STATUS_LABELS = {
  pending: "待整改",
  responded: "待核验",
  passed: "整改通过",
  failed: "整改不通过",
} as const;

export const APPEAL_STATUS_LABELS = { pending: "待处理", upheld: "维持", adjusted: "调整" } as const;

export const FINDING_KIND_LABELS = { fault: "扣分项", deduction: "临时扣分", veto: "单项否决", score: "抽查评分" } as const;

export const ASSIGNMENT_METHOD_LABELS = { manual: "手动分配", random: "随机分配" } as const;

export const RULE_TYPE_LABELS = {
  score: "评分",
  deduction: "扣分",
  ratio: "比率",
  tiers: "分档",
  timeliness: "时效",
  veto: "单项否决",
  checklist: "任务清单",
} as const;

/** The stale-write refusal (optimistic concurrency), word for word. */
export const STALE_MESSAGE = "该项已被他人修改，请刷新后再试";

/** Navigation labels of the evaluation pages (app/navigation.ts and the pages' own headings). */
export const EVALUATION_NAV = {
  assignments: { to: "/evaluation", label: "评估分配" },
  spotChecks: { to: "/spotchecks", label: "抽查" },
  rectifications: { to: "/rectifications", label: "整改" },
  appeals: { to: "/appeals", label: "复核申请" },
  queue: { to: "/review", label: "评估任务" },
} as const;
