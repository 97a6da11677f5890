import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { cycles, indicatorAmendments, users } from "../../db/schema";
import { categoryRulesChanges, type CategoryRules } from "../domain/category-rules";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { DomainError } from "../domain/domain-error";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { getSetInfo } from "./indicator-structure.server";

/**
 * A unit category's own settings (政务公开 weight, grades, pass mark, bonus gate — zwgk-assessment/2),
 * kept in the cycle's settings by category id and edited on the category's indicator set page.
 * They change freely while the cycle is a draft; after publishing, until the results are final
 * (capability editCategorySettings), each change needs a reason (修改原因) and is recorded in the
 * set's amendments (修订记录) beside its audit row. The settings are part of the package header, so
 * the next recompute sees the header's hash change and scores every unit again with them.
 */

/** An amendment's `after.op` for a change of the category's settings (node amendments have their own ops). */
const SETTINGS_OP = "categoryRules";

/** Save the category's settings (empty: follow the cycle's); answers the message to show. Refusals are DomainErrors. */
export function saveCategoryRules(db: Db, actor: Actor, cycleId: number, setId: number, rules: CategoryRules, reason: string): string {
  return mutate(db, (tx) => {
    const set = getSetInfo(tx, cycleId, setId);
    const status = set.cycle.status;
    if (!cycleAllows(status, "editCategorySettings")) {
      throw new DomainError("conflict", `考核结果已定稿（${CYCLE_STATUS_LABELS[status]}），本类别的权重、等次、合格线和加分门槛不能再修改。`);
    }
    const published = !cycleAllows(status, "editSets");
    if (published && !reason) throw new DomainError("invalid", "考核已发布，修改本类别考核设置须填写修改原因", "settingsReason");
    const cycle = tx.select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
    const key = String(set.categoryId);
    const before = cycle.settings.categoryRules?.[key];
    const changes = categoryRulesChanges(before, rules);
    if (changes.length === 0) return `“${set.categoryName}”的类别考核设置没有变化。`;

    const categoryRules = { ...(cycle.settings.categoryRules ?? {}) };
    if (Object.keys(rules).length > 0) categoryRules[key] = rules;
    else delete categoryRules[key];
    const settings = { ...cycle.settings };
    if (Object.keys(categoryRules).length > 0) settings.categoryRules = categoryRules;
    else delete settings.categoryRules;
    const now = new Date().toISOString();
    tx.update(cycles).set({ settings, updatedAt: now }).where(eq(cycles.id, cycleId)).run();
    const summary = `类别考核设置：${changes.join("；")}`;
    const amendment = published
      ? tx
          .insert(indicatorAmendments)
          .values({ setId, nodeId: null, reason, carry: null, before: before ?? {}, after: { op: SETTINGS_OP, rules, changes, summary }, actorId: actor.id, at: now })
          .returning({ id: indicatorAmendments.id })
          .get()
      : null;
    writeAudit(tx, actor, {
      action: "indicator_set.category_rules",
      entityType: "indicator_set",
      entityId: setId,
      before: before ?? {},
      after: { ...rules, category: set.categoryName, cycleId, changes, ...(amendment ? { amendmentId: amendment.id, reason } : {}) },
    });
    const saved = Object.keys(rules).length > 0 ? `已保存“${set.categoryName}”的类别考核设置。` : `“${set.categoryName}”改为沿用考核年度的设置。`;
    return published ? `${saved}修改已记入修订记录，下次计算结果时按新设置计分。` : saved;
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

export interface SettingsChange {
  at: string;
  actorName: string | null;
  reason: string;
  /** What changed, setting by setting (categoryRulesChanges). */
  changes: string[];
}

/** The changes of the category's settings made after publishing, newest first. */
export function categoryRulesChangesAfterPublishing(db: Db | Tx, setId: number): SettingsChange[] {
  return db
    .select({ at: indicatorAmendments.at, actorName: users.displayName, reason: indicatorAmendments.reason, changes: sql<string>`json_extract(${indicatorAmendments.after}, '$.changes')` })
    .from(indicatorAmendments)
    .leftJoin(users, eq(users.id, indicatorAmendments.actorId))
    .where(and(eq(indicatorAmendments.setId, setId), isNull(indicatorAmendments.nodeId), sql`json_extract(${indicatorAmendments.after}, '$.op') = ${SETTINGS_OP}`))
    .orderBy(desc(indicatorAmendments.id))
    .all()
    .map((r) => ({ ...r, changes: JSON.parse(r.changes) as string[] }));
}
