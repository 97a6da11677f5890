import Decimal from "decimal.js";
import type { ChecklistTask, Dimension, Fault, LeafRule, NodePart as Part, RuleType } from "../../scoring";
import {
  DIMENSIONS,
  FAULT_CODE_MESSAGE,
  FAULT_CODE_RE,
  parseDimension,
  parseEvidenceKinds,
  parseFaults,
  parseLimit,
  parseNumber,
  parsePart,
  parseReconcile,
  parseRuleType,
  parseTasks,
  parseTiers,
  parseWhenEmpty,
  PART_LABELS,
  RULE_TYPE_LABELS,
  TASK_CODE_MESSAGE,
  type Tier,
} from "../domain/indicator-format";
import { NODE_CODE_MESSAGE, NODE_CODE_RE } from "../domain/indicator-form";
import { checkIndicatorSet, MAX_DEPTH, type CoverageGap } from "../domain/indicator-policy";
import type { IndicatorSpec } from "../domain/indicator-spec";
import { DESIGNATED_NAME_MAX, engineKind, parseDesignatedCell } from "../domain/designated-source";
import { header, type Field } from "./indicator-xlsx-columns.server";
import type { DataSheet, SheetRow } from "./indicator-xlsx-read.server";
import { nodeAtPath } from "./indicator-structure.server";
import { sheetPlace } from "./imports/xlsx-read.server";

/**
 * Checking the rows of one indicator sheet into a tree: each row on its own (every field readable),
 * then the tree (parents, levels, sums, parts), then the policy rules — every problem tied to its
 * sheet and row, nothing imported while any remains.
 */

export interface ImportProblem {
  /** Sheet name; empty for problems of the file as a whole. */
  sheet: string;
  /** Excel row number, or null for a problem of the whole sheet. */
  row: number | null;
  message: string;
}

/** 工作表“区级部门”第3行：分值“五”不是数字 (the sheet alone for a problem of the whole sheet). */
export function formatProblem(p: ImportProblem): string {
  return p.sheet ? `${sheetPlace(p.sheet, p.row)}：${p.message}` : p.message;
}

const decimals = (n: number) => (String(n).split(".")[1] ?? "").length;
const num = (d: Decimal) => d.toString();

interface ParsedRow {
  rowNumber: number;
  code: string;
  parentCode: string | null;
  level: number | null;
  name: string;
  dimension: Dimension | null;
  part: Part | null;
  points: number;
  ruleType: RuleType | null;
  rule: LeafRule | null;
  /** 扣分项上限 (top-level penalty nodes only; checked with the tree). */
  cap: number | null;
  spec: Omit<IndicatorSpec, "children" | "rule" | "part" | "points" | "code" | "name" | "dimension">;
  /** Rule-parameter columns that hold something (for "parents take no rule"). */
  paramColumns: string[];
}

const PARAM_FIELDS: Field[] = ["faults", "target", "tiers", "limit", "whenEmpty", "reconcile", "tasks", "discretionMax", "designated", "vetoScope"];
const PARAM_FOR: Record<RuleType, Field[]> = {
  score: ["reconcile", "discretionMax", "designated"],
  deduction: ["faults", "discretionMax"],
  ratio: ["target"],
  tiers: ["tiers"],
  timeliness: ["limit", "whenEmpty"],
  veto: ["vetoScope"],
  checklist: ["tasks"],
};

function numberOf(row: SheetRow, field: Field): number | null {
  return row.numbers[field] ?? parseNumber(row.values[field]);
}

/** 酌情上限: null when blank, false when refused, else the bound (> 0, at most the leaf's points). */
function discretionOf(row: SheetRow, points: number | null, what: "酌情给分" | "酌情扣分", err: (m: string) => void): number | null | false {
  const text = row.values.discretionMax;
  if (!text) return null;
  const n = numberOf(row, "discretionMax");
  if (n === null) err(`酌情上限“${text}”不是数字`);
  else if (n <= 0) err("酌情上限必须大于0");
  else if (points !== null && n > points) err(`${what}上限(${n})超过指标分值(${points})`);
  else return n;
  return false;
}

/** One row on its own: every field readable. */
function parseRow(row: SheetRow, bad: (message: string) => void): ParsedRow | null {
  const v = row.values;
  let ok = true;
  const err = (m: string) => {
    ok = false;
    bad(m);
  };
  const code = v.code;
  if (!code) err("请填写编码");
  else if (!NODE_CODE_RE.test(code)) err(NODE_CODE_MESSAGE);
  const name = v.name;
  if (!name) err("请填写名称");
  else if (name.length > 100) err("名称不能超过100个字");
  let level: number | null = null;
  if (v.level) {
    level = numberOf(row, "level");
    if (level === null || ![1, 2, 3].includes(level)) err(`层级“${v.level}”无效，只能填1、2或3`);
  }
  let dimension: Dimension | null = null;
  if (v.dimension) {
    dimension = parseDimension(v.dimension);
    if (!dimension) err(`维度“${v.dimension}”无效，只能填：${Object.values(DIMENSIONS).join("、")}`);
  }
  let part: Part | null = null;
  if (v.part) {
    part = parsePart(v.part);
    if (!part) err(`类别“${v.part}”无效，只能填：${Object.values(PART_LABELS).join("、")}`);
  }
  let cap: number | null = null;
  if (v.cap) {
    cap = numberOf(row, "cap");
    if (cap === null) err(`扣分项上限“${v.cap}”不是数字`);
    else if (cap <= 0) err("扣分项上限必须大于0（不设上限请留空）");
  }
  const points = numberOf(row, "points");
  if (!v.points) err("请填写分值");
  else if (points === null) err(`分值“${v.points}”不是数字`);
  else if (points < 0) err("分值不能为负数");
  else if (decimals(points) > 2) err("分值最多保留两位小数");

  let ruleType: RuleType | null = null;
  if (v.ruleType) {
    ruleType = parseRuleType(v.ruleType);
    if (!ruleType) err(`评分规则“${v.ruleType}”无效，只能填：${Object.values(RULE_TYPE_LABELS).join("、")}`);
  }
  const paramColumns = PARAM_FIELDS.filter((f) => v[f]).map(header);
  let rule: LeafRule | null = null;
  if (ruleType) {
    for (const f of PARAM_FIELDS) {
      if (v[f] && !PARAM_FOR[ruleType].includes(f)) err(`评分规则为“${RULE_TYPE_LABELS[ruleType]}”时不应填写“${header(f)}”`);
    }
    rule = parseRule(ruleType, row, points, err);
  }

  let evidenceRequired = false;
  if (v.evidenceRequired) {
    if (["是", "必须", "y", "yes", "true", "1"].includes(v.evidenceRequired.toLowerCase())) evidenceRequired = true;
    else if (!["否", "不要求", "n", "no", "false", "0"].includes(v.evidenceRequired.toLowerCase())) err(`佐证要求只能填“是”或“否”，不能是“${v.evidenceRequired}”`);
  }
  let evidenceKinds: string[] = [];
  if (v.evidenceKinds) {
    const kinds = parseEvidenceKinds(v.evidenceKinds);
    if (!kinds.ok) err(kinds.message);
    else evidenceKinds = kinds.value;
  }
  for (const [f, max] of [["guidance", 2000], ["criteria", 2000], ["basis", 500]] as const) {
    if (v[f].length > max) err(`${header(f)}不能超过${max}个字`);
  }
  if (!ok) return null;
  const spec: ParsedRow["spec"] = { evidenceRequired };
  if (v.guidance) spec.guidance = v.guidance;
  if (v.criteria) spec.criteria = v.criteria;
  if (v.basis) spec.basis = v.basis;
  if (evidenceKinds.length) spec.evidenceKinds = evidenceKinds;
  return {
    rowNumber: row.rowNumber,
    code,
    parentCode: v.parentCode || null,
    level,
    name,
    dimension,
    part,
    points: points!,
    ruleType,
    rule,
    cap,
    spec,
    paramColumns,
  };
}

function parseRule(type: RuleType, row: SheetRow, points: number | null, err: (m: string) => void): LeafRule | null {
  const v = row.values;
  switch (type) {
    case "score": {
      const rule: Extract<LeafRule, { type: "score" }> = { type: "score" };
      let good = true;
      if (v.reconcile) {
        const reconcile = parseReconcile(v.reconcile);
        if (!reconcile) {
          err(`评分汇总“${v.reconcile}”无效，只能填“平均值”或“中位数”`);
          good = false;
        } else rule.reconcile = reconcile;
      }
      if (v.designated) {
        // 指定评分来源: “县外网办” (an evaluator, as older workbooks wrote it), “外部单位评价：县外网办”, “抽查结果：区级抽查”.
        const source = parseDesignatedCell(v.designated);
        if (source.name === "") {
          err(`指定评分来源“${v.designated}”缺少来源名称，如“外部单位评价：县外网办”`);
          good = false;
        } else if (source.name.length > DESIGNATED_NAME_MAX) {
          err(`指定评分来源不能超过${DESIGNATED_NAME_MAX}个字`);
          good = false;
        } else {
          rule.designated = source.name;
          const kind = engineKind(source.kind);
          if (kind) rule.designatedKind = kind;
        }
      }
      const dmax = discretionOf(row, points, "酌情给分", err);
      if (dmax === false) good = false;
      else if (dmax !== null) rule.discretionMax = dmax;
      return good ? rule : null;
    }
    case "deduction": {
      const parsed = parseFaults(v.faults);
      if (!parsed.ok) {
        err(parsed.message);
        return null;
      }
      const seen = new Set<string>();
      let good = true;
      const no = (m: string) => {
        err(m);
        good = false;
      };
      parsed.value.forEach((f: Fault, i) => {
        if (!FAULT_CODE_RE.test(f.code)) no(`扣分项第${i + 1}项的代码“${f.code}”无效：${FAULT_CODE_MESSAGE}`);
        else if (seen.has(f.code)) no(`扣分项代码“${f.code}”重复`);
        seen.add(f.code);
        if (f.points <= 0) no(`扣分项“${f.label}”的每次扣分必须大于0`);
        else if (f.max !== undefined && f.max < f.points) no(`扣分项“${f.label}”的最多扣分(${f.max})小于每次扣分(${f.points})`);
      });
      const dmax = discretionOf(row, points, "酌情扣分", err);
      if (dmax === false || !good) return null;
      return dmax === null ? { type: "deduction", faults: parsed.value } : { type: "deduction", faults: parsed.value, discretionMax: dmax };
    }
    case "ratio": {
      const target = numberOf(row, "target");
      if (!v.target) err("评分规则为比率达标时须填写达标值");
      else if (target === null) err(`达标值“${v.target}”不是数字`);
      else if (target <= 0) err("达标值必须大于0");
      else return { type: "ratio", target };
      return null;
    }
    case "tiers": {
      if (!v.tiers) {
        err("评分规则为分档计分时须填写档位");
        return null;
      }
      const parsed = parseTiers(v.tiers);
      if (!parsed.ok) {
        err(parsed.message);
        return null;
      }
      let good = true;
      const no = (m: string) => {
        err(m);
        good = false;
      };
      parsed.value.forEach((t: Tier, i) => {
        if (t.points < 0) no(`档位第${i + 1}档得分不能为负数`);
        else if (points !== null && t.points > points) no(`档位第${i + 1}档得分(${t.points})超过指标分值(${points})`);
      });
      return good ? { type: "tiers", tiers: parsed.value } : null;
    }
    case "timeliness": {
      if (!v.limit) {
        err("评分规则为时效时须填写时限，如“5小时”或“3个工作日”");
        return null;
      }
      const limit = parseLimit(v.limit);
      if (!limit.ok) {
        err(limit.message);
        return null;
      }
      let whenEmpty: "full" | "na" = "full";
      if (v.whenEmpty) {
        const parsed = parseWhenEmpty(v.whenEmpty);
        if (!parsed) {
          err(`无事项时“${v.whenEmpty}”无效，只能填“满分”或“不适用”`);
          return null;
        }
        whenEmpty = parsed;
      }
      return { type: "timeliness", limit: limit.value, whenEmpty };
    }
    case "veto":
      // Whether the scope names a top-level base node is a tree check (sheetToSpecs).
      return v.vetoScope ? { type: "veto", scope: v.vetoScope } : { type: "veto" };
    case "checklist": {
      if (!v.tasks) {
        err("评分规则为任务清单时须填写任务，如“编制政府信息公开目录:2; 更新政府信息公开指南:1”");
        return null;
      }
      const parsed = parseTasks(v.tasks);
      if (!parsed.ok) {
        err(parsed.message);
        return null;
      }
      const seen = new Set<string>();
      let good = parsed.value.length > 0;
      if (!good) err("任务清单至少需要一项任务");
      const no = (m: string) => {
        err(m);
        good = false;
      };
      parsed.value.forEach((t: ChecklistTask, i) => {
        if (!FAULT_CODE_RE.test(t.code)) no(`任务第${i + 1}项的代码“${t.code}”无效：${TASK_CODE_MESSAGE}`);
        else if (seen.has(t.code)) no(`任务代码“${t.code}”重复`);
        seen.add(t.code);
        if (t.points <= 0) no(`任务“${t.label}”的分值必须大于0`);
        else if (points !== null && t.points > points) no(`任务“${t.label}”的分值(${t.points})超过指标分值(${points})`);
      });
      return good ? { type: "checklist", tasks: parsed.value } : null;
    }
  }
}

/**
 * Validate one sheet into a tree. Row problems first; the tree rules (parents, levels, sums,
 * parts) only on rows that read well; the policy checks (four dimensions …) only once the rows
 * are clean, mapped back to their rows.
 */
export function sheetToSpecs(
  sheet: DataSheet,
  scale: number,
  coverageGap: CoverageGap | null = null,
): { specs: IndicatorSpec[]; problems: ImportProblem[]; warnings: string[] } {
  const problems: ImportProblem[] = [];
  const at = (row: number | null) => (message: string) => problems.push({ sheet: sheet.name, row, message });
  if (sheet.rows.length === 0) {
    at(null)("没有指标（从第2行起每行填写一个指标）");
    return { specs: [], problems, warnings: [] };
  }
  const parsed = sheet.rows.map((r) => parseRow(r, at(r.rowNumber)));
  const good = parsed.filter((p): p is ParsedRow => p !== null);

  // Codes unique; parents exist.
  const firstRow = new Map<string, ParsedRow>();
  for (const p of good) {
    const prev = firstRow.get(p.code);
    if (prev) at(p.rowNumber)(`编码“${p.code}”与第${prev.rowNumber}行重复`);
    else firstRow.set(p.code, p);
  }
  const allCodes = new Set(sheet.rows.map((r) => r.values.code).filter(Boolean));
  const children = new Map<string | null, ParsedRow[]>();
  const placed: ParsedRow[] = [];
  for (const p of good) {
    if (firstRow.get(p.code) !== p) continue;
    if (p.parentCode !== null) {
      if (p.parentCode === p.code) {
        at(p.rowNumber)("上级编码不能是本指标自己的编码");
        continue;
      }
      if (!allCodes.has(p.parentCode)) {
        at(p.rowNumber)(`上级编码“${p.parentCode}”在本工作表中不存在`);
        continue;
      }
    }
    placed.push(p);
    const list = children.get(p.parentCode) ?? [];
    list.push(p);
    children.set(p.parentCode, list);
  }
  if (problems.length) return { specs: [], problems: sorted(problems), warnings: [] };

  // Levels (and loops: rows not reachable from the top level).
  const levelOf = new Map<string, number>();
  const topPart = new Map<string, Part>();
  const visit = (parent: string | null, level: number, part: Part | null) => {
    for (const p of children.get(parent) ?? []) {
      levelOf.set(p.code, level);
      const own = level === 1 ? (p.part ?? "base") : part!;
      topPart.set(p.code, own);
      visit(p.code, level + 1, own);
    }
  };
  visit(null, 1, null);
  for (const p of placed) {
    const bad = at(p.rowNumber);
    const level = levelOf.get(p.code);
    if (level === undefined) {
      bad(`上级编码“${p.parentCode}”形成循环（上级关系回到了本指标）`);
      continue;
    }
    if (level > MAX_DEPTH) bad(`指标“${p.name}”是第${level}级，指标体系最多设三级指标`);
    if (p.level !== null && p.level !== level) bad(`层级(${p.level})与上级编码不符，按上级编码应为${level}`);
    const part = topPart.get(p.code)!;
    if (level > 1 && p.part !== null && p.part !== part) bad(`类别只能在一级指标上设置；下级指标须留空或与一级指标相同（${PART_LABELS[part]}）`);
    const kids = children.get(p.code) ?? [];
    // The cap of a penalty part is kept with the part's node, which has its deduction items below it.
    if (p.cap !== null && (level > 1 || part !== "penalty" || kids.length === 0)) bad("扣分项上限只能填在类别为扣分项、且有下级指标的一级指标上");
    if (kids.length) {
      if (p.ruleType) bad("有下级指标的指标不能填写评分规则");
      else if (p.paramColumns.length) bad(`有下级指标的指标不能填写${p.paramColumns.join("、")}`);
      const sum = kids.reduce((acc, k) => acc.plus(new Decimal(k.points)), new Decimal(0));
      if (!sum.equals(new Decimal(p.points))) bad(`子指标分值之和(${num(sum)})不等于上级分值(${num(new Decimal(p.points))})`);
    } else {
      if (!p.ruleType) bad("末级指标须填写评分规则");
      else if (part === "veto" && p.ruleType !== "veto") bad("否决类指标的评分规则须为“单项否决”");
      else if (part !== "veto" && p.ruleType === "veto") bad("“单项否决”规则只能用于类别为否决的一级指标之下");
      else if (part === "penalty" && p.ruleType !== "deduction") bad("扣分项（倒扣分）指标的评分规则须为“扣分制”");
      if (part !== "veto" && part !== "penalty" && p.points <= 0) bad("评分指标的分值必须大于0");
      if (p.rule?.type === "veto" && p.rule.scope !== undefined && !(levelOf.get(p.rule.scope) === 1 && topPart.get(p.rule.scope) === "base")) {
        bad(`否决范围“${p.rule.scope}”应为本工作表中类别为基础的一级指标编码（留空表示整体否决）`);
      }
    }
    if (part === "veto" && p.points !== 0) bad("否决类指标的分值须为0");
    if (part === "penalty" && p.points !== 0) bad("扣分项（倒扣分）指标的分值须为0：在总分之外扣减，该部分最多扣多少分填在“扣分项上限”列");
  }
  if (problems.length) return { specs: [], problems: sorted(problems), warnings: [] };

  const build = (parent: string | null): IndicatorSpec[] =>
    (children.get(parent) ?? []).map((p) => {
      const spec: IndicatorSpec = { code: p.code, name: p.name, points: p.points };
      if (p.dimension) spec.dimension = p.dimension;
      if (parent === null) spec.part = p.part ?? "base";
      if (parent === null && p.cap !== null) spec.cap = p.cap;
      const kids = build(p.code);
      if (kids.length) spec.children = kids;
      else if (p.rule) spec.rule = p.rule;
      Object.assign(spec, p.spec);
      return spec;
    });
  const specs = build(null);

  // Policy checks, each tied to its row when it names a node.
  // An uncovered mandated dimension never refuses an import: it is a warning until the office
  // records the reason on the set page (publishing needs it).
  const report = checkIndicatorSet(specs, { scale, coverageGap, importing: true });
  for (const e of report.errors) {
    const node = nodeAtPath(specs, e.path);
    at(node ? firstRow.get(node.code)!.rowNumber : null)(e.message);
  }
  return { specs, problems: sorted(problems), warnings: report.warnings.map((w) => w.message) };
}

function sorted(problems: ImportProblem[]): ImportProblem[] {
  return [...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}

