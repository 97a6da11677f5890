// Small builders for scoring tests.
import { compute, validatePackage, type AssessmentPackage, type Results, type UnitResult } from "../../scoring";

export type Json = Record<string, unknown>;

export function pkg(overrides: Json = {}): Json {
  return {
    format: "zwgk-assessment/1",
    title: "测试考核",
    opennessWeightPct: 5,
    indicatorSets: [
      {
        category: "区级部门",
        indicators: [{ id: "1", name: "信息公开", points: 100, rule: { type: "score" } }],
      },
    ],
    units: [],
    ...overrides,
  };
}

/** One indicator set ("区级部门") with the given nodes, and the given units. */
export function pkgWith(indicators: unknown[], units: Array<{ id: string; inputs: Json; name?: string; category?: string }>, extra: Json = {}): Json {
  return pkg({
    indicatorSets: [{ category: "区级部门", indicators }],
    units: units.map((u) => ({ name: u.name ?? `单位${u.id}`, category: u.category ?? "区级部门", ...u })),
    ...extra,
  });
}

export function valid(input: unknown): AssessmentPackage {
  const v = validatePackage(input);
  if (!v.ok) throw new Error(`invalid package: ${JSON.stringify(v.errors, null, 2)}`);
  return v.pkg;
}

export function run(input: unknown): Results {
  return compute(valid(input));
}

export function unit(results: Results, id: string): UnitResult {
  const u = results.units.find((x) => x.id === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
}

/** A single leaf of the given rule and points, scored for one unit with the given input. */
export function leaf(rule: Json, points: number, input: Json, extra: Json = {}) {
  const rest = 100 - points;
  const indicators: unknown[] = [{ id: "L", name: "被测指标", points, rule }];
  if (rest > 0) indicators.push({ id: "R", name: "其余", points: rest, rule: { type: "score" } });
  const inputs: Json = { L: input };
  if (rest > 0) inputs.R = { scores: [rest] };
  const r = run(pkgWith(indicators, [{ id: "u1", inputs }], extra));
  return r.units[0].leaves.L;
}

/** Two leaves (60 by score, 40 by deduction) for incremental-scoring tests. */
export const TWO_LEAF_TREE = [
  { id: "a", name: "主动公开", points: 60, rule: { type: "score" } },
  { id: "b", name: "政策解读", points: 40, rule: { type: "deduction", faults: [{ code: "late", label: "超期", points: 5 }] } },
];

/** Three units on TWO_LEAF_TREE: scored, all N/A, and scored by two evaluators with a fault. */
export const THREE_UNITS = [
  { id: "u1", inputs: { a: { scores: [50] }, b: { deductions: [] } } },
  { id: "u2", inputs: { a: { na: true, reason: "无此职能" }, b: { na: true, reason: "无此职能" } } },
  { id: "u3", inputs: { a: { scores: [55, 57] }, b: { deductions: [{ fault: "late", count: 2 }] } } },
];
