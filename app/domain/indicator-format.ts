import { DIMENSIONS, DIMENSION_KEYS, leafRuleSchema, type ChecklistTask, type Dimension, type Fault, type LeafRule, type NodePart, type RuleType } from "../../scoring";
import { EVIDENCE_KINDS, EVIDENCE_KIND_INFO, type EvidenceKind } from "../utils/evidence-kinds";

/**
 * Readable Chinese forms of indicator fields, shared by the tree editor, the preview and the
 * Excel import/export: every `format*` has a `parse*` that reads its output back exactly.
 */

export const RULE_TYPES: readonly RuleType[] = ["score", "deduction", "ratio", "tiers", "timeliness", "veto"];

export const RULE_TYPE_LABELS: Record<RuleType, string> = {
  score: "评估打分",
  deduction: "扣分制",
  ratio: "比率达标",
  tiers: "分档计分",
  timeliness: "时效",
  veto: "单项否决",
  checklist: "任务清单",
};

export const RULE_TYPE_HINTS: Record<RuleType, string> = {
  score: "评估员直接打分，多名评估员的分数取平均值或中位数",
  deduction: "从满分起按扣分项逐次扣减，扣完为止",
  ratio: "按实际比率与达标值之比得分，达到达标值得满分",
  tiers: "按数值落入的档位得分（取满足条件的最高档）",
  timeliness: "按时办结事项数占全部事项的比例得分",
  veto: "触发即整体否决（仅用于否决类一级指标之下）",
  checklist: "按完成的任务计分（每项任务有分值，须有佐证材料），合计不超过指标分值",
};

/** How stored scores are carried when an amendment changes a leaf's points (修订后原有得分的处理). */
export const CARRY_LABELS: Record<"rescale" | "clamp" | "reset", string> = {
  rescale: "按比例折算（原得分 × 新分值 ÷ 原分值）",
  clamp: "保留原得分，超过新分值的按新分值计",
  reset: "清空重填（已填报的数据作废，须重新填报）",
};

export const PART_LABELS: Record<NodePart, string> = { base: "基础", bonus: "加分", veto: "否决", penalty: "扣分项" };
export const WHEN_EMPTY_LABELS: Record<"full" | "na", string> = { full: "满分", na: "不适用" };
export const RECONCILE_LABELS: Record<"mean" | "median", string> = { mean: "平均值", median: "中位数" };

export { DIMENSIONS, DIMENSION_KEYS };

/** Numbers as people type them: "2", "0.5" (never exponent notation for the values used here). */
export function formatNumber(n: number): string {
  return String(n);
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

// ---------------------------------------------------------------- lookups

function lookup<K extends string>(labels: Record<K, string>, text: string): K | null {
  const t = text.trim();
  for (const [key, label] of Object.entries(labels) as [K, string][]) {
    if (t === label || t.toLowerCase() === key.toLowerCase()) return key;
  }
  return null;
}

export const parseRuleType = (text: string) => lookup(RULE_TYPE_LABELS, text);
export const parsePart = (text: string) => lookup(PART_LABELS, text);
export const parseDimension = (text: string) => lookup(DIMENSIONS, text) as Dimension | null;
export const parseWhenEmpty = (text: string) => lookup(WHEN_EMPTY_LABELS, text);
export const parseReconcile = (text: string) => lookup(RECONCILE_LABELS, text);

// ---------------------------------------------------------------- list items

/** Item separators: ";" or "；". Field separators: ":" or "：". */
const ITEM_SPLIT = /[;；]/;
const FIELD_SEP = /[:：]/;
export const FORBIDDEN_IN_LABEL = /[;；]/;

function splitItems(text: string): string[] {
  return text
    .split(ITEM_SPLIT)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Split at the first field separator: ["a", "b:c"]; null when there is none. */
function splitFirst(text: string): [string, string] | null {
  const m = FIELD_SEP.exec(text);
  if (!m) return null;
  return [text.slice(0, m.index), text.slice(m.index + 1)];
}

/** Split at the last field separator. */
function splitLast(text: string): [string, string] | null {
  for (let i = text.length - 1; i >= 0; i--) {
    if (FIELD_SEP.test(text[i])) return [text.slice(0, i), text.slice(i + 1)];
  }
  return null;
}

/**
 * Fault codes (扣分项代码) identify a fault in the stored answers: letters of any script (Chinese
 * included), digits, “_” or “-”, at most 32 characters. Left empty, one is generated.
 */
export const FAULT_CODE_RE = /^[\p{L}\p{N}_-]{1,32}$/u;
export const FAULT_CODE_MESSAGE = "扣分项代码只能包含文字、字母、数字、下划线或短横线，不超过32个字符（可留空，由系统生成）";

export const TASK_CODE_MESSAGE = "任务代码只能包含文字、字母、数字、下划线或短横线，不超过32个字符（可留空，由系统生成）";

/** Give every fault without a code the first free code F1, F2, … (codes typed by the office are kept). */
export function withGeneratedCodes<T extends { code: string }>(faults: readonly T[]): T[] {
  const taken = new Set(faults.map((f) => f.code).filter(Boolean));
  let n = 0;
  return faults.map((f) => {
    if (f.code) return f;
    do n++;
    while (taken.has(`F${n}`));
    taken.add(`F${n}`);
    return { ...f, code: `F${n}` };
  });
}

/**
 * 扣分项 "code:label:points; …", a fault's own bound after its points: “miss:栏目内容缺失:0.5（最多扣2分）”
 * (max), “nodir:未编制目录:1（只扣一次）” (once).
 */
export function formatFaults(faults: readonly Fault[]): string {
  return faults.map((f) => `${f.code}:${f.label}:${formatNumber(f.points)}${faultBound(f)}`).join("; ");
}

function faultBound(f: Fault): string {
  if (f.once) return "（只扣一次）";
  return f.max === undefined ? "" : `（最多扣${formatNumber(f.max)}分）`;
}

/** “0.5”, “0.5（最多扣2分）” (also “(最多2)”), “1（只扣一次）” (also “(一次)”). */
const FAULT_POINTS_RE = /^\s*([^（(]*?)\s*(?:[（(]\s*(?:(只扣一次|一次性?)|最多扣?\s*([^分）)]*?)\s*分?)\s*[）)])?\s*$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Reads “代码:名称:每次扣分” or, without a code, “名称:每次扣分” (the code is then generated), the
 * points optionally followed by the fault's own bound: “（最多扣2分）” or “（只扣一次）”.
 */
export function parseFaults(text: string): Parsed<Fault[]> {
  const out: Fault[] = [];
  for (const [i, item] of splitItems(text).entries()) {
    const first = splitFirst(item);
    if (!first) return { ok: false, message: `扣分项第${i + 1}项“${item}”格式不正确，应为“代码:名称:每次扣分”或“名称:每次扣分”` };
    const last = splitLast(first[1]);
    const [code, label, pointsText] = last ? [first[0].trim(), last[0].trim(), last[1]] : ["", first[0].trim(), first[1]];
    if (!label) return { ok: false, message: `扣分项第${i + 1}项“${item}”缺少名称，应为“代码:名称:每次扣分”或“名称:每次扣分”` };
    const m = FAULT_POINTS_RE.exec(pointsText);
    if (!m) return { ok: false, message: `扣分项第${i + 1}项“${item}”的扣分“${pointsText.trim()}”格式不正确，应为数字，可在其后注明“（最多扣2分）”或“（只扣一次）”` };
    const points = parseNumber(m[1]);
    if (points === null) return { ok: false, message: `扣分项第${i + 1}项“${item}”的扣分“${m[1]}”不是数字` };
    const fault: Fault = { code, label, points };
    if (m[2] !== undefined) fault.once = true;
    else if (m[3] !== undefined) {
      const max = parseNumber(m[3]);
      if (max === null) return { ok: false, message: `扣分项第${i + 1}项“${item}”的最多扣分“${m[3]}”不是数字` };
      fault.max = max;
    }
    out.push(fault);
  }
  return { ok: true, value: withGeneratedCodes(out) };
}

/** 任务 "code:label:points; …" */
export function formatTasks(tasks: readonly ChecklistTask[]): string {
  return tasks.map((t) => `${t.code}:${t.label}:${formatNumber(t.points)}`).join("; ");
}

/** Reads “代码:任务:分值” or, without a code, “任务:分值” (the code is then generated: F1, F2, …). */
export function parseTasks(text: string): Parsed<ChecklistTask[]> {
  const out: ChecklistTask[] = [];
  for (const [i, item] of splitItems(text).entries()) {
    const first = splitFirst(item);
    if (!first) return { ok: false, message: `任务第${i + 1}项“${item}”格式不正确，应为“代码:任务:分值”或“任务:分值”` };
    const last = splitLast(first[1]);
    const [code, label, pointsText] = last ? [first[0].trim(), last[0].trim(), last[1]] : ["", first[0].trim(), first[1]];
    const points = parseNumber(pointsText);
    if (!label) return { ok: false, message: `任务第${i + 1}项“${item}”缺少任务名称，应为“代码:任务:分值”或“任务:分值”` };
    if (points === null) return { ok: false, message: `任务第${i + 1}项“${item}”的分值“${pointsText.trim()}”不是数字` };
    out.push({ code, label, points });
  }
  return { ok: true, value: withGeneratedCodes(out) };
}

export interface Tier {
  min: number;
  points: number;
  label?: string;
}

/** 档位 "min:points:label; …" (label optional). */
export function formatTiers(tiers: readonly Tier[]): string {
  return tiers.map((t) => `${formatNumber(t.min)}:${formatNumber(t.points)}${t.label ? `:${t.label}` : ""}`).join("; ");
}

export function parseTiers(text: string): Parsed<Tier[]> {
  const out: Tier[] = [];
  for (const [i, item] of splitItems(text).entries()) {
    const first = splitFirst(item);
    if (!first) return { ok: false, message: `档位第${i + 1}项“${item}”格式不正确，应为“最低值:得分:名称”（名称可省略）` };
    const second = splitFirst(first[1]);
    const min = parseNumber(first[0]);
    const points = parseNumber(second ? second[0] : first[1]);
    const label = second ? second[1].trim() : "";
    if (min === null) return { ok: false, message: `档位第${i + 1}项“${item}”的最低值“${first[0].trim()}”不是数字` };
    if (points === null) return { ok: false, message: `档位第${i + 1}项“${item}”的得分不是数字` };
    out.push(label ? { min, points, label } : { min, points });
  }
  return { ok: true, value: out };
}

export type Limit = { hours: number } | { workingDays: number };

/** 时限 "5小时" / "3个工作日". */
export function formatLimit(limit: { hours?: number; workingDays?: number }): string {
  if (limit.hours !== undefined) return `${formatNumber(limit.hours)}小时`;
  if (limit.workingDays !== undefined) return `${formatNumber(limit.workingDays)}个工作日`;
  return "";
}

export function parseLimit(text: string): Parsed<Limit> {
  const m = /^(\d+(?:\.\d+)?)\s*(小时|个?工作日)$/.exec(text.trim());
  if (!m) return { ok: false, message: `时限“${text.trim()}”格式不正确，应为“5小时”或“3个工作日”` };
  const n = Number(m[1]);
  if (n <= 0) return { ok: false, message: "时限必须大于0" };
  if (m[2] === "小时") return { ok: true, value: { hours: n } };
  if (!Number.isInteger(n)) return { ok: false, message: "工作日时限须为整数" };
  return { ok: true, value: { workingDays: n } };
}

// ---------------------------------------------------------------- evidence

export function formatEvidenceKinds(kinds: readonly string[]): string {
  return kinds.map((k) => (k in EVIDENCE_KIND_INFO ? EVIDENCE_KIND_INFO[k as EvidenceKind].label : k)).join("、");
}

export function parseEvidenceKinds(text: string): Parsed<EvidenceKind[]> {
  const out: EvidenceKind[] = [];
  for (const item of text.split(/[、,，;；]/).map((s) => s.trim()).filter(Boolean)) {
    const kind = EVIDENCE_KINDS.find((k) => k === item.toLowerCase() || EVIDENCE_KIND_INFO[k].label === item);
    if (!kind) {
      return {
        ok: false,
        message: `佐证类型“${item}”无效，只能填：${EVIDENCE_KINDS.map((k) => EVIDENCE_KIND_INFO[k].label).join("、")}`,
      };
    }
    if (!out.includes(kind)) out.push(kind);
  }
  return { ok: true, value: out };
}

/**
 * A stored rule with the engine's defaults applied (e.g. a ratio rule without a target gets
 * target 1), or null when it is not a valid rule.
 */
export function normalizeRule(raw: unknown): LeafRule | null {
  const parsed = leafRuleSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
