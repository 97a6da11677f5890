import { and, eq } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { units, unitWebsites, websiteColumns } from "../../../db/schema";
import { mutate, writeAudit, type Actor } from "../../utils/audit.server";
import { readSheet, type ColumnSpec, type RowError } from "../imports/xlsx-read.server";
import { buildTemplate, type TemplateSpec } from "../imports/xlsx-template.server";
import { COLUMN_KINDS } from "./rules";
import { columnFormSchema, listWebsites, websiteFormSchema } from "./websites.server";

/**
 * The units' websites and key columns as an Excel sheet, like the units import: one row per column
 * (a website without columns is one row with the column cells empty). Export → import into the same
 * platform changes nothing; an import checks every row first and writes all rows or none.
 */

type Field = "unitCode" | "siteName" | "siteUrl" | "kind" | "columnName" | "columnUrl";

const COLUMNS: ColumnSpec<Field>[] = [
  { field: "unitCode", header: "单位编码", required: true },
  { field: "siteName", header: "网站名称", required: true },
  { field: "siteUrl", header: "网站首页", required: true },
  { field: "kind", header: "栏目类型", required: false },
  { field: "columnName", header: "栏目名称", required: false },
  { field: "columnUrl", header: "栏目地址", required: false },
];

function spec(rows: string[][], instructions: string[]): TemplateSpec {
  return {
    sheetName: "单位网站",
    columns: [
      { header: "单位编码", required: true, width: 14, note: "系统中已有单位的编码，如 JD001。" },
      { header: "网站名称", required: true, width: 24, note: "如“城关街道门户网站”，不超过100个字。" },
      { header: "网站首页", required: true, width: 40, note: "以 http:// 或 https:// 开头的首页地址。同一网站的多个栏目各占一行，网站名称和首页重复填写。" },
      { header: "栏目类型", required: false, width: 12, choices: [...COLUMN_KINDS], note: `${COLUMN_KINDS.join("、")} 之一；不登记栏目时栏目三列都留空。` },
      { header: "栏目名称", required: false, width: 20, note: "如“通知公告”。" },
      { header: "栏目地址", required: false, width: 40, note: "栏目列表页地址，以 http:// 或 https:// 开头。" },
    ],
    examples: rows,
    instructions,
  };
}

const COMMON = ["系统会先检查所有行：只要有一行有错误，就不会导入任何数据，并逐行列出错误原因（按 Excel 行号）。", "已登记的网站和栏目（地址相同）保持不变，只新增其余的。", "文件必须是 .xlsx 格式，不超过 5 MB。"];

export function websitesTemplate(): Promise<Buffer> {
  return buildTemplate(spec([["JD001", "城关街道门户网站", "https://cgjd.example.gov.cn/", "通知公告", "通知公告", "https://cgjd.example.gov.cn/tzgg/"]], ["第2行是示例，导入前请删除或改成真实数据。", ...COMMON]));
}

export function websitesExport(db: Db): Promise<Buffer> {
  const rows = listWebsites(db).flatMap((w) => (w.columns.length === 0 ? [[w.unitCode, w.name, w.url, "", "", ""]] : w.columns.map((c) => [w.unitCode, w.name, w.url, c.kind, c.name, c.url])));
  return buildTemplate(spec(rows, ["本表为导出时登记的全部单位网站和栏目，可修改后重新导入。", ...COMMON]));
}

/**
 * Deliberately a result, not a thrown refusal: a refused import lists every bad row (`errors`),
 * shown to the office as a table and printed by the command-line import, one line each.
 */
export type WebsiteImportResult = { ok: true; websites: number; columns: number } | { ok: false; message: string; errors: RowError[] };

interface ParsedRow {
  rowNumber: number;
  unitId: number;
  siteName: string;
  siteUrl: string;
  column: { kind: (typeof COLUMN_KINDS)[number]; name: string; url: string } | null;
}

export async function importWebsites(db: Db, buffer: Uint8Array, actor: Actor, fileName: string): Promise<WebsiteImportResult> {
  const sheet = await readSheet(buffer, COLUMNS);
  if (!sheet.ok) return { ok: false, message: sheet.message, errors: [] };
  const unitByCode = new Map(db.select({ id: units.id, code: units.code }).from(units).all().map((u) => [u.code.toLowerCase(), u.id]));
  const errors: RowError[] = [];
  const parsed: ParsedRow[] = [];
  for (const { rowNumber, values } of sheet.rows) {
    const bad = (message: string) => errors.push({ sheet: sheet.sheet, row: rowNumber, message });
    const unitId = unitByCode.get(values.unitCode.trim().toLowerCase());
    if (unitId === undefined) bad(`单位编码“${values.unitCode}”不存在`);
    const site = websiteFormSchema.omit({ unitId: true }).safeParse({ name: values.siteName, url: values.siteUrl });
    if (!site.success) for (const i of site.error.issues) bad(i.message);
    const any = values.kind || values.columnName || values.columnUrl;
    const column = any ? columnFormSchema.omit({ websiteId: true }).safeParse({ kind: values.kind.trim(), name: values.columnName, url: values.columnUrl }) : null;
    if (column && !column.success) for (const i of column.error.issues) bad(i.message);
    if (unitId !== undefined && site.success && (!column || column.success)) {
      parsed.push({ rowNumber, unitId, siteName: site.data.name, siteUrl: site.data.url, column: column?.success ? { kind: column.data.kind, name: column.data.name, url: column.data.url } : null });
    }
  }
  // One website (unit + home page) has one name throughout the file.
  const nameOf = new Map<string, { name: string; row: number }>();
  for (const p of parsed) {
    const key = `${p.unitId} ${p.siteUrl}`;
    const first = nameOf.get(key);
    if (!first) nameOf.set(key, { name: p.siteName, row: p.rowNumber });
    else if (first.name !== p.siteName) errors.push({ sheet: sheet.sheet, row: p.rowNumber, message: `同一网站的名称与第${first.row}行不一致` });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    return { ok: false, message: `未导入任何数据：共 ${sheet.rows.length} 行数据，其中 ${new Set(errors.map((e) => e.row)).size} 行有错误，请按下列原因修改后重新导入。`, errors };
  }
  return mutate(db, (tx) => {
    let websites = 0;
    let columns = 0;
    const at = new Date().toISOString();
    for (const p of parsed) {
      let site = tx.select().from(unitWebsites).where(and(eq(unitWebsites.unitId, p.unitId), eq(unitWebsites.url, p.siteUrl))).get();
      if (!site) {
        site = tx.insert(unitWebsites).values({ unitId: p.unitId, name: p.siteName, url: p.siteUrl, createdAt: at }).returning().get();
        writeAudit(tx, actor, { action: "sitecheck.website.create", entityType: "unit_website", entityId: site.id, after: { ...site, importedFrom: fileName, importRow: p.rowNumber } });
        websites++;
      }
      if (!p.column) continue;
      const existing = tx.select().from(websiteColumns).where(and(eq(websiteColumns.websiteId, site.id), eq(websiteColumns.url, p.column.url))).get();
      if (existing) continue;
      const col = tx.insert(websiteColumns).values({ websiteId: site.id, ...p.column }).returning().get();
      writeAudit(tx, actor, { action: "sitecheck.column.create", entityType: "website_column", entityId: col.id, after: { ...col, importedFrom: fileName, importRow: p.rowNumber } });
      columns++;
    }
    writeAudit(tx, actor, { action: "sitecheck.website.import", entityType: "unit_website", after: { fileName, websites, columns } });
    return { ok: true as const, websites, columns };
  });
}
