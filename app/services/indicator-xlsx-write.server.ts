import ExcelJS from "exceljs";
import { asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { categories, cycles, indicatorSets } from "../../db/schema";
import type { NodePart as Part } from "../../scoring";
import type { CategoryRules } from "../domain/category-rules";
import { coverageSentence, coverageView } from "../domain/indicator-coverage";
import {
  DIMENSIONS,
  formatEvidenceKinds,
  formatFaults,
  formatLimit,
  formatTasks,
  formatTiers,
  normalizeRule,
  PART_LABELS,
  RECONCILE_LABELS,
  RULE_TYPE_LABELS,
  WHEN_EMPTY_LABELS,
} from "../domain/indicator-format";
import type { CoverageGap } from "../domain/indicator-policy";
import type { IndicatorSpec } from "../domain/indicator-spec";
import { designatedCell } from "../domain/designated-source";
import { HELP_SHEET, INDICATOR_COLUMNS, INSTRUCTIONS, sheetNameFor, type Field } from "./indicator-xlsx-columns.server";
import { settingsRows, SETTINGS_COLUMNS, SETTINGS_SHEET } from "./indicator-xlsx-settings.server";
import { loadTree, toSpecs } from "./indicator-tree.server";

/** Writing indicator sets as a workbook: one sheet per set, one row per node, and the 说明 sheet. */

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
        discretionMax: (rule?.type === "score" || rule?.type === "deduction") && rule.discretionMax !== undefined ? rule.discretionMax : null,
        designated: rule?.type === "score" ? designatedCell(rule) || null : null,
        vetoScope: rule?.type === "veto" ? (rule.scope ?? null) : null,
        cap: level === 1 && n.cap !== undefined ? n.cap : null,
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
  /** The category's own settings (the 设置 sheet), if any. */
  rules?: CategoryRules;
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
    for (const field of ["code", "parentCode", "vetoScope"] as Field[]) {
      sheet.getColumn(INDICATOR_COLUMNS.findIndex((c) => c.field === field) + 1).numFmt = "@";
    }
  }
  const settings = settingsRows(sets);
  if (settings.length > 0) {
    const sheet = workbook.addWorksheet(SETTINGS_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = SETTINGS_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    for (const cells of settings) sheet.addRow(cells.map((v) => (v === null ? undefined : v)));
    sheet.getColumn(SETTINGS_COLUMNS.findIndex((c) => c.field === "gatePart") + 1).numFmt = "@";
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
  help.addRow([`“${SETTINGS_SHEET}”工作表（可选）`]).font = { bold: true };
  for (const c of SETTINGS_COLUMNS) help.addRow([c.header, c.required ? "必须有此列" : "可选列", c.note]);
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
  const cycle = db.select({ settings: cycles.settings }).from(cycles).where(eq(cycles.id, cycleId)).get();
  return db
    .select({ id: indicatorSets.id, category: categories.name, categoryId: indicatorSets.categoryId, coverageGap: indicatorSets.coverageGap })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all()
    .filter((s) => categoryId === undefined || s.categoryId === categoryId)
    .map((s) => ({
      category: s.category,
      specs: toSpecs(loadTree(db, s.id)),
      coverageGap: s.coverageGap ?? null,
      rules: cycle?.settings.categoryRules?.[String(s.categoryId)],
    }));
}
