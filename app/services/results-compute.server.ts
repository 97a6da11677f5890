import type { Db, Tx } from "../../db/client";
import { units } from "../../db/schema";
import { formatScore, recomputeUnits, type AssessmentPackageInput, type KeptUnit, type UnitResult, type ValidationError } from "../../scoring";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { framedTextPieces, joinPackage, resultsFrame, sortUnits } from "../domain/deterministic-json";
import { unitSummary } from "../domain/results-view";
import type { Actor } from "../utils/audit.server";
import { canonicalJson } from "../utils/canonical-json";
import { buildCyclePackage, type CyclePackage } from "./cycle-package.server";
import { cycleUnits } from "./evaluation-context.server";
import { refuse, type BasedOn, type ComputeOutcome, type FinalSnapshot, type PreparedWrite, type Refusal, type UnitRowValues } from "./results-outcome.server";
import { sha256, sha256Of } from "./results.server";
import {
  cycleRow,
  resultRow,
  staleUnits,
  storedInputShas,
  storedUnits,
  writePrepared,
  type StoredUnitRow,
} from "./results-storage.server";

/**
 * Computing the results of a cycle (考核结果): the package built from the database
 * (cycle-package.server.ts), serialised deterministically, scored by the engine and stored
 * (results-storage.server.ts) per unit — each unit row holds the unit's package entry and results
 * entry; the results row holds both documents' frames. In the web app the whole recompute, its
 * short write transaction included, runs in a worker thread (results-worker.server.ts).
 *
 * Recompute never holds the write lock for long and is incremental:
 * 1. everything heavy — building the package from the database, validating, scoring, serialising
 *    every changed unit row — happens before the write transaction (reads in WAL mode block nobody);
 * 2. each unit's row carries the SHA-256 of the package header plus its own canonical entry. When the
 *    header is unchanged, only the units marked stale (results_stale_units) are built from the
 *    database and only those whose entry changed are scored; every other unit is ranked from its
 *    stored figures (total, category, all-N/A) through the engine's recomputeUnits, its entries never
 *    read. A change in settings, calendar or indicator sets builds and scores every unit;
 * 3. the write transaction updates the preliminary row in place and writes only the unit rows that
 *    changed: re-scored and new units whole, units whose rank or place moved by their ranks and
 *    places alone; it deletes units that left the package. If another recompute was stored
 *    meanwhile, the diff no longer applies and the write is refused (409, nothing written).
 * The documents' SHA-256 are not computed here for the preliminary results (results.server.ts
 * resultsHashes computes them when first asked for); a final snapshot is hashed when it is taken.
 */

type Reader = Db | Tx;

export interface ComputeOptions {
  /** Use this package instead of building it from the database (tests, imports). */
  pkg?: AssessmentPackageInput;
  /** Package unit id → unit id for `pkg` (default: units looked up by code). */
  unitIds?: Record<string, number>;
}

/**
 * A unit of the package to score: built now (`input`, `json` its canonical entry), or kept from the
 * stored results (`kept`: its name and category as the package would hold them — unchanged, or the
 * unit would be marked stale; its stored entries are neither built nor read).
 */
interface SourceUnit {
  id: string;
  unitId: number;
  json: string | null;
  input: AssessmentPackageInput["units"][number] | null;
  kept: { name: string; category: string } | null;
}

/** The package a recompute scores: its header, its units in package order, and the units left out. */
interface Source {
  header: Omit<AssessmentPackageInput, "units">;
  units: SourceUnit[];
  incomplete: CyclePackage["incomplete"];
}

interface Prepared {
  packageFrame: string;
  headerSha256: string;
  resultsFrame: string;
  /** Every unit row that differs from the stored ones. */
  rows: UnitRowValues[];
  units: number;
  rescored: number;
  /** The stored row the diff was made against (null: none). */
  basedOn: BasedOn | null;
  removed: number[];
  staleIds: number[];
  warnings: string[];
  incomplete: CyclePackage["incomplete"];
}

function resolveUnitIds(db: Reader, pkg: AssessmentPackageInput): Record<string, number> | string[] {
  const byCode = new Map(db.select({ id: units.id, code: units.code }).from(units).all().map((u) => [u.code, u.id]));
  const out: Record<string, number> = {};
  const unknown: string[] = [];
  for (const u of pkg.units) {
    const id = byCode.get(u.id);
    if (id === undefined) unknown.push(u.id);
    else out[u.id] = id;
  }
  return unknown.length > 0 ? unknown : out;
}

/** Everything of a package but its units. */
function headerOf(pkg: AssessmentPackageInput): Source["header"] {
  const header: Partial<AssessmentPackageInput> = { ...pkg };
  delete header.units;
  return header as Source["header"];
}

function wholeSource(pkg: AssessmentPackageInput, unitIds: Record<string, number>, incomplete: CyclePackage["incomplete"]): Source {
  return { header: headerOf(pkg), units: sortUnits(pkg.units).map((u) => ({ id: u.id, unitId: unitIds[u.id], json: canonicalJson(u), input: u, kept: null })), incomplete };
}

/**
 * The package built from the database for the units marked stale since `prev` (and units not in
 * it: new, or incomplete then), the others kept as their stored rows — or null when the package
 * header changed since (settings, calendar, indicator sets: every unit is built then).
 */
function incrementalSource(db: Db, cycleId: number, prev: BasedOn, stored: ReadonlyMap<number, StoredUnitRow>, stale: ReadonlySet<number>): Source | null {
  const all = cycleUnits(db, cycleId);
  const first = buildCyclePackage(db, cycleId, { unitIds: [...stale], population: all });
  const header = headerOf(first.pkg);
  if (sha256(joinPackage(header, []).headerJson) !== prev.headerSha256) return null;
  const categories = new Set(header.indicatorSets.map((s) => s.category));
  const population = all.filter((u) => categories.has(u.categoryName));
  // A stored row can stand for its unit when it carries what ranking needs (rows written since migration 0018).
  const reusable = (unitId: number) => !stale.has(unitId) && (stored.get(unitId)?.allNa ?? null) !== null;
  const others = population.filter((u) => !stale.has(u.id) && !reusable(u.id)).map((u) => u.id);
  const second = others.length > 0 ? buildCyclePackage(db, cycleId, { unitIds: others, population: all }) : null;
  const built = new Map<number, AssessmentPackageInput["units"][number]>();
  for (const b of [first, ...(second ? [second] : [])]) for (const u of b.pkg.units) built.set(b.unitIds[u.id], u);
  const out: SourceUnit[] = [];
  for (const u of population) {
    const input = built.get(u.id);
    if (input) out.push({ id: u.code, unitId: u.id, json: canonicalJson(input), input, kept: null });
    else if (reusable(u.id)) out.push({ id: u.code, unitId: u.id, json: null, input: null, kept: { name: u.name, category: u.categoryName } });
  }
  // Incomplete units in population order, as a whole build lists them.
  const order = new Map(population.map((u, i) => [u.id, i]));
  const incomplete = [...first.incomplete, ...(second?.incomplete ?? [])].sort((a, b) => order.get(a.unitId)! - order.get(b.unitId)!);
  return { header, units: sortUnits(out), incomplete };
}

/** The package a recompute scores: given, built incrementally, or built whole (`whole`: the final snapshot). */
function sourceOf(db: Db, cycleId: number, opts: ComputeOptions, whole: boolean, prev: BasedOn | null, stored: ReadonlyMap<number, StoredUnitRow>, stale: ReadonlySet<number>): Source | Refusal {
  if (opts.pkg) {
    const resolved = opts.unitIds ?? resolveUnitIds(db, opts.pkg);
    if (Array.isArray(resolved)) return refuse(400, `数据包中的单位编码不存在：${resolved.slice(0, 10).join("、")}`);
    const seen = new Set<string>();
    for (const u of opts.pkg.units) {
      if (seen.has(u.id)) return refuse(400, `数据包中单位编号“${u.id}”重复`);
      seen.add(u.id);
      if (resolved[u.id] === undefined) return refuse(400, `数据包中的单位“${u.id}”没有对应的单位`);
    }
    return wholeSource(opts.pkg, resolved, []);
  }
  const incremental = !whole && prev?.headerSha256 ? incrementalSource(db, cycleId, prev, stored, stale) : null;
  if (incremental) return incremental;
  const build = buildCyclePackage(db, cycleId);
  return wholeSource(build.pkg, build.unitIds, build.incomplete);
}

/**
 * Build (or take) the package, diff it against the stored preliminary results, score what changed
 * and rank every unit. Read-only. `whole`: build and score every unit (the final snapshot).
 */
function prepare(db: Db, cycleId: number, opts: ComputeOptions, whole = false): Prepared | Refusal {
  // The stale marks are read before anything is built: a change made meanwhile keeps its mark.
  const stale = opts.pkg ? { ids: [], unitIds: new Set<number>() } : staleUnits(db, cycleId);
  const prev = resultRow(db, cycleId, "preliminary") ?? null;
  const stored = prev ? storedUnits(db, prev.id) : new Map<number, StoredUnitRow>();
  const source = sourceOf(db, cycleId, opts, whole, prev, stored, stale.unitIds);
  if ("ok" in source) return source;
  const { header, units: sourceUnits, incomplete } = source;
  if (sourceUnits.length === 0) {
    return refuse(409, incomplete.length > 0 ? `尚无评估完成的单位（${incomplete.length}个单位仍有指标未评估签署），暂不能计算结果` : "本考核年度没有可计算结果的单位");
  }

  const frame = joinPackage(header, []);
  const headerSha = sha256(frame.headerJson);
  // A built unit's inputs: the header and its own entry (a unit kept by incrementalSource has its stored row's, unchanged).
  const inputSha = new Map<number, string>();
  for (const u of sourceUnits) if (u.json !== null) inputSha.set(u.unitId, sha256(`${headerSha}\n${u.json}`));
  // Kept: units whose inputs are those of their stored row (only in an incremental build, where stored rows carry all_na).
  const kept = new Map<string, KeptUnit>();
  if (!opts.pkg && !whole && prev?.headerSha256 === headerSha) {
    const storedSha = storedInputShas(db, prev.id, [...inputSha.keys()].filter((id) => stored.has(id)));
    for (const u of sourceUnits) {
      const row = stored.get(u.unitId);
      if (!row || row.allNa === null || (u.json !== null && storedSha.get(u.unitId) !== inputSha.get(u.unitId))) continue;
      const named = u.kept ?? { name: u.input!.name, category: u.input!.category };
      kept.set(u.id, { id: u.id, name: named.name, category: named.category, total: Number(row.total), allNa: row.allNa });
    }
  }

  const scored = recomputeUnits({ ...header, units: sourceUnits.map((u) => (kept.has(u.id) ? { id: u.id } : u.input)) }, kept);
  if (!scored.ok) return refuse(400, "数据包校验未通过", renumberErrors(scored.errors, sourceUnits, opts.pkg?.units ?? sourceUnits));

  const byId = new Map(sourceUnits.map((u, packagePosition) => [u.id, { u, packagePosition }]));
  const rows: UnitRowValues[] = [];
  scored.units.forEach((r, position) => {
    const { u, packagePosition } = byId.get(r.id)!;
    if (r.result) {
      rows.push(wholeRow(u, r.result, r.allNa, inputSha.get(u.unitId)!, position, packagePosition));
      return;
    }
    // A kept unit whose ranks or places moved: only its columns (its texts keep the ranks they were scored with).
    const s = stored.get(u.unitId)!;
    if (s.rank !== r.rank || s.categoryRank !== r.categoryRank || s.position !== position || s.packagePosition !== packagePosition) {
      rows.push({ kind: "moved", unitId: u.unitId, rank: r.rank, categoryRank: r.categoryRank, position, packagePosition });
    }
  });
  const present = new Set(sourceUnits.map((u) => u.unitId));
  const results = scored.results;
  return {
    packageFrame: frame.json,
    headerSha256: headerSha,
    resultsFrame: resultsFrame({ format: results.format, title: results.title, units: [], warnings: results.warnings }),
    rows,
    units: sourceUnits.length,
    rescored: scored.rescored.length,
    basedOn: prev,
    removed: [...stored.keys()].filter((id) => !present.has(id)),
    staleIds: stale.ids,
    warnings: results.warnings,
    incomplete,
  };
}

function wholeRow(u: SourceUnit, r: UnitResult, allNa: boolean, inputSha256: string, position: number, packagePosition: number): UnitRowValues {
  return {
    kind: "whole",
    unitId: u.unitId,
    values: [JSON.stringify(r), formatScore(r.total), r.rank, r.categoryRank, inputSha256, JSON.stringify(unitSummary(r)), position, u.json!, packagePosition, allNa ? 1 : 0],
  };
}

/** Error paths name units by their index in the sorted package; map them to the package as given. */
function renumberErrors(errors: ValidationError[], sub: readonly { id: string }[], original: readonly { id: string }[]): ValidationError[] {
  const index = new Map(original.map((u, i) => [u.id, i]));
  return errors.map((e) => {
    const m = /^units\[(\d+)\]/.exec(e.path);
    if (!m) return e;
    const unit = sub[Number(m[1])];
    const i = unit ? index.get(unit.id) : undefined;
    return i === undefined ? e : { ...e, path: `units[${i}]${e.path.slice(m[0].length)}` };
  });
}

/** Why the cycle's preliminary results may not be (re)computed now, or null. */
export function checkComputable(db: Db, cycleId: number): Refusal | null {
  const cycle = cycleRow(db, cycleId);
  if (!cycle) return refuse(404, "该考核年度不存在");
  if (!cycleAllows(cycle.status, "computeResults")) {
    return refuse(
      409,
      cycleAllows(cycle.status, "resultsFinal")
        ? `考核结果已定稿（${CYCLE_STATUS_LABELS[cycle.status]}），不能重新计算`
        : `考核当前为“${CYCLE_STATUS_LABELS[cycle.status]}”，发布后方可计算结果`,
    );
  }
  return null;
}

/** Everything heavy of a recompute (read-only): the rows that changed since the stored results. */
function preparePreliminary(db: Db, cycleId: number, opts: ComputeOptions): PreparedWrite | Refusal {
  const p = prepare(db, cycleId, opts);
  if ("ok" in p) return p;
  // Nothing changed: same header, no unit row to write or delete (the frames follow from them).
  const unchanged = !!p.basedOn && !opts.pkg && p.basedOn.headerSha256 === p.headerSha256 && p.rows.length === 0 && p.removed.length === 0;
  return {
    packageFrame: p.packageFrame,
    headerSha256: opts.pkg ? null : p.headerSha256,
    resultsFrame: p.resultsFrame,
    hashes: null,
    basedOn: p.basedOn,
    staleIds: p.staleIds,
    rows: p.rows,
    removed: p.removed,
    units: p.units,
    rescored: unchanged ? 0 : p.rescored,
    warnings: p.warnings,
    incomplete: p.incomplete,
    unchanged,
  };
}

/**
 * (Re)compute the preliminary results of a cycle (初步结果): allowed from 已发布 until 初步结果
 * (the cycle's computeResults capability). Audited. Returns the engine's messages when the package
 * does not validate. Runs on the calling thread (CLI, seeds, tests, the worker thread); the web app
 * uses computeCycleResultsInWorker.
 */
export function computeCycleResults(db: Db, cycleId: number, actor: Actor, opts: ComputeOptions = {}): ComputeOutcome {
  const refused = checkComputable(db, cycleId);
  if (refused) return refused;
  const p = preparePreliminary(db, cycleId, opts);
  if ("ok" in p) return p;
  return writePrepared(db, cycleId, actor, p);
}

/**
 * Prepare the immutable final snapshot (定稿结果) of a cycle: the package built from the database
 * at this moment, its results, both hashes and every unit's row. Read-only; the status change
 * 初步结果 → 已定稿 (app/services/cycle-finalise.server.ts) stores it with insertFinalSnapshot in
 * the same transaction as the step itself, so a cycle is never 已定稿 without its snapshot.
 */
export function prepareFinalSnapshot(db: Db, cycleId: number, opts: ComputeOptions = {}): FinalSnapshot | Refusal {
  const p = prepare(db, cycleId, opts, true);
  if ("ok" in p) return p;
  // Every unit was scored: every row is whole, its package entry and results entry at its places.
  const whole = p.rows.filter((r) => r.kind === "whole");
  const inPackageOrder = whole.slice().sort((a, b) => a.values[8] - b.values[8]).map((r) => r.values[7]);
  const inResultsOrder = whole.slice().sort((a, b) => a.values[6] - b.values[6]).map((r) => r.values[0]);
  return {
    packageFrame: p.packageFrame,
    headerSha256: p.headerSha256,
    resultsFrame: p.resultsFrame,
    hashes: { packageSha256: sha256Of(framedTextPieces(p.packageFrame, inPackageOrder)), resultsSha256: sha256Of(framedTextPieces(p.resultsFrame, inResultsOrder)) },
    basedOn: p.basedOn,
    staleIds: [],
    rows: whole,
    removed: [],
    units: p.units,
    rescored: p.rescored,
    warnings: p.warnings,
    incomplete: p.incomplete,
    unchanged: false,
  };
}
