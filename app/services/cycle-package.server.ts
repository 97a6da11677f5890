import { and, asc, eq, getTableName, inArray } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import type { Db } from "../../db/client";
import {
  appeals,
  arbitrations,
  categories,
  evaluatorAssignments,
  evaluatorEntries,
  findings,
  indicatorSets,
  users,
} from "../../db/schema";
import { scorePackage, type AssessmentPackageInput, type IndicatorSet, type LeafInput, type Results, type ScoreEntry } from "../../scoring";
import { toPackageNodes, type ScoredLeaf } from "../domain/indicator-spec";
import { cycleUnits, getCycle, setFor, type CycleUnit, type Reader, type SetTree } from "./evaluation-context.server";
import { applyDesignated } from "./designated-entries.server";
import { assemblePackage, packageIndicatorSet } from "./indicator-package.server";
import { outsideValuesByUnit } from "./outside-assessments.server";

/**
 * The assessment package (`zwgk-assessment/1`) of a cycle, built from the database — the seam
 * between the platform and the scoring engine (see scoring/README.md).
 *
 * - Settings, calendar and title come from the cycle; one indicator set per unit category that has
 *   a non-empty tree (toPackageNodes(loadTree(…))); units are the cycle's population (active units
 *   of those categories), id = unit code.
 * - Inputs come from the evaluators' entries (evaluator_entries), by default only of evaluators who
 *   have signed the unit off (签署). Evaluators are ordered: the lead evaluator first, then by
 *   sign-off time, then by assignment.
 *   · `score` leaves: every evaluator's score, as {value, by: evaluator name}; the engine reconciles
 *     them (the cycle's mean/median) and flags divergence.
 *   · every other rule (deduction, ratio, tiers, timeliness, veto): verified facts, not opinions —
 *     the entry of the first evaluator in that order (the lead's when the lead has signed off) is
 *     used as it is; a different reading is settled by the lead or by arbitration/appeal.
 *   · N/A: when that first evaluator accepted the department's N/A claim the leaf is N/A.
 * - Spot-check findings (抽查发现) on a leaf are added to its input, each with
 *   `source: "抽查发现#<id>"` so the score explanation names it: a fault → {fault, count}, an ad-hoc
 *   deduction → {points, reason}, a veto → {triggered: true, reason}. A finding on a leaf the
 *   evaluators took as N/A makes the leaf applicable again (the spot check found it applies).
 * - A leaf designated to an outside office or a spot check (以县外网办评价为准) gets that source's
 *   value as one more score entry (designated-entries.server.ts).
 * - An arbitration (仲裁) becomes `override {value, reason, by: "arbitration"}`; an adjusted appeal
 *   (复核调整) becomes `override {…, by: "appeal"}` and wins over an arbitration (its reason keeps the
 *   arbitration's note).
 */

export interface CyclePackageOptions {
  /** Only these units. */
  unitIds?: readonly number[];
  /** The cycle's units as cycleUnits lists them, when the caller has read them already (an incremental recompute reads them once). */
  population?: readonly CycleUnit[];
  /** Also use entries of evaluators who have not signed off yet (default: signed-off entries only). */
  includeUnsigned?: boolean;
  /**
   * A unit lacking an entry for some leaf: "skip" (default) leaves it out of the package and lists
   * it in `incomplete`; "placeholder" gives such leaves {na: true, reason: "尚未评估"} so the rest
   * can be scored (e.g. to find divergences while evaluation is still going on).
   */
  missing?: "skip" | "placeholder";
}

export interface CyclePackage {
  pkg: AssessmentPackageInput;
  /** Units left out (or given placeholders) because some leaf has no entry yet. */
  incomplete: { unitId: number; code: string; name: string; missing: string[] }[];
  /** Package unit id (unit code) → unit id. */
  unitIds: Record<string, number>;
  /** Category name → leaf code → leaf. */
  leaves: Record<string, Record<string, ScoredLeaf>>;
}

export const PLACEHOLDER_REASON = "尚未评估";

export function findingSource(findingId: number): string {
  return `抽查发现#${findingId}`;
}

export function buildCyclePackage(db: Db, cycleId: number, opts: CyclePackageOptions = {}): CyclePackage {
  const cycle = getCycle(db, cycleId);
  const sets = db
    .select({ id: indicatorSets.id, categoryId: indicatorSets.categoryId, categoryName: categories.name })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
  const trees = new Map<number, SetTree>();
  const indicatorSetsOut: IndicatorSet[] = [];
  const leavesByCategory: Record<string, Record<string, ScoredLeaf>> = {};
  for (const s of sets) {
    const t = setFor(db, cycleId, s.categoryId);
    if (!t || t.tree.length === 0) continue;
    trees.set(s.categoryId, t);
    indicatorSetsOut.push(packageIndicatorSet(cycle, s.categoryId, s.categoryName, toPackageNodes(t.tree)));
    leavesByCategory[s.categoryName] = Object.fromEntries(t.leaves.map((l) => [l.code, l]));
  }

  let population = (opts.population ?? cycleUnits(db, cycleId)).filter((u) => trees.has(u.categoryId));
  if (opts.unitIds) {
    const wanted = new Set(opts.unitIds);
    population = population.filter((u) => wanted.has(u.id));
  }
  const unitIdList = population.map((u) => u.id);
  const inPopulation = new Set(unitIdList);

  // Assignments (ordered: lead, sign-off time, id) and their entries.
  const assignmentRows =
    unitIdList.length === 0
      ? []
      : db
          .select({ a: evaluatorAssignments, name: users.displayName })
          .from(evaluatorAssignments)
          .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
          .where(opts.unitIds ? and(eq(evaluatorAssignments.cycleId, cycleId), inArray(evaluatorAssignments.unitId, unitIdList)) : eq(evaluatorAssignments.cycleId, cycleId))
          .all()
          .filter((r) => (opts.includeUnsigned || r.a.signedOffAt !== null) && inPopulation.has(r.a.unitId))
          .sort((x, y) => Number(y.a.lead) - Number(x.a.lead) || cmpNullable(x.a.signedOffAt, y.a.signedOffAt) || x.a.id - y.a.id);
  const assignmentsByUnit = groupBy(assignmentRows, (r) => r.a.unitId);
  const entriesByAssignment = readEntries(db, population, assignmentsByUnit, trees);

  const findingRows =
    unitIdList.length === 0
      ? []
      : db
          .select()
          .from(findings)
          .where(opts.unitIds ? and(eq(findings.cycleId, cycleId), inArray(findings.unitId, unitIdList)) : eq(findings.cycleId, cycleId))
          .orderBy(asc(findings.id))
          .all()
          .filter((f) => inPopulation.has(f.unitId));
  const arbitrationRows = db.select().from(arbitrations).where(eq(arbitrations.cycleId, cycleId)).all();
  const outsideByUnit = outsideValuesByUnit(db, cycleId);
  const adjustedAppeals = db
    .select()
    .from(appeals)
    .where(and(eq(appeals.cycleId, cycleId), eq(appeals.status, "adjusted")))
    .orderBy(asc(appeals.decidedAt), asc(appeals.id))
    .all();

  const incomplete: CyclePackage["incomplete"] = [];
  const unitsOut: AssessmentPackageInput["units"] = [];
  const unitIds: Record<string, number> = {};

  // Index everything by unit (and leaf) once: a cycle has thousands of units × ~100 leaves.
  const findingsByUnit = groupBy(findingRows, (f) => f.unitId);
  const arbitrationsByUnit = groupBy(arbitrationRows, (a) => a.unitId);
  const appealsByUnit = groupBy(adjustedAppeals, (a) => a.unitId);

  for (const unit of population) {
    const tree = trees.get(unit.categoryId)!;
    const evaluators = (assignmentsByUnit.get(unit.id) ?? []).map((r) => ({ by: r.name, entries: entriesByAssignment.get(r.a.id) }));
    const unitFindings = groupBy(findingsByUnit.get(unit.id) ?? [], (f) => f.nodeId);
    const unitOutside = outsideByUnit.get(unit.id) ?? [];
    const unitArbitrations = new Map<number, (typeof arbitrationRows)[number]>();
    for (const a of arbitrationsByUnit.get(unit.id) ?? []) if (!unitArbitrations.has(a.nodeId)) unitArbitrations.set(a.nodeId, a);
    const unitAppeals = new Map<number, (typeof adjustedAppeals)[number]>();
    for (const a of appealsByUnit.get(unit.id) ?? []) unitAppeals.set(a.nodeId, a); // the last decided wins
    const inputs: LeafInput[] = [];
    const missing: string[] = [];
    for (const leaf of tree.leaves) {
      const given: { by: string; input: LeafInput }[] = [];
      for (const e of evaluators) {
        const input = e.entries?.[leaf.nodeId];
        if (input !== undefined) given.push({ by: e.by, input });
      }
      let input: LeafInput;
      if (given.length === 0) {
        missing.push(`${leaf.code} ${leaf.name}`);
        input = { na: true, reason: PLACEHOLDER_REASON };
      } else {
        input = applyDesignated(leaf, combineEntries(leaf, given), unitOutside, unitFindings.get(leaf.nodeId) ?? [], findingSource);
      }
      input = applyFindings(leaf, input, unitFindings.get(leaf.nodeId) ?? []);
      input = applyOverrides(leaf, input, unitArbitrations.get(leaf.nodeId), unitAppeals.get(leaf.nodeId));
      inputs.push(input);
    }
    if (missing.length > 0) {
      incomplete.push({ unitId: unit.id, code: unit.code, name: unit.name, missing });
      if ((opts.missing ?? "skip") === "skip") continue;
    }
    unitIds[unit.code] = unit.id;
    // Keys in sorted order (inputs by leaf code too), so the canonical serialisation copies nothing at these levels.
    const byCode: Record<string, LeafInput> = {};
    for (const i of codeOrder(tree)) byCode[tree.leaves[i].code] = inputs[i];
    unitsOut.push({ category: unit.categoryName, id: unit.code, inputs: byCode, name: unit.name });
  }

  const pkg = assemblePackage(cycle, indicatorSetsOut, unitsOut);
  return { pkg, incomplete, unitIds, leaves: leavesByCategory };
}

type AssignmentRow = { a: typeof evaluatorAssignments.$inferSelect; name: string };

/**
 * The entries that can make a difference to the package, per assignment, read raw (millions of
 * rows in a large cycle: no ORM mapping; SQLite joins an assignment's entries into one JSON object
 * {nodeId: input}, parsed at once). A unit's evaluators come in their order (lead first): the
 * first one's entries are read whole; a later one's only for `score` leaves (every evaluator's
 * score counts) and for leaves no earlier evaluator has entered (there the later entry is the one
 * used) — the others would be ignored by combineEntries, so they are not read.
 */
function readEntries(
  db: Db,
  population: readonly { id: number; categoryId: number }[],
  assignmentsByUnit: ReadonlyMap<number, AssignmentRow[]>,
  trees: ReadonlyMap<number, SetTree>,
): Map<number, Record<number, LeafInput>> {
  const out = new Map<number, Record<number, LeafInput>>();
  const sqlite = db.$client;
  const table = getTableName(evaluatorEntries);
  const concat = `'{' || group_concat('"' || node_id || '":' || input, ',') || '}'`;
  const whole = sqlite.prepare(`SELECT ${concat} FROM ${table} WHERE assignment_id = ? AND input IS NOT NULL`).pluck();
  const some = sqlite
    .prepare(`SELECT ${concat} FROM ${table} WHERE assignment_id = ? AND input IS NOT NULL AND node_id IN (SELECT value FROM json_each(?))`)
    .pluck();
  const scoreNodes = new Map<SetTree, number[]>();
  for (const unit of population) {
    const rows = assignmentsByUnit.get(unit.id);
    if (!rows) continue;
    const tree = trees.get(unit.categoryId)!;
    let always = scoreNodes.get(tree);
    if (!always) scoreNodes.set(tree, (always = tree.leaves.filter((l) => l.rule.type === "score").map((l) => l.nodeId)));
    const entered = new Set<number>();
    rows.forEach((r, i) => {
      let wanted: number[] | null = null;
      if (i > 0) {
        wanted = [...always];
        for (const l of tree.leaves) if (l.rule.type !== "score" && !entered.has(l.nodeId)) wanted.push(l.nodeId);
      }
      const text = (wanted === null ? whole.get(r.a.id) : some.get(r.a.id, JSON.stringify(wanted))) as string | null;
      if (text === null) return;
      const entries = JSON.parse(text) as Record<number, LeafInput>;
      out.set(r.a.id, entries);
      for (const key of Object.keys(entries)) entered.add(Number(key));
    });
  }
  return out;
}

const codeOrders = new WeakMap<SetTree, number[]>();

/** Indexes of a tree's leaves in the order of their codes (as a canonical serialisation sorts them). */
function codeOrder(tree: SetTree): number[] {
  let order = codeOrders.get(tree);
  if (!order) {
    const codes = tree.leaves.map((l) => l.code);
    order = codes.map((_, i) => i).sort((a, b) => (codes[a] < codes[b] ? -1 : codes[a] > codes[b] ? 1 : 0));
    codeOrders.set(tree, order);
  }
  return order;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function cmpNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Several evaluators' entries for one leaf → one engine input (see the module comment). The
 * entries are the caller's own freshly read objects: the primary one is used as it is, not copied.
 */
export function combineEntries(leaf: ScoredLeaf, given: readonly { by: string; input: LeafInput }[]): LeafInput {
  const primary = given[0].input;
  if (primary.na === true) return { na: true, reason: primary.reason ?? "" };
  if (leaf.rule.type === "score") {
    const scores: ScoreEntry[] = [];
    const reasons: string[] = [];
    for (const g of given) {
      if (g.input.na === true) continue;
      const s = g.input.scores?.[0];
      if (s === undefined) continue;
      scores.push({ by: g.by, value: typeof s === "number" ? s : s.value });
      const reason = g.input.reason?.trim();
      if (reason && !reasons.includes(reason)) reasons.push(reason);
    }
    // 酌情给分: each evaluator's reason is kept (the engine requires one).
    return leaf.rule.discretionMax !== undefined && reasons.length > 0 ? { scores, reason: reasons.join("；") } : { scores };
  }
  return primary;
}

type FindingRow = typeof findings.$inferSelect;

export function applyFindings(leaf: ScoredLeaf, input: LeafInput, rows: readonly FindingRow[]): LeafInput {
  if (rows.length === 0) return input;
  const out: LeafInput = input.na === true ? {} : clone(input);
  if (leaf.rule.type === "veto") {
    const vetoes = rows.filter((f) => f.kind === "veto");
    if (vetoes.length === 0) return input;
    return {
      triggered: true,
      reason: vetoes.map((f) => f.description).join("；"),
      source: vetoes.map((f) => findingSource(f.id)).join("、"),
    };
  }
  if (leaf.rule.type !== "deduction") return input; // findings are recorded on deduction/veto leaves only
  const deductions = out.deductions ? [...out.deductions] : [];
  for (const f of rows) {
    if (f.kind === "fault" && f.faultCode) deductions.push({ fault: f.faultCode, count: f.count ?? 1, source: findingSource(f.id) });
    else if (f.kind === "deduction" && f.points !== null) deductions.push({ points: f.points, reason: f.description, source: findingSource(f.id) });
  }
  out.deductions = deductions;
  return out;
}

export function applyOverrides(
  leaf: ScoredLeaf,
  input: LeafInput,
  arbitration: { value: number; reason: string } | undefined,
  appeal: { decisionValue: number | null; decisionReason: string | null } | undefined,
): LeafInput {
  if (input.na === true || leaf.rule.type === "veto") return input;
  if (appeal && appeal.decisionValue !== null) {
    const note = arbitration ? `（此前仲裁：${arbitration.reason}，${arbitration.value}分）` : "";
    return { ...input, override: { value: appeal.decisionValue, reason: `${appeal.decisionReason ?? ""}${note}`, by: "appeal" } };
  }
  if (arbitration) return { ...input, override: { value: arbitration.value, reason: arbitration.reason, by: "arbitration" } };
  return input;
}

/** Build and score: the engine's results for the package (throws with the engine's messages if invalid). */
export function scoreCycle(db: Db, cycleId: number, opts: CyclePackageOptions = {}): { build: CyclePackage; results: Results } {
  const build = buildCyclePackage(db, cycleId, opts);
  if (build.pkg.units.length === 0) {
    return { build, results: { format: "zwgk-results/1", title: build.pkg.title ?? "", units: [], warnings: [] } };
  }
  const scored = scorePackage(build.pkg);
  if (!scored.ok) {
    throw new DomainError("conflict", `评分数据有误：${scored.errors.slice(0, 5).map((e) => `${e.path} ${e.message}`).join("；")}`);
  }
  return { build, results: scored.results };
}
