import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Tx } from "../../db/client";
import { categories, units } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { FieldErrors } from "../utils/form.server";
import { notFound } from "../utils/http.server";

export const categoryNameSchema = z
  .string({ required_error: "请输入类别名称" })
  .trim()
  .min(1, "请输入类别名称")
  .max(50, "类别名称不能超过50个字");

export const categoryFormSchema = z.object({ name: categoryNameSchema });

export type CategoryResult = { ok: true; id: number } | { ok: false; fieldErrors: FieldErrors };

export interface CategoryRow {
  id: number;
  name: string;
  sortOrder: number;
  unitCount: number;
}

export function listCategories(): CategoryRow[] {
  const db = getDb();
  return db
    .select({ id: categories.id, name: categories.name, sortOrder: categories.sortOrder, unitCount: count(units.id) })
    .from(categories)
    .leftJoin(units, eq(units.categoryId, categories.id))
    .groupBy(categories.id)
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
}

function nameTaken(name: string, exceptId?: number): boolean {
  const row = getDb().select({ id: categories.id }).from(categories).where(eq(categories.name, name)).get();
  return !!row && row.id !== exceptId;
}

export function createCategory(actor: Actor, input: z.output<typeof categoryFormSchema>): CategoryResult {
  const db = getDb();
  if (nameTaken(input.name)) return { ok: false, fieldErrors: { name: `类别“${input.name}”已存在` } };
  const row = mutate(db, (tx) => insertCategory(tx, actor, input.name));
  return { ok: true, id: row.id };
}

/** Add a category last in the order, with its audit row, inside the caller's transaction (the name is free). */
export function insertCategory(tx: Tx, actor: Actor, name: string): typeof categories.$inferSelect {
  const { max } = tx.select({ max: sql<number>`coalesce(max(${categories.sortOrder}), 0)` }).from(categories).get()!;
  const created = tx.insert(categories).values({ name, sortOrder: max + 1 }).returning().get();
  writeAudit(tx, actor, { action: "category.create", entityType: "category", entityId: created.id, after: created });
  return created;
}

export function renameCategory(actor: Actor, id: number, input: z.output<typeof categoryFormSchema>): CategoryResult {
  const db = getDb();
  const before = db.select().from(categories).where(eq(categories.id, id)).get();
  if (!before) throw notFound("该单位类别不存在。");
  if (nameTaken(input.name, id)) return { ok: false, fieldErrors: { name: `类别“${input.name}”已存在` } };
  if (before.name === input.name) return { ok: true, id };
  mutate(db, (tx) => {
    const after = tx.update(categories).set({ name: input.name }).where(eq(categories.id, id)).returning().get();
    writeAudit(tx, actor, { action: "category.rename", entityType: "category", entityId: id, before, after });
  });
  return { ok: true, id };
}

/** Move a category one place up or down; the order is renumbered 1..n. */
export function moveCategory(actor: Actor, id: number, direction: "up" | "down"): void {
  const db = getDb();
  mutate(db, (tx) => {
    const list = tx.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.id)).all();
    const index = list.findIndex((c) => c.id === id);
    if (index < 0) throw notFound("该单位类别不存在。");
    const target = direction === "up" ? index - 1 : index + 1;
    if (target < 0 || target >= list.length) return;
    const beforeOrder = list.map((c) => c.id);
    [list[index], list[target]] = [list[target], list[index]];
    list.forEach((c, i) => {
      if (c.sortOrder !== i + 1) tx.update(categories).set({ sortOrder: i + 1 }).where(eq(categories.id, c.id)).run();
    });
    writeAudit(tx, actor, {
      action: "category.reorder",
      entityType: "category",
      entityId: id,
      before: { order: beforeOrder },
      after: { order: list.map((c) => c.id) },
    });
  });
}

export type DeleteResult = { ok: true } | { ok: false; message: string };

/** Only a category no unit uses may be deleted. */
export function deleteCategory(actor: Actor, id: number): DeleteResult {
  const db = getDb();
  const before = db.select().from(categories).where(eq(categories.id, id)).get();
  if (!before) throw notFound("该单位类别不存在。");
  const { n } = db.select({ n: count() }).from(units).where(eq(units.categoryId, id)).get()!;
  if (n > 0) {
    return { ok: false, message: `类别“${before.name}”下还有 ${n} 个单位（含已停用单位），不能删除。请先将这些单位改到其他类别。` };
  }
  try {
    mutate(db, (tx) => {
      tx.delete(categories).where(eq(categories.id, id)).run();
      writeAudit(tx, actor, { action: "category.delete", entityType: "category", entityId: id, before });
    });
  } catch (error) {
    // Other modules (e.g. indicator sets per category) may reference it through foreign keys.
    if (isForeignKeyError(error)) {
      return { ok: false, message: `类别“${before.name}”已被其他数据（如指标体系）引用，不能删除。` };
    }
    throw error;
  }
  return { ok: true };
}

/** drizzle wraps driver errors; the SQLite message is on the error or its cause. */
function isForeignKeyError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/FOREIGN KEY constraint failed/i.test(e.message)) return true;
  }
  return false;
}
