import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { indicatorSets } from "../../db/schema";
import { dimensionList, uncoveredDimensions } from "../domain/indicator-policy";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { FieldErrors } from "../utils/form.server";
import { editModeOf } from "../domain/cycle-capabilities";
import { FROZEN_MESSAGE, getSetInfo } from "./indicator-structure.server";
import { loadTree, toSpecs } from "./indicator-tree.server";

/**
 * The office's recorded reason for a set that leaves some of the four mandated dimensions
 * (信息公开、政策解读、回应关切、媒体参与) uncovered — e.g. a county's published 考核细则 has no
 * 回应关切 item. With the reason recorded the set may be published; it is shown on the set page,
 * the preview and the 说明 sheet of the workbook. Recording it is audited.
 */

export type CoverageResult = { ok: true; message: string } | { ok: false; fieldErrors: FieldErrors };

export function recordCoverageReason(db: Db, actor: Actor, cycleId: number, setId: number, reason: string): CoverageResult {
  return mutate(db, (tx): CoverageResult => {
    const set = getSetInfo(tx, cycleId, setId);
    if (editModeOf(set.cycle.status) === "frozen") return { ok: false, fieldErrors: { _form: FROZEN_MESSAGE } };
    const missing = uncoveredDimensions(toSpecs(loadTree(tx, setId)));
    if (missing.length === 0) return { ok: false, fieldErrors: { coverageReason: "本指标体系已覆盖四个维度，无需记录原因" } };
    const after = { dimensions: [...missing], reason };
    tx.update(indicatorSets).set({ coverageGap: after }).where(eq(indicatorSets.id, setId)).run();
    writeAudit(tx, actor, {
      action: "indicator_set.coverage_reason",
      entityType: "indicator_set",
      entityId: setId,
      before: set.coverageGap ?? undefined,
      after: { ...after, category: set.categoryName, cycleId },
    });
    return { ok: true, message: `已记录指标体系未覆盖${dimensionList(missing)}维度的原因。` };
  });
}
