// Validation of a whole package: every problem, each with a JSON path and a
// Chinese message. zod checks the shape; the checks below cross fields (points
// sums, ids, each unit's inputs against its leaf's rule). They read the raw
// input defensively so that they can run even where the shape is partly wrong.
import Decimal from "decimal.js";
import { INSTANT_MAX_YEAR, INSTANT_MIN_YEAR, parseDate, parseInstant } from "./calendar";
import { numStr } from "./decimal";
import { fromDesignated, missingDesignatedMessage, type DesignatedKind } from "./designated";
import { dedupe, joinPath, zodCheck } from "./messages";
import {
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_2,
  assessmentPackageSchema,
  indicatorNodeSchema,
  leafRuleSchema,
  unitSchema,
  type AssessmentPackage,
  type ValidationError,
} from "./schema";
import { z } from "zod";
import { unitsArePlain } from "./shape";
import { packageWarnings } from "./warnings";

/** The package without its units (see shape.ts). */
const packageShellSchema = assessmentPackageSchema.extend({ units: z.array(z.unknown()) });

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === "string";
const nonEmpty = (x: unknown): x is string => typeof x === "string" && x.trim() !== "";

/** What the input checks need to know about a leaf. */
interface RawLeaf {
  id: string;
  points: number | undefined;
  rule: Obj | undefined;
  part: string;
}

interface TreeInfo {
  leaves: Map<string, RawLeaf>;
  parents: Set<string>;
  /** Top-level node id → part. */
  tops: Map<string, string>;
}

const PARENT_TOLERANCE = new Decimal("1e-9");

/** What a tree check needs besides the tree: whether /2 fields are allowed, and the top-level nodes' parts by id. */
interface TreeContext {
  v2: boolean;
  tops: Map<string, string>;
  errors: ValidationError[];
}

/** A field of the rule language of zwgk-assessment/2 used in a /1 package. */
function needsV2(ctx: TreeContext, path: string, field: string): void {
  if (!ctx.v2) ctx.errors.push({ path, message: `“${field}”属于 ${PACKAGE_FORMAT_2} 格式，请将 format 设为“${PACKAGE_FORMAT_2}”` });
}

/**
 * Ids are data, kept in Maps and as keys of result objects; "__proto__" alone cannot be such a key
 * in JavaScript (assigning it sets an object's prototype), so it is refused wherever an id names a
 * leaf, unit or category. Every other string scores like any other.
 */
function reservedId(id: unknown, path: string, what: string, errors: ValidationError[]): void {
  if (id === "__proto__") errors.push({ path, message: `${what}不能为“__proto__”（系统保留字，请改用其他编号）` });
}

function checkRule(rule: unknown, node: Obj, path: string, part: string, ctx: TreeContext): void {
  const errors = ctx.errors;
  if (!isObj(rule) || !isStr(rule.type)) return; // shape errors come from zod
  const rp = joinPath(path, "rule");
  const type = rule.type;
  if (part === "penalty" && type !== "deduction") {
    errors.push({ path: joinPath(rp, "type"), message: "扣分项部分的指标必须使用 deduction（扣分）规则" });
  }
  if (type === "score" && rule.designated !== undefined) needsV2(ctx, joinPath(rp, "designated"), "designated");
  if (type === "score" && rule.designatedKind !== undefined) {
    needsV2(ctx, joinPath(rp, "designatedKind"), "designatedKind");
    if (rule.designated === undefined) errors.push({ path: joinPath(rp, "designatedKind"), message: "指定评分来源的类型须与来源名称（designated）一同填写" });
  }
  if ((type === "score" || type === "deduction") && rule.discretionMax !== undefined) {
    needsV2(ctx, joinPath(rp, "discretionMax"), "discretionMax");
    if (isNum(rule.discretionMax) && isNum(node.points) && rule.discretionMax > node.points) {
      errors.push({ path: joinPath(rp, "discretionMax"), message: `酌情${type === "score" ? "给分" : "扣分"}上限${numStr(rule.discretionMax)}超过指标分值${numStr(node.points)}` });
    }
  }
  if (type === "veto" && rule.scope !== undefined) {
    needsV2(ctx, joinPath(rp, "scope"), "scope");
    if (isStr(rule.scope) && ctx.tops.get(rule.scope) !== "base") {
      errors.push({ path: joinPath(rp, "scope"), message: `否决范围“${rule.scope}”应为本指标体系中基础部分的一级指标编号` });
    }
  }
  if (part === "veto" && type !== "veto") {
    errors.push({ path: joinPath(rp, "type"), message: "单项否决部分的指标必须使用 veto 规则" });
  }
  if (part !== "veto" && type === "veto") {
    errors.push({
      path: joinPath(rp, "type"),
      message: "veto（单项否决）规则只能用于 part 为 veto 的一级指标之下",
    });
  }
  if (part !== "veto" && part !== "penalty" && isNum(node.points) && node.points <= 0) {
    errors.push({ path: joinPath(path, "points"), message: "评分指标的分值必须大于0" });
  }
  if (type === "deduction" && Array.isArray(rule.faults)) {
    const seen = new Map<string, number>();
    rule.faults.forEach((f, i) => {
      if (!isObj(f)) return;
      const fp = joinPath(rp, "faults", i);
      if (f.max !== undefined) needsV2(ctx, joinPath(fp, "max"), "max");
      if (f.once !== undefined) needsV2(ctx, joinPath(fp, "once"), "once");
      if (f.once === true && f.max !== undefined) {
        errors.push({ path: joinPath(fp, "max"), message: "一次性扣分项（once）只扣一次，不能再设置最多扣分（max）" });
      }
      if (isNum(f.max) && isNum(f.points) && f.max < f.points) {
        errors.push({ path: joinPath(fp, "max"), message: `最多扣分${numStr(f.max)}小于每次扣分${numStr(f.points)}` });
      }
      if (!isStr(f.code)) return;
      const prev = seen.get(f.code);
      if (prev !== undefined) {
        errors.push({
          path: joinPath(rp, "faults", i, "code"),
          message: `扣分项代码“${f.code}”重复（与第${prev + 1}项相同）`,
        });
      } else seen.set(f.code, i);
    });
  }
  if (type === "checklist") {
    needsV2(ctx, joinPath(rp, "type"), "checklist");
    if (Array.isArray(rule.tasks)) {
      const seen = new Map<string, number>();
      rule.tasks.forEach((t, i) => {
        if (!isObj(t)) return;
        if (isNum(t.points) && isNum(node.points) && t.points > node.points) {
          errors.push({ path: joinPath(rp, "tasks", i, "points"), message: `任务“${isStr(t.label) ? t.label : i + 1}”的分值${numStr(t.points)}超过指标分值${numStr(node.points)}` });
        }
        if (!isStr(t.code)) return;
        const prev = seen.get(t.code);
        if (prev !== undefined) {
          errors.push({ path: joinPath(rp, "tasks", i, "code"), message: `任务代码“${t.code}”重复（与第${prev + 1}项相同）` });
        } else seen.set(t.code, i);
      });
    }
  }
  if (type === "tiers") {
    if (!Array.isArray(rule.tiers) || rule.tiers.length === 0) {
      errors.push({ path: joinPath(rp, "tiers"), message: "分档规则至少需要一个档位，且每档须设置分值（points）" });
    } else {
      rule.tiers.forEach((t, i) => {
        if (!isObj(t)) return;
        if (t.points === undefined) {
          errors.push({ path: joinPath(rp, "tiers", i, "points"), message: `第${i + 1}档缺少分值（points）` });
        } else if (isNum(t.points) && isNum(node.points) && t.points > node.points) {
          errors.push({
            path: joinPath(rp, "tiers", i, "points"),
            message: `第${i + 1}档分值${numStr(t.points)}超过指标分值${numStr(node.points)}`,
          });
        }
      });
    }
  }
}

function walkNode(
  node: unknown,
  path: string,
  depth: number,
  part: string,
  ids: Map<string, string>,
  info: TreeInfo,
  ctx: TreeContext,
): void {
  const errors = ctx.errors;
  if (!isObj(node)) return;
  reservedId(node.id, joinPath(path, "id"), "指标编号", errors);
  if (nonEmpty(node.id)) {
    const prev = ids.get(node.id);
    if (prev !== undefined) {
      errors.push({ path: joinPath(path, "id"), message: `指标编号“${node.id}”重复（已用于 ${prev}）` });
    } else ids.set(node.id, path);
  }
  if (depth === 0) {
    if (isStr(node.part)) part = node.part;
    if (part === "penalty") needsV2(ctx, joinPath(path, "part"), "penalty");
  } else if (node.part !== undefined) {
    errors.push({ path: joinPath(path, "part"), message: "part（基础/加分/否决/扣分项部分）只能设置在一级指标上" });
  }
  if (node.cap !== undefined) {
    needsV2(ctx, joinPath(path, "cap"), "cap");
    if (depth !== 0 || part !== "penalty") errors.push({ path: joinPath(path, "cap"), message: "上限（cap）只能设置在扣分项部分的一级指标上" });
  }
  if (part === "veto" && isNum(node.points) && node.points !== 0) {
    errors.push({ path: joinPath(path, "points"), message: "单项否决部分的分值必须为0" });
  }
  if (part === "penalty" && isNum(node.points) && node.points !== 0) {
    errors.push({ path: joinPath(path, "points"), message: "扣分项部分的分值必须为0（扣分项在总分之外扣减，上限用 cap 设置）" });
  }
  const children = node.children;
  const hasChildren = Array.isArray(children) && children.length > 0;
  const hasRule = node.rule !== undefined;
  if (hasChildren && hasRule) {
    errors.push({ path, message: "指标不能同时包含下级指标（children）和评分规则（rule）" });
  } else if (!hasChildren && !hasRule) {
    errors.push({ path, message: "指标须包含下级指标（children）或评分规则（rule）之一" });
  }
  if (hasChildren) {
    if (nonEmpty(node.id)) info.parents.add(node.id);
    const kids = children as unknown[];
    if (isNum(node.points) && kids.every((c) => isObj(c) && isNum(c.points))) {
      let sum = new Decimal(0);
      for (const c of kids) sum = sum.plus((c as Obj).points as number);
      if (sum.minus(node.points).abs().greaterThan(PARENT_TOLERANCE)) {
        errors.push({
          path: joinPath(path, "points"),
          message: `分值${numStr(node.points)}与下级指标分值之和${sum.toString()}不一致`,
        });
      }
    }
    kids.forEach((c, i) => walkNode(c, joinPath(path, "children", i), depth + 1, part, ids, info, ctx));
  } else if (hasRule) {
    checkRule(node.rule, node, path, part, ctx);
    if (nonEmpty(node.id) && !info.leaves.has(node.id)) {
      const parsed = leafRuleSchema.safeParse(node.rule);
      info.leaves.set(node.id, {
        id: node.id,
        points: isNum(node.points) ? node.points : undefined,
        rule: parsed.success ? (parsed.data as Obj) : undefined,
        part,
      });
    }
  }
}

function checkTree(indicators: unknown, path: string, errors: ValidationError[], v2: boolean): TreeInfo {
  const info: TreeInfo = { leaves: new Map(), parents: new Set(), tops: new Map() };
  if (!Array.isArray(indicators)) return info;
  for (const n of indicators) if (isObj(n) && nonEmpty(n.id)) info.tops.set(n.id, isStr(n.part) ? n.part : "base");
  const ctx: TreeContext = { v2, tops: info.tops, errors };
  const ids = new Map<string, string>();
  indicators.forEach((n, i) => walkNode(n, joinPath(path, i), 0, "base", ids, info, ctx));
  return info;
}

export interface TreeValidationOptions {
  /** Path prefix for messages, e.g. "indicatorSets[0].indicators". Default "indicators". */
  path?: string;
  /** The package format the tree is for; default zwgk-assessment/2 (every rule allowed). */
  format?: string;
}

/**
 * Validate one indicator set's node tree alone (shape, points sums, duplicate
 * ids, rule parameters, part rules) — for the indicator editor, before any
 * units exist.
 */
export function validateIndicatorTree(indicators: unknown, opts: TreeValidationOptions = {}): ValidationError[] {
  const path = opts.path ?? "indicators";
  const errors: ValidationError[] = [];
  zodCheck(z.array(indicatorNodeSchema).min(1), indicators, path, errors);
  checkTree(indicators, path, errors, opts.format !== PACKAGE_FORMAT);
  return dedupe(errors);
}

// ---------------------------------------------------------------- inputs

function checkScoreRange(v: unknown, points: number | undefined, path: string, label: string, errors: ValidationError[]): void {
  if (!isNum(v) || points === undefined) return;
  if (v < 0 || v > points) {
    errors.push({ path, message: `${label}${numStr(v)}超出范围[0, ${numStr(points)}]` });
  }
}

function timeMessage(s: unknown): string {
  return `时间“${String(s)}”格式不正确，应为带时区的 ISO 8601 格式（年份${INSTANT_MIN_YEAR}–${INSTANT_MAX_YEAR}），例如 2019-09-27T10:00:00+08:00`;
}

function checkInput(leaf: RawLeaf, input: unknown, path: string, who: string, v2: boolean, errors: ValidationError[]): void {
  if (!isObj(input)) return; // zod reports it
  const rule = leaf.rule;
  if (input.na === true) {
    if (!nonEmpty(input.reason)) {
      errors.push({ path: joinPath(path, "reason"), message: "不适用的指标须说明理由（reason）" });
    }
    if (input.override !== undefined) {
      errors.push({ path: joinPath(path, "override"), message: "不适用的指标不能进行分数调整" });
    }
    return;
  }
  if (!rule) return;
  const points = leaf.points;
  switch (rule.type) {
    case "score": {
      const scores = input.scores;
      if (!Array.isArray(scores)) {
        errors.push({ path: joinPath(path, "scores"), message: "缺少评分（scores），每位评估人一个分数" });
      } else if (scores.length === 0) {
        errors.push({ path: joinPath(path, "scores"), message: "至少需要一个评分" });
      } else {
        scores.forEach((s, j) => {
          if (isObj(s)) checkScoreRange(s.value, points, joinPath(path, "scores", j, "value"), "评分", errors);
          else checkScoreRange(s, points, joinPath(path, "scores", j), "评分", errors);
          if (isObj(s) && s.kind !== undefined && !v2) {
            errors.push({ path: joinPath(path, "scores", j, "kind"), message: `“kind”属于 ${PACKAGE_FORMAT_2} 格式，请将 format 设为“${PACKAGE_FORMAT_2}”` });
          }
        });
        const dmax = rule.discretionMax;
        if (isNum(dmax)) {
          scores.forEach((sc, j) => {
            const v = isObj(sc) ? sc.value : sc;
            if (isNum(v) && v > dmax) {
              errors.push({ path: joinPath(path, "scores", j), message: `酌情给分${numStr(v)}超出范围[0, ${numStr(dmax)}]` });
            }
          });
          if (!nonEmpty(input.reason)) errors.push({ path: joinPath(path, "reason"), message: "酌情给分须说明理由（reason）" });
        }
        const designated = rule.designated;
        const kind = rule.designatedKind as DesignatedKind | undefined;
        if (isStr(designated) && !scores.some((s) => isObj(s) && fromDesignated(s, designated, kind) && isNum(s.value))) {
          errors.push({ path: joinPath(path, "scores"), message: missingDesignatedMessage(who, leaf.id, designated, kind) });
        }
      }
      break;
    }
    case "deduction": {
      const ds = input.deductions;
      if (!Array.isArray(ds)) {
        errors.push({ path: joinPath(path, "deductions"), message: "缺少扣分记录（deductions），无扣分时请填写空数组 []" });
        break;
      }
      const codes = new Set(Array.isArray(rule.faults) ? rule.faults.map((f) => (isObj(f) ? f.code : undefined)) : []);
      const dmax = rule.discretionMax;
      if (isNum(dmax)) {
        let adHoc = new Decimal(0);
        for (const d of ds) if (isObj(d) && d.fault === undefined && isNum(d.points)) adHoc = adHoc.plus(d.points);
        if (adHoc.greaterThan(dmax)) {
          errors.push({ path: joinPath(path, "deductions"), message: `酌情扣分合计${adHoc.toString()}分，超过上限${numStr(dmax)}分` });
        }
      }
      ds.forEach((d, j) => {
        if (!isObj(d)) return;
        const dp = joinPath(path, "deductions", j);
        const hasFault = d.fault !== undefined;
        const hasPoints = d.points !== undefined;
        if (hasFault && hasPoints) {
          errors.push({ path: dp, message: "一条扣分记录只能填写扣分项代码（fault）或临时扣分分值（points）之一" });
        } else if (!hasFault && !hasPoints) {
          errors.push({ path: dp, message: "扣分记录须填写扣分项代码（fault）或临时扣分分值（points）" });
        }
        if (hasFault && isStr(d.fault) && !codes.has(d.fault)) {
          errors.push({ path: joinPath(dp, "fault"), message: `扣分项代码“${d.fault}”未在该指标的规则中定义` });
        }
        if (isNum(d.count)) {
          if (d.count < 0) errors.push({ path: joinPath(dp, "count"), message: `次数${numStr(d.count)}不能为负数` });
          else if (!Number.isInteger(d.count)) errors.push({ path: joinPath(dp, "count"), message: "次数须为整数" });
        }
        if (hasPoints && !hasFault) {
          if (isNum(d.points) && d.points < 0) {
            errors.push({ path: joinPath(dp, "points"), message: `扣分分值${numStr(d.points)}不能为负数` });
          }
          if (!nonEmpty(d.reason)) {
            errors.push({ path: joinPath(dp, "reason"), message: "临时扣分须说明理由（reason）" });
          }
        }
      });
      break;
    }
    case "ratio": {
      const hasValue = input.value !== undefined;
      const hasFrac = input.numerator !== undefined || input.denominator !== undefined;
      if (hasValue && hasFrac) {
        errors.push({ path, message: "比率指标只能填写 value，或 numerator 与 denominator，不能同时填写" });
      } else if (!hasValue && !hasFrac) {
        errors.push({ path, message: "比率指标须填写 value，或 numerator 与 denominator" });
      }
      if (isNum(input.value) && input.value < 0) {
        errors.push({ path: joinPath(path, "value"), message: `数值${numStr(input.value)}不能为负数` });
      }
      if (hasFrac) {
        if (input.numerator === undefined) errors.push({ path: joinPath(path, "numerator"), message: "缺少分子（numerator）" });
        if (input.denominator === undefined) errors.push({ path: joinPath(path, "denominator"), message: "缺少分母（denominator）" });
        if (isNum(input.numerator) && input.numerator < 0) {
          errors.push({ path: joinPath(path, "numerator"), message: "分子不能为负数" });
        }
        if (isNum(input.denominator) && input.denominator === 0) {
          errors.push({ path: joinPath(path, "denominator"), message: "分母不能为0" });
        } else if (isNum(input.denominator) && input.denominator < 0) {
          errors.push({ path: joinPath(path, "denominator"), message: "分母不能为负数" });
        }
      }
      break;
    }
    case "tiers": {
      if (input.value === undefined) errors.push({ path: joinPath(path, "value"), message: "缺少数值（value）" });
      break;
    }
    case "timeliness": {
      const evs = input.events;
      if (!Array.isArray(evs)) {
        errors.push({ path: joinPath(path, "events"), message: "缺少事项记录（events），本期没有事项时请填写空数组 []" });
        break;
      }
      evs.forEach((e, j) => {
        if (!isObj(e)) return;
        const ep = joinPath(path, "events", j);
        const s = isStr(e.start) ? parseInstant(e.start) : null;
        const en = isStr(e.end) ? parseInstant(e.end) : null;
        if (isStr(e.start) && s === null) errors.push({ path: joinPath(ep, "start"), message: timeMessage(e.start) });
        if (isStr(e.end) && en === null) errors.push({ path: joinPath(ep, "end"), message: timeMessage(e.end) });
        if (s && en && en.us < s.us) {
          errors.push({ path: joinPath(ep, "end"), message: `结束时间${String(e.end)}早于开始时间${String(e.start)}` });
        }
      });
      break;
    }
    case "checklist": {
      const entries = input.tasks;
      const tasks = Array.isArray(rule.tasks) ? rule.tasks.filter(isObj) : [];
      if (!Array.isArray(entries)) {
        errors.push({ path: joinPath(path, "tasks"), message: `${who}的指标“${leaf.id}”缺少任务完成情况（tasks），每项任务须标明已完成或未完成` });
        break;
      }
      const labels = new Map(tasks.map((t) => [t.code, t.label]));
      const marked = new Set<unknown>();
      entries.forEach((e, j) => {
        if (!isObj(e)) return;
        const ep = joinPath(path, "tasks", j);
        if (isStr(e.task)) {
          if (!labels.has(e.task)) errors.push({ path: joinPath(ep, "task"), message: `任务代码“${e.task}”未在该指标的规则中定义` });
          else if (marked.has(e.task)) errors.push({ path: joinPath(ep, "task"), message: `任务“${String(labels.get(e.task))}”重复填报` });
          marked.add(e.task);
        }
        if (isNum(e.evidence)) {
          if (e.evidence < 0) errors.push({ path: joinPath(ep, "evidence"), message: `佐证材料数量${numStr(e.evidence)}不能为负数` });
          else if (!Number.isInteger(e.evidence)) errors.push({ path: joinPath(ep, "evidence"), message: "佐证材料数量须为整数" });
        }
      });
      for (const t of tasks) {
        if (!marked.has(t.code)) {
          errors.push({ path: joinPath(path, "tasks"), message: `${who}的指标“${leaf.id}”未标明任务“${String(t.label)}”是否完成（每项任务须标明已完成或未完成）` });
        }
      }
      break;
    }
    case "veto": {
      if (input.triggered === undefined) {
        errors.push({ path: joinPath(path, "triggered"), message: "缺少是否触发单项否决（triggered: true/false）" });
      } else if (input.triggered === true && !nonEmpty(input.reason)) {
        errors.push({ path: joinPath(path, "reason"), message: "触发单项否决须说明理由（reason）" });
      }
      if (input.override !== undefined) {
        errors.push({ path: joinPath(path, "override"), message: "单项否决指标不能进行分数调整" });
      }
      break;
    }
  }
  if (leaf.part === "penalty" && input.override !== undefined) {
    errors.push({ path: joinPath(path, "override"), message: "扣分项指标不能进行分数调整" });
  }
  if (rule.type !== "veto" && leaf.part !== "penalty" && isObj(input.override)) {
    checkScoreRange(input.override.value, points, joinPath(path, "override", "value"), "调整后分数", errors);
  }
}

// ---------------------------------------------------------------- package

function checkGradeNames(grades: unknown[], path: string, errors: ValidationError[]): void {
  const names = new Map<string, number>();
  grades.forEach((g, i) => {
    if (!isObj(g) || !isStr(g.name)) return;
    if (names.has(g.name)) errors.push({ path: `${path}[${i}].name`, message: `等次名称“${g.name}”重复` });
    else names.set(g.name, i);
  });
}

/** The checks across the header's fields; answers each category's tree for the unit checks. */
function checkHeader(raw: Obj, errors: ValidationError[]): Map<string, TreeInfo> {
  // calendar: a date cannot be both a holiday and a make-up workday
  if (isObj(raw.calendar) && Array.isArray(raw.calendar.holidays) && Array.isArray(raw.calendar.workdays)) {
    const hol = new Set<number | null>(raw.calendar.holidays.filter(isStr).map(parseDate));
    hol.delete(null);
    raw.calendar.workdays.forEach((w, j) => {
      if (isStr(w) && hol.has(parseDate(w))) {
        errors.push({ path: `calendar.workdays[${j}]`, message: `日期${w}同时列为节假日和调休工作日` });
      }
    });
  }
  if (Array.isArray(raw.grades)) checkGradeNames(raw.grades, "grades", errors);
  const v2 = raw.format === PACKAGE_FORMAT_2;

  // indicator sets
  const trees = new Map<string, TreeInfo>();
  if (Array.isArray(raw.indicatorSets)) {
    raw.indicatorSets.forEach((set, i) => {
      if (!isObj(set)) return;
      reservedId(set.category, `indicatorSets[${i}].category`, "考核对象类别", errors);
      const sp = `indicatorSets[${i}]`;
      const info = checkTree(set.indicators, `${sp}.indicators`, errors, v2);
      for (const field of ["opennessWeightPct", "grades", "passMark", "bonusGate"]) {
        if (set[field] !== undefined && !v2) {
          errors.push({ path: `${sp}.${field}`, message: `“${field}”属于 ${PACKAGE_FORMAT_2} 格式，请将 format 设为“${PACKAGE_FORMAT_2}”` });
        }
      }
      if (Array.isArray(set.grades)) checkGradeNames(set.grades, `${sp}.grades`, errors);
      if (isObj(set.bonusGate) && isStr(set.bonusGate.part) && info.tops.get(set.bonusGate.part) !== "base") {
        errors.push({ path: `${sp}.bonusGate.part`, message: `加分门槛所依据的部分“${set.bonusGate.part}”应为本指标体系中基础部分的一级指标编号` });
      }
      if (nonEmpty(set.category)) {
        if (trees.has(set.category)) {
          errors.push({
            path: `indicatorSets[${i}].category`,
            message: `考核对象类别“${set.category}”的指标体系重复定义`,
          });
        } else trees.set(set.category, info);
      }
    });
  }

  return trees;
}

/** Each unit's id, category and inputs against the trees of its header. */
function checkUnits(units: unknown[], trees: ReadonlyMap<string, TreeInfo>, v2: boolean, errors: ValidationError[]): void {
  const unitIds = new Map<string, number>();
  units.forEach((unit, i) => {
    if (!isObj(unit)) return;
    const up = `units[${i}]`;
    reservedId(unit.id, `${up}.id`, "单位编号", errors);
    reservedId(unit.category, `${up}.category`, "单位类别", errors);
    if (nonEmpty(unit.id)) {
      const prev = unitIds.get(unit.id);
      if (prev !== undefined) {
        errors.push({ path: `${up}.id`, message: `单位编号“${unit.id}”重复（与 units[${prev}] 相同）` });
      } else unitIds.set(unit.id, i);
    }
    if (!nonEmpty(unit.category)) return;
    const tree = trees.get(unit.category);
    if (!tree) {
      errors.push({ path: `${up}.category`, message: `单位类别“${unit.category}”没有对应的指标体系` });
      return;
    }
    if (!isObj(unit.inputs)) return;
    const inputs = unit.inputs;
    for (const key of Object.keys(inputs)) {
      const ip = joinPath(`${up}.inputs`, key);
      const leaf = tree.leaves.get(key);
      if (!leaf) {
        errors.push({
          path: ip,
          message: tree.parents.has(key)
            ? `“${key}”不是末级指标，不能直接填报数据`
            : `指标“${key}”不在“${unit.category}”指标体系中`,
        });
        continue;
      }
      checkInput(leaf, inputs[key], ip, nonEmpty(unit.name) ? `单位“${unit.name}”` : "该单位", v2, errors);
    }
    const missing = [...tree.leaves.keys()].filter((id) => !Object.prototype.hasOwnProperty.call(inputs, id));
    if (missing.length > 0) {
      const who = nonEmpty(unit.name) ? `单位“${unit.name}”` : "该单位";
      errors.push({ path: `${up}.inputs`, message: `${who}缺少以下指标的数据：${missing.join("、")}` });
    }
  });
}

export type ValidationResult =
  | { ok: true; pkg: AssessmentPackage; warnings: string[] }
  | { ok: false; errors: ValidationError[] };

/** Validate a package; on success return it with defaults applied. */
export function validatePackage(input: unknown): ValidationResult {
  if (!isObj(input)) {
    return { ok: false, errors: [{ path: "", message: "数据包应为 JSON 对象" }] };
  }
  const errors: ValidationError[] = [];
  let pkg: AssessmentPackage | undefined;
  if (unitsArePlain(input.units)) {
    // The units are exactly what zod would return: check the rest with zod, keep the units as they are.
    const shell = zodCheck(packageShellSchema, input, "", errors);
    pkg = shell && { ...shell, units: input.units as AssessmentPackage["units"] };
  } else {
    pkg = zodCheck(assessmentPackageSchema, input, "", errors);
  }
  const trees = checkHeader(input, errors);
  if (Array.isArray(input.units)) checkUnits(input.units, trees, input.format === PACKAGE_FORMAT_2, errors);
  if (errors.length > 0 || pkg === undefined) return { ok: false, errors: dedupe(errors) };
  return { ok: true, pkg, warnings: packageWarnings(pkg) };
}

const unitsSchema = z.array(unitSchema);

export type HeaderValidation =
  | { ok: true; header: AssessmentPackage; validateUnits(units: unknown[]): ValidationResult }
  | { ok: false; errors: ValidationError[] };

/**
 * Validate a package header (a package with `units: []`) once, then units against it again and
 * again: `validateUnits(units)` answers exactly what validatePackage({ ...header, units }) would.
 */
export function validateHeader(input: unknown): HeaderValidation {
  const v = validatePackage(input);
  if (!v.ok) return v;
  if (v.pkg.units.length > 0) return { ok: false, errors: [{ path: "units", message: "数据包头不应包含单位" }] };
  const trees = checkHeader(input as Obj, []);
  return {
    ok: true,
    header: v.pkg,
    validateUnits(units) {
      const errors: ValidationError[] = [];
      const parsed = unitsArePlain(units) ? (units as AssessmentPackage["units"]) : zodCheck(unitsSchema, units, "units", errors);
      checkUnits(units, trees, v.pkg.format === PACKAGE_FORMAT_2, errors);
      if (errors.length > 0 || parsed === undefined) return { ok: false, errors: dedupe(errors) };
      const pkg = { ...v.pkg, units: parsed };
      return { ok: true, pkg, warnings: packageWarnings(pkg) };
    },
  };
}
