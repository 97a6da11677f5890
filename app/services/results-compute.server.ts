import crypto from "node:crypto";
import { getDb, type Db, type Tx } from "../../db/client";
import { units } from "../../db/schema";
import { formatScore, recomputeUnits, type AssessmentPackageInput, type Results, type UnitResult, type ValidationError } from "../../scoring";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { joinPackage, resultsFrame, resultsTextPieces, sortUnits } from "../domain/deterministic-json";
import { unitSummary } from "../domain/results-view";
import type { Actor } from "../utils/audit.server";
import { canonicalJson } from "../utils/canonical-json";
import { buildCyclePackage, type CyclePackage } from "./cycle-package.server";
import { cycleUnits } from "./evaluation-context.server";
import { refuse, type BasedOn, type ComputeOutcome, type FinalSnapshot, type PreparedWrite, type Refusal, type UnitRowValues } from "./results-outcome.server";
import { sha256 } from "./results.server";
import {
  cycleRow,
  resultRow,
  staleUnits,
  storedPackageEntries,
  storedResults,
  storedUnits,
  writePrepared,
  type StoredEntry,
  type StoredUnitRow,
} from "./results-storage.server";

/**
 * Computing the results of a cycle (考核结果): the package built from the database
 * (cycle-package.server.ts), serialised deterministically and hashed, scored by the engine and
 * stored (results-storage.server.ts). In the web app the whole recompute, its short write
 * transaction included, runs in a worker thread (results-worker.server.ts).
 *
 * Recompute never holds the write lock for long and is incremental:
 * 1. everything heavy — building the package from the database, serialising, hashing, validating,
 *    scoring, serialising the results and every unit row — happens before the write transaction
 *    (reads in WAL mode block nobody);
 * 2. each unit's row carries the SHA-256 of the package header plus its own canonical entry. When the
 *    header is unchanged, only units whose entry changed are scored again and merged with the
 *    kept results by the engine (recomputeUnits, byte-identical to a full run); a change in settings,
 *    calendar or indicator sets re-scores every unit;
 * 3. the write transaction updates the preliminary row in place and rewrites only the unit rows
 *    whose result changed (their own scores or their ranks), inserts new units and deletes units
 *    that left the package — one unit's change writes that unit plus the units whose rank moved.
 *    If another recompute was stored meanwhile, the diff no longer applies and the write is refused
 *    (409, nothing written).
 * The cycle-level `package_json` and results frame are always rewritten whole (the package is
 * the published document, and every rank can move).
 */

type Reader = Db | Tx;

export interface ComputeOptions {
  /** Use this package instead of building it from the database (tests, imports). */
  pkg?: AssessmentPackageInput;
  /** Package unit id → unit id for `pkg` (default: units looked up by code). */
  unitIds?: Record<string, number>;
}

/** SHA-256 of the concatenated pieces (the text itself is never built). */
function sha256Of(pieces: Iterable<string>): string {
  const h = crypto.createHash("sha256");
  for (const p of pieces) h.update(p, "utf8");
  return h.digest("hex");
}

interface PreparedUnit {
  unitId: number;
  result: UnitResult;
  /** The unit's entry as it stands in the results text (stored as the row's `result`). */
  text: string;
  /** The unit's canonical entry in the package. */
  packageEntry: string;
  inputSha256: string;
  rescored: boolean;
}

interface Prepared {
  packageJson: string;
  packageSha256: string;
  headerSha256: string | null;
  /** The results document without its unit entries (see resultsFrame). */
  resultsFrame: string;
  resultsSha256: string;
  results: Results;
  units: PreparedUnit[];
  rescored: number;
  /** The stored row the diff was made against (null: none). */
  basedOn: BasedOn | null;
  stored: Map<number, StoredUnitRow>;
  staleIds: number[];
  incomplete: CyclePackage["incomplete"];
}

/** A unit of the package to score: built now (`input`), or kept from the stored results (its entry text as stored). */
interface SourceUnit {
  id: string;
  unitId: number;
  json: string;
  input: AssessmentPackageInput["units"][number] | null;
}

/** The package a recompute scores: its header, its units in package order, and the units left out. */
interface Source {
  header: Omit<AssessmentPackageInput, "units">;
  units: SourceUnit[];
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
  return { header: headerOf(pkg), units: sortUnits(pkg.units).map((u) => ({ id: u.id, unitId: unitIds[u.id], json: canonicalJson(u), input: u })), incomplete };
}

/**
 * The package built from the database for the units marked stale since `prev` (and units not in
 * it: new, or incomplete then), the others' entries taken from their stored rows — or null when
 * the package header changed since (settings, calendar, indicator sets: every unit is built then).
 */
function incrementalSource(db: Reader, cycleId: number, prev: BasedOn, stored: ReadonlyMap<number, StoredUnitRow>, stale: ReadonlySet<number>): Source | null {
  const first = buildCyclePackage(db, cycleId, { unitIds: [...stale] });
  const header = headerOf(first.pkg);
  if (sha256(joinPackage(header, []).headerJson) !== prev.headerSha256) return null;
  const categories = new Set(header.indicatorSets.map((s) => s.category));
  const population = cycleUnits(db, cycleId).filter((u) => categories.has(u.categoryName));
  const others = population.filter((u) => !stale.has(u.id) && !stored.has(u.id)).map((u) => u.id);
  const second = others.length > 0 ? buildCyclePackage(db, cycleId, { unitIds: others }) : null;
  const built = new Map<number, AssessmentPackageInput["units"][number]>();
  for (const b of [first, ...(second ? [second] : [])]) for (const u of b.pkg.units) built.set(b.unitIds[u.id], u);
  const entries = storedPackageEntries(prev.id);
  const out: SourceUnit[] = [];
  for (const u of population) {
    const input = built.get(u.id);
    if (input) {
      out.push({ id: u.code, unitId: u.id, json: canonicalJson(input), input });
    } else if (!stale.has(u.id) && stored.has(u.id)) {
      const json = entries.get(u.id);
      if (json == null) throw new Error(`unit_results row of unit ${u.id} has no package entry although its results row has a header hash`);
      out.push({ id: u.code, unitId: u.id, json, input: null });
    }
  }
  // Incomplete units in population order, as a whole build lists them.
  const order = new Map(population.map((u, i) => [u.id, i]));
  const incomplete = [...first.incomplete, ...(second?.incomplete ?? [])].sort((a, b) => order.get(a.unitId)! - order.get(b.unitId)!);
  return { header, units: sortUnits(out), incomplete };
}

/**
 * Build (or take) the package, diff it against the stored preliminary results and score what
 * changed. Read-only. `whole`: build every unit from the database (the final snapshot).
 */
function prepare(cycleId: number, opts: ComputeOptions, whole = false): Prepared | Refusal {
  const db = getDb();
  // The stale marks are read before anything is built: a change made meanwhile keeps its mark.
  const stale = opts.pkg ? { ids: [], unitIds: new Set<number>() } : staleUnits(cycleId);
  const prev = resultRow(db, cycleId, "preliminary") ?? null;
  const stored = prev ? storedUnits(prev.id) : new Map<number, StoredUnitRow>();
  let source: Source | null = null;
  if (opts.pkg) {
    const resolved = opts.unitIds ?? resolveUnitIds(db, opts.pkg);
    if (Array.isArray(resolved)) return refuse(400, `数据包中的单位编码不存在：${resolved.slice(0, 10).join("、")}`);
    const seen = new Set<string>();
    for (const u of opts.pkg.units) {
      if (seen.has(u.id)) return refuse(400, `数据包中单位编号“${u.id}”重复`);
      seen.add(u.id);
      if (resolved[u.id] === undefined) return refuse(400, `数据包中的单位“${u.id}”没有对应的单位`);
    }
    source = wholeSource(opts.pkg, resolved, []);
  } else {
    if (!whole && prev?.headerSha256) source = incrementalSource(db, cycleId, prev, stored, stale.unitIds);
    if (!source) {
      const build = buildCyclePackage(db, cycleId);
      source = wholeSource(build.pkg, build.unitIds, build.incomplete);
    }
  }
  const { header, units: sourceUnits, incomplete } = source;
  if (sourceUnits.length === 0) {
    return refuse(409, incomplete.length > 0 ? `尚无评估完成的单位（${incomplete.length}个单位仍有指标未评估签署），暂不能计算结果` : "本考核年度没有可计算结果的单位");
  }

  const ser = joinPackage(header, sourceUnits.map((u) => u.json));
  const packageSha256 = sha256(ser.json);
  const headerSha = sha256(ser.headerJson);
  // A unit not built now is unchanged since its row was stored (same header, not stale): its inputs' hash is the stored one.
  const inputSha = new Map<string, string>(
    sourceUnits.map((u) => [u.id, u.input === null ? stored.get(u.unitId)!.inputSha256! : sha256(`${headerSha}\n${u.json}`)]),
  );

  // Which units the engine must score: new units and units whose inputs (or the header) changed.
  const keptIds = new Set<number>();
  for (const u of sourceUnits) {
    const row = stored.get(u.unitId);
    if (row && row.inputSha256 === inputSha.get(u.id)) keptIds.add(u.unitId);
  }
  const kept = keptIds.size > 0 && prev ? storedResults(prev.id, keptIds) : new Map<number, StoredEntry>();

  // The engine scores the units without a kept result and ranks all of them together (a kept unit's inputs are not read).
  const scored = recomputeUnits(
    { ...header, units: sourceUnits.map((u) => u.input ?? { id: u.id }) },
    new Map([...kept.values()].map((k) => [k.result.id, k.result])),
  );
  if (!scored.ok) return refuse(400, "数据包校验未通过", renumberErrors(scored.errors, sourceUnits, opts.pkg?.units ?? sourceUnits));
  const results = scored.results;

  const rescoredIds = new Set(scored.rescored);
  const byId = new Map(sourceUnits.map((u) => [u.id, u]));
  const prepared = results.units.map((r): PreparedUnit => {
    const u = byId.get(r.id)!;
    const rescored = rescoredIds.has(r.id);
    return {
      unitId: u.unitId,
      result: r,
      text: entryText(r, rescored ? undefined : kept.get(u.unitId), stored.get(u.unitId)),
      packageEntry: u.json,
      inputSha256: inputSha.get(r.id)!,
      rescored,
    };
  });
  const frame = resultsFrame(results);
  return {
    packageJson: ser.json,
    packageSha256,
    headerSha256: opts.pkg ? null : headerSha,
    resultsFrame: frame,
    resultsSha256: sha256Of(resultsTextPieces(frame, prepared.map((u) => u.text))),
    results,
    units: prepared,
    rescored: scored.rescored.length,
    basedOn: prev,
    stored,
    staleIds: stale.ids,
    incomplete,
  };
}

/**
 * A unit's entry as it stands in the results text: the stored text of a kept result whose ranks
 * did not move (the engine assembled the same entry from it), else serialised anew.
 */
function entryText(r: UnitResult, kept: StoredEntry | undefined, row: StoredUnitRow | undefined): string {
  if (kept && row && row.rank === r.rank && row.categoryRank === r.categoryRank) return kept.text;
  return JSON.stringify(r);
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

function rowValues(u: PreparedUnit, position: number): UnitRowValues {
  const r = u.result;
  return {
    unitId: u.unitId,
    values: [u.text, formatScore(r.total), r.rank, r.categoryRank, u.inputSha256, JSON.stringify(unitSummary(r)), position, u.packageEntry],
  };
}

/**
 * Unit rows that differ from the stored ones (re-scored, new, moved in the ranking or in the
 * document); every row when the stored rows may lack their package entries (header hash null).
 */
function changedRows(p: Prepared): UnitRowValues[] {
  if (p.basedOn && p.basedOn.headerSha256 === null) return p.units.map((u, position) => rowValues(u, position));
  const out: UnitRowValues[] = [];
  p.units.forEach((u, position) => {
    const s = p.stored.get(u.unitId);
    if (
      !s ||
      u.rescored ||
      s.rank !== u.result.rank ||
      s.categoryRank !== u.result.categoryRank ||
      s.inputSha256 !== u.inputSha256 ||
      s.position !== position
    ) {
      out.push(rowValues(u, position));
    }
  });
  return out;
}

/** Why the cycle's preliminary results may not be (re)computed now, or null. */
export function checkComputable(cycleId: number): Refusal | null {
  const cycle = cycleRow(getDb(), cycleId);
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
function preparePreliminary(cycleId: number, opts: ComputeOptions): PreparedWrite | Refusal {
  const p = prepare(cycleId, opts);
  if ("ok" in p) return p;
  const unchanged = !!p.basedOn && p.basedOn.packageSha256 === p.packageSha256 && p.basedOn.headerSha256 === p.headerSha256;
  const present = new Set(p.units.map((u) => u.unitId));
  return {
    packageJson: p.packageJson,
    packageSha256: p.packageSha256,
    headerSha256: p.headerSha256,
    resultsFrame: p.resultsFrame,
    resultsSha256: p.resultsSha256,
    basedOn: p.basedOn,
    staleIds: p.staleIds,
    rows: unchanged ? [] : changedRows(p),
    removed: [...p.stored.keys()].filter((id) => !present.has(id)),
    units: p.units.length,
    rescored: unchanged ? 0 : p.rescored,
    warnings: p.results.warnings,
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
export function computeCycleResults(cycleId: number, actor: Actor, opts: ComputeOptions = {}): ComputeOutcome {
  const refused = checkComputable(cycleId);
  if (refused) return refused;
  const p = preparePreliminary(cycleId, opts);
  if ("ok" in p) return p;
  return writePrepared(cycleId, actor, p);
}

/**
 * Prepare the immutable final snapshot (定稿结果) of a cycle: the package built from the database
 * at this moment, its results, both hashes and every unit's row. Read-only; the status change
 * 初步结果 → 已定稿 (app/services/cycle-finalise.server.ts) stores it with insertFinalSnapshot in
 * the same transaction as the step itself, so a cycle is never 已定稿 without its snapshot.
 */
export function prepareFinalSnapshot(cycleId: number, opts: ComputeOptions = {}): FinalSnapshot | Refusal {
  const p = prepare(cycleId, opts, true);
  if ("ok" in p) return p;
  return {
    packageJson: p.packageJson,
    packageSha256: p.packageSha256,
    headerSha256: p.headerSha256,
    resultsFrame: p.resultsFrame,
    resultsSha256: p.resultsSha256,
    basedOn: p.basedOn,
    staleIds: [],
    rows: p.units.map((u, position) => rowValues(u, position)),
    removed: [],
    units: p.units.length,
    rescored: p.rescored,
    warnings: p.results.warnings,
    incomplete: p.incomplete,
    unchanged: false,
  };
}
