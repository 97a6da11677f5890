import type { Db } from "../../db/client";
import { fromDesignated, missingDesignatedMessage } from "../../scoring";
import { buildCyclePackage } from "./cycle-package.server";
import { cycleUnits, setFor } from "./evaluation-context.server";

export interface UnevaluatedUnit {
  unitId: number;
  code: string;
  name: string;
  /** Leaves without an entry from an evaluator who has signed the unit off. */
  missing: number;
}

/**
 * The cycle's units whose evaluation is not complete: some leaf of their category's indicator set
 * has no entry from an evaluator who signed the unit off (签署). These are exactly the units the
 * assessment package leaves out as `incomplete` (cycle-package.server.ts) and the ranking page
 * counts as "not yet evaluated" — counted here with one grouped query per category, so the cycle
 * page can show it without building the package. Categories whose set is empty are not assessed.
 */
export function unevaluatedUnits(db: Db, cycleId: number): UnevaluatedUnit[] {
  const population = cycleUnits(db, cycleId);
  const out: UnevaluatedUnit[] = [];
  const count = db.$client.prepare(
    `SELECT a.unit_id AS unitId, COUNT(DISTINCT e.node_id) AS n
       FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
      WHERE a.cycle_id = ? AND a.signed_off_at IS NOT NULL AND e.input IS NOT NULL
        AND e.node_id IN (SELECT value FROM json_each(?))
        AND a.unit_id IN (SELECT value FROM json_each(?))
      GROUP BY a.unit_id`,
  );
  for (const categoryId of new Set(population.map((u) => u.categoryId))) {
    const set = setFor(db, cycleId, categoryId);
    if (!set || set.tree.length === 0) continue;
    const members = population.filter((u) => u.categoryId === categoryId);
    const rows = count.all(cycleId, JSON.stringify(set.leaves.map((l) => l.nodeId)), JSON.stringify(members.map((u) => u.id))) as { unitId: number; n: number }[];
    const entered = new Map(rows.map((r) => [r.unitId, r.n]));
    for (const u of members) {
      const missing = set.leaves.length - (entered.get(u.id) ?? 0);
      if (missing > 0) out.push({ unitId: u.id, code: u.code, name: u.name, missing });
    }
  }
  return out;
}

/** Why a cycle cannot be finalised for lack of evaluation (empty = every unit is evaluated). */
export function allUnitsEvaluated(db: Db, cycleId: number): string[] {
  const open = unevaluatedUnits(db, cycleId);
  if (open.length === 0) return [];
  const list = open
    .slice(0, 10)
    .map((u) => `${u.name}（${u.missing}项指标）`)
    .join("、");
  return [`有${open.length}个单位尚未评估完成（指标缺少已签署的评估结果）：${list}${open.length > 10 ? "等" : ""}`];
}

/**
 * Why the cycle cannot be computed for lack of a designated source's value (以县外网办评价为准,
 * 以抽查结果为准, 以某评估员评分为准): each unit evaluated so far whose designated leaf has no entry
 * from that source, in the engine's own words (the package would be refused with them). Empty when
 * no set designates a source, without building the package.
 */
export function designatedValuesMissing(db: Db, cycleId: number): string[] {
  const categories = new Set(cycleUnits(db, cycleId).map((u) => u.categoryId));
  const designates = [...categories].some((c) => setFor(db, cycleId, c)?.leaves.some((l) => l.rule.type === "score" && l.rule.designated !== undefined));
  if (!designates) return [];
  const { pkg, leaves } = buildCyclePackage(db, cycleId);
  const problems: string[] = [];
  for (const unit of pkg.units) {
    for (const leaf of Object.values(leaves[unit.category] ?? {})) {
      const rule = leaf.rule;
      if (rule.type !== "score" || rule.designated === undefined) continue;
      const input = unit.inputs[leaf.code];
      if (!input || input.na === true) continue;
      if ((input.scores ?? []).some((s) => typeof s !== "number" && fromDesignated(s, rule.designated!, rule.designatedKind))) continue;
      problems.push(missingDesignatedMessage(`单位“${unit.name}”`, leaf.code, rule.designated, rule.designatedKind));
    }
  }
  if (problems.length <= 10) return problems;
  return [...problems.slice(0, 10), `另有${problems.length - 10}处缺少指定来源的评分`];
}
