import { getSqlite } from "../../db/client";
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
 */

export interface SelfScore {
  total: number;
  /** Only the leaves the department answered. */
  leaves: Record<string, SelfLeaf>;
}

const memo = boundedMemo<Map<number, SelfScore>>(9);

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

interface AnswerRow {
  unitId: number;
  code: string;
  category: string;
  unitCode: string;
  unitName: string;
  input: string | null;
}

/** Self scores by unit id for the units of a cycle that submitted (optionally only `unitIds`). */
export function selfScores(cycleId: number, header: AssessmentPackage, cacheKey: string, unitIds?: readonly number[]): Map<number, SelfScore> {
  const key = `${cycleId}:${cacheKey}:${unitIds ? unitIds.join(",") : "*"}`;
  const stamp = getSqlite()
    .prepare("SELECT COUNT(*) AS n, MAX(a.updated_at) AS at FROM submission_answers a JOIN submissions s ON s.id = a.submission_id WHERE s.cycle_id = ?")
    .get(cycleId) as { n: number; at: string | null };
  return memo(`${key}:${stamp.n}:${stamp.at}`, () => scoreSubmitted(cycleId, header, unitIds));
}

function scoreSubmitted(cycleId: number, header: AssessmentPackage, unitIds?: readonly number[]): Map<number, SelfScore> {
  const rows = getSqlite()
    .prepare(
      `SELECT s.unit_id AS unitId, n.code AS code, c.name AS category, u.code AS unitCode, u.name AS unitName, a.input AS input
       FROM submissions s
       JOIN units u ON u.id = s.unit_id
       JOIN categories c ON c.id = u.category_id
       JOIN submission_answers a ON a.submission_id = s.id
       JOIN indicator_nodes n ON n.id = a.node_id
       WHERE s.cycle_id = ? AND s.status = 'submitted'`,
    )
    .all(cycleId) as AnswerRow[];
  const wanted = unitIds ? new Set(unitIds) : null;
  const byUnit = new Map<number, { code: string; name: string; category: string; answers: Map<string, LeafInput> }>();
  for (const r of rows) {
    if (wanted && !wanted.has(r.unitId)) continue;
    let u = byUnit.get(r.unitId);
    if (!u) byUnit.set(r.unitId, (u = { code: r.unitCode, name: r.unitName, category: r.category, answers: new Map() }));
    if (r.input) u.answers.set(r.code, JSON.parse(r.input) as LeafInput);
  }

  const rules = leafRules(header);
  const out = new Map<number, SelfScore>();
  const idOf = new Map<string, number>();
  const answered = new Map<string, ReadonlySet<string>>();
  const units: UnitInput[] = [];
  for (const [unitId, u] of byUnit) {
    const list = rules.get(u.category);
    if (!list) continue;
    const inputs: Record<string, LeafInput> = {};
    for (const l of list) inputs[l.id] = u.answers.get(l.id) ?? zeroInput(l.rule, l.points);
    units.push({ id: u.code, name: u.name, category: u.category, inputs });
    idOf.set(u.code, unitId);
    answered.set(u.code, new Set(u.answers.keys()));
  }
  const score = (list: typeof units) => scorePackage({ ...header, units: list });
  let scored = score(units);
  // An answer the engine refuses (saved before a rule changed) leaves only that unit out.
  const results = scored.ok ? scored.results.units : units.flatMap((u) => ((scored = score([u])), scored.ok ? scored.results.units : []));
  for (const r of results) {
    const own = answered.get(r.id)!;
    const leaves = Object.entries(r.leaves).filter(([id]) => own.has(id));
    out.set(idOf.get(r.id)!, { total: r.total, leaves: Object.fromEntries(leaves.map(([id, l]) => [id, { score: l.score, na: l.na }])) });
  }
  return out;
}
