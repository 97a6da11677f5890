import type { AssessmentPackage, UnitResult } from "../../scoring";
import type { Db } from "../../db/client";
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

const INPUT_PATH = /^\$\.inputs\.(?:"((?:[^"\\]|\\.)*)"|([^."[]+))$/;

/**
 * Unit code → leaf id → the deductions of its input, read from the stored package entries by
 * SQLite's json_tree (the package is never parsed whole in JavaScript): the inputs' `deductions`
 * nodes, told apart by their paths.
 */
export function unitDeductions(db: Db, meta: Pick<ResultsMeta, "id">): Map<string, Record<string, LossDeduction[]>> {
  const rows = db.$client
    .prepare(
      `SELECT json_extract(u.package_entry, '$.id') AS code, t.path AS path, t.value AS value
       FROM unit_results u, json_tree(u.package_entry, '$.inputs') t
       WHERE u.cycle_result_id = ? AND t.key = 'deductions'`,
    )
    .all(meta.id) as { code: string; path: string; value: string }[];
  const out = new Map<string, Record<string, LossDeduction[]>>();
  for (const r of rows) {
    const m = INPUT_PATH.exec(r.path);
    if (!m) throw new Error(`unexpected deductions at ${r.path} in package entry of unit ${r.code}, results row ${meta.id}`);
    const leaf = m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2];
    const leaves = out.get(r.code) ?? {};
    leaves[leaf] = JSON.parse(r.value) as LossDeduction[];
    out.set(r.code, leaves);
  }
  return out;
}

/** A unit's results entry with its deductions, as the analysis takes it. */
export function lossUnit(result: UnitResult, deductions: Map<string, Record<string, LossDeduction[]>>): LossUnit {
  return { category: result.category, leaves: result.leaves, deductions: deductions.get(result.id) ?? {} };
}

const memo = boundedMemo<CategoryLoss[]>(4);

/** The analysis of a results row (categories with units only); cached per row and revision. */
export function cycleLossAnalysis(db: Db, meta: Pick<ResultsMeta, "id" | "cycleId" | "kind" | "revision">): CategoryLoss[] {
  return memo(`${meta.id}:${meta.revision}`, () => {
    const analysis = new LossAnalysis(lossDefinitions(packageHeader(db, meta)));
    const deductions = unitDeductions(db, meta);
    for (const chunk of unitResultChunks(db, meta, 250)) for (const { result } of chunk) analysis.add(lossUnit(result, deductions));
    return analysis.result().filter((c) => c.units > 0);
  });
}
