import type { Role } from "../../db/schema/accounts";
import type { CycleStatus } from "../../db/schema/cycles";

/**
 * The cycle status machine (考核年度状态), as data. The service (app/services/cycles.server.ts)
 * refuses any change not listed here, checks the role and every precondition, and records each
 * step (cycle_transitions + audit) in one transaction.
 *
 * Adding a precondition to a step is one line: append its id to that step's `preconditions`.
 * A new id is declared in CYCLE_PRECONDITIONS below and implemented (checked by the compiler) in
 * app/services/cycle-preconditions.server.ts.
 */

export const CYCLE_STATUS_LABELS: Record<CycleStatus, string> = {
  draft: "草稿",
  published: "已发布",
  evaluating: "评审中",
  preliminary: "初步结果",
  final: "已定稿",
  archived: "已归档",
};

/** What each status means for the people using the platform (shown on the cycle page). */
export const CYCLE_STATUS_HINTS: Record<CycleStatus, string> = {
  draft: "政务公开办正在配置指标体系和考核设置，各单位尚不能填报。",
  published: "指标体系已发布并冻结，各单位可以填报自查情况、上传佐证材料。",
  evaluating: "自查已截止，评估人员评分、抽查。",
  preliminary: "初步结果已公布，复核申请（申诉）窗口开放。",
  final: "考核结果已定稿，不再变动。",
  archived: "已归档，仅供查阅。",
};

/** Preconditions by id, with what they require (for the page and refusal messages). */
export const CYCLE_PRECONDITIONS = {
  setsForAllCategories: "每个有在用单位的类别都已配置指标体系",
  setsPassValidation: "所有指标体系通过校验，没有错误",
  calendarArranged: "工作日历已录入本年度节假日安排（或已确认按无节假日的日历执行）",
  divergencesResolved: "评分分歧均已仲裁",
  allUnitsEvaluated: "所有在用单位均已评估完成（每项指标都有已签署的评估结果）",
  designatedValuesRecorded: "以指定来源为准的指标均已有该来源的评分（外部单位评价、抽查评分或指定评估员的评分）",
  appealsSettled: "复核申请期限已过（或已提前结束）且全部复核申请已处理",
} as const;

export type CyclePreconditionId = keyof typeof CYCLE_PRECONDITIONS;

export interface CycleTransition {
  from: CycleStatus;
  to: CycleStatus;
  /** Button text. */
  label: string;
  /** Who may make this step. */
  roles: readonly Role[];
  /** Checked in order; every failing one is reported. */
  preconditions: readonly CyclePreconditionId[];
  /** Asked before the step is made (the button's confirmation). */
  confirm?: string;
  /**
   * The step stores the immutable final snapshot (定稿结果: package, results and their SHA-256)
   * in the same transaction (app/services/cycle-finalise.server.ts): never one without the other.
   */
  finalSnapshot?: true;
}

export const CYCLE_TRANSITIONS: readonly CycleTransition[] = [
  {
    from: "draft",
    to: "published",
    label: "发布考核",
    roles: ["office"],
    preconditions: ["setsForAllCategories", "setsPassValidation", "calendarArranged"],
    confirm: "发布后指标体系将冻结，之后的修改须以修订方式进行并说明理由。确定发布吗？",
  },
  {
    from: "published",
    to: "evaluating",
    label: "进入评审",
    roles: ["office"],
    preconditions: [],
    confirm: "进入评审后各单位不能再修改自查填报。确定进入评审吗？",
  },
  {
    from: "evaluating",
    to: "preliminary",
    label: "公布初步结果",
    roles: ["office"],
    preconditions: ["designatedValuesRecorded", "divergencesResolved"],
    confirm: "公布初步结果后，各单位可在复核期限内提出复核申请。确定公布吗？",
  },
  {
    from: "preliminary",
    to: "final",
    label: "结果定稿",
    roles: ["office"],
    preconditions: ["allUnitsEvaluated", "designatedValuesRecorded", "appealsSettled"],
    confirm: "定稿时将生成不可更改的定稿结果（评估数据包、结果及其 SHA-256），之后考核结果不再变动。确定定稿吗？",
    finalSnapshot: true,
  },
  {
    from: "final",
    to: "archived",
    label: "归档",
    roles: ["office"],
    preconditions: [],
    confirm: "归档后本年度仅供查阅。确定归档吗？",
  },
];

/** The steps leading out of a status, in the order listed. */
export function transitionsFrom(status: CycleStatus): CycleTransition[] {
  return CYCLE_TRANSITIONS.filter((t) => t.from === status);
}

export function findTransition(from: CycleStatus, to: CycleStatus): CycleTransition | undefined {
  return CYCLE_TRANSITIONS.find((t) => t.from === from && t.to === to);
}

/** The editable parts of a cycle (考核设置). */
export const CYCLE_FIELDS = [
  "title",
  "opennessWeightPct",
  "settings",
  "selfInspectionDue",
  "spotCheckStart",
  "spotCheckEnd",
  "appealWindowDays",
  "calendar",
] as const;
export type CycleField = (typeof CYCLE_FIELDS)[number];

const SCHEDULE_FIELDS: readonly CycleField[] = ["title", "selfInspectionDue", "spotCheckStart", "spotCheckEnd", "appealWindowDays", "calendar"];

/**
 * What may still change in each status. In a draft everything may. Once published, the weight and
 * the scoring settings are frozen with the indicator system (units are assessed against what was
 * published); the title, deadlines and the working-day calendar stay correctable until the results
 * are final — the State Council announces next year's holidays late in the year, and deadlines
 * move. Every change is audited. From 已定稿 on nothing changes.
 */
export const EDITABLE_FIELDS: Record<CycleStatus, readonly CycleField[]> = {
  draft: CYCLE_FIELDS,
  published: SCHEDULE_FIELDS,
  evaluating: SCHEDULE_FIELDS,
  preliminary: SCHEDULE_FIELDS,
  final: [],
  archived: [],
};

export function isEditable(status: CycleStatus, field: CycleField): boolean {
  return EDITABLE_FIELDS[status].includes(field);
}
