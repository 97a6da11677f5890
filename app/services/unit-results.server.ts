import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import { accessRefusal, can, may, OTHER_UNIT } from "../policy.server";
import { findings, indicatorNodes } from "../../db/schema";
import type { UnitResult } from "../../scoring";
import { FINDING_KIND_LABELS } from "../domain/evaluation-labels";
import { readableExplain } from "../domain/results-view";
import type { SessionUser } from "../utils/auth.server";
import { listAppeals } from "./appeals.server";
import { findingSource, scoreCycle } from "./cycle-package.server";
import { appealWindow, getCycle, getUnit, setFor } from "./evaluation-context.server";
import { resultsMeta, unitResultOf } from "./results.server";

/**
 * A unit's own results by phase: nothing of the evaluation (entries, findings, scores) before
 * 初步结果; from then on the unit's result with the reason for every lost point. The published
 * snapshot (cycle_results, written by the results module) is shown when there is one; otherwise the
 * engine scores the unit's package live (no rank then: a rank needs the whole cycle).
 */

export function unitResultsView(db: Db, user: SessionUser, cycleId: number, unitId: number) {
  if (!may(user, "read", "unitResults")) throw new DomainError("forbidden", accessRefusal("unitResults"));
  if (!can(db, user, "read", { kind: "unitResults", unitId })) throw new DomainError("forbidden", OTHER_UNIT);
  const cycle = getCycle(db, cycleId);
  const unit = getUnit(db, unitId);
  const head = { cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status }, unit };
  if (!cycleAllows(cycle.status, "resultsOut")) return { ...head, visible: false as const };

  const kind = cycleAllows(cycle.status, "resultsFinal") ? "final" : "preliminary";
  const stored = resultsMeta(db, cycleId, kind);
  let result: UnitResult | null = stored ? unitResultOf(db, stored.id, unitId) : null;
  let live = false;
  if (!result) {
    result = scoreCycle(db, cycleId, { unitIds: [unitId], missing: "placeholder" }).results.units[0] ?? null;
    live = true;
  }
  const leaves = setFor(db, cycleId, unit.categoryId)?.leaves ?? [];
  const rows = leaves.map((l) => {
    const r = result?.leaves[l.code];
    return {
      nodeId: l.nodeId,
      code: l.code,
      name: l.name,
      path: l.path,
      part: l.part,
      score: r?.score ?? null,
      max: r?.max ?? l.points,
      na: r?.na ?? false,
      lost: r && !r.na && l.part !== "veto" ? Math.round((r.max - r.score) * 100) / 100 : 0,
      explain: readableExplain(r?.explain ?? ""),
    };
  });
  const unitFindings = db
    .select({ f: findings, code: indicatorNodes.code, name: indicatorNodes.name })
    .from(findings)
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, findings.nodeId))
    .where(and(eq(findings.cycleId, cycleId), eq(findings.unitId, unitId)))
    .orderBy(asc(findings.id))
    .all()
    .map((x) => ({ id: x.f.id, source: findingSource(x.f.id), code: x.code, name: x.name, description: x.f.description, foundOn: x.f.foundOn, kind: FINDING_KIND_LABELS[x.f.kind] }));
  const window = appealWindow(db, cycle);
  return {
    ...head,
    visible: true as const,
    live,
    summary: result
      ? {
          total: result.total,
          base: result.base,
          bonus: result.bonus,
          grade: result.grade,
          pass: result.pass,
          vetoed: result.vetoed,
          explain: readableExplain(result.explain),
          rank: live ? null : result.rank,
          categoryRank: live ? null : result.categoryRank,
        }
      : null,
    leaves: rows,
    findings: unitFindings,
    appeals: listAppeals(db, cycleId, { unitId }),
    window,
  };
}
