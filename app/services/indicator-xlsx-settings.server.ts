import type ExcelJS from "exceljs";
import { COMPARISON_LABELS, parseCategoryRules, type CategoryRules } from "../domain/category-rules";
import { formatNumber } from "../domain/indicator-format";
import { INDICATOR_FILE_HINTS, sheetNameFor } from "./indicator-xlsx-columns.server";
import { readWorksheet, type ColumnSpec, type WorksheetRow } from "./imports/xlsx-read.server";

/**
 * The 设置 sheet of an indicator workbook: one row per unit category that has settings of its own
 * (zwgk-assessment/2: 政务公开 weight, pass mark, grades, bonus gate), checked by the same rules as
 * the category settings form (app/domain/category-rules.ts). A workbook without the sheet leaves
 * every category's settings as they are; with it, a category it does not list follows the cycle.
 */

export const SETTINGS_SHEET = "设置";

type SettingsField = "category" | "weight" | "passMark" | "grades" | "gateValue" | "gateComparison" | "gatePart";

interface SettingsColumn extends ColumnSpec<SettingsField> {
  width: number;
  note: string;
}

export const SETTINGS_COLUMNS: SettingsColumn[] = [
  { field: "category", header: "单位类别", required: true, width: 14, note: "与指标体系工作表名称相同的单位类别，如“街道办事处”；每个类别一行。未列出的类别沿用考核年度的设置。" },
  { field: "weight", header: "政务公开权重", required: false, width: 12, note: "该类别政务公开工作在年度绩效考核中的分值权重（%），不低于4，如街道填4、部门填5；留空沿用考核年度的权重。" },
  { field: "passMark", header: "合格线", required: false, width: 8, note: "该类别的合格分数线，如60；留空沿用考核年度的合格线。" },
  { field: "grades", header: "等次", required: false, width: 36, note: "该类别的等次及分数下限，从高到低，用分号分隔，最低等次下限为0，如“优秀:90; 良好:80; 合格:60; 不合格:0”；留空沿用考核年度的等次。" },
  { field: "gateValue", header: "加分门槛", required: false, width: 8, note: "加分项计入所需的分数，如80；留空沿用考核年度的门槛（基础分高于该分数时计入）。" },
  { field: "gateComparison", header: "门槛比较", required: false, width: 8, note: "“高于”（严格高于门槛，默认）或“不低于”（达到门槛即可）。" },
  { field: "gatePart", header: "门槛依据", required: false, width: 10, note: "留空表示比较基础分；填基础类一级指标的编码表示比较该部分的得分，如“加分仅在信息公开部分得分不低于44分时计入”填信息公开的编码、门槛44、不低于。" },
];


export interface SettingsRow {
  rowNumber: number;
  /** The category (sheet) name as typed. */
  category: string;
  raw: WorksheetRow<SettingsField>["values"];
}

export function readSettingsSheet(sheet: ExcelJS.Worksheet): { ok: true; rows: SettingsRow[] } | { ok: false; message: string } {
  const read = readWorksheet(sheet, SETTINGS_COLUMNS, INDICATOR_FILE_HINTS);
  if (!read.ok) return read;
  return { ok: true, rows: read.rows.map((r) => ({ rowNumber: r.rowNumber, category: r.values.category, raw: r.values })) };
}

/** “优秀:90; 良好:80” → names and minima as typed (checked by parseCategoryRules), or a message. */
function gradeLists(text: string): { names: string[]; mins: string[] } | string {
  const names: string[] = [];
  const mins: string[] = [];
  for (const [i, item] of text.split(/[;；]/).map((s) => s.trim()).filter(Boolean).entries()) {
    const m = /^(.*)[:：]\s*([^:：]*)$/.exec(item);
    if (!m) return `等次第${i + 1}项“${item}”格式不正确，应为“名称:分数下限”，如“优秀:90”`;
    names.push(m[1].trim());
    mins.push(m[2].trim());
  }
  return { names, mins };
}

/**
 * One 设置 row as a category's settings, or its problems (Chinese, for 工作表“设置”第N行). `baseParts`:
 * codes of the top-level base nodes of that category's sheet (a part gate must name one).
 */
export function parseSettingsRow(row: SettingsRow, opts: { scale: number; baseParts: readonly string[] }): { ok: true; rules: CategoryRules } | { ok: false; problems: string[] } {
  const v = row.raw;
  const problems: string[] = [];
  const grades = v.grades ? gradeLists(v.grades) : { names: [], mins: [] };
  if (typeof grades === "string") problems.push(grades);
  let comparison = "gt";
  if (v.gateComparison) {
    const found = (Object.entries(COMPARISON_LABELS) as ["gt" | "gte", string][]).find(([, label]) => label === v.gateComparison);
    if (!found) problems.push(`门槛比较“${v.gateComparison}”无效，只能填“高于”或“不低于”`);
    else comparison = found[0];
  }
  if ((v.gateComparison || v.gatePart) && !v.gateValue) problems.push("填写门槛比较或门槛依据时，须填写加分门槛");
  const parsed = parseCategoryRules(
    {
      weight: v.weight,
      passMark: v.passMark,
      gradeName: typeof grades === "string" ? [] : grades.names,
      gradeMin: typeof grades === "string" ? [] : grades.mins,
      gateValue: v.gateValue,
      gateComparison: comparison,
      gatePart: v.gatePart,
    },
    opts,
  );
  if (!parsed.ok) problems.push(...Object.values(parsed.fieldErrors));
  if (!parsed.ok || problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, rules: parsed.rules };
}

/** The 设置 sheet's rows for categories that have settings of their own. */
export function settingsRows(sets: readonly { category: string; rules?: CategoryRules }[]): (string | number | null)[][] {
  return sets.flatMap(({ category, rules }) => {
    if (!rules || Object.keys(rules).length === 0) return [];
    const gate = rules.bonusGate;
    const cells: Record<SettingsField, string | number | null> = {
      category: sheetNameFor(category),
      weight: rules.opennessWeightPct ?? null,
      passMark: rules.passMark ?? null,
      grades: rules.grades ? rules.grades.map((g) => `${g.name}:${formatNumber(g.min)}`).join("; ") : null,
      gateValue: gate ? gate.value : null,
      gateComparison: gate ? COMPARISON_LABELS[gate.comparison] : null,
      gatePart: gate?.part ?? null,
    };
    return [SETTINGS_COLUMNS.map((c) => cells[c.field])];
  });
}
