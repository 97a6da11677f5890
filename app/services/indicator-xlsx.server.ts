import { and, asc, eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { categories, cycles, indicatorSets } from "../../db/schema";
import type { CategoryRules } from "../domain/category-rules";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { uncoveredDimensions } from "../domain/indicator-policy";
import type { IndicatorSpec } from "../domain/indicator-spec";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { categoryNameSchema, insertCategory } from "./categories.server";
import { sheetNameFor } from "./indicator-xlsx-columns.server";
import { readIndicatorWorkbook, type DataSheet } from "./indicator-xlsx-read.server";
import { sheetToSpecs, type ImportProblem } from "./indicator-xlsx-rows.server";
import { parseSettingsRow, SETTINGS_SHEET, type SettingsRow } from "./indicator-xlsx-settings.server";
import { loadTree, replaceTree, toSpecs } from "./indicator-tree.server";
import { DomainError } from "../domain/domain-error";

/**
 * Indicator systems as Excel workbooks: one sheet per unit category (named after it), one row per
 * node in display order, rule parameters in readable columns, and a 说明 sheet explaining every
 * column. Importing the same format reproduces the tree exactly; every row is checked first and
 * any problem means nothing is written. This file imports; the columns, the writer, the reader and
 * the row checks are in indicator-xlsx-*.server.ts beside it.
 */

export { buildIndicatorWorkbook, cycleExportSets, type ExportSet } from "./indicator-xlsx-write.server";
export { formatProblem, type ImportProblem } from "./indicator-xlsx-rows.server";
export { INDICATOR_COLUMNS } from "./indicator-xlsx-columns.server";

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

/**
 * Deliberately a result, not a thrown refusal: a refused import lists every problem by sheet and
 * row (`problems`), shown on the import page and printed by `npm run import:indicators`.
 */
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

/**
 * The 设置 sheet's rows by data sheet name, checked: each names a sheet of the file once; a part
 * gate names a top-level base node of that sheet. Rows for sheets not being imported are ignored.
 */
function settingsBySheet(
  rows: readonly SettingsRow[],
  sheets: readonly DataSheet[],
  trees: readonly { sheet: DataSheet; specs: IndicatorSpec[]; problems: ImportProblem[] }[],
  scale: number,
): { rules: Map<string, CategoryRules>; problems: ImportProblem[] } {
  const rules = new Map<string, CategoryRules>();
  const problems: ImportProblem[] = [];
  const firstRow = new Map<string, number>();
  for (const row of rows) {
    const bad = (message: string) => problems.push({ sheet: SETTINGS_SHEET, row: row.rowNumber, message });
    const name = row.category.trim();
    if (!name) {
      bad("请填写单位类别");
      continue;
    }
    const sheet = sheets.find((s) => s.name.trim() === name || s.name === sheetNameFor(name));
    if (!sheet) {
      bad(`单位类别“${name}”在本文件中没有指标体系工作表`);
      continue;
    }
    const prev = firstRow.get(sheet.name);
    if (prev !== undefined) {
      bad(`单位类别“${name}”与第${prev}行重复`);
      continue;
    }
    firstRow.set(sheet.name, row.rowNumber);
    const tree = trees.find((t) => t.sheet === sheet);
    // A sheet with problems has no tree to check a part gate against (its own problems are listed).
    if (!tree || tree.problems.length > 0) continue;
    const baseParts = tree.specs.filter((s) => (s.part ?? "base") === "base").map((s) => s.code);
    const parsed = parseSettingsRow(row, { scale, baseParts });
    if (!parsed.ok) parsed.problems.forEach(bad);
    else if (Object.keys(parsed.rules).length > 0) rules.set(sheet.name, parsed.rules);
  }
  return { rules, problems };
}

const countNodes = (specs: readonly IndicatorSpec[]): number => specs.reduce((n, s) => n + 1 + countNodes(s.children ?? []), 0);

/** Creates the draft cycle of a year, answering its id; a refusal is a DomainError. */
type CreateDraft = (actor: Actor, year: number) => number;

/**
 * Import an indicator workbook into a cycle: each data sheet replaces the set of the category it
 * names (or, with a category given, the one matching sheet or the only sheet goes to that
 * category). Only draft cycles accept imports; with `createIfMissing` a year without a cycle gets
 * a new draft cycle (created by `createDraft` only after the whole file has passed its checks).
 */
export async function importIndicators(
    db: Db,
  buffer: Uint8Array,
  target: ImportTarget,
  actor: Actor,
  fileName: string,
  createDraft?: CreateDraft,
): Promise<IndicatorImportResult> {
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
  const trees = pairs.map((p) => ({ ...p, ...sheetToSpecs(p.sheet, scale, existingGap(p.category.id)) }));
  const settings = read.settings === null ? null : settingsBySheet(read.settings, read.sheets, trees, scale);
  const checked = trees.map((t) => ({ ...t, rules: settings?.rules.get(t.sheet.name) }));
  const problems = [...checked.flatMap((c) => c.problems), ...(settings?.problems ?? [])];
  if (problems.length) {
    const rows = new Set(problems.map((p) => `${p.sheet}#${p.row}`)).size;
    return refuse(`未导入任何数据：发现 ${problems.length} 处错误（涉及 ${rows} 行），请按下列原因修改后重新导入。`, problems);
  }

  let createdCycle = false;
  if (!cycle) {
    if (!createDraft) return refuse("该考核年度不存在。");
    const year = (target as { year: number }).year;
    let createdId: number;
    try {
      createdId = createDraft(actor, year);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return refuse(`无法创建${year}年度考核：${Object.values(error.fieldErrors()).join("；")}`);
    }
    createdCycle = true;
    cycle = db.select().from(cycles).where(eq(cycles.id, createdId)).get()!;
  }
  const cycleRow = cycle;

  const createdCategories: string[] = [];
  const sets = mutate(db, (tx) => {
    const current = tx.select().from(cycles).where(eq(cycles.id, cycleRow.id)).get()!;
    if (!cycleAllows(current.status, "editSets")) throw new Error("cycle left draft during import");
    const now = new Date().toISOString();
    const categoryRules = { ...(current.settings.categoryRules ?? {}) };
    const out = checked.map(({ category: named, specs, warnings, rules }) => {
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
      // With a 设置 sheet, each imported category has the settings it lists there (none: the cycle's).
      const key = String(category.id);
      const rulesBefore = categoryRules[key];
      if (settings !== null) {
        if (rules) categoryRules[key] = rules;
        else delete categoryRules[key];
      }
      writeAudit(tx, actor, {
        action: "indicator_set.import",
        entityType: "indicator_set",
        entityId: set.id,
        before: before === null ? undefined : settings === null ? { nodes: before } : { nodes: before, categoryRules: rulesBefore ?? null },
        after: { cycleId: cycleRow.id, category: category.name, fileName, nodes: specs, coverageGap, ...(settings === null ? {} : { categoryRules: rules ?? null }) },
      });
      return { category: category.name, setId: set.id, nodes: countNodes(specs), warnings };
    });
    if (settings !== null) {
      const next = { ...current.settings };
      if (Object.keys(categoryRules).length > 0) next.categoryRules = categoryRules;
      else delete next.categoryRules;
      tx.update(cycles).set({ settings: next, updatedAt: now }).where(eq(cycles.id, cycleRow.id)).run();
    }
    return out;
  });
  return { ok: true, cycleId: cycleRow.id, year: cycleRow.year, createdCycle, createdCategories, sets };
}
