import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { categories, units } from "../../db/schema";
import { DomainError } from "../domain/domain-error";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";

/**
 * Unit categories (单位类别): each category has its own indicator set in a cycle. Refusals are
 * thrown as DomainError; the caller passes the database handle.
 */

export const categoryNameSchema = z
  .string({ required_error: "请输入类别名称" })
  .trim()
  .min(1, "请输入类别名称")
  .max(50, "类别名称不能超过50个字");

export const categoryFormSchema = z.object({ name: categoryNameSchema });

export interface CategoryRow {
  id: number;
  name: string;
  sortOrder: number;
  unitCount: number;
}

const NOT_FOUND = "该单位类别不存在。";

export function listCategories(db: Db | Tx): CategoryRow[] {
  return db
    .select({ id: categories.id, name: categories.name, sortOrder: categories.sortOrder, unitCount: count(units.id) })
    .from(categories)
    .leftJoin(units, eq(units.categoryId, categories.id))
    .groupBy(categories.id)
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
}

/** Refuses a name another category already has. */
function assertNameFree(tx: Tx, name: string, exceptId?: number): void {
  const row = tx.select({ id: categories.id }).from(categories).where(eq(categories.name, name)).get();
  if (row && row.id !== exceptId) throw new DomainError("invalid", `类别“${name}”已存在`, "name");
}

/** Add a category; answers its id. */
export function createCategory(db: Db, actor: Actor, input: z.output<typeof categoryFormSchema>): number {
  return mutate(db, (tx) => {
    assertNameFree(tx, input.name);
    return insertCategory(tx, actor, input.name).id;
  });
}

/** Add a category last in the order, with its audit row, inside the caller's transaction (the name is free). */
export function insertCategory(tx: Tx, actor: Actor, name: string): typeof categories.$inferSelect {
  const { max } = tx.select({ max: sql<number>`coalesce(max(${categories.sortOrder}), 0)` }).from(categories).get()!;
  const created = tx.insert(categories).values({ name, sortOrder: max + 1 }).returning().get();
  writeAudit(tx, actor, { action: "category.create", entityType: "category", entityId: created.id, after: created });
  return created;
}

export function renameCategory(db: Db, actor: Actor, id: number, input: z.output<typeof categoryFormSchema>): void {
  mutate(db, (tx) => {
    const before = tx.select().from(categories).where(eq(categories.id, id)).get();
    if (!before) throw new DomainError("notFound", NOT_FOUND);
    assertNameFree(tx, input.name, id);
    if (before.name === input.name) return;
    const after = tx.update(categories).set({ name: input.name }).where(eq(categories.id, id)).returning().get();
    writeAudit(tx, actor, { action: "category.rename", entityType: "category", entityId: id, before, after });
  });
}

/** Move a category one place up or down; the order is renumbered 1..n. */
export function moveCategory(db: Db, actor: Actor, id: number, direction: "up" | "down"): void {
  mutate(db, (tx) => {
    const list = tx.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.id)).all();
    const index = list.findIndex((c) => c.id === id);
    if (index < 0) throw new DomainError("notFound", NOT_FOUND);
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

/** Only a category nothing uses may be deleted (no unit, no indicator set). */
export function deleteCategory(db: Db, actor: Actor, id: number): void {
  const before = db.select().from(categories).where(eq(categories.id, id)).get();
  if (!before) throw new DomainError("notFound", NOT_FOUND);
  try {
    mutate(db, (tx) => {
      const { n } = tx.select({ n: count() }).from(units).where(eq(units.categoryId, id)).get()!;
      if (n > 0) {
        throw new DomainError("conflict", `类别“${before.name}”下还有 ${n} 个单位（含已停用单位），不能删除。请先将这些单位改到其他类别。`);
      }
      tx.delete(categories).where(eq(categories.id, id)).run();
      writeAudit(tx, actor, { action: "category.delete", entityType: "category", entityId: id, before });
    });
  } catch (error) {
    // Other modules (e.g. indicator sets per category) may reference it through foreign keys.
    if (isForeignKeyError(error)) throw new DomainError("conflict", `类别“${before.name}”已被其他数据（如指标体系）引用，不能删除。`);
    throw error;
  }
}

/** drizzle wraps driver errors; the SQLite message is on the error or its cause. */
function isForeignKeyError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/FOREIGN KEY constraint failed/i.test(e.message)) return true;
  }
  return false;
}
