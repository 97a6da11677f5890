import Decimal from "decimal.js";
import { designatedEntry } from "../domain/designated-source";
import { and, desc, eq, inArray, isNotNull, lt } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { categories, cycles, indicatorNodes, indicatorSets, submissionAnswers, submissions, units } from "../../db/schema";
import { DIMENSIONS, scorePackage, type Dimension, type LeafRule, type NodePart } from "../../scoring";
import { normalizeRule, parseNumber } from "../domain/indicator-format";
import { leavesOf, toPackageNodes } from "../domain/indicator-spec";
import { inputProblems } from "../domain/leaf-input-check";
import { customField, SAMPLE_MODE_LABELS, type SampleMode } from "../domain/preview-sample";

export { customField, SAMPLE_MODE_LABELS, SAMPLE_MODES, type SampleMode } from "../domain/preview-sample";
import { assemblePackage, packageIndicatorSet } from "./indicator-package.server";
import { loadTree, toSpecs } from "./indicator-tree.server";
import { DomainError } from "../domain/domain-error";

/**
 * Preview (试算): how the current tree of a set would score a sample unit — full marks, half marks,
 * or values the office types — and, when an earlier cycle has answers from units of the same
 * category, those units with their answers mapped by indicator code. Everything is scored by the
 * scoring engine (scorePackage); nothing is written.
 */

type Reader = Db | Tx;
type Input = Record<string, unknown>;

export interface PreviewLeaf {
  nodeId: number;
  code: string;
  name: string;
  points: number;
  part: NodePart;
  dimension: Dimension | null;
  rule: LeafRule;
}

export interface UnitPreview {
  id: string;
  name: string;
  kind: "sample" | "previous";
  total: number;
  base: number;
  bonus: number;
  /** What the penalty part (扣分项) subtracted; null when the set has none. */
  penalty: number | null;
  grade: string;
  pass: boolean;
  vetoed: boolean;
  explain: string;
  dimensions: { name: string; score: number }[];
  leaves: { code: string; name: string; score: number; max: number; na: boolean; explain: string }[];
  notes: string[];
}

/** Deliberately a result: a set that cannot be previewed shows every reason (`errors`) on the preview page. */
export type PreviewResult =
  | {
      ok: true;
      units: UnitPreview[];
      previousYear: number | null;
      warnings: string[];
    }
  | { ok: false; errors: string[] };

/** The leaves of a set's current tree, with effective part and dimension. */
export function previewLeaves(db: Reader, setId: number): PreviewLeaf[] {
  return leavesOf(loadTree(db, setId)).flatMap((l) => {
    const rule = normalizeRule(l.rule);
    if (!rule) return [];
    return [{ nodeId: l.nodeId, code: l.code, name: l.name, points: l.points, part: l.effectivePart, dimension: l.effectiveDimension ?? null, rule }];
  });
}

// ---------------------------------------------------------------- sample inputs

const half = (n: number) => new Decimal(n).dividedBy(2).toNumber();

/** A tier value whose engine score is closest to the target points. */
function tierValueFor(rule: Extract<LeafRule, { type: "tiers" }>, wanted: number): number {
  const mins = rule.tiers.map((t) => t.min);
  if (mins.length === 0) return 0;
  const candidates = [Math.min(...mins) - 1, ...mins];
  const scoreAt = (v: number) => Math.max(0, ...rule.tiers.filter((t) => t.min <= v).map((t) => t.points));
  let best = candidates[0];
  for (const v of candidates) {
    const d = Math.abs(scoreAt(v) - wanted);
    const bd = Math.abs(scoreAt(best) - wanted);
    if (d < bd || (d === bd && scoreAt(v) > scoreAt(best) && scoreAt(v) <= wanted)) best = v;
  }
  return best;
}

/** Timeliness events: `onTime` handled within the limit, `late` well after it. */
function events(rule: Extract<LeafRule, { type: "timeliness" }>, year: number, onTime: number, late: number): Input[] {
  const out: Input[] = [];
  const day = (i: number) => new Date(Date.UTC(year, 2, 2 + (i % 20), 1, 0, 0)); // March, 09:00 Beijing
  const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
  const lateBy =
    "hours" in rule.limit && rule.limit.hours !== undefined ? rule.limit.hours * 3_600_000 + 3_600_000 : ((rule.limit.workingDays ?? 1) * 3 + 14) * 86_400_000;
  for (let i = 0; i < onTime; i++) {
    const start = day(i);
    out.push({ start: iso(start), end: iso(new Date(start.getTime() + 60_000)), label: `示例按时事项${i + 1}` });
  }
  for (let i = 0; i < late; i++) {
    const start = day(onTime + i);
    out.push({ start: iso(start), end: iso(new Date(start.getTime() + lateBy)), label: `示例超时事项${i + 1}` });
  }
  return out;
}

/** A score leaf's sample input: from its designated source when it has one; a reason when scored at discretion. */
function scoreInput(rule: Extract<LeafRule, { type: "score" }>, value: number): Input {
  const v = rule.discretionMax === undefined ? value : Math.min(value, rule.discretionMax);
  const input: Input = { scores: [rule.designated === undefined ? v : designatedEntry(rule.designated, rule.designatedKind, v)] };
  if (rule.discretionMax !== undefined) input.reason = "试算：酌情给分";
  return input;
}

export function fullInput(leaf: PreviewLeaf, year: number): Input {
  const r = leaf.rule;
  switch (r.type) {
    case "score":
      return scoreInput(r, leaf.points);
    case "deduction":
      return { deductions: [] };
    case "ratio":
      return { value: r.target };
    case "tiers":
      return { value: tierValueFor(r, leaf.points) };
    case "timeliness":
      return { events: r.whenEmpty === "full" ? [] : events(r, year, 1, 0) };
    case "veto":
      return { triggered: false };
    case "checklist":
      return { tasks: r.tasks.map((t) => ({ task: t.code, done: true, evidence: 1 })) };
  }
}

export function halfInput(leaf: PreviewLeaf, year: number): Input {
  const r = leaf.rule;
  switch (r.type) {
    case "score":
      return scoreInput(r, half(leaf.points));
    case "deduction": {
      // A penalty leaf (points 0): each of its faults found once.
      if (leaf.part === "penalty") return { deductions: r.faults.map((f) => ({ fault: f.code, count: 1 })) };
      const points = r.discretionMax === undefined ? half(leaf.points) : Math.min(half(leaf.points), r.discretionMax);
      return { deductions: [{ points, reason: "示例：扣除一半分值" }] };
    }
    case "ratio":
      return { value: half(r.target) };
    case "tiers":
      return { value: tierValueFor(r, half(leaf.points)) };
    case "timeliness":
      return { events: events(r, year, 1, 1) };
    case "veto":
      return { triggered: false };
    case "checklist": {
      // The tasks, in order, while they add up to no more than half the points.
      let sum = 0;
      return { tasks: r.tasks.map((t) => ({ task: t.code, done: (sum += t.points) <= leaf.points / 2, evidence: 1 })) };
    }
  }
}

/**
 * The custom sample from the typed values (URL query). A blank field counts as full marks for that
 * item; anything unreadable is reported.
 */
export function customInput(leaf: PreviewLeaf, q: URLSearchParams, year: number, problems: string[]): Input {
  const id = leaf.nodeId;
  const r = leaf.rule;
  if (q.get(customField.na(id)) === "on") return r.type === "veto" ? { triggered: false } : { na: true, reason: "试算：不适用" };
  const numberAt = (name: string, label: string, opts: { integer?: boolean } = {}): number | null => {
    const text = (q.get(name) ?? "").trim();
    if (!text) return null;
    const n = parseNumber(text);
    if (n === null || n < 0 || (opts.integer && !Number.isInteger(n))) {
      problems.push(`${leaf.code} ${leaf.name}：${label}“${text}”须为${opts.integer ? "非负整数" : "非负数"}`);
      return null;
    }
    return n;
  };
  switch (r.type) {
    case "score": {
      const v = numberAt(customField.value(id), "得分");
      const max = r.discretionMax ?? leaf.points;
      if (v !== null && v > max) problems.push(`${leaf.code} ${leaf.name}：得分${v}超过${r.discretionMax === undefined ? "分值" : "酌情给分上限"}${max}`);
      return scoreInput(r, v ?? leaf.points);
    }
    case "deduction": {
      const deductions: Input[] = [];
      r.faults.forEach((f, i) => {
        const n = numberAt(customField.fault(id, i), `“${f.label}”次数`, { integer: true });
        if (n) deductions.push({ fault: f.code, count: n });
      });
      const adhoc = numberAt(customField.adhoc(id), "其他扣分");
      if (adhoc) deductions.push({ points: adhoc, reason: "试算：其他扣分" });
      return { deductions };
    }
    case "ratio": {
      const v = numberAt(customField.value(id), "比率");
      return { value: v ?? r.target };
    }
    case "tiers": {
      const v = numberAt(customField.value(id), "数值");
      return { value: v ?? tierValueFor(r, leaf.points) };
    }
    case "timeliness": {
      if (!(q.get(customField.onTime(id)) ?? "").trim() && !(q.get(customField.late(id)) ?? "").trim()) return fullInput(leaf, year);
      const onTime = numberAt(customField.onTime(id), "按时事项数", { integer: true }) ?? 0;
      const late = numberAt(customField.late(id), "超时事项数", { integer: true }) ?? 0;
      if (onTime + late > 200) problems.push(`${leaf.code} ${leaf.name}：试算事项数不超过200件`);
      return { events: onTime + late > 200 ? [] : events(r, year, onTime, late) };
    }
    case "veto":
      return q.get(customField.veto(id)) === "on" ? { triggered: true, reason: "试算：触发单项否决" } : { triggered: false };
    case "checklist":
      return fullInput(leaf, year);
  }
}

// ---------------------------------------------------------------- previous cycle

interface PreviousUnit {
  id: string;
  name: string;
  inputs: Record<string, Input>;
  notes: string[];
}

/**
 * Units of this category that answered in the latest earlier cycle having a set for it; their
 * answers are mapped to the current leaves by code. A leaf without a usable answer (no such code,
 * or data that no longer fits the current rule) is treated as not applicable, and noted.
 */
function previousUnits(db: Reader, cycle: { id: number; year: number }, categoryId: number, leaves: PreviewLeaf[]): { year: number | null; units: PreviousUnit[] } {
  const prev = db
    .select({ cycleId: cycles.id, year: cycles.year, setId: indicatorSets.id })
    .from(cycles)
    .innerJoin(indicatorSets, and(eq(indicatorSets.cycleId, cycles.id), eq(indicatorSets.categoryId, categoryId)))
    .where(lt(cycles.year, cycle.year))
    .orderBy(desc(cycles.year))
    .limit(1)
    .get();
  if (!prev) return { year: null, units: [] };
  const rows = db
    .select({ unitId: units.id, unitCode: units.code, unitName: units.name, code: indicatorNodes.code, input: submissionAnswers.input })
    .from(submissionAnswers)
    .innerJoin(submissions, eq(submissions.id, submissionAnswers.submissionId))
    .innerJoin(units, eq(units.id, submissions.unitId))
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, submissionAnswers.nodeId))
    .where(and(eq(submissions.cycleId, prev.cycleId), eq(units.categoryId, categoryId), eq(indicatorNodes.setId, prev.setId), isNotNull(submissionAnswers.input)))
    .all();
  if (rows.length === 0) return { year: prev.year, units: [] };
  const byUnit = new Map<number, { code: string; name: string; answers: Map<string, Input> }>();
  for (const r of rows) {
    const u = byUnit.get(r.unitId) ?? { code: r.unitCode, name: r.unitName, answers: new Map() };
    u.answers.set(r.code, r.input!);
    byUnit.set(r.unitId, u);
  }
  const ids = [...byUnit.keys()];
  const order = new Map(db.select({ id: units.id, sortOrder: units.sortOrder }).from(units).where(inArray(units.id, ids)).all().map((u) => [u.id, u.sortOrder]));
  ids.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) || a - b);
  return {
    year: prev.year,
    units: ids.map((unitId) => {
      const u = byUnit.get(unitId)!;
      const inputs: Record<string, Input> = {};
      const missing: string[] = [];
      const unfit: string[] = [];
      for (const leaf of leaves) {
        const answer = u.answers.get(leaf.code);
        if (answer && inputProblems({ code: leaf.code, points: leaf.points, rule: leaf.rule, part: leaf.part }, answer).length === 0) {
          inputs[leaf.code] = answer;
          continue;
        }
        (answer ? unfit : missing).push(leaf.code);
        inputs[leaf.code] = leaf.rule.type === "veto" ? { triggered: false } : { na: true, reason: answer ? `${prev.year}年度数据与当前评分规则不符` : `${prev.year}年度无对应数据` };
      }
      const notes: string[] = [];
      if (missing.length) notes.push(`${missing.join("、")} 在${prev.year}年度没有对应数据，按不适用计`);
      if (unfit.length) notes.push(`${unfit.join("、")} 的${prev.year}年度数据与当前评分规则不符，按不适用计`);
      return { id: `prev-${u.code}`, name: `${u.name}（${prev.year}年度数据）`, inputs, notes };
    }),
  };
}

// ---------------------------------------------------------------- scoring

export function previewSet(
  db: Reader,
  cycleId: number,
  setId: number,
  sample: { mode: SampleMode; query: URLSearchParams },
): PreviewResult {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
  const set = db.select().from(indicatorSets).where(and(eq(indicatorSets.id, setId), eq(indicatorSets.cycleId, cycleId))).get();
  if (!cycle || !set) throw new DomainError("notFound", "该指标体系不存在。");
  const tree = loadTree(db, setId);
  const leaves = previewLeaves(db, setId);
  const problems: string[] = [];
  const sampleInputs: Record<string, Input> = {};
  for (const leaf of leaves) {
    sampleInputs[leaf.code] =
      sample.mode === "full" ? fullInput(leaf, cycle.year) : sample.mode === "half" ? halfInput(leaf, cycle.year) : customInput(leaf, sample.query, cycle.year, problems);
  }
  if (problems.length) return { ok: false, errors: problems };
  const previous = previousUnits(db, cycle, set.categoryId, leaves);
  // The package names the set by its category, as engine messages quote it to the office.
  const category = db.select({ name: categories.name }).from(categories).where(eq(categories.id, set.categoryId)).get()!.name;
  const pkg = assemblePackage(
    cycle,
    [packageIndicatorSet(cycle, set.categoryId, category, toPackageNodes(toSpecs(tree)))],
    [
      { id: "sample", name: `示例单位（${SAMPLE_MODE_LABELS[sample.mode]}）`, category, inputs: sampleInputs },
      ...previous.units.map((u) => ({ id: u.id, name: u.name, category, inputs: u.inputs })),
    ],
  );
  const scored = scorePackage(pkg);
  if (!scored.ok) {
    return { ok: false, errors: scored.errors.map((e) => (e.path.startsWith("indicatorSets") ? `指标体系：${e.message}` : e.message)) };
  }
  const notes = new Map(previous.units.map((u) => [u.id, u.notes]));
  const names = new Map(leaves.map((l) => [l.code, l.name]));
  const results = [...scored.results.units].sort((a, b) => (a.id === "sample" ? -1 : b.id === "sample" ? 1 : 0));
  return {
    ok: true,
    previousYear: previous.year,
    warnings: scored.results.warnings,
    units: results.map((u) => ({
      id: u.id,
      name: u.name,
      kind: u.id === "sample" ? "sample" : "previous",
      total: u.total,
      base: u.base,
      bonus: u.bonus,
      penalty: u.penalty ?? null,
      grade: u.grade,
      pass: u.pass,
      vetoed: u.vetoed,
      explain: u.explain,
      dimensions: (Object.entries(u.dimensions) as [Dimension, number][]).map(([d, score]) => ({ name: DIMENSIONS[d], score })),
      leaves: leaves.map((l) => {
        const r = u.leaves[l.code];
        return { code: l.code, name: names.get(l.code) ?? l.code, score: r.score, max: r.max, na: r.na, explain: r.explain };
      }),
      notes: notes.get(u.id) ?? [],
    })),
  };
}
