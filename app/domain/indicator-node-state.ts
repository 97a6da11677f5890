import { DESIGNATED_SOURCE_KINDS, designatedSourceKind, type DesignatedSourceKind } from "./designated-source";
import type { IndicatorSpec } from "./indicator-spec";
import { formatNumber, normalizeRule } from "./indicator-format";

/**
 * What the tree editor's node form shows: every field as text, rule parameters as rows. Built from
 * a stored node, or from the values a refused form sent back (so nothing typed is lost).
 */
export interface NodeFormState {
  code: string;
  name: string;
  dimension: string;
  part: string;
  /** 扣分项上限 (top-level penalty nodes). */
  cap: string;
  points: string;
  ruleType: string;
  reconcile: string;
  designated: string;
  designatedKind: DesignatedSourceKind;
  scoreDiscretionMax: string;
  deductionDiscretionMax: string;
  vetoScope: string;
  /** mode: "each" (每处扣分, optionally up to max) or "once" (一次性扣分). */
  faults: { code: string; label: string; points: string; max: string; mode: string }[];
  /** 任务清单 (checklist) rows. */
  tasks: { code: string; label: string; points: string }[];
  target: string;
  tiers: { min: string; points: string; label: string }[];
  limitKind: string;
  limitValue: string;
  whenEmpty: string;
  guidance: string;
  criteria: string;
  basis: string;
  evidenceRequired: boolean;
  evidenceKinds: string[];
  reason: string;
  carry: string;
}

export const EMPTY_NODE_STATE: NodeFormState = {
  code: "",
  name: "",
  dimension: "",
  part: "base",
  cap: "",
  points: "",
  ruleType: "",
  reconcile: "",
  designated: "",
  designatedKind: "evaluator",
  scoreDiscretionMax: "",
  deductionDiscretionMax: "",
  vetoScope: "",
  faults: [],
  tasks: [],
  target: "1",
  tiers: [],
  limitKind: "workingDays",
  limitValue: "",
  whenEmpty: "full",
  guidance: "",
  criteria: "",
  basis: "",
  evidenceRequired: false,
  evidenceKinds: [],
  reason: "",
  carry: "",
};

export function stateFromSpec(spec: IndicatorSpec): NodeFormState {
  const s: NodeFormState = {
    ...EMPTY_NODE_STATE,
    code: spec.code,
    name: spec.name,
    dimension: spec.dimension ?? "",
    part: spec.part ?? "base",
    cap: spec.cap === undefined ? "" : formatNumber(spec.cap),
    points: formatNumber(spec.points),
    guidance: spec.guidance ?? "",
    criteria: spec.criteria ?? "",
    basis: spec.basis ?? "",
    evidenceRequired: spec.evidenceRequired ?? false,
    evidenceKinds: [...(spec.evidenceKinds ?? [])],
  };
  const rule = normalizeRule(spec.rule);
  if (!rule) return s;
  s.ruleType = rule.type;
  switch (rule.type) {
    case "score":
      s.reconcile = rule.reconcile ?? "";
      s.designated = rule.designated ?? "";
      s.designatedKind = designatedSourceKind(rule);
      s.scoreDiscretionMax = rule.discretionMax === undefined ? "" : formatNumber(rule.discretionMax);
      break;
    case "deduction":
      s.faults = rule.faults.map((f) => ({
        code: f.code,
        label: f.label,
        points: formatNumber(f.points),
        max: f.max === undefined ? "" : formatNumber(f.max),
        mode: f.once ? "once" : "each",
      }));
      s.deductionDiscretionMax = rule.discretionMax === undefined ? "" : formatNumber(rule.discretionMax);
      break;
    case "ratio":
      s.target = formatNumber(rule.target);
      break;
    case "tiers":
      s.tiers = rule.tiers.map((t) => ({ min: formatNumber(t.min), points: formatNumber(t.points), label: t.label ?? "" }));
      break;
    case "timeliness":
      s.limitKind = rule.limit.hours !== undefined ? "hours" : "workingDays";
      s.limitValue = formatNumber(rule.limit.hours ?? rule.limit.workingDays ?? 0);
      s.whenEmpty = rule.whenEmpty;
      break;
    case "veto":
      s.vetoScope = rule.scope ?? "";
      break;
    case "checklist":
      s.tasks = rule.tasks.map((t) => ({ code: t.code, label: t.label, points: formatNumber(t.points) }));
      break;
  }
  return s;
}

type Values = Record<string, string | string[] | undefined>;

const one = (v: Values, k: string): string => {
  const x = v[k];
  return Array.isArray(x) ? (x[0] ?? "") : (x ?? "");
};
const many = (v: Values, k: string): string[] => {
  const x = v[k];
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
};

export function stateFromValues(v: Values): NodeFormState {
  const faultCode = many(v, "faultCode");
  const faultLabel = many(v, "faultLabel");
  const faultPoints = many(v, "faultPoints");
  const faultMax = many(v, "faultMax");
  const faultMode = many(v, "faultMode");
  const taskCode = many(v, "taskCode");
  const taskLabel = many(v, "taskLabel");
  const taskPoints = many(v, "taskPoints");
  const tierMin = many(v, "tierMin");
  const tierPoints = many(v, "tierPoints");
  const tierLabel = many(v, "tierLabel");
  const rows = <T,>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  return {
    code: one(v, "code"),
    name: one(v, "name"),
    dimension: one(v, "dimension"),
    part: one(v, "part") || "base",
    cap: one(v, "cap"),
    points: one(v, "points"),
    ruleType: one(v, "ruleType"),
    reconcile: one(v, "reconcile"),
    designated: one(v, "designated"),
    designatedKind: (DESIGNATED_SOURCE_KINDS as readonly string[]).includes(one(v, "designatedKind")) ? (one(v, "designatedKind") as DesignatedSourceKind) : "evaluator",
    scoreDiscretionMax: one(v, "scoreDiscretionMax"),
    deductionDiscretionMax: one(v, "deductionDiscretionMax"),
    vetoScope: one(v, "vetoScope"),
    faults: rows(Math.max(faultCode.length, faultLabel.length, faultPoints.length, faultMax.length), (i) => ({
      code: faultCode[i] ?? "",
      label: faultLabel[i] ?? "",
      points: faultPoints[i] ?? "",
      max: faultMax[i] ?? "",
      mode: faultMode[i] || "each",
    })).filter((f) => f.code || f.label || f.points || f.max),
    tasks: rows(Math.max(taskCode.length, taskLabel.length, taskPoints.length), (i) => ({
      code: taskCode[i] ?? "",
      label: taskLabel[i] ?? "",
      points: taskPoints[i] ?? "",
    })).filter((t) => t.code || t.label || t.points),
    target: one(v, "target"),
    tiers: rows(Math.max(tierMin.length, tierPoints.length, tierLabel.length), (i) => ({
      min: tierMin[i] ?? "",
      points: tierPoints[i] ?? "",
      label: tierLabel[i] ?? "",
    })).filter((t) => t.min || t.points || t.label),
    limitKind: one(v, "limitKind") || "workingDays",
    limitValue: one(v, "limitValue"),
    whenEmpty: one(v, "whenEmpty") || "full",
    guidance: one(v, "guidance"),
    criteria: one(v, "criteria"),
    basis: one(v, "basis"),
    evidenceRequired: ["on", "1", "true"].includes(one(v, "evidenceRequired")),
    evidenceKinds: many(v, "evidenceKinds"),
    reason: one(v, "reason"),
    carry: one(v, "carry"),
  };
}
