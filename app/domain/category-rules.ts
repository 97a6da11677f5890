import { z } from "zod";
import type { CategoryRules } from "../../db/schema/cycles";
import { formatNumber, parseNumber } from "./indicator-format";

export type { CategoryRules };

/**
 * A unit category's own settings (zwgk-assessment/2): its 政务公开 weight (never below 4%), grade
 * thresholds, pass mark and bonus gate (basis: the whole base or one top-level base part; strictly
 * above or at least). Each absent setting is the cycle's. Stored in the cycle's settings by category
 * id, edited on the category's indicator set page. Client-safe: the form, its live sentence and the
 * action share this module.
 */

type FieldErrors = Record<string, string>;

export const COMPARISON_LABELS: Record<"gt" | "gte", string> = { gt: "高于", gte: "不低于" };

const text = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim());
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()));

const formSchema = z.object({
  weight: text,
  passMark: text,
  gradeName: list,
  gradeMin: list,
  gateValue: text,
  gateComparison: text,
  gatePart: text,
});

/** The stored shape, checked again wherever it is read back (cycle settings). */
export const categoryRulesSchema = z.object({
  opennessWeightPct: z.number().min(4).max(100).optional(),
  grades: z.array(z.object({ name: z.string().min(1), min: z.number() })).min(1).optional(),
  passMark: z.number().nonnegative().optional(),
  bonusGate: z.object({ value: z.number().nonnegative(), comparison: z.enum(["gt", "gte"]), part: z.string().min(1).optional() }).optional(),
});

/** What the form shows: every field as text. */
export interface CategoryRulesState {
  weight: string;
  passMark: string;
  grades: { name: string; min: string }[];
  gateValue: string;
  gateComparison: string;
  gatePart: string;
}

export function categoryRulesState(rules: CategoryRules | undefined): CategoryRulesState {
  return {
    weight: rules?.opennessWeightPct === undefined ? "" : formatNumber(rules.opennessWeightPct),
    passMark: rules?.passMark === undefined ? "" : formatNumber(rules.passMark),
    grades: (rules?.grades ?? []).map((g) => ({ name: g.name, min: formatNumber(g.min) })),
    gateValue: rules?.bonusGate === undefined ? "" : formatNumber(rules.bonusGate.value),
    gateComparison: rules?.bonusGate?.comparison ?? "gt",
    gatePart: rules?.bonusGate?.part ?? "",
  };
}

/** The form as the office sent it (a refused save keeps everything typed). */
export function categoryRulesStateFromValues(v: Record<string, string | string[]>): CategoryRulesState {
  const one = (k: string) => (Array.isArray(v[k]) ? ((v[k] as string[])[0] ?? "") : ((v[k] as string | undefined) ?? ""));
  const many = (k: string) => (v[k] === undefined ? [] : Array.isArray(v[k]) ? (v[k] as string[]) : [v[k] as string]);
  const names = many("gradeName");
  const mins = many("gradeMin");
  return {
    weight: one("weight"),
    passMark: one("passMark"),
    grades: Array.from({ length: Math.max(names.length, mins.length) }, (_, i) => ({ name: names[i] ?? "", min: mins[i] ?? "" })).filter((g) => g.name || g.min),
    gateValue: one("gateValue"),
    gateComparison: one("gateComparison") || "gt",
    gatePart: one("gatePart"),
  };
}

export type CategoryRulesResult = { ok: true; rules: CategoryRules } | { ok: false; fieldErrors: FieldErrors };

/**
 * Read the category settings form. `scale`: the cycle's full marks; `baseParts`: codes of the set's
 * top-level base nodes (a part gate must name one of them).
 */
export function parseCategoryRules(raw: Record<string, unknown>, opts: { scale: number; baseParts: readonly string[] }): CategoryRulesResult {
  const f = formSchema.parse(raw);
  const errors: FieldErrors = {};
  const rules: CategoryRules = {};
  const num = (v: string, key: string, label: string, check: (n: number) => string | null): number | undefined => {
    if (!v) return undefined;
    const n = parseNumber(v);
    const problem = n === null ? `${label}须为数字` : check(n);
    if (problem) {
      errors[key] = problem;
      return undefined;
    }
    return n!;
  };
  const weight = num(f.weight, "weight", "政务公开工作分值权重", (n) =>
    n < 4 ? "政务公开工作分值权重不得低于4%" : n > 100 ? "政务公开工作分值权重不得高于100%" : null,
  );
  if (weight !== undefined) rules.opennessWeightPct = weight;
  const passMark = num(f.passMark, "passMark", "合格线", (n) => (n < 0 ? "合格线不能为负数" : n > opts.scale ? `合格线不能高于满分${opts.scale}分` : null));
  if (passMark !== undefined) rules.passMark = passMark;

  const grades: { name: string; min: number }[] = [];
  const rows = Math.max(f.gradeName.length, f.gradeMin.length);
  for (let i = 0; i < rows; i++) {
    const name = f.gradeName[i] ?? "";
    const minText = f.gradeMin[i] ?? "";
    if (!name && !minText) continue;
    if (!name) errors[`grades.${i}.name`] = "请输入等次名称";
    else if (name.length > 20) errors[`grades.${i}.name`] = "等次名称不能超过20个字";
    else if (grades.some((g) => g.name === name)) errors[`grades.${i}.name`] = `等次名称“${name}”重复`;
    const min = num(minText, `grades.${i}.min`, "等次分数下限", (n) => (n < 0 ? "等次分数下限不能为负数" : n > opts.scale ? `等次分数下限不能高于满分${opts.scale}分` : null));
    if (!minText) errors[`grades.${i}.min`] = "请输入等次分数下限";
    if (name && min !== undefined) {
      const prev = grades[grades.length - 1];
      if (prev && !(min < prev.min)) errors[`grades.${i}.min`] = `等次须按分数下限从高到低排列：“${name}”的下限（${min}）须低于“${prev.name}”（${prev.min}）`;
      grades.push({ name, min });
    }
  }
  if (grades.length > 0) {
    const last = grades[grades.length - 1];
    if (last.min !== 0 && !Object.keys(errors).some((k) => k.startsWith("grades."))) errors.grades = `最低等次“${last.name}”的分数下限须为0，否则低分单位将没有等次`;
    rules.grades = grades;
  }

  if (f.gateComparison !== "gt" && f.gateComparison !== "gte") errors.gateComparison = "请选择“高于”或“不低于”";
  if (f.gatePart && !opts.baseParts.includes(f.gatePart)) errors.gatePart = "加分门槛所依据的部分须为本指标体系中基础部分的一级指标";
  if (!f.gateValue && f.gatePart) errors.gateValue = "按某一部分得分设门槛时，请填写门槛分数";
  const gate = num(f.gateValue, "gateValue", "加分门槛", (n) => (n < 0 ? "加分门槛不能为负数" : n > opts.scale ? `加分门槛不能高于满分${opts.scale}分` : null));
  if (gate !== undefined && (f.gateComparison === "gt" || f.gateComparison === "gte")) {
    rules.bonusGate = f.gatePart ? { value: gate, comparison: f.gateComparison, part: f.gatePart } : { value: gate, comparison: f.gateComparison };
  }
  return Object.keys(errors).length > 0 ? { ok: false, fieldErrors: errors } : { ok: true, rules };
}

/** Whether the category differs from the cycle at all. */
export function hasCategoryRules(rules: CategoryRules | undefined): rules is CategoryRules {
  return !!rules && Object.keys(rules).length > 0;
}

/**
 * The bonus gate as a sentence: “加分仅在“1 信息公开”部分得分不低于44分时计入”, “基础分高于80分，加分项方可计入”.
 * `partName` names a part gate's target.
 */
export function bonusGateSentence(gate: { value: number; comparison: "gt" | "gte"; part?: string }, partName?: (code: string) => string | undefined): string {
  const cmp = COMPARISON_LABELS[gate.comparison];
  if (gate.part) {
    const name = partName?.(gate.part);
    return `加分仅在“${name ? `${gate.part} ${name}` : gate.part}”部分得分${cmp}${formatNumber(gate.value)}分时计入`;
  }
  return `基础分${cmp}${formatNumber(gate.value)}分，加分项方可计入`;
}

/** The category's own settings as sentences (empty when it follows the cycle). */
export function categoryRulesSentences(rules: CategoryRules | undefined, partName?: (code: string) => string | undefined): string[] {
  if (!rules) return [];
  const out: string[] = [];
  if (rules.opennessWeightPct !== undefined) out.push(`本类别政务公开工作分值权重为${formatNumber(rules.opennessWeightPct)}%，绩效贡献按此折算`);
  if (rules.grades) out.push(`本类别等次：${rules.grades.map((g) => `${g.name}${formatNumber(g.min)}分及以上`).join("，")}`);
  if (rules.passMark !== undefined) out.push(`本类别合格线为${formatNumber(rules.passMark)}分`);
  if (rules.bonusGate) out.push(bonusGateSentence(rules.bonusGate, partName));
  return out;
}

/** 修改原因 of a change after publishing (required then, checked by the service). */
export const settingsReasonSchema = z.object({
  settingsReason: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v.length <= 500, "修改原因不能超过500个字"),
});

const FOLLOWS_CYCLE = "沿用考核年度";

/** Each setting as it reads in a change: “4%”, “70分”, “优秀90/合格60/不合格0”, “基础分高于80分” (blank: the cycle's). */
const SETTING_TEXTS: { label: string; text: (r: CategoryRules) => string | undefined }[] = [
  { label: "政务公开工作分值权重", text: (r) => (r.opennessWeightPct === undefined ? undefined : `${formatNumber(r.opennessWeightPct)}%`) },
  { label: "合格线", text: (r) => (r.passMark === undefined ? undefined : `${formatNumber(r.passMark)}分`) },
  { label: "等次", text: (r) => r.grades?.map((g) => `${g.name}${formatNumber(g.min)}`).join("/") },
  {
    label: "加分门槛",
    text: (r) => r.bonusGate && `${r.bonusGate.part ? `“${r.bonusGate.part}”部分得分` : "基础分"}${COMPARISON_LABELS[r.bonusGate.comparison]}${formatNumber(r.bonusGate.value)}分`,
  },
];

/** What a save changes, setting by setting: “政务公开工作分值权重：4% → 5%” (a blank side: 沿用考核年度). */
export function categoryRulesChanges(before: CategoryRules | undefined, after: CategoryRules | undefined): string[] {
  return SETTING_TEXTS.flatMap(({ label, text }) => {
    const from = (before && text(before)) ?? FOLLOWS_CYCLE;
    const to = (after && text(after)) ?? FOLLOWS_CYCLE;
    return from === to ? [] : [`${label}：${from} → ${to}`];
  });
}
