import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { indicatorSets } from "../../db/schema";
import { dimensionList, uncoveredDimensions } from "../domain/indicator-policy";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { editModeOf } from "../domain/cycle-capabilities";
import { FROZEN_MESSAGE, getSetInfo } from "./indicator-structure.server";
import { loadTree, toSpecs } from "./indicator-tree.server";
import { DomainError } from "../domain/domain-error";

/**
 * The office's recorded reason for a set that leaves some of the four mandated dimensions
 * (信息公开、政策解读、回应关切、媒体参与) uncovered — e.g. a county's published 考核细则 has no
 * 回应关切 item. With the reason recorded the set may be published; it is shown on the set page,
 * the preview and the 说明 sheet of the workbook. Recording it is audited.
 */

/** Answers what it recorded, in Chinese; refused once the set is frozen (conflict) or covers every dimension (invalid). */
export function recordCoverageReason(db: Db, actor: Actor, cycleId: number, setId: number, reason: string): string {
  return mutate(db, (tx) => {
    const set = getSetInfo(tx, cycleId, setId);
    if (editModeOf(set.cycle.status) === "frozen") throw new DomainError("conflict", FROZEN_MESSAGE);
    const missing = uncoveredDimensions(toSpecs(loadTree(tx, setId)));
    if (missing.length === 0) throw new DomainError("invalid", "本指标体系已覆盖四个维度，无需记录原因", "coverageReason");
    const after = { dimensions: [...missing], reason };
    tx.update(indicatorSets).set({ coverageGap: after }).where(eq(indicatorSets.id, setId)).run();
    writeAudit(tx, actor, {
      action: "indicator_set.coverage_reason",
      entityType: "indicator_set",
      entityId: setId,
      before: set.coverageGap ?? undefined,
      after: { ...after, category: set.categoryName, cycleId },
    });
    return `已记录指标体系未覆盖${dimensionList(missing)}维度的原因。`;
  });
}
