import Decimal from "decimal.js";
import { cycleAllows } from "../domain/cycle-capabilities";
import ExcelJS from "exceljs";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type Db, type Tx } from "../../db/client";
import { categories, cycles, indicatorSets } from "../../db/schema";
import type { ChecklistTask, Dimension, Fault, LeafRule, NodePart as Part, RuleType } from "../../scoring";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import {
  DIMENSIONS,
  FAULT_CODE_MESSAGE,
  FAULT_CODE_RE,
  formatEvidenceKinds,
  formatFaults,
  formatLimit,
  formatTasks,
  formatTiers,
  normalizeRule,
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
  RECONCILE_LABELS,
  RULE_TYPE_LABELS,
  TASK_CODE_MESSAGE,
  WHEN_EMPTY_LABELS,
  type Tier,
} from "../domain/indicator-format";
import { checkIndicatorSet, MAX_DEPTH, uncoveredDimensions, type CoverageGap } from "../domain/indicator-policy";
import { coverageSentence, coverageView } from "../domain/indicator-coverage";
import type { IndicatorSpec } from "../domain/indicator-spec";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { NODE_CODE_MESSAGE, NODE_CODE_RE } from "../domain/indicator-form";
import { nodeAtPath } from "./indicators.server";
import { loadTree, replaceTree, toSpecs } from "./indicator-tree.server";
import { categoryNameSchema, insertCategory } from "./categories.server";
import { MAX_IMPORT_BYTES, sheetPlace } from "./imports/xlsx-read.server";

/**
 * Indicator systems as Excel workbooks: one sheet per unit category (named after it), one row per
 * node in display order, rule parameters in readable columns, and a 说明 sheet explaining every
 * column. Importing the same format reproduces the tree exactly; every row is checked first and
 * any problem means nothing is written.
 */

type Field =
  | "level"
  | "code"
  | "parentCode"
  | "name"
  | "dimension"
  | "part"
  | "points"
  | "ruleType"
  | "faults"
  | "target"
  | "tiers"
  | "limit"
  | "whenEmpty"
  | "reconcile"
  | "tasks"
  | "guidance"
  | "criteria"
  | "basis"
  | "evidenceRequired"
  | "evidenceKinds";

interface Column {
  field: Field;
  header: string;
  required: boolean;
  width: number;
  note: string;
}

export const INDICATOR_COLUMNS: Column[] = [
  { field: "level", header: "层级", required: false, width: 6, note: "1、2、3，分别表示一级、二级、三级指标。可不填，系统按上级编码推算；填写时须与上级编码一致。" },
  { field: "code", header: "编码", required: true, width: 10, note: "指标编码，在本工作表内唯一，如 1、1.2、1.2.3。只能包含字母、数字、点、下划线或短横线。" },
  { field: "parentCode", header: "上级编码", required: true, width: 10, note: "上级指标的编码；一级指标留空。指标体系最多三级。" },
  { field: "name", header: "名称", required: true, width: 28, note: "指标名称，不超过100个字。" },
  { field: "dimension", header: "维度", required: true, width: 10, note: `取值：${Object.values(DIMENSIONS).join("、")}。留空表示沿用上级指标的维度。每套指标体系须覆盖信息公开、政策解读、回应关切、媒体参与四个维度。` },
  { field: "part", header: "类别", required: true, width: 8, note: "基础、加分或否决，只在一级指标上设置；下级指标留空或与一级指标相同。否决类指标分值为0，评分规则须为“单项否决”。留空视为基础。" },
  { field: "points", header: "分值", required: true, width: 8, note: "非负数，最多两位小数。有下级指标的，分值须等于下级指标分值之和。" },
  { field: "ruleType", header: "评分规则", required: true, width: 10, note: `末级指标必填，取值：${Object.values(RULE_TYPE_LABELS).join("、")}。有下级指标的留空。` },
  { field: "faults", header: "扣分项", required: false, width: 36, note: "评分规则为扣分制时填写：“代码:名称:每次扣分”，多项用分号分隔，如“late:逾期未更新:1; 错误:内容错误:0.5”。代码可用中文，也可省略（写成“名称:每次扣分”，由系统生成 F1、F2…）。可不填（只按临时扣分）。" },
  { field: "target", header: "达标值", required: false, width: 8, note: "评分规则为比率达标时必填：达到该比率即得满分，如 1（100%）或 0.5（50%）。" },
  { field: "tiers", header: "档位", required: false, width: 30, note: "评分规则为分档计分时必填：“最低值:得分:名称”，名称可省略，多档用分号分隔，如“1:2:每年1次; 2:4:每年2次及以上”。取满足条件的最高档。" },
  { field: "limit", header: "时限", required: false, width: 10, note: "评分规则为时效时必填：如“5小时”或“3个工作日”（工作日按考核年度的工作日历计算）。" },
  { field: "whenEmpty", header: "无事项时", required: false, width: 10, note: "评分规则为时效时填写：本年度没有需办理的事项时，“满分”或“不适用”。留空视为满分。" },
  { field: "reconcile", header: "评分汇总", required: false, width: 10, note: "评分规则为评估打分时可填：多名评估员评分取“平均值”或“中位数”；留空按考核年度设置。" },
  { field: "tasks", header: "任务", required: false, width: 36, note: "评分规则为任务清单时必填：“代码:任务:分值”，多项用分号分隔，如“ml:编制政府信息公开目录:2; 指南:更新政府信息公开指南:1”。代码可省略（写成“任务:分值”，由系统生成 F1、F2…）。每项任务须有佐证材料才得分，合计不超过指标分值。" },
  { field: "guidance", header: "考核要点", required: false, width: 40, note: "考核什么，向填报单位和评估员展示。" },
  { field: "criteria", header: "评分标准", required: false, width: 40, note: "如何得分、扣分。" },
  { field: "basis", header: "政策依据", required: false, width: 30, note: "出处条款，如“《中华人民共和国政府信息公开条例》第二十条”。" },
  { field: "evidenceRequired", header: "佐证要求", required: false, width: 8, note: "“是”表示必须上传佐证材料，“否”或留空表示不要求。" },
  { field: "evidenceKinds", header: "佐证类型", required: false, width: 24, note: "允许的佐证材料类型，用顿号分隔，如“PDF文件、JPEG图片”；留空表示系统允许的所有类型。" },
];

export const HELP_SHEET = "说明";

const INSTRUCTIONS = [
  "每个工作表是一套指标体系，工作表名称即单位类别名称（如“街道办事处”“区级部门”）；“说明”工作表不会被导入。",
  "第1行是表头，请勿修改；从第2行起每行一个指标。同一上级下的指标按行的先后顺序排列。",
  "导入时系统先检查所有行：只要有一处错误，就不会导入任何数据，并按 Excel 行号逐条列出错误原因。",
  "导入会整体替换所导入类别的指标体系，只能导入到草稿状态的考核年度；发布后的修改须在系统中以修订方式进行并说明理由。",
  "从系统导出的文件可直接修改后再导入；导出后原样导入，指标体系保持不变。",
];

/** Excel sheet names: at most 31 characters, none of \ / ? * [ ] : */
export function sheetNameFor(category: string): string {
  return category.replace(/[\\/?*[\]:]/g, "_").slice(0, 31) || "指标体系";
}

// ---------------------------------------------------------------- export

type Cell = string | number | null;

function rowsOf(specs: readonly IndicatorSpec[]): Cell[][] {
  const out: Cell[][] = [];
  const walk = (nodes: readonly IndicatorSpec[], level: number, parent: IndicatorSpec | null, part: Part) => {
    for (const n of nodes) {
      const ownPart = level === 1 ? (n.part ?? "base") : part;
      const isLeaf = !n.children || n.children.length === 0;
      const rule = isLeaf ? (normalizeRule(n.rule) ?? n.rule ?? null) : null;
      const cells: Record<Field, Cell> = {
        level,
        code: n.code,
        parentCode: parent?.code ?? null,
        name: n.name,
        dimension: n.dimension ? DIMENSIONS[n.dimension] : null,
        part: PART_LABELS[ownPart],
        points: n.points,
        ruleType: rule ? RULE_TYPE_LABELS[rule.type] : null,
        faults: rule?.type === "deduction" && rule.faults.length ? formatFaults(rule.faults) : null,
        target: rule?.type === "ratio" ? rule.target : null,
        tiers: rule?.type === "tiers" && rule.tiers.length ? formatTiers(rule.tiers) : null,
        limit: rule?.type === "timeliness" ? formatLimit(rule.limit) : null,
        whenEmpty: rule?.type === "timeliness" ? WHEN_EMPTY_LABELS[rule.whenEmpty] : null,
        reconcile: rule?.type === "score" && rule.reconcile ? RECONCILE_LABELS[rule.reconcile] : null,
        tasks: rule?.type === "checklist" ? formatTasks(rule.tasks) : null,
        guidance: n.guidance || null,
        criteria: n.criteria || null,
        basis: n.basis || null,
        evidenceRequired: n.evidenceRequired ? "是" : "否",
        evidenceKinds: n.evidenceKinds?.length ? formatEvidenceKinds(n.evidenceKinds) : null,
      };
      out.push(INDICATOR_COLUMNS.map((c) => cells[c.field]));
      if (!isLeaf) walk(n.children!, level + 1, n, ownPart);
    }
  };
  walk(specs, 1, null, "base");
  return out;
}

export interface ExportSet {
  category: string;
  specs: readonly IndicatorSpec[];
  /** The office's recorded reason for uncovered mandated dimensions (shown on the 说明 sheet). */
  coverageGap: CoverageGap | null;
}

/** The 说明 sheet's lines on sets that leave mandated dimensions uncovered. */
function coverageLines(sets: readonly ExportSet[]): string[] {
  return sets.flatMap((set) => {
    const sentence = coverageSentence(coverageView(set.specs, set.coverageGap));
    return sentence === null ? [] : [`“${set.category}”指标体系${sentence}`];
  });
}

/** A workbook with one sheet per set (in the given order) and the 说明 sheet last. */
export async function buildIndicatorWorkbook(sets: readonly ExportSet[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "政务公开绩效考核平台";
  workbook.title = title;
  for (const set of sets) {
    const sheet = workbook.addWorksheet(sheetNameFor(set.category), { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = INDICATOR_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEEF1F4" } };
    });
    for (const cells of rowsOf(set.specs)) {
      const row = sheet.addRow(cells.map((v) => (v === null ? undefined : v)));
      row.alignment = { vertical: "top", wrapText: true };
    }
    // Codes are text: "1.10" must not become the number 1.1.
    for (const field of ["code", "parentCode"] as Field[]) {
      sheet.getColumn(INDICATOR_COLUMNS.findIndex((c) => c.field === field) + 1).numFmt = "@";
    }
  }
  const help = workbook.addWorksheet(HELP_SHEET);
  help.columns = [
    { header: "列名", width: 12 },
    { header: "是否必填", width: 10 },
    { header: "填写说明", width: 90 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of INDICATOR_COLUMNS) help.addRow([c.header, c.required ? "必须有此列" : "可选列", c.note]);
  help.addRow([]);
  help.addRow(["导入须知"]).font = { bold: true };
  INSTRUCTIONS.forEach((line, i) => help.addRow([`${i + 1}.`, "", line]));
  const gaps = coverageLines(sets);
  if (gaps.length) {
    help.addRow([]);
    help.addRow(["维度覆盖"]).font = { bold: true };
    for (const line of gaps) help.addRow(["", "", line]);
  }
  help.getColumn(3).alignment = { wrapText: true, vertical: "top" };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The sets of a cycle (all, or one category's) as ExportSets, in category order. */
export function cycleExportSets(db: Db | Tx, cycleId: number, categoryId?: number): ExportSet[] {
  return db
    .select({ id: indicatorSets.id, category: categories.name, categoryId: indicatorSets.categoryId, coverageGap: indicatorSets.coverageGap })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all()
    .filter((s) => categoryId === undefined || s.categoryId === categoryId)
    .map((s) => ({ category: s.category, specs: toSpecs(loadTree(db, s.id)), coverageGap: s.coverageGap ?? null }));
}

// ---------------------------------------------------------------- reading

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

interface SheetRow {
  rowNumber: number;
  values: Record<Field, string>;
  /** Numeric cells as numbers (分值, 达标值, 层级 typed as numbers). */
  numbers: Partial<Record<Field, number>>;
}

interface DataSheet {
  name: string;
  rows: SheetRow[];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (b: Uint8Array, magic: number[]) => b.length >= magic.length && magic.every((x, i) => b[i] === x);

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((r) => r.text).join("").trim();
  if ("text" in value && typeof value.text === "string") return value.text.trim();
  if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ("error" in value) return String(value.error);
  return "";
}

const normaliseHeader = (t: string) => t.replace(/[（(][^）)]*[）)]/g, "").replace(/[\s\u3000*＊]/g, "");

/** Read every data sheet of an indicator workbook, or refuse the file with a Chinese message. */
export async function readIndicatorWorkbook(buffer: Uint8Array): Promise<{ ok: true; sheets: DataSheet[] } | { ok: false; message: string }> {
  if (buffer.length === 0) return { ok: false, message: "文件为空，请选择导出的指标体系 .xlsx 文件。" };
  if (buffer.length > MAX_IMPORT_BYTES) return { ok: false, message: "文件超过 5 MB，不是指标体系文件。" };
  if (startsWith(buffer, OLE_MAGIC)) return { ok: false, message: "这是旧版 .xls 文件（或加了密码的 Excel 文件）。请在 Excel 中“另存为” .xlsx 格式（不设密码）后再导入。" };
  if (!startsWith(buffer, ZIP_MAGIC)) return { ok: false, message: "文件不是 .xlsx 格式（不支持 .xls、.csv、.txt 等），请使用系统导出的指标体系文件。" };
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    return { ok: false, message: "无法读取该文件：它不是有效的 .xlsx 工作簿，或文件已损坏。" };
  }
  const sheets: DataSheet[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.name.trim() === HELP_SHEET) continue;
    const columnIndex = new Map<Field, number>();
    sheet.getRow(1).eachCell((cell, col) => {
      const text = normaliseHeader(cellText(cell.value));
      const column = INDICATOR_COLUMNS.find((c) => c.header === text);
      if (column && !columnIndex.has(column.field)) columnIndex.set(column.field, col);
    });
    const missing = INDICATOR_COLUMNS.filter((c) => c.required && !columnIndex.has(c.field)).map((c) => c.header);
    if (missing.length) {
      return {
        ok: false,
        message: `${sheetPlace(sheet.name, 1)}表头缺少必需的列：${missing.join("、")}。请使用系统导出的指标体系文件，保持第1行表头不变。`,
      };
    }
    const rows: SheetRow[] = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const values = {} as Record<Field, string>;
      const numbers: Partial<Record<Field, number>> = {};
      let empty = true;
      for (const c of INDICATOR_COLUMNS) {
        const col = columnIndex.get(c.field);
        const raw = col === undefined ? null : row.getCell(col).value;
        values[c.field] = cellText(raw);
        if (typeof raw === "number") numbers[c.field] = raw;
        if (values[c.field]) empty = false;
      }
      if (!empty) rows.push({ rowNumber: r, values, numbers });
    }
    sheets.push({ name: sheet.name, rows });
  }
  if (sheets.length === 0) return { ok: false, message: "文件中没有指标体系工作表（除“说明”外至少需要一个工作表）。" };
  return { ok: true, sheets };
}

// ---------------------------------------------------------------- row validation

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
  spec: Omit<IndicatorSpec, "children" | "rule" | "part" | "points" | "code" | "name" | "dimension">;
  /** Rule-parameter columns that hold something (for "parents take no rule"). */
  paramColumns: string[];
}

const PARAM_FIELDS: Field[] = ["faults", "target", "tiers", "limit", "whenEmpty", "reconcile", "tasks"];
const PARAM_FOR: Record<RuleType, Field[]> = {
  score: ["reconcile"],
  deduction: ["faults"],
  ratio: ["target"],
  tiers: ["tiers"],
  timeliness: ["limit", "whenEmpty"],
  veto: [],
  checklist: ["tasks"],
};
const header = (f: Field) => INDICATOR_COLUMNS.find((c) => c.field === f)!.header;

function numberOf(row: SheetRow, field: Field): number | null {
  return row.numbers[field] ?? parseNumber(row.values[field]);
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
    if (!part) err(`类别“${v.part}”无效，只能填：基础、加分、否决`);
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
    spec,
    paramColumns,
  };
}

function parseRule(type: RuleType, row: SheetRow, points: number | null, err: (m: string) => void): LeafRule | null {
  const v = row.values;
  switch (type) {
    case "score": {
      if (!v.reconcile) return { type: "score" };
      const reconcile = parseReconcile(v.reconcile);
      if (!reconcile) {
        err(`评分汇总“${v.reconcile}”无效，只能填“平均值”或“中位数”`);
        return null;
      }
      return { type: "score", reconcile };
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
      });
      return good ? { type: "deduction", faults: parsed.value } : null;
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
      return { type: "veto" };
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
    if (kids.length) {
      if (p.ruleType) bad("有下级指标的指标不能填写评分规则");
      else if (p.paramColumns.length) bad(`有下级指标的指标不能填写${p.paramColumns.join("、")}`);
      const sum = kids.reduce((acc, k) => acc.plus(new Decimal(k.points)), new Decimal(0));
      if (!sum.equals(new Decimal(p.points))) bad(`子指标分值之和(${num(sum)})不等于上级分值(${num(new Decimal(p.points))})`);
    } else {
      if (!p.ruleType) bad("末级指标须填写评分规则");
      else if (part === "veto" && p.ruleType !== "veto") bad("否决类指标的评分规则须为“单项否决”");
      else if (part !== "veto" && p.ruleType === "veto") bad("“单项否决”规则只能用于类别为否决的一级指标之下");
      if (part !== "veto" && p.points <= 0) bad("评分指标的分值必须大于0");
    }
    if (part === "veto" && p.points !== 0) bad("否决类指标的分值须为0");
  }
  if (problems.length) return { specs: [], problems: sorted(problems), warnings: [] };

  const build = (parent: string | null): IndicatorSpec[] =>
    (children.get(parent) ?? []).map((p) => {
      const spec: IndicatorSpec = { code: p.code, name: p.name, points: p.points };
      if (p.dimension) spec.dimension = p.dimension;
      if (parent === null) spec.part = p.part ?? "base";
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

// ---------------------------------------------------------------- import

/**
 * The web page imports into an existing cycle; the command line names a year (created as a draft
 * when missing) and may create the unit categories the sheets name (--create-categories).
 */
export type ImportTarget =
  | { cycleId: number; categoryName?: string }
  | { year: number; categoryName?: string; createIfMissing: true; createCategories: boolean };

/** The flag of `npm run import:indicators` that creates missing unit categories. */
export const CREATE_CATEGORIES_FLAG = "--create-categories";

export type IndicatorImportResult =
  | {
      ok: true;
      cycleId: number;
      year: number;
      createdCycle: boolean;
      /** Unit categories created for sheets that named none (--create-categories). */
      createdCategories: string[];
      sets: { category: string; setId: number; nodes: number; warnings: string[] }[];
    }
  | { ok: false; message: string; problems: ImportProblem[] };

const countNodes = (specs: readonly IndicatorSpec[]): number => specs.reduce((n, s) => n + 1 + countNodes(s.children ?? []), 0);

type CreateDraft = (actor: Actor, year: number) => { ok: true; id: number } | { ok: false; message: string };

/**
 * Import an indicator workbook into a cycle: each data sheet replaces the set of the category it
 * names (or, with a category given, the one matching sheet or the only sheet goes to that
 * category). Only draft cycles accept imports; with `createIfMissing` a year without a cycle gets
 * a new draft cycle (created by `createDraft` only after the whole file has passed its checks).
 */
export async function importIndicators(
  buffer: Uint8Array,
  target: ImportTarget,
  actor: Actor,
  fileName: string,
  createDraft?: CreateDraft,
): Promise<IndicatorImportResult> {
  const db = getDb();
  const refuse = (message: string, problems: ImportProblem[] = []): IndicatorImportResult => ({ ok: false, message, problems });
  let cycle = "cycleId" in target ? db.select().from(cycles).where(eq(cycles.id, target.cycleId)).get() : db.select().from(cycles).where(eq(cycles.year, target.year)).get();
  if (!cycle && "cycleId" in target) return refuse("该考核年度不存在。");
  if (cycle && !cycleAllows(cycle.status, "editSets")) {
    return refuse(
      `${cycle.year}年度考核当前状态为“${CYCLE_STATUS_LABELS[cycle.status]}”，指标体系已冻结，不能导入。发布后的调整须在指标体系页面以修订方式逐项进行并说明理由。`,
    );
  }

  const read = await readIndicatorWorkbook(buffer);
  if (!read.ok) return refuse(read.message);

  // Which sheet goes to which category (id null: a category to create).
  const allCategories = db.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.id)).all();
  const bySheetName = new Map(allCategories.map((c) => [sheetNameFor(c.name), c]));
  const mayCreate = "createCategories" in target && target.createCategories;
  const known = allCategories.map((c) => c.name).join("、") || "暂无类别";
  const missingCategories = (names: string[]) =>
    `单位类别${names.map((n) => `“${n}”`).join("、")}不存在（已有类别：${known}）。` +
    ("createCategories" in target
      ? `请先在“单位类别”页面添加，或在命令中加上 ${CREATE_CATEGORIES_FLAG} 由导入新建这些类别。`
      : "请先在“单位类别”页面添加，或将工作表改名为已有类别的名称。");
  const pairs: { sheet: DataSheet; category: { id: number | null; name: string } }[] = [];
  if (target.categoryName !== undefined) {
    const name = target.categoryName.trim();
    const existing = allCategories.find((c) => c.name === name);
    if (!existing) {
      if (!mayCreate) return refuse(missingCategories([name]));
      const valid = categoryNameSchema.safeParse(name);
      if (!valid.success) return refuse(`单位类别“${name}”：${valid.error.issues[0].message}`);
    }
    const sheet = read.sheets.find((s) => s.name === sheetNameFor(name)) ?? (read.sheets.length === 1 ? read.sheets[0] : undefined);
    if (!sheet) {
      return refuse(`文件中有多个工作表（${read.sheets.map((s) => s.name).join("、")}），但没有名为“${sheetNameFor(name)}”的工作表。`);
    }
    pairs.push({ sheet, category: existing ?? { id: null, name } });
  } else {
    const unknown = read.sheets.filter((s) => !bySheetName.has(s.name)).map((s) => s.name.trim());
    if (unknown.length && !mayCreate) return refuse(missingCategories(unknown));
    for (const sheet of read.sheets) pairs.push({ sheet, category: bySheetName.get(sheet.name) ?? { id: null, name: sheet.name.trim() } });
  }

  const scale = cycle?.settings.scale ?? 100;
  const existingGap = (categoryId: number | null) =>
    cycle && categoryId !== null
      ? (db
          .select({ gap: indicatorSets.coverageGap })
          .from(indicatorSets)
          .where(and(eq(indicatorSets.cycleId, cycle.id), eq(indicatorSets.categoryId, categoryId)))
          .get()?.gap ?? null)
      : null;
  const checked = pairs.map((p) => ({ ...p, ...sheetToSpecs(p.sheet, scale, existingGap(p.category.id)) }));
  const problems = checked.flatMap((c) => c.problems);
  if (problems.length) {
    const rows = new Set(problems.map((p) => `${p.sheet}#${p.row}`)).size;
    return refuse(`未导入任何数据：发现 ${problems.length} 处错误（涉及 ${rows} 行），请按下列原因修改后重新导入。`, problems);
  }

  let createdCycle = false;
  if (!cycle) {
    if (!createDraft) return refuse("该考核年度不存在。");
    const created = createDraft(actor, (target as { year: number }).year);
    if (!created.ok) return refuse(created.message);
    createdCycle = true;
    cycle = db.select().from(cycles).where(eq(cycles.id, created.id)).get()!;
  }
  const cycleRow = cycle;

  const createdCategories: string[] = [];
  const sets = mutate(db, (tx) => {
    const current = tx.select().from(cycles).where(eq(cycles.id, cycleRow.id)).get()!;
    if (!cycleAllows(current.status, "editSets")) throw new Error("cycle left draft during import");
    const now = new Date().toISOString();
    return checked.map(({ category: named, specs, warnings }) => {
      const category = named.id === null ? insertCategory(tx, actor, named.name) : { id: named.id, name: named.name };
      if (named.id === null) createdCategories.push(category.name);
      let set = tx
        .select()
        .from(indicatorSets)
        .where(and(eq(indicatorSets.cycleId, cycleRow.id), eq(indicatorSets.categoryId, category.id)))
        .get();
      const before = set ? toSpecs(loadTree(tx, set.id)) : null;
      if (!set) set = tx.insert(indicatorSets).values({ cycleId: cycleRow.id, categoryId: category.id, createdAt: now, updatedAt: now }).returning().get();
      replaceTree(tx, set.id, specs);
      // A reason recorded for dimensions the new tree covers no longer applies.
      const coverageGap = uncoveredDimensions(specs).length ? (set.coverageGap ?? null) : null;
      tx.update(indicatorSets).set({ updatedAt: now, coverageGap }).where(eq(indicatorSets.id, set.id)).run();
      writeAudit(tx, actor, {
        action: "indicator_set.import",
        entityType: "indicator_set",
        entityId: set.id,
        before: before === null ? undefined : { nodes: before },
        after: { cycleId: cycleRow.id, category: category.name, fileName, nodes: specs, coverageGap },
      });
      return { category: category.name, setId: set.id, nodes: countNodes(specs), warnings };
    });
  });
  return { ok: true, cycleId: cycleRow.id, year: cycleRow.year, createdCycle, createdCategories, sets };
}
