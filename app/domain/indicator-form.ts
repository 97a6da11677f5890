import { z } from "zod";
import { DESIGNATED_NAME_MAX, DESIGNATED_SOURCE_KINDS, DESIGNATED_SOURCE_LABELS, engineKind } from "./designated-source";
import { DIMENSION_KEYS, NODE_PARTS, type ChecklistTask, type Dimension, type Fault, type LeafRule, type NodePart } from "../../scoring";
import { FAULT_CODE_MESSAGE, FAULT_CODE_RE, FORBIDDEN_IN_LABEL, parseNumber, RULE_TYPES, TASK_CODE_MESSAGE, withGeneratedCodes } from "./indicator-format";
import { EVIDENCE_KINDS, type EvidenceKind } from "../utils/evidence-kinds";
import type { CarryMode } from "../../db/schema/cycles";

export { CARRY_LABELS } from "./indicator-format";

/**
 * Shared by the server (the action validates every submission) and the browser (the editor's live
 * check as the office types), so nothing here may import a `.server` module.
 */

type FieldErrors = Record<string, string>;

const CARRY_MODES: readonly CarryMode[] = ["rescale", "clamp", "reset"];

function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) out[issue.path.join(".") || "_form"] ??= issue.message;
  return out;
}

/**
 * The tree editor's node form: field names, zod validation with Chinese field messages, and the
 * node fields it produces. Repeated fields (faultCode, tierMin, evidenceKinds …) arrive as lists.
 */

/** What the editor saves for one node. `rule` is null for a node with children. */
export interface NodeInput {
  code: string;
  name: string;
  dimension: Dimension | null;
  /** Only used for top-level nodes. */
  part: NodePart;
  /** Top-level penalty nodes with children only: the most the part subtracts (null: no cap). */
  cap: number | null;
  points: number;
  rule: LeafRule | null;
  guidance: string;
  criteria: string;
  basis: string;
  evidenceRequired: boolean;
  evidenceKinds: EvidenceKind[];
}

export const NODE_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
export const NODE_CODE_MESSAGE = "编码只能包含字母、数字、点（.）、下划线或短横线，以字母或数字开头，不超过32个字符，如 1.2";

const text = (max: number, label: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v.length <= max, `${label}不能超过${max}个字`);

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()));

const numberText = (required: string, invalid: string) =>
  z
    .string({ required_error: required })
    .trim()
    .min(1, required)
    .transform((v, ctx) => {
      const n = parseNumber(v);
      if (n === null) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: invalid });
        return z.NEVER;
      }
      return n;
    });

const decimals = (n: number) => (String(n).split(".")[1] ?? "").length;

const rawSchema = z.object({
  code: z
    .string({ required_error: "请输入指标编码" })
    .trim()
    .min(1, "请输入指标编码")
    .regex(NODE_CODE_RE, NODE_CODE_MESSAGE),
  name: z.string({ required_error: "请输入指标名称" }).trim().min(1, "请输入指标名称").max(100, "指标名称不能超过100个字"),
  dimension: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v === "" || (DIMENSION_KEYS as readonly string[]).includes(v), "请选择有效的维度")
    .transform((v) => (v === "" ? null : (v as Dimension))),
  part: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim() || "base")
    .refine((v) => (NODE_PARTS as readonly string[]).includes(v), "请选择基础、加分、否决或扣分项")
    .transform((v) => v as NodePart),
  cap: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .transform((v, ctx) => {
      if (v === "") return null;
      const n = parseNumber(v);
      if (n === null || n <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "扣分项上限必须是大于0的数字，如 5；不设上限请留空" });
        return z.NEVER;
      }
      return n;
    }),
  points: numberText("请输入分值", "分值必须是数字，如 5 或 2.5")
    .refine((n) => n >= 0, "分值不能为负数")
    .refine((n) => n <= 1000, "分值不能超过1000")
    .refine((n) => decimals(n) <= 2, "分值最多保留两位小数"),
  guidance: text(2000, "考核要点"),
  criteria: text(2000, "评分标准"),
  basis: text(500, "政策依据"),
  evidenceRequired: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "1" || v === "true"),
  evidenceKinds: list.refine((kinds) => kinds.every((k) => (EVIDENCE_KINDS as readonly string[]).includes(k)), "请选择有效的佐证材料类型"),
});

/** The rule fields: always readable; their meaning is checked by buildRule. */
const ruleFieldsSchema = z.object({
  ruleType: z.string().optional().transform((v) => (v ?? "").trim()),
  reconcile: z.string().optional().transform((v) => (v ?? "").trim()),
  faultCode: list,
  faultLabel: list,
  faultPoints: list,
  faultMax: list,
  faultMode: list,
  taskCode: list,
  taskLabel: list,
  taskPoints: list,
  scoreDiscretionMax: z.string().optional().transform((v) => (v ?? "").trim()),
  deductionDiscretionMax: z.string().optional().transform((v) => (v ?? "").trim()),
  designated: z.string().optional().transform((v) => (v ?? "").trim()),
  designatedKind: z.string().optional().transform((v) => (v ?? "").trim() || "evaluator"),
  vetoScope: z.string().optional().transform((v) => (v ?? "").trim()),
  target: z.string().optional().transform((v) => (v ?? "").trim()),
  tierMin: list,
  tierPoints: list,
  tierLabel: list,
  limitKind: z.string().optional().transform((v) => (v ?? "").trim()),
  limitValue: z.string().optional().transform((v) => (v ?? "").trim()),
  whenEmpty: z.string().optional().transform((v) => (v ?? "").trim() || "full"),
});

type RuleFields = z.output<typeof ruleFieldsSchema>;
type Issue = (path: (string | number)[], message: string) => void;

/** Build the leaf rule from the rule fields, reporting field-level problems. `points`: the node's points, when valid. */
function buildRule(raw: RuleFields, nodePoints: number | null, issue: Issue): LeafRule | null {
  if (!raw.ruleType) {
    issue(["ruleType"], "请选择评分规则");
    return null;
  }
  if (!(RULE_TYPES as readonly string[]).includes(raw.ruleType)) {
    issue(["ruleType"], "请选择有效的评分规则");
    return null;
  }
  switch (raw.ruleType) {
    case "score": {
      const rule: Extract<LeafRule, { type: "score" }> = { type: "score" };
      let ok = true;
      if (raw.reconcile !== "") {
        if (raw.reconcile !== "mean" && raw.reconcile !== "median") {
          issue(["reconcile"], "请选择平均值或中位数");
          ok = false;
        } else rule.reconcile = raw.reconcile;
      }
      const kind = DESIGNATED_SOURCE_KINDS.find((k) => k === raw.designatedKind);
      if (!kind) {
        issue(["designatedKind"], "请选择指定评分来源的类型（评估人员、外部单位评价或抽查结果）");
        ok = false;
      } else if (raw.designated) {
        if (raw.designated.length > DESIGNATED_NAME_MAX) {
          issue(["designated"], `指定评分来源不能超过${DESIGNATED_NAME_MAX}个字`);
          ok = false;
        } else {
          rule.designated = raw.designated;
          const engine = engineKind(kind);
          if (engine) rule.designatedKind = engine;
        }
      } else if (kind !== "evaluator") {
        issue(["designated"], `请填写${DESIGNATED_SOURCE_LABELS[kind]}的来源名称，如“县外网办”`);
        ok = false;
      }
      const dmax = discretion(raw.scoreDiscretionMax, ["scoreDiscretionMax"], "酌情给分上限", nodePoints, issue);
      if (dmax === false) ok = false;
      else if (dmax !== null) rule.discretionMax = dmax;
      return ok ? rule : null;
    }
    case "deduction": {
      const faults: Fault[] = [];
      const seen = new Map<string, number>();
      const rows = Math.max(raw.faultCode.length, raw.faultLabel.length, raw.faultPoints.length, raw.faultMax.length);
      for (let i = 0; i < rows; i++) {
        const code = raw.faultCode[i] ?? "";
        const label = raw.faultLabel[i] ?? "";
        const pointsText = raw.faultPoints[i] ?? "";
        const maxText = raw.faultMax[i] ?? "";
        const mode = raw.faultMode[i] || "each";
        if (!code && !label && !pointsText && !maxText) continue; // a blank row
        let ok = true;
        const fail = (path: (string | number)[], message: string) => {
          issue(path, message);
          ok = false;
        };
        // An empty code is generated below, once every typed code is known.
        if (code && !FAULT_CODE_RE.test(code)) fail(["faults", i, "code"], FAULT_CODE_MESSAGE);
        else if (code && seen.has(code)) fail(["faults", i, "code"], `扣分项代码“${code}”与第${seen.get(code)! + 1}项重复`);
        else if (code) seen.set(code, i);
        if (!label) fail(["faults", i, "label"], "请填写扣分项名称");
        else if (FORBIDDEN_IN_LABEL.test(label)) fail(["faults", i, "label"], "扣分项名称不能包含分号");
        else if (label.length > 100) fail(["faults", i, "label"], "扣分项名称不能超过100个字");
        const points = parseNumber(pointsText);
        if (!pointsText) fail(["faults", i, "points"], "请填写每次扣分");
        else if (points === null) fail(["faults", i, "points"], "每次扣分必须是数字");
        else if (points <= 0) fail(["faults", i, "points"], "每次扣分必须大于0");
        const max = parseNumber(maxText);
        if (mode !== "each" && mode !== "once") fail(["faults", i, "mode"], "请选择“每处扣分”或“一次性扣分”");
        else if (mode === "once" && maxText) fail(["faults", i, "max"], "一次性扣分只扣一次，不能再设最多扣分；请清空“最多扣”");
        else if (maxText && (max === null || max <= 0)) fail(["faults", i, "max"], "最多扣分必须是大于0的数字；不设请留空");
        else if (maxText && points !== null && max! < points) fail(["faults", i, "max"], `最多扣分${max}不能小于每次扣分${points}`);
        if (ok) {
          const fault: Fault = { code, label, points: points! };
          if (mode === "once") fault.once = true;
          else if (maxText) fault.max = max!;
          faults.push(fault);
        }
      }
      const rule: Extract<LeafRule, { type: "deduction" }> = { type: "deduction", faults: withGeneratedCodes(faults) };
      const dmax = discretion(raw.deductionDiscretionMax, ["deductionDiscretionMax"], "酌情扣分上限", nodePoints, issue);
      if (dmax === false) return null;
      if (dmax !== null) rule.discretionMax = dmax;
      return rule;
    }
    case "ratio": {
      const target = parseNumber(raw.target);
      if (!raw.target) issue(["target"], "请填写达标值，如 1（即100%）或 0.5（即50%）");
      else if (target === null) issue(["target"], "达标值必须是数字，如 0.5");
      else if (target <= 0) issue(["target"], "达标值必须大于0");
      else return { type: "ratio", target };
      return null;
    }
    case "tiers": {
      const tiers: { min: number; points: number; label?: string }[] = [];
      const rows = Math.max(raw.tierMin.length, raw.tierPoints.length, raw.tierLabel.length);
      for (let i = 0; i < rows; i++) {
        const minText = raw.tierMin[i] ?? "";
        const pointsText = raw.tierPoints[i] ?? "";
        const label = raw.tierLabel[i] ?? "";
        if (!minText && !pointsText && !label) continue;
        let ok = true;
        const fail = (path: (string | number)[], message: string) => {
          issue(path, message);
          ok = false;
        };
        const min = parseNumber(minText);
        const points = parseNumber(pointsText);
        if (!minText) fail(["tiers", i, "min"], "请填写该档的最低值");
        else if (min === null) fail(["tiers", i, "min"], "最低值必须是数字");
        if (!pointsText) fail(["tiers", i, "points"], "请填写该档得分");
        else if (points === null) fail(["tiers", i, "points"], "得分必须是数字");
        else if (points < 0) fail(["tiers", i, "points"], "得分不能为负数");
        else if (nodePoints !== null && points > nodePoints) fail(["tiers", i, "points"], `得分不能超过指标分值${nodePoints}`);
        if (FORBIDDEN_IN_LABEL.test(label)) fail(["tiers", i, "label"], "档位名称不能包含分号");
        if (ok) tiers.push(label ? { min: min!, points: points!, label } : { min: min!, points: points! });
      }
      if (tiers.length === 0 && rows === 0) issue(["tiers"], "分档计分至少需要一个档位");
      return { type: "tiers", tiers };
    }
    case "timeliness": {
      const value = parseNumber(raw.limitValue);
      const whenEmpty = raw.whenEmpty === "na" ? "na" : "full";
      if (raw.whenEmpty !== "full" && raw.whenEmpty !== "na") issue(["whenEmpty"], "请选择无事项时的处理方式");
      if (raw.limitKind !== "hours" && raw.limitKind !== "workingDays") {
        issue(["limitKind"], "请选择时限单位：小时或工作日");
        return null;
      }
      if (!raw.limitValue) issue(["limitValue"], "请填写时限");
      else if (value === null) issue(["limitValue"], "时限必须是数字");
      else if (value <= 0) issue(["limitValue"], "时限必须大于0");
      else if (raw.limitKind === "workingDays" && !Number.isInteger(value)) issue(["limitValue"], "工作日时限须为整数");
      else return raw.limitKind === "hours" ? { type: "timeliness", limit: { hours: value }, whenEmpty } : { type: "timeliness", limit: { workingDays: value }, whenEmpty };
      return null;
    }
    case "veto":
      return raw.vetoScope ? { type: "veto", scope: raw.vetoScope } : { type: "veto" };
    case "checklist": {
      const tasks: ChecklistTask[] = [];
      const seen = new Map<string, number>();
      const rows = Math.max(raw.taskCode.length, raw.taskLabel.length, raw.taskPoints.length);
      let ok = true;
      for (let i = 0; i < rows; i++) {
        const code = raw.taskCode[i] ?? "";
        const label = raw.taskLabel[i] ?? "";
        const pointsText = raw.taskPoints[i] ?? "";
        if (!code && !label && !pointsText) continue;
        let rowOk = true;
        const fail = (path: (string | number)[], message: string) => {
          issue(path, message);
          rowOk = false;
        };
        if (code && !FAULT_CODE_RE.test(code)) fail(["tasks", i, "code"], TASK_CODE_MESSAGE);
        else if (code && seen.has(code)) fail(["tasks", i, "code"], `任务代码“${code}”与第${seen.get(code)! + 1}项重复`);
        else if (code) seen.set(code, i);
        if (!label) fail(["tasks", i, "label"], "请填写任务名称");
        else if (FORBIDDEN_IN_LABEL.test(label)) fail(["tasks", i, "label"], "任务名称不能包含分号");
        else if (label.length > 100) fail(["tasks", i, "label"], "任务名称不能超过100个字");
        const points = parseNumber(pointsText);
        if (!pointsText) fail(["tasks", i, "points"], "请填写该任务的分值");
        else if (points === null) fail(["tasks", i, "points"], "任务分值必须是数字");
        else if (points <= 0) fail(["tasks", i, "points"], "任务分值必须大于0");
        if (rowOk) tasks.push({ code, label, points: points! });
        else ok = false;
      }
      if (rows === 0 || (tasks.length === 0 && ok)) {
        issue(["tasks"], "任务清单至少需要一项任务");
        return null;
      }
      return ok ? { type: "checklist", tasks: withGeneratedCodes(tasks) } : null;
    }
  }
  return null;
}

/**
 * An optional discretion bound (在N分内酌情给分/扣分): null when blank, false when refused, else
 * the bound (> 0 and at most the leaf's points).
 */
function discretion(text: string, path: string[], label: string, nodePoints: number | null, issue: Issue): number | null | false {
  if (!text) return null;
  const n = parseNumber(text);
  if (n === null || n <= 0) issue(path, `${label}必须是大于0的数字，如 2；不设请留空`);
  else if (nodePoints !== null && n > nodePoints) issue(path, `${label}${n}不能超过指标分值${nodePoints}`);
  else return n;
  return false;
}

/** Raw form fields as received, lists kept, for echoing typed values back after an error. */
export type NodeFormValues = Record<string, string | string[]>;

export function nodeFormValues(formData: FormData): NodeFormValues {
  const values: NodeFormValues = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    values[key] = all.length > 1 || LIST_FIELDS.has(key) ? all : (all[0] ?? "");
  }
  return values;
}

const LIST_FIELDS = new Set(["faultCode", "faultLabel", "faultPoints", "faultMax", "faultMode", "taskCode", "taskLabel", "taskPoints", "tierMin", "tierPoints", "tierLabel", "evidenceKinds"]);

export type NodeFormResult = { ok: true; data: NodeInput } | { ok: false; fieldErrors: FieldErrors; values: NodeFormValues };

/**
 * Validate the node form. `isLeaf`: a node without children needs a rule; a node with children
 * carries none (its rule fields are ignored).
 */
export function parseNodeForm(formData: FormData, opts: { isLeaf: boolean }): NodeFormResult {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    raw[key] = LIST_FIELDS.has(key) || all.length > 1 ? all : all[0];
  }
  const fieldErrors: FieldErrors = {};
  const base = rawSchema.safeParse(raw);
  if (!base.success) Object.assign(fieldErrors, zodFieldErrors(base.error));
  let rule: LeafRule | null = null;
  if (opts.isLeaf) {
    const ruleFields = ruleFieldsSchema.parse(raw);
    const nodePoints = base.success ? base.data.points : null;
    rule = buildRule(ruleFields, nodePoints, (path, message) => {
      fieldErrors[path.join(".")] ??= message;
    });
  }
  if (!base.success || Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors, values: nodeFormValues(formData) };
  const r = base.data;
  return {
    ok: true,
    data: {
      code: r.code,
      name: r.name,
      dimension: r.dimension,
      part: r.part,
      cap: r.part === "penalty" ? r.cap : null,
      points: r.points,
      rule,
      guidance: r.guidance,
      criteria: r.criteria,
      basis: r.basis,
      evidenceRequired: r.evidenceRequired,
      evidenceKinds: r.evidenceKinds as EvidenceKind[],
    },
  };
}

/** 修订 (amendment) fields: reason required; carry-over mode when existing answers are affected. */
export const amendmentSchema = z.object({
  reason: z
    .string({ required_error: "请填写修订原因" })
    .trim()
    .min(1, "请填写修订原因")
    .max(500, "修订原因不能超过500个字"),
  carry: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine((v) => v === "" || (CARRY_MODES as readonly string[]).includes(v), "请选择有效的得分处理方式")
    .transform((v) => (v === "" ? null : (v as CarryMode))),
});

export type AmendmentInput = z.output<typeof amendmentSchema>;

/** Why a set leaves mandated dimensions uncovered (recorded on the set page before publishing). */
export const coverageReasonSchema = z.object({
  coverageReason: z
    .string({ required_error: "请填写未覆盖的原因" })
    .trim()
    .min(1, "请填写未覆盖的原因")
    .max(500, "原因不能超过500个字"),
});
