import { and, eq, inArray, max, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { categories, indicatorAmendments, indicatorNodes, indicatorSets, submissionAnswers, submissionEvents, submissions, units } from "../../db/schema";
import { scorePackage, type AssessmentPackage, type LeafInput, type LeafRule, type UnitInput } from "../../scoring";
import type { SelfLeaf } from "../domain/results-view";
import { zeroInput } from "../domain/self-score";
import { boundedMemo } from "../utils/bounded-memo.server";

/**
 * The departments' self-assessment scores (自评分) of a cycle, scored by the engine with the same
 * package header as the evaluated results (settings, indicator sets), so the two compare like for
 * like on the score card and in the dashboard's self-vs-evaluated chart. Only submitted
 * self-inspections count (not drafts or returned ones), and only the department's own answers:
 * a leaf it did not answer has no self score (shown as 未自评) and counts 0 in the self total, as
 * in the self-score preview.
 *
 * Kept per unit, keyed by a stamp of its submitted self-inspection: the submission, the unit's
 * category, the submission's latest event, its number of answers and the cycle's latest indicator
 * amendment (each read from an index, not from the answers themselves). While a
 * self-inspection stays submitted its answers change only through an amendment's carry-over (the
 * department edits only after a return, and resubmitting writes a new event), so a read scores
 * only the units whose answers changed since the last one, and the departments' draft saves on the
 * deadline day cost the dashboard nothing.
 */

export interface SelfScore {
  total: number;
  /** Only the leaves the department answered. */
  leaves: Record<string, SelfLeaf>;
}

interface Stamped {
  unitId: number;
  stamp: string;
}

/** Units scored in one engine run (and named in one query). */
const CHUNK = 500;

/** Per package header: unit id → its stamp and score (null: the engine refused its answers). */
const perHeader = boundedMemo<Map<number, { stamp: string; score: SelfScore | null }>>(9);

function leafRules(header: AssessmentPackage): Map<string, { id: string; rule: LeafRule; points: number }[]> {
  const out = new Map<string, { id: string; rule: LeafRule; points: number }[]>();
  for (const set of header.indicatorSets) {
    const list: { id: string; rule: LeafRule; points: number }[] = [];
    const walk = (nodes: AssessmentPackage["indicatorSets"][number]["indicators"]) => {
      for (const n of nodes) {
        if (n.children && n.children.length > 0) walk(n.children);
        else if (n.rule) list.push({ id: n.id, rule: n.rule, points: n.points });
      }
    };
    walk(set.indicators);
    out.set(set.category, list);
  }
  return out;
}

/** The stamp of each submitted self-inspection of the cycle (optionally only `unitIds`). */
function submittedStamps(db: Db, cycleId: number, unitIds?: readonly number[]): Stamped[] {
  const amended = db
    .select({ last: max(indicatorAmendments.id) })
    .from(indicatorAmendments)
    .innerJoin(indicatorSets, eq(indicatorSets.id, indicatorAmendments.setId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .get();
  const rows = db
    .select({
      unitId: submissions.unitId,
      submissionId: submissions.id,
      categoryId: units.categoryId,
      lastEvent: sql<number | null>`(SELECT max(${submissionEvents.id}) FROM ${submissionEvents} WHERE ${submissionEvents.submissionId} = ${submissions.id})`,
      answers: sql<number>`(SELECT count(*) FROM ${submissionAnswers} WHERE ${submissionAnswers.submissionId} = ${submissions.id})`,
    })
    .from(submissions)
    .innerJoin(units, eq(units.id, submissions.unitId))
    .where(and(eq(submissions.cycleId, cycleId), eq(submissions.status, "submitted"), unitIds ? inArray(submissions.unitId, [...unitIds]) : undefined))
    .all();
  return rows.map((r) => ({ unitId: r.unitId, stamp: `${r.submissionId}:${r.categoryId}:${r.lastEvent}:${r.answers}:${amended?.last ?? null}` }));
}

/**
 * Self scores by unit id for the units of a cycle that submitted (optionally only `unitIds`).
 * `headerKey` names the header's content (e.g. the package hash).
 */
export function selfScores(db: Db, cycleId: number, header: AssessmentPackage, headerKey: string, unitIds?: readonly number[]): Map<number, SelfScore> {
  if (unitIds && unitIds.length === 0) return new Map();
  const cache = perHeader(`${cycleId}:${headerKey}`, () => new Map());
  // One read transaction: the stamps and the answers scored under them from the same snapshot.
  const stamps = db.transaction(() => {
    const all = submittedStamps(db, cycleId, unitIds);
    const stale = all.filter((s) => cache.get(s.unitId)?.stamp !== s.stamp);
    for (let i = 0; i < stale.length; i += CHUNK) {
      const chunk = stale.slice(i, i + CHUNK);
      const scored = scoreUnits(db, cycleId, header, chunk.map((s) => s.unitId));
      for (const s of chunk) cache.set(s.unitId, { stamp: s.stamp, score: scored.get(s.unitId) ?? null });
    }
    return all;
  });
  const out = new Map<number, SelfScore>();
  for (const s of stamps) {
    const score = cache.get(s.unitId)!.score;
    if (score) out.set(s.unitId, score);
  }
  return out;
}

/** Score the submitted answers of `unitIds` (units the engine refuses are left out). */
function scoreUnits(db: Db, cycleId: number, header: AssessmentPackage, unitIds: readonly number[]): Map<number, SelfScore> {
  const byUnit = new Map<number, { code: string; name: string; category: string; answers: Map<string, LeafInput> }>();
  const rows = db
    .select({ unitId: submissions.unitId, code: indicatorNodes.code, category: categories.name, unitCode: units.code, unitName: units.name, input: submissionAnswers.input })
    .from(submissions)
    .innerJoin(units, eq(units.id, submissions.unitId))
    .innerJoin(categories, eq(categories.id, units.categoryId))
    .innerJoin(submissionAnswers, eq(submissionAnswers.submissionId, submissions.id))
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, submissionAnswers.nodeId))
    .where(and(eq(submissions.cycleId, cycleId), eq(submissions.status, "submitted"), inArray(submissions.unitId, [...unitIds])))
    .all();
  for (const r of rows) {
    let u = byUnit.get(r.unitId);
    if (!u) byUnit.set(r.unitId, (u = { code: r.unitCode, name: r.unitName, category: r.category, answers: new Map() }));
    if (r.input) u.answers.set(r.code, r.input as LeafInput);
  }

  const rules = leafRules(header);
  const out = new Map<number, SelfScore>();
  const idOf = new Map<string, number>();
  const answered = new Map<string, ReadonlySet<string>>();
  const packageUnits: UnitInput[] = [];
  for (const [unitId, u] of byUnit) {
    const list = rules.get(u.category);
    if (!list) continue;
    const inputs: Record<string, LeafInput> = {};
    for (const l of list) inputs[l.id] = u.answers.get(l.id) ?? zeroInput(l.rule, l.points);
    packageUnits.push({ id: u.code, name: u.name, category: u.category, inputs });
    idOf.set(u.code, unitId);
    answered.set(u.code, new Set(u.answers.keys()));
  }
  if (packageUnits.length === 0) return out;
  const score = (list: UnitInput[]) => scorePackage({ ...header, units: list });
  let scored = score(packageUnits);
  // An answer the engine refuses (saved before a rule changed) leaves only that unit out.
  const results = scored.ok ? scored.results.units : packageUnits.flatMap((u) => ((scored = score([u])), scored.ok ? scored.results.units : []));
  for (const r of results) {
    const own = answered.get(r.id)!;
    const leaves = Object.entries(r.leaves).filter(([id]) => own.has(id));
    out.set(idOf.get(r.id)!, { total: r.total, leaves: Object.fromEntries(leaves.map(([id, l]) => [id, { score: l.score, na: l.na }])) });
  }
  return out;
}
