import { asc, sql } from "drizzle-orm";
import { type Db } from "../../../db/client";
import { categories, units } from "../../../db/schema";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import { unitCodeSchema, unitNameSchema } from "../units.server";
import { readSheet, type ColumnSpec, type RowError } from "./xlsx-read.server";
import { buildTemplate } from "./xlsx-template.server";

type UnitField = "code" | "name" | "category" | "parentCode" | "active";

export const UNIT_IMPORT_COLUMNS: ColumnSpec<UnitField>[] = [
  { field: "code", header: "单位编码", required: true },
  { field: "name", header: "单位名称", required: true },
  { field: "category", header: "单位类别", required: true },
  { field: "parentCode", header: "上级单位编码", required: false },
  { field: "active", header: "是否启用", required: false },
];

const YES = new Set(["是", "启用", "y", "yes", "true", "1"]);
const NO = new Set(["否", "停用", "n", "no", "false", "0"]);

/** 是/否 (also 启用/停用, Y/N, TRUE/FALSE, 1/0); empty means 是. */
export function parseYesNo(text: string): boolean | null {
  const v = text.trim().toLowerCase();
  if (v === "" || YES.has(v)) return true;
  if (NO.has(v)) return false;
  return null;
}

interface ParsedUnit {
  rowNumber: number;
  code: string;
  name: string;
  categoryId: number;
  parentCode: string | null;
  active: boolean;
}

/**
 * Deliberately a result, not a thrown refusal: a refused import lists every bad row (`errors`),
 * shown to the office as a table and printed by the command-line import, one line each.
 */
export type UnitImportResult =
  | { ok: true; created: number; byCategory: { category: string; count: number }[] }
  | { ok: false; message: string; errors: RowError[] };

const firstMessage = (error: { issues: { message: string }[] }) => error.issues[0]?.message ?? "格式不正确";

/** Validate every row (and the file as a whole) before anything is written. */
function validateUnits(db: Db, sheet: string, rows: { rowNumber: number; values: Record<UnitField, string> }[]): { units: ParsedUnit[]; errors: RowError[] } {
  const categoryList = db.select().from(categories).orderBy(asc(categories.sortOrder)).all();
  const categoryByName = new Map(categoryList.map((c) => [c.name, c.id]));
  const existing = new Map(db.select({ code: units.code, name: units.name }).from(units).all().map((u) => [u.code.toLowerCase(), u]));
  const firstRowOfCode = new Map<string, number>();
  for (const { rowNumber, values } of rows) {
    const key = values.code.trim().toLowerCase();
    if (key && !firstRowOfCode.has(key)) firstRowOfCode.set(key, rowNumber);
  }

  const errors: RowError[] = [];
  const parsed: ParsedUnit[] = [];
  for (const { rowNumber, values } of rows) {
    const bad = (message: string) => errors.push({ sheet, row: rowNumber, message });
    const before = errors.length;

    const code = unitCodeSchema.safeParse(values.code);
    if (!code.success) bad(firstMessage(code.error));
    else {
      const key = code.data.toLowerCase();
      const clash = existing.get(key);
      if (clash) bad(`单位编码 ${code.data} 已存在（${clash.name}）`);
      const first = firstRowOfCode.get(key);
      if (first !== undefined && first !== rowNumber) bad(`单位编码 ${code.data} 与第${first}行重复`);
    }

    const name = unitNameSchema.safeParse(values.name);
    if (!name.success) bad(firstMessage(name.error));

    const categoryName = values.category.trim();
    const categoryId = categoryByName.get(categoryName);
    if (!categoryName) bad("请填写单位类别");
    else if (categoryId === undefined) {
      const known = categoryList.map((c) => c.name).join("、") || "（暂无）";
      bad(`单位类别“${categoryName}”不存在。导入不会自动新建类别，请先在“单位类别”页面添加，或改用已有类别：${known}`);
    }

    const parentCode = values.parentCode.trim() || null;
    if (parentCode !== null) {
      const key = parentCode.toLowerCase();
      if (code.success && key === code.data.toLowerCase()) bad("上级单位编码不能是本单位自己");
      else if (!existing.has(key) && !firstRowOfCode.has(key)) bad(`上级单位编码 ${parentCode} 不存在（既不在系统中，也不在本文件中）`);
    }

    const active = parseYesNo(values.active);
    if (active === null) bad(`是否启用只能填“是”或“否”，不能是“${values.active}”`);

    if (errors.length === before) {
      parsed.push({ rowNumber, code: code.data!, name: name.data!, categoryId: categoryId!, parentCode, active: active! });
    }
  }

  // Parent chains that stay inside the file must not loop back.
  const inFile = new Map(parsed.map((u) => [u.code.toLowerCase(), u]));
  for (const unit of parsed) {
    const path = [unit.code];
    let next = unit.parentCode ? inFile.get(unit.parentCode.toLowerCase()) : undefined;
    while (next) {
      path.push(next.code);
      if (next === unit) {
        errors.push({ sheet, row: unit.rowNumber, message: `上级单位关系形成循环：${path.join(" → ")}` });
        break;
      }
      if (path.length > inFile.size + 1) break;
      next = next.parentCode ? inFile.get(next.parentCode.toLowerCase()) : undefined;
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { units: parsed, errors };
}

/**
 * Import units from an .xlsx file: all rows or none. Parents may be existing units or rows of the
 * same file; every created unit and the import itself are written to the audit log in the same
 * transaction.
 */
export async function importUnits(db: Db, buffer: Uint8Array, actor: Actor, fileName: string): Promise<UnitImportResult> {
  const sheet = await readSheet(buffer, UNIT_IMPORT_COLUMNS);
  if (!sheet.ok) return { ok: false, message: sheet.message, errors: [] };
  const { units: parsed, errors } = validateUnits(db, sheet.sheet, sheet.rows);
  if (errors.length) {
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    return { ok: false, message: `未导入任何数据：共 ${sheet.rows.length} 行数据，其中 ${rowsWithErrors} 行有错误，请按下列原因修改后重新导入。`, errors };
  }
  const created = mutate(db, (tx) => {
    let { max } = tx.select({ max: sql<number>`coalesce(max(${units.sortOrder}), 0)` }).from(units).get()!;
    const idByCode = new Map(tx.select({ id: units.id, code: units.code }).from(units).all().map((u) => [u.code.toLowerCase(), u.id]));
    // Insert parents before their children.
    let pending = parsed;
    const rows: (typeof units.$inferSelect)[] = [];
    while (pending.length) {
      const ready = pending.filter((u) => !u.parentCode || idByCode.has(u.parentCode.toLowerCase()));
      if (ready.length === 0) throw new Error("unit import: unresolved parent after validation");
      for (const u of ready) {
        const row = tx
          .insert(units)
          .values({
            code: u.code,
            name: u.name,
            categoryId: u.categoryId,
            parentId: u.parentCode ? idByCode.get(u.parentCode.toLowerCase())! : null,
            active: u.active,
            sortOrder: ++max,
          })
          .returning()
          .get();
        idByCode.set(u.code.toLowerCase(), row.id);
        writeAudit(tx, actor, { action: "unit.create", entityType: "unit", entityId: row.id, after: { ...row, importedFrom: fileName, importRow: u.rowNumber } });
        rows.push(row);
      }
      pending = pending.filter((u) => !ready.includes(u));
    }
    writeAudit(tx, actor, { action: "unit.import", entityType: "unit", after: { fileName, count: rows.length, codes: rows.map((r) => r.code) } });
    return rows;
  });

  const names = new Map(db.select().from(categories).all().map((c) => [c.id, c.name]));
  const counts = new Map<string, number>();
  for (const row of created) {
    const name = names.get(row.categoryId) ?? "";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { ok: true, created: created.length, byCategory: [...counts].map(([category, count]) => ({ category, count })) };
}

export async function unitsTemplate(db: Db): Promise<Buffer> {
  const categoryNames = db.select({ name: categories.name }).from(categories).orderBy(asc(categories.sortOrder)).all().map((c) => c.name);
  return buildTemplate({
    sheetName: "单位",
    columns: [
      { header: "单位编码", required: true, width: 14, note: "全系统唯一，只能包含字母、数字、下划线或短横线，如 BM009。不能与系统中已有单位或本文件其他行重复。" },
      { header: "单位名称", required: true, width: 28, note: "单位全称，不超过100个字，如“区文化和旅游局”。" },
      {
        header: "单位类别",
        required: true,
        width: 16,
        choices: categoryNames,
        note: `必须是系统中已有的类别：${categoryNames.join("、") || "（暂无，请先在“单位类别”页面添加）"}。导入不会自动新建类别。`,
      },
      { header: "上级单位编码", required: false, width: 14, note: "可不填。填写时必须是系统中已有单位的编码，或本文件中另一行的单位编码。" },
      { header: "是否启用", required: false, width: 10, choices: ["是", "否"], note: "填“是”或“否”，不填视为“是”。" },
    ],
    examples: [["BM009", "区文化和旅游局", categoryNames[1] ?? categoryNames[0] ?? "区级部门", "", "是"]],
    instructions: [
      "第2行是示例，导入前请删除或改成真实数据。",
      "请勿修改第1行表头；从第2行开始每行填写一个单位，空行会被忽略。",
      "系统会先检查所有行：只要有一行有错误，就不会导入任何数据，并逐行列出错误原因（按 Excel 行号）。",
      "导入只会新增单位，不会修改已有单位；修改请在“单位管理”页面进行。",
      "文件必须是 .xlsx 格式，不超过 5 MB。",
    ],
  });
}
