import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { cycles } from "../../../db/schema";
import { validatePackage, type AssessmentPackage } from "../../../scoring";
import { DomainError } from "../../domain/domain-error";
import { currentResults, resultsHashes, type HashedResultsMeta, type ResultsMeta } from "../results.server";
import { boundedMemo } from "../../utils/bounded-memo.server";

/**
 * What every export starts from: a cycle's current results row (the final snapshot when there is
 * one, else the preliminary results) and the header of the package it came from (settings,
 * grades, calendar, indicator sets — the stored package frame, whose units array is empty, so a
 * cycle of 10 000 units is never parsed whole).
 */

export interface ExportSource {
  /** The database the results are read from (exports read them in chunks, after this is built). */
  db: Db;
  /** With both documents' SHA-256 (computed now if not yet: an export names them). */
  meta: HashedResultsMeta;
  cycle: { id: number; year: number; title: string; status: string };
  /** The validated package header (defaults applied), `units` empty. */
  header: AssessmentPackage;
}


const headerMemo = boundedMemo<AssessmentPackage>(16);

/** The validated header of a results row's package; cached per row and revision (pages ask on every request). */
export function packageHeader(db: Db, meta: Pick<ResultsMeta, "id" | "revision">): AssessmentPackage {
  return headerMemo(`${meta.id}:${meta.revision}`, () => {
    const row = db.$client.prepare("SELECT json_remove(package_json, '$.units') AS header FROM cycle_results WHERE id = ?").get(meta.id) as
      | { header: string }
      | undefined;
    if (!row) throw new Error(`no cycle_results row ${meta.id}`);
    const v = validatePackage({ ...(JSON.parse(row.header) as object), units: [] });
    if (!v.ok) throw new Error(`stored package header invalid: ${v.errors[0]?.message}`);
    return v.pkg;
  });
}

export function exportSource(db: Db, cycleId: number): ExportSource {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
  if (!cycle) throw new DomainError("notFound", "该考核年度不存在，无法导出。");
  const meta = currentResults(db, cycleId);
  if (!meta) throw new DomainError("notFound", `${cycle.year}年度尚未计算考核结果，无法导出。`);
  return { db, meta: resultsHashes(db, meta), cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status }, header: packageHeader(db, meta) };
}

export function exportSourceForYear(db: Db, year: number): ExportSource {
  const cycle = db.select({ id: cycles.id }).from(cycles).where(eq(cycles.year, year)).get();
  if (!cycle) throw new DomainError("notFound", `${year}年度考核不存在，无法导出。`);
  return exportSource(db, cycle.id);
}

/** A leaf of a category's indicator set, as the package header defines it. */
export interface HeaderLeaf {
  id: string;
  name: string;
  points: number;
  part: string;
}

/**
 * Each category's leaves, in its set's order (category → leaves). Leaf ids are unique only within
 * a set: “1.1” of one category is another indicator, with another name and maximum, than “1.1” of
 * the next, so every lookup goes through the unit's own category.
 */
export function categoryLeaves(header: Pick<AssessmentPackage, "indicatorSets">): Map<string, HeaderLeaf[]> {
  const out = new Map<string, HeaderLeaf[]>();
  for (const set of header.indicatorSets) {
    const list: HeaderLeaf[] = [];
    const walk = (nodes: AssessmentPackage["indicatorSets"][number]["indicators"], part: string) => {
      for (const n of nodes) {
        const p = n.part ?? part;
        if (n.children && n.children.length > 0) walk(n.children, p);
        else list.push({ id: n.id, name: n.name, points: n.points, part: p });
      }
    };
    walk(set.indicators, "base");
    out.set(set.category, list);
  }
  return out;
}

/** The leaves of one category by id (empty when the header has no set for it). */
export function leavesOfCategory(header: Pick<AssessmentPackage, "indicatorSets">, category: string): Map<string, HeaderLeaf> {
  return new Map((categoryLeaves(header).get(category) ?? []).map((l) => [l.id, l]));
}
