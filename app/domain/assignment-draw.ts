import { codeOrder, createPrng } from "./prng";

/**
 * Random assignment of evaluators to units (随机分配评估员): a pure function of the seed, the
 * population and the number of evaluators per unit, so the stored seed re-derives it.
 *
 * 1. Units are ordered by code, evaluators by username (canonical order).
 * 2. One stream: createPrng(seed, "assign"). The units are shuffled with it (processing order).
 * 3. For each unit in that order: evaluators bound to the unit are excluded (回避, listed with the
 *    reason) as are evaluators already assigned to it; the stream shuffles the eligible ones, they
 *    are stably sorted by current load (existing assignments in the cycle + this draw's), and the
 *    first (perUnit − already assigned) are taken — so the load stays balanced and ties are random.
 * 4. If a unit has fewer eligible evaluators than it needs, the whole draw is refused.
 */

export interface DrawUnit {
  id: number;
  code: string;
  name: string;
}

export interface DrawEvaluator {
  id: number;
  username: string;
  name: string;
  /** Units the evaluator is bound to (conflict of interest): never assigned to them. */
  boundUnitIds: readonly number[];
}

export interface AssignmentDrawInput {
  seed: string;
  perUnit: number;
  units: readonly DrawUnit[];
  evaluators: readonly DrawEvaluator[];
  /** Assignments already in the cycle: they count toward each unit's evaluators and each evaluator's load. */
  existing?: readonly { unitId: number; evaluatorId: number }[];
}

export interface Exclusion {
  evaluatorId: number;
  username: string;
  name: string;
  reason: string;
}

export interface UnitDraw {
  unitId: number;
  unitCode: string;
  unitName: string;
  /** Evaluators this draw assigns (in draw order). */
  evaluatorIds: number[];
  excluded: Exclusion[];
}

export type AssignmentDrawResult =
  | { ok: true; seed: string; perUnit: number; units: UnitDraw[] }
  | { ok: false; error: string };

export const CONFLICT_REASON = "与该单位存在关联，须回避";

export function drawAssignments(input: AssignmentDrawInput): AssignmentDrawResult {
  const { seed, perUnit } = input;
  if (!seed.trim()) return { ok: false, error: "请填写随机种子" };
  if (!Number.isInteger(perUnit) || perUnit < 1) return { ok: false, error: "每个单位的评估员人数须为正整数" };
  if (input.units.length === 0) return { ok: false, error: "没有需要分配评估员的单位" };
  if (input.evaluators.length === 0) return { ok: false, error: "没有可分配的评估员" };

  const units = input.units.slice().sort((a, b) => codeOrder(a.code, b.code));
  const evaluators = input.evaluators.slice().sort((a, b) => codeOrder(a.username, b.username));
  const load = new Map<number, number>(evaluators.map((e) => [e.id, 0]));
  const assigned = new Map<number, Set<number>>();
  for (const a of input.existing ?? []) {
    if (load.has(a.evaluatorId)) load.set(a.evaluatorId, (load.get(a.evaluatorId) ?? 0) + 1);
    const set = assigned.get(a.unitId) ?? new Set<number>();
    set.add(a.evaluatorId);
    assigned.set(a.unitId, set);
  }

  const prng = createPrng(seed, "assign");
  const byUnit = new Map<number, UnitDraw>();
  for (const unit of prng.shuffle(units)) {
    const have = assigned.get(unit.id) ?? new Set<number>();
    const excluded: Exclusion[] = evaluators
      .filter((e) => e.boundUnitIds.includes(unit.id))
      .map((e) => ({ evaluatorId: e.id, username: e.username, name: e.name, reason: CONFLICT_REASON }));
    const excludedIds = new Set(excluded.map((x) => x.evaluatorId));
    const eligible = evaluators.filter((e) => !excludedIds.has(e.id) && !have.has(e.id));
    const need = Math.max(0, perUnit - have.size);
    if (eligible.length < need) {
      return {
        ok: false,
        error: `单位“${unit.name}”（${unit.code}）回避后可分配的评估员只有${eligible.length + have.size}人，少于每个单位所需的${perUnit}人`,
      };
    }
    const chosen = need === 0 ? [] : stableSortByLoad(prng.shuffle(eligible), load).slice(0, need);
    for (const e of chosen) load.set(e.id, (load.get(e.id) ?? 0) + 1);
    byUnit.set(unit.id, { unitId: unit.id, unitCode: unit.code, unitName: unit.name, evaluatorIds: chosen.map((e) => e.id), excluded });
  }
  return { ok: true, seed, perUnit, units: units.map((u) => byUnit.get(u.id)!) };
}

function stableSortByLoad<T extends { id: number }>(items: T[], load: Map<number, number>): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (load.get(a.item.id) ?? 0) - (load.get(b.item.id) ?? 0) || a.i - b.i)
    .map((x) => x.item);
}
