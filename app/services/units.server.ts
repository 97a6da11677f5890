import { aliasedTable, and, asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { categories, units } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { anyChanged } from "../utils/changed-fields";
import { idField, optionalIdField } from "../utils/id-fields";
import type { FieldErrors } from "../utils/form.server";
import { activeStatus, containsText } from "../utils/list-filters.server";
import { DomainError } from "../domain/domain-error";

export const unitCodeSchema = z
  .string({ required_error: "请输入单位编码" })
  .trim()
  .min(1, "请输入单位编码")
  .max(32, "单位编码不能超过32个字符")
  .regex(/^[A-Za-z0-9_-]+$/, "单位编码只能包含字母、数字、下划线（_）或短横线（-）");

export const unitNameSchema = z
  .string({ required_error: "请输入单位名称" })
  .trim()
  .min(1, "请输入单位名称")
  .max(100, "单位名称不能超过100个字");

export const unitFormSchema = z.object({
  code: unitCodeSchema,
  name: unitNameSchema,
  categoryId: idField("请选择单位类别"),
  parentId: optionalIdField("请选择有效的上级单位"),
  // A checkbox: present when ticked.
  active: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "1" || v === "true"),
});

export type UnitInput = z.output<typeof unitFormSchema>;

export interface UnitFilter {
  categoryId?: number | null;
  status?: "active" | "inactive" | "all";
  q?: string;
}

export interface UnitListRow {
  id: number;
  code: string;
  name: string;
  active: boolean;
  categoryId: number;
  categoryName: string;
  parentId: number | null;
  parentName: string | null;
  parentCode: string | null;
}

const parentUnits = aliasedTable(units, "parent_units");

export function listUnits(db: Db, filter: UnitFilter = {}): UnitListRow[] {
  const conditions: SQL[] = [];
  if (filter.categoryId) conditions.push(eq(units.categoryId, filter.categoryId));
  for (const c of [activeStatus(units.active, filter.status), containsText(filter.q, units.code, units.name)]) if (c) conditions.push(c);
  return db
    .select({
      id: units.id,
      code: units.code,
      name: units.name,
      active: units.active,
      categoryId: units.categoryId,
      categoryName: categories.name,
      parentId: units.parentId,
      parentName: parentUnits.name,
      parentCode: parentUnits.code,
    })
    .from(units)
    .innerJoin(categories, eq(categories.id, units.categoryId))
    .leftJoin(parentUnits, eq(parentUnits.id, units.parentId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(categories.sortOrder), asc(units.sortOrder), asc(units.code))
    .all();
}

export function unitOr404(db: Db, id: number) {
  const unit = db.select().from(units).where(eq(units.id, id)).get();
  if (!unit) throw new DomainError("notFound", "该单位不存在。");
  return unit;
}

/**
 * Units offered as a parent (inactive ones included, marked). When editing, the unit itself and
 * everything below it are left out: choosing one of them would close a loop.
 */
export function listParentOptions(db: Db, forUnitId?: number) {
  const all = db
    .select({ id: units.id, code: units.code, name: units.name, active: units.active, parentId: units.parentId })
    .from(units)
    .orderBy(asc(units.code))
    .all();
  if (forUnitId === undefined) return all;
  const excluded = new Set([forUnitId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of all) {
      if (u.parentId !== null && excluded.has(u.parentId) && !excluded.has(u.id)) {
        excluded.add(u.id);
        grew = true;
      }
    }
  }
  return all.filter((u) => !excluded.has(u.id));
}

/** Unit codes are compared without regard to letter case: "bm001" and "BM001" are the same unit. */
export function findUnitByCode(tx: Tx, code: string) {
  return tx
    .select()
    .from(units)
    .where(sql`lower(${units.code}) = lower(${code})`)
    .get();
}

/** True when making `parentId` the parent of `unitId` would close a loop. */
function createsCycle(tx: Tx, unitId: number, parentId: number): boolean {
  const seen = new Set<number>();
  let current: number | null = parentId;
  while (current !== null) {
    if (current === unitId) return true;
    if (seen.has(current)) return true;
    seen.add(current);
    const row: { parentId: number | null } | undefined = tx.select({ parentId: units.parentId }).from(units).where(eq(units.id, current)).get();
    current = row?.parentId ?? null;
  }
  return false;
}

function checkUnit(tx: Tx, input: UnitInput, selfId?: number): FieldErrors {
  const errors: FieldErrors = {};
  const sameCode = findUnitByCode(tx, input.code);
  if (sameCode && sameCode.id !== selfId) errors.code = `单位编码 ${input.code} 已存在（${sameCode.name}）`;
  if (!tx.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId)).get()) {
    errors.categoryId = "所选单位类别不存在";
  }
  if (input.parentId !== null) {
    if (input.parentId === selfId) errors.parentId = "单位不能以自己为上级单位";
    else if (!tx.select({ id: units.id }).from(units).where(eq(units.id, input.parentId)).get()) errors.parentId = "所选上级单位不存在";
    else if (selfId !== undefined && createsCycle(tx, selfId, input.parentId)) {
      errors.parentId = "不能选择本单位的下级单位作为上级单位（会形成循环）";
    }
  }
  return errors;
}

/** Refused (DomainError.fields) when the code, category or parent does not fit; answers the new id. */
export function createUnit(db: Db, actor: Actor, input: UnitInput): number {
  return mutate(db, (tx) => {
    const fieldErrors = checkUnit(tx, input);
    if (Object.keys(fieldErrors).length) throw DomainError.fields(fieldErrors);
    const { max } = tx.select({ max: sql<number>`coalesce(max(${units.sortOrder}), 0)` }).from(units).get()!;
    const row = tx
      .insert(units)
      .values({ code: input.code, name: input.name, categoryId: input.categoryId, parentId: input.parentId, active: input.active, sortOrder: max + 1 })
      .returning()
      .get();
    writeAudit(tx, actor, { action: "unit.create", entityType: "unit", entityId: row.id, after: row });
    return row.id;
  });
}

export function updateUnit(db: Db, actor: Actor, id: number, input: UnitInput): void {
  mutate(db, (tx) => {
    const before = tx.select().from(units).where(eq(units.id, id)).get();
    if (!before) throw new DomainError("notFound", "该单位不存在。");
    const fieldErrors = checkUnit(tx, input, id);
    if (Object.keys(fieldErrors).length) throw DomainError.fields(fieldErrors);
    if (!anyChanged(before, input, ["code", "name", "categoryId", "parentId", "active"])) return;
    const after = tx
      .update(units)
      .set({
        code: input.code,
        name: input.name,
        categoryId: input.categoryId,
        parentId: input.parentId,
        active: input.active,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(units.id, id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "unit.update", entityType: "unit", entityId: id, before, after });
  });
}

export { UNIT_STATUS_FILTERS } from "../utils/unit-status-filters";
