import type { AssessmentPackage, UnitResult } from "../../scoring";
import { getSqlite } from "../../db/client";
import { LossAnalysis, type CategoryLoss, type LossCategoryDef, type LossDeduction, type LossIndicatorDef, type LossUnit } from "../domain/loss-analysis";
import { boundedMemo } from "../utils/bounded-memo.server";
import { packageHeader } from "./results-export/source.server";
import { unitResultChunks, type ResultsMeta } from "./results.server";

/**
 * The loss analysis (共性问题分析) of a results row: the package header gives each category's
 * indicators and their faults, the package's unit inputs the deductions behind each loss, the
 * stored results each leaf's score (app/domain/loss-analysis.ts does the counting).
 */

type Indicators = AssessmentPackage["indicatorSets"][number]["indicators"];

/** Each category's leaves in set order, with their rule's faults (code → label). */
export function lossDefinitions(header: Pick<AssessmentPackage, "indicatorSets">): LossCategoryDef[] {
  return header.indicatorSets.map((set) => {
    const indicators: LossIndicatorDef[] = [];
    const walk = (nodes: Indicators, part: string) => {
      for (const n of nodes) {
        const p = n.part ?? part;
        if (n.children && n.children.length > 0) walk(n.children, p);
        else {
          const faults = n.rule?.type === "deduction" ? Object.fromEntries(n.rule.faults.map((f) => [f.code, f.label])) : {};
          indicators.push({ id: n.id, name: n.name, points: n.points, part: p, faults });
        }
      }
    };
    walk(set.indicators, "base");
    return { category: set.category, indicators };
  });
}

const UNIT_PATH = /^\$\.units\[(\d+)\]$/;
const INPUT_PATH = /^\$\.units\[(\d+)\]\.inputs\.(?:"((?:[^"\\]|\\.)*)"|([^."[]+))$/;

/**
 * Unit code → leaf id → the deductions of its input, read from the stored package by one walk of
 * SQLite's json_tree (the package is never parsed whole in JavaScript): the units' `id` nodes and
 * the inputs' `deductions` nodes, told apart by their paths.
 */
export function unitDeductions(meta: Pick<ResultsMeta, "id">): Map<string, Record<string, LossDeduction[]>> {
  const rows = getSqlite()
    .prepare(
      `SELECT t.key AS key, t.path AS path, t.value AS value
       FROM cycle_results r, json_tree(r.package_json, '$.units') t
       WHERE r.id = ? AND t.key IN ('id', 'deductions')`,
    )
    .all(meta.id) as { key: string; path: string; value: string }[];
  const codes = new Map<number, string>();
  const byIndex = new Map<number, Record<string, LossDeduction[]>>();
  for (const r of rows) {
    if (r.key === "id") {
      const m = UNIT_PATH.exec(r.path);
      if (m) codes.set(Number(m[1]), r.value);
      continue;
    }
    const m = INPUT_PATH.exec(r.path);
    if (!m) throw new Error(`unexpected deductions at ${r.path} in package of results row ${meta.id}`);
    const leaf = m[2] !== undefined ? (JSON.parse(`"${m[2]}"`) as string) : m[3];
    const leaves = byIndex.get(Number(m[1])) ?? {};
    leaves[leaf] = JSON.parse(r.value) as LossDeduction[];
    byIndex.set(Number(m[1]), leaves);
  }
  const out = new Map<string, Record<string, LossDeduction[]>>();
  for (const [i, leaves] of byIndex) {
    const code = codes.get(i);
    if (code === undefined) throw new Error(`package unit ${i} has no id`);
    out.set(code, leaves);
  }
  return out;
}

/** A unit's results entry with its deductions, as the analysis takes it. */
export function lossUnit(result: UnitResult, deductions: Map<string, Record<string, LossDeduction[]>>): LossUnit {
  return { category: result.category, leaves: result.leaves, deductions: deductions.get(result.id) ?? {} };
}

const memo = boundedMemo<CategoryLoss[]>(4);

/** The analysis of a results row (categories with units only); cached per row and results hash. */
export function cycleLossAnalysis(meta: Pick<ResultsMeta, "id" | "cycleId" | "kind" | "resultsSha256" | "packageSha256">): CategoryLoss[] {
  return memo(`${meta.id}:${meta.resultsSha256}`, () => {
    const analysis = new LossAnalysis(lossDefinitions(packageHeader(meta)));
    const deductions = unitDeductions(meta);
    for (const chunk of unitResultChunks(meta, 250)) for (const { result } of chunk) analysis.add(lossUnit(result, deductions));
    return analysis.result().filter((c) => c.units > 0);
  });
}
