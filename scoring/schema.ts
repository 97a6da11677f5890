// The assessment package (input, `zwgk-assessment/1`) and the results
// (output, `zwgk-results/1`): zod schemas and TypeScript types.
//
// The zod schema checks the shape of a package and applies defaults; the
// cross-field rules (points sums, ids, inputs against their leaf's rule) are
// checked in validate.ts so that every problem can be reported at once.
import { z } from "zod";
import { parseDate } from "./calendar";
import { DESIGNATED_KINDS } from "./designated";

export const PACKAGE_FORMAT = "zwgk-assessment/1";
/** The rule language of issue 13 (per-fault caps, penalty part, part veto, gate variants, per-category settings). */
export const PACKAGE_FORMAT_2 = "zwgk-assessment/2";
export const RESULTS_FORMAT = "zwgk-results/1";
/** Results of a `zwgk-assessment/2` package: each unit also has `penalty`. */
export const RESULTS_FORMAT_2 = "zwgk-results/2";

export const DIMENSION_KEYS = [
  "disclosure",
  "interpretation",
  "response",
  "media",
  "participation",
  "platform",
  "mechanism",
  "other",
] as const;
export type Dimension = (typeof DIMENSION_KEYS)[number];

export const DIMENSIONS: Record<Dimension, string> = {
  disclosure: "信息公开",
  interpretation: "政策解读",
  response: "回应关切",
  media: "媒体参与",
  participation: "公众参与",
  platform: "平台建设",
  mechanism: "组织保障",
  other: "其他",
};

export const PARTS = ["base", "bonus", "veto"] as const;
export type Part = (typeof PARTS)[number];
/** Parts of a top-level node: base, bonus (加分), veto (单项否决), and in /2 penalty (扣分项, outside the points). */
export const NODE_PARTS = [...PARTS, "penalty"] as const;
export type NodePart = (typeof NODE_PARTS)[number];

export const DEFAULT_GRADES = [
  { name: "优秀", min: 90 },
  { name: "良好", min: 80 },
  { name: "合格", min: 60 },
  { name: "不合格", min: 0 },
];

const num = () => z.number().finite();
const dateString = z.string().refine((s) => parseDate(s) !== null, {
  message: "日期格式不正确，应为 YYYY-MM-DD 格式的有效日期",
});

// ---------------------------------------------------------------- rules

export const faultSchema = z.object({
  code: z.string().min(1),
  label: z.string().min(1),
  points: num().nonnegative(),
  /** /2: the most this fault deducts on the leaf for a unit, over all its entries (“最多扣2分”). */
  max: num().positive().optional(),
  /** /2: deducts its points once however often it is reported (“未编制目录的扣1分”). */
  once: z.boolean().optional(),
});

export const scoreRuleSchema = z.object({
  type: z.literal("score"),
  /** Overrides the package's `reconcile` for this leaf. */
  reconcile: z.enum(["mean", "median"]).optional(),
  /** /2: the leaf takes the value of the score entry `by` this source alone (“以县外网办评价为准”). */
  designated: z.string().min(1).optional(),
  /** /2: what `designated` names — an outside office's assessment or a spot check; absent: an evaluator. */
  designatedKind: z.enum(DESIGNATED_KINDS).optional(),
  /** /2: 酌情给分 — each score lies in [0, discretionMax] (which may be below the points), with the input's reason. */
  discretionMax: num().positive().optional(),
});

export const deductionRuleSchema = z.object({
  type: z.literal("deduction"),
  faults: z.array(faultSchema).default([]),
  /** /2: 酌情扣分 — the ad-hoc deductions (points + reason) on the leaf add up to at most this. */
  discretionMax: num().positive().optional(),
});

export const ratioRuleSchema = z.object({
  type: z.literal("ratio"),
  target: num().positive().default(1),
});

export const tierSchema = z.object({
  min: num(),
  points: num().nonnegative(),
  label: z.string().optional(),
});

export const tiersRuleSchema = z.object({
  type: z.literal("tiers"),
  tiers: z.array(tierSchema),
});

export const limitSchema = z
  .object({
    hours: num().positive().optional(),
    workingDays: z.number().int().positive().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.hours === undefined) === (v.workingDays === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "时限须且只能设置 hours（小时）或 workingDays（工作日）之一",
      });
    }
  });

export const timelinessRuleSchema = z.object({
  type: z.literal("timeliness"),
  limit: limitSchema,
  whenEmpty: z.enum(["full", "na"]).default("full"),
});

export const vetoRuleSchema = z.object({
  type: z.literal("veto"),
  /** /2: id of the top-level base node this veto zeroes (part veto); absent: the whole unit. */
  scope: z.string().min(1).optional(),
});

/** /2: one task of a checklist (“完成附件所列任务，每项X分”). */
export const checklistTaskSchema = z.object({
  code: z.string().min(1),
  label: z.string().min(1),
  points: num().positive(),
});

/** /2: the leaf scores the points of the tasks done (with evidence), at most its own points. */
export const checklistRuleSchema = z.object({
  type: z.literal("checklist"),
  tasks: z.array(checklistTaskSchema).min(1),
});

export const leafRuleSchema = z.discriminatedUnion("type", [
  scoreRuleSchema,
  deductionRuleSchema,
  ratioRuleSchema,
  tiersRuleSchema,
  timelinessRuleSchema,
  vetoRuleSchema,
  checklistRuleSchema,
]);

export type LeafRule = z.output<typeof leafRuleSchema>;
export type RuleType = LeafRule["type"];
export type Fault = z.output<typeof faultSchema>;
export type ChecklistTask = z.output<typeof checklistTaskSchema>;

// ---------------------------------------------------------------- nodes

export interface IndicatorNode {
  id: string;
  name: string;
  dimension?: Dimension;
  points: number;
  /** Top-level nodes only; default "base". */
  part?: NodePart;
  /** /2, top-level penalty nodes only: the most the part subtracts. */
  cap?: number;
  rule?: LeafRule;
  children?: IndicatorNode[];
  description?: string;
  /** Policy clause the indicator comes from (free text). */
  basis?: string;
}

// z.lazy calls its getter on every parse of every node: build the node schema once, on first use.
let indicatorNodeObject: z.ZodType<IndicatorNode, z.ZodTypeDef, unknown> | undefined;
export const indicatorNodeSchema: z.ZodType<IndicatorNode, z.ZodTypeDef, unknown> = z.lazy(() =>
  (indicatorNodeObject ??= z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    dimension: z.enum(DIMENSION_KEYS).optional(),
    points: num().nonnegative(),
    part: z.enum(NODE_PARTS).optional(),
    cap: num().positive().optional(),
    rule: leafRuleSchema.optional(),
    children: z.array(indicatorNodeSchema).optional(),
    description: z.string().optional(),
    basis: z.string().optional(),
  })),
);

export const gradeSchema = z.object({ name: z.string().min(1), min: num() });

/** /2: when the bonus counts — basis (the whole base, or one top-level part's raw earned points) × comparison. */
export const bonusGateSchema = z.object({
  value: num().nonnegative(),
  comparison: z.enum(["gt", "gte"]).default("gt"),
  /** Id of a top-level base node: its raw earned points are compared instead of the base. */
  part: z.string().min(1).optional(),
});

export const indicatorSetSchema = z.object({
  category: z.string().min(1),
  indicators: z.array(indicatorNodeSchema).min(1),
  /** /2: settings of this category, defaulting to the package's. */
  opennessWeightPct: num()
    .min(4, { message: "政务公开工作分值权重不得低于4%" })
    .max(100, { message: "政务公开工作分值权重不得高于100%" })
    .optional(),
  grades: z.array(gradeSchema).min(1).optional(),
  passMark: num().nonnegative().optional(),
  bonusGate: bonusGateSchema.optional(),
});

// ---------------------------------------------------------------- inputs

export const scoreEntrySchema = z.union([
  num(),
  z.object({
    value: num(),
    /** Evaluator name or code. */
    by: z.string().optional(),
    /** Trace back to evidence, e.g. "抽查发现#12". */
    source: z.string().optional(),
    /** /2: the entry is an outside office's assessment or a spot check's score, not an evaluator's. */
    kind: z.enum(DESIGNATED_KINDS).optional(),
  }),
]);

export const deductionEntrySchema = z.object({
  /** A fault code defined by the rule … */
  fault: z.string().min(1).optional(),
  count: num().optional(),
  /** … or an ad-hoc deduction with its reason. */
  points: num().optional(),
  reason: z.string().optional(),
  source: z.string().optional(),
});

export const eventSchema = z.object({
  start: z.string(),
  end: z.string(),
  label: z.string().optional(),
  source: z.string().optional(),
});

/** checklist input: one entry per task of the rule, marked done or not. */
export const taskEntrySchema = z.object({
  /** The task's code in the rule. */
  task: z.string().min(1),
  done: z.boolean(),
  /** How many evidence items (佐证材料) support the task; a task done without any scores 0. */
  evidence: num().optional(),
});

export const overrideSchema = z.object({
  value: num(),
  reason: z.string().min(1),
  by: z.enum(["arbitration", "appeal"]),
});

/**
 * One unit's input for one leaf. Which fields are required depends on the
 * leaf's rule (checked in validate.ts); any input may be `{na: true, reason}`.
 */
export const leafInputSchema = z.object({
  na: z.boolean().optional(),
  reason: z.string().optional(),
  scores: z.array(scoreEntrySchema).optional(),
  deductions: z.array(deductionEntrySchema).optional(),
  value: num().optional(),
  numerator: num().optional(),
  denominator: num().optional(),
  events: z.array(eventSchema).optional(),
  triggered: z.boolean().optional(),
  tasks: z.array(taskEntrySchema).optional(),
  override: overrideSchema.optional(),
  source: z.string().optional(),
});

export const unitSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  category: z.string().min(1),
  inputs: z.record(z.string(), leafInputSchema),
});

export const calendarSchema = z.object({
  holidays: z.array(dateString).default([]),
  workdays: z.array(dateString).default([]),
});

// ---------------------------------------------------------------- package

export const assessmentPackageSchema = z.object({
  format: z.string().superRefine((v, ctx): v is typeof PACKAGE_FORMAT | typeof PACKAGE_FORMAT_2 => {
    if (v === PACKAGE_FORMAT || v === PACKAGE_FORMAT_2) return true;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `不支持的格式“${v}”，应为“${PACKAGE_FORMAT}”或“${PACKAGE_FORMAT_2}”` });
    return false;
  }),
  title: z.string().default(""),
  opennessWeightPct: num()
    .min(4, { message: "政务公开工作分值权重不得低于4%" })
    .max(100, { message: "政务公开工作分值权重不得高于100%" }),
  scale: num().positive().default(100),
  bonusGate: num().nonnegative().default(80),
  vetoScore: num().nonnegative().default(0),
  passMark: num().nonnegative().default(60),
  grades: z.array(gradeSchema).min(1).default(DEFAULT_GRADES),
  reconcile: z.enum(["mean", "median"]).default("mean"),
  divergence: num().nonnegative().default(0.2),
  calendar: calendarSchema.default({ holidays: [], workdays: [] }),
  indicatorSets: z.array(indicatorSetSchema).min(1),
  units: z.array(unitSchema),
});

export type AssessmentPackage = z.output<typeof assessmentPackageSchema>;
export type AssessmentPackageInput = z.input<typeof assessmentPackageSchema>;
export type IndicatorSet = z.output<typeof indicatorSetSchema>;
export type UnitInput = z.output<typeof unitSchema>;
export type LeafInput = z.output<typeof leafInputSchema>;
export type ScoreEntry = z.output<typeof scoreEntrySchema>;
export type DeductionEntry = z.output<typeof deductionEntrySchema>;
export type TimelinessEvent = z.output<typeof eventSchema>;
export type Override = z.output<typeof overrideSchema>;
export type TaskEntry = z.output<typeof taskEntrySchema>;
export type Grade = z.output<typeof gradeSchema>;
export type BonusGate = z.output<typeof bonusGateSchema>;

// ---------------------------------------------------------------- results

export interface ValidationError {
  /** JSON path, e.g. "indicatorSets[0].indicators[1].children[0].points" or "units[3].inputs.1.2.scores[0]". */
  path: string;
  /** Chinese message. */
  message: string;
}

export interface LeafResult {
  score: number;
  max: number;
  na: boolean;
  divergent: boolean;
  explain: string;
}

export interface UnitResult {
  id: string;
  name: string;
  category: string;
  total: number;
  base: number;
  bonus: number;
  /** zwgk-results/2 only: what the penalty part subtracted (after its caps). */
  penalty?: number;
  vetoed: boolean;
  vetoReasons: string[];
  grade: string;
  pass: boolean;
  rank: number;
  categoryRank: number;
  contribution: number;
  dimensions: Partial<Record<Dimension, number>>;
  leaves: Record<string, LeafResult>;
  /** How base, bonus and total arose (Chinese). */
  explain: string;
}

export interface Results {
  format: typeof RESULTS_FORMAT | typeof RESULTS_FORMAT_2;
  title: string;
  units: UnitResult[];
  warnings: string[];
}
