import { eq } from "drizzle-orm";
import { type Db, type Tx } from "../../db/client";
import { cycles } from "../../db/schema";
import { editModeOf } from "../domain/cycle-capabilities";
import type { CategoryRules } from "../domain/category-rules";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { FROZEN_MESSAGE, getSetInfo } from "./indicator-structure.server";
import { DomainError } from "../domain/domain-error";

/**
 * A unit category's own settings (政务公开 weight, grades, pass mark, bonus gate — zwgk-assessment/2),
 * kept in the cycle's settings by category id and edited on the category's indicator set page.
 * Like the cycle's own scoring settings they may change only while the cycle is a draft.
 */


export function categoryRulesOf(db: Db | Tx, cycleId: number, categoryId: number): CategoryRules | undefined {
  const row = db.select({ settings: cycles.settings }).from(cycles).where(eq(cycles.id, cycleId)).get();
  return row?.settings.categoryRules?.[String(categoryId)];
}

/** Answers what it saved, in Chinese; refused (conflict) once the cycle is no longer a draft. */
export function saveCategoryRules(db: Db, actor: Actor, cycleId: number, setId: number, rules: CategoryRules): string {
  return mutate(db, (tx) => {
    const set = getSetInfo(tx, cycleId, setId);
    const mode = editModeOf(set.cycle.status);
    if (mode === "frozen") throw new DomainError("conflict", FROZEN_MESSAGE);
    if (mode !== "draft") throw new DomainError("conflict", "考核已发布，本类别的权重、等次、合格线和加分门槛不能再修改。");
    const cycle = tx.select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
    const key = String(set.categoryId);
    const before = cycle.settings.categoryRules?.[key];
    const categoryRules = { ...(cycle.settings.categoryRules ?? {}) };
    if (Object.keys(rules).length > 0) categoryRules[key] = rules;
    else delete categoryRules[key];
    const settings = { ...cycle.settings };
    if (Object.keys(categoryRules).length > 0) settings.categoryRules = categoryRules;
    else delete settings.categoryRules;
    tx.update(cycles).set({ settings, updatedAt: new Date().toISOString() }).where(eq(cycles.id, cycleId)).run();
    writeAudit(tx, actor, {
      action: "indicator_set.category_rules",
      entityType: "indicator_set",
      entityId: setId,
      before: before ?? {},
      after: { ...rules, category: set.categoryName, cycleId },
    });
    return Object.keys(rules).length > 0 ? `已保存“${set.categoryName}”的类别考核设置。` : `“${set.categoryName}”改为沿用考核年度的设置。`;
  });
}

/** The category's own settings and, as one phrase, the cycle's settings it falls back to. */
export function categoryRulesView(db: Db | Tx, cycleId: number, categoryId: number): { rules: CategoryRules | undefined; cycleDefaults: string } {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
  const s = cycle.settings;
  const cycleDefaults = [
    `权重${cycle.opennessWeightPct}%`,
    `合格线${s.passMark}分`,
    `等次${s.grades.map((g) => `${g.name}${g.min}`).join("/")}`,
    `基础分高于${s.bonusGate}分计入加分`,
  ].join("，");
  return { rules: s.categoryRules?.[String(categoryId)], cycleDefaults };
}
