import type { Db } from "../../db/client";
import { formatNumber } from "../domain/indicator-format";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { readSheet, type ColumnSpec, type RowError } from "./imports/xlsx-read.server";
import { buildTemplate, type TemplateSpec } from "./imports/xlsx-template.server";
import { cycleUnits, getCycle } from "./evaluation-context.server";
import {
  assertOutsideOpen,
  outsideBoundProblem,
  outsideCells,
  outsideLeaves,
  outsideValue,
  outsideValueText,
  writeOutsideValue,
  type OutsideLeaf,
} from "./outside-assessments.server";

/**
 * Outside offices' assessments as an Excel sheet: one row per unit × leaf designated to an outside
 * office (外部单位评价). Export → import changes nothing; an import checks every row first and writes
 * all rows or none, each change with its audit row, in one transaction.
 */

type Field = "unitCode" | "unitName" | "leafCode" | "leafName" | "source" | "value" | "note";

const COLUMNS: ColumnSpec<Field>[] = [
  { field: "unitCode", header: "单位编码", required: true },
  { field: "unitName", header: "单位名称", required: false },
  { field: "leafCode", header: "指标编号", required: true },
  { field: "leafName", header: "指标名称", required: false },
  { field: "source", header: "评价来源", required: true },
  { field: "value", header: "评价分值", required: false },
  { field: "note", header: "说明", required: false },
];

const INSTRUCTIONS = [
  "本表列出本年度每个单位以外部单位评价为准的指标（如“以县外网办评价为准”），填写该外部单位给出的分值后导入。",
  "评价分值为0至该指标分值（酌情给分的指标为其上限）之间的数字，最多保留2位小数；留空表示尚未评价（已录入的分值将被清除）。",
  "评价来源须与指标规定的来源一致；单位名称、指标名称仅供核对，导入时不读取。说明可填写外部单位的文号或佐证材料名称，会显示在得分说明中。",
  "系统会先检查所有行：只要有一行有错误，就不会导入任何数据，并逐行列出错误原因（按 Excel 行号）。",
  "文件必须是 .xlsx 格式，不超过 5 MB。",
];

function spec(rows: string[][]): TemplateSpec {
  return {
    sheetName: "外部单位评价",
    columns: [
      { header: "单位编码", required: true, width: 14, note: "本年度考核单位的编码，如 JD001。" },
      { header: "单位名称", required: false, width: 22, note: "仅供核对。" },
      { header: "指标编号", required: true, width: 12, note: "该单位所属类别指标体系中的末级指标编号，如 1.2。" },
      { header: "指标名称", required: false, width: 22, note: "仅供核对。" },
      { header: "评价来源", required: true, width: 16, note: "指标规定的外部单位，如“县外网办”。" },
      { header: "评价分值", required: false, width: 12, note: "该外部单位给出的分值；留空表示尚未评价。" },
      { header: "说明", required: false, width: 40, note: "选填，不超过500个字，如外部单位的文号或佐证材料名称。" },
    ],
    examples: rows,
    instructions: INSTRUCTIONS,
  };
}

/** The cycle's outside assessments as a workbook: every unit × designated leaf, values filled in where recorded. */
export function outsideAssessmentsXlsx(db: Db, cycleId: number): Promise<Buffer> {
  const rows = outsideCells(db, cycleId).map((c) => [
    c.unit.code,
    c.unit.name,
    c.leaf.code,
    c.leaf.name,
    c.leaf.source,
    c.recorded ? formatNumber(c.recorded.value) : "",
    c.recorded?.note ?? "",
  ]);
  return buildTemplate(spec(rows));
}

/** An import refused lists every bad row (RowError) as data, so it stays a result; other refusals are DomainErrors. */
export type OutsideImportResult = { ok: true; rows: number; changed: number } | { ok: false; message: string; errors: RowError[] };

interface ParsedRow {
  rowNumber: number;
  unitId: number;
  leaf: OutsideLeaf;
  value: number | null;
  note: string;
}

export async function importOutsideAssessments(db: Db, actor: Actor, cycleId: number, buffer: Uint8Array, fileName: string): Promise<OutsideImportResult> {
  const cycle = getCycle(db, cycleId);
  assertOutsideOpen(cycle);
  const sheet = await readSheet(buffer, COLUMNS);
  if (!sheet.ok) return { ok: false, message: sheet.message, errors: [] };
  const unitByCode = new Map(cycleUnits(db, cycleId).map((u) => [u.code.toLowerCase(), u]));
  const leaves = outsideLeaves(db, cycleId);
  const errors: RowError[] = [];
  const parsed: ParsedRow[] = [];
  const seen = new Map<string, number>();
  for (const { rowNumber, values } of sheet.rows) {
    const bad = (message: string) => errors.push({ sheet: sheet.sheet, row: rowNumber, message });
    const unit = unitByCode.get(values.unitCode.trim().toLowerCase());
    if (!unit) {
      bad(`单位编码“${values.unitCode}”不是${cycle.year}年度考核的单位`);
      continue;
    }
    const code = values.leafCode.trim();
    const source = values.source.trim();
    const leaf = leaves.find((l) => l.categoryId === unit.categoryId && l.code === code);
    if (!leaf) {
      bad(`指标“${code}”不是“${unit.categoryName}”指标体系中以外部单位评价为准的指标`);
      continue;
    }
    if (leaf.source !== source) bad(`指标“${leaf.code} ${leaf.name}”以${leaf.source}评价为准，评价来源“${source}”不符`);
    const text = outsideValueText.safeParse(values.value);
    if (!text.success) bad(text.error.issues[0].message);
    const note = values.note.trim();
    if (note.length > 500) bad("说明最多500个字");
    const key = `${unit.id} ${leaf.nodeId}`;
    const first = seen.get(key);
    if (first !== undefined) bad(`与第${first}行是同一单位的同一指标`);
    else seen.set(key, rowNumber);
    if (!text.success || leaf.source !== source || note.length > 500) continue;
    const value = outsideValue(text.data);
    const problem = outsideBoundProblem(value, leaf);
    if (problem) bad(problem);
    else parsed.push({ rowNumber, unitId: unit.id, leaf, value, note: value === null ? "" : note });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    return { ok: false, message: `未导入任何数据：共 ${sheet.rows.length} 行数据，其中 ${new Set(errors.map((e) => e.row)).size} 行有错误，请按下列原因修改后重新导入。`, errors };
  }
  return mutate(db, (tx) => {
    assertOutsideOpen(getCycle(tx, cycleId));
    let changed = 0;
    for (const p of parsed) {
      if (writeOutsideValue(tx, actor, cycleId, p.unitId, p.leaf, p.value, p.note, { importedFrom: fileName, importRow: p.rowNumber })) changed++;
    }
    writeAudit(tx, actor, { action: "outside.assessment.import", entityType: "outside_assessment", after: { cycleId, fileName, rows: parsed.length, changed } });
    return { ok: true as const, rows: parsed.length, changed };
  });
}
