import crypto from "node:crypto";
import { getDb, type Db, type Tx } from "../../db/client";
import { units } from "../../db/schema";
import { formatScore, recomputeUnits, type AssessmentPackageInput, type Results, type UnitResult, type ValidationError } from "../../scoring";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { resultsFrame, resultsTextPieces, serialisePackage, sortUnits } from "../domain/deterministic-json";
import { unitSummary } from "../domain/results-view";
import type { Actor } from "../utils/audit.server";
import { buildCyclePackage, type CyclePackage } from "./cycle-package.server";
import { refuse, type BasedOn, type ComputeOutcome, type FinalSnapshot, type PreparedWrite, type Refusal, type UnitRowValues } from "./results-outcome.server";
import { sha256 } from "./results.server";
import { cycleRow, resultRow, storedResults, storedUnits, writePrepared, type StoredEntry, type StoredUnitRow } from "./results-storage.server";

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
  inputSha256: string;
  rescored: boolean;
}

interface Prepared {
  packageJson: string;
  packageSha256: string;
  /** The results document without its unit entries (see resultsFrame). */
  resultsFrame: string;
  resultsSha256: string;
  results: Results;
  units: PreparedUnit[];
  rescored: number;
  /** The stored row the diff was made against (null: none). */
  basedOn: BasedOn | null;
  stored: Map<number, StoredUnitRow>;
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

/**
 * Build (or take) the package, diff it against the stored preliminary results and score what
 * changed. Read-only.
 */
function prepare(cycleId: number, opts: ComputeOptions): Prepared | Refusal {
  const db = getDb();
  let pkg: AssessmentPackageInput;
  let unitIds: Record<string, number>;
  let incomplete: CyclePackage["incomplete"] = [];
  if (opts.pkg) {
    pkg = opts.pkg;
    const resolved = opts.unitIds ?? resolveUnitIds(db, pkg);
    if (Array.isArray(resolved)) return refuse(400, `数据包中的单位编码不存在：${resolved.slice(0, 10).join("、")}`);
    unitIds = resolved;
  } else {
    const build = buildCyclePackage(db, cycleId);
    pkg = build.pkg;
    unitIds = build.unitIds;
    incomplete = build.incomplete;
  }
  if (pkg.units.length === 0) {
    return refuse(409, incomplete.length > 0 ? `尚无评估完成的单位（${incomplete.length}个单位仍有指标未评估签署），暂不能计算结果` : "本考核年度没有可计算结果的单位");
  }

  const ser = serialisePackage(pkg);
  const seen = new Set<string>();
  for (const u of ser.units) {
    if (seen.has(u.id)) return refuse(400, `数据包中单位编号“${u.id}”重复`);
    seen.add(u.id);
    if (unitIds[u.id] === undefined) return refuse(400, `数据包中的单位“${u.id}”没有对应的单位`);
  }
  const packageSha256 = sha256(ser.json);
  const headerSha = sha256(ser.headerJson);
  const inputSha = new Map<string, string>(ser.units.map((u) => [u.id, sha256(`${headerSha}\n${u.json}`)]));

  const prev = resultRow(db, cycleId, "preliminary") ?? null;
  const stored = prev ? storedUnits(prev.id) : new Map<number, StoredUnitRow>();

  // Which units the engine must score: new units and units whose inputs (or the header) changed.
  const sorted = sortUnits(pkg.units);
  const keptIds = new Set<number>();
  for (const u of sorted) {
    const row = stored.get(unitIds[u.id]);
    if (row && row.inputSha256 === inputSha.get(u.id)) keptIds.add(row.unitId);
  }
  const kept = keptIds.size > 0 && prev ? storedResults(prev.id, keptIds) : new Map<number, StoredEntry>();

  // The engine scores the units without a kept result and ranks all of them together.
  const scored = recomputeUnits({ ...pkg, units: sorted }, new Map([...kept.values()].map((k) => [k.result.id, k.result])));
  if (!scored.ok) return refuse(400, "数据包校验未通过", renumberErrors(scored.errors, sorted, pkg.units));
  const results = scored.results;

  const rescoredIds = new Set(scored.rescored);
  const prepared = results.units.map((r): PreparedUnit => {
    const unitId = unitIds[r.id];
    const rescored = rescoredIds.has(r.id);
    return { unitId, result: r, text: entryText(r, rescored ? undefined : kept.get(unitId), stored.get(unitId)), inputSha256: inputSha.get(r.id)!, rescored };
  });
  const frame = resultsFrame(results);
  return {
    packageJson: ser.json,
    packageSha256,
    resultsFrame: frame,
    resultsSha256: sha256Of(resultsTextPieces(frame, prepared.map((u) => u.text))),
    results,
    units: prepared,
    rescored: scored.rescored.length,
    basedOn: prev,
    stored,
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
    values: [u.text, formatScore(r.total), r.rank, r.categoryRank, u.inputSha256, JSON.stringify(unitSummary(r)), position],
  };
}

/** Unit rows that differ from the stored ones (re-scored, new, moved in the ranking or in the document). */
function changedRows(p: Prepared): UnitRowValues[] {
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
  const unchanged = !!p.basedOn && p.basedOn.packageSha256 === p.packageSha256;
  const present = new Set(p.units.map((u) => u.unitId));
  return {
    packageJson: p.packageJson,
    packageSha256: p.packageSha256,
    resultsFrame: p.resultsFrame,
    resultsSha256: p.resultsSha256,
    basedOn: p.basedOn,
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
  const p = prepare(cycleId, opts);
  if ("ok" in p) return p;
  return {
    packageJson: p.packageJson,
    packageSha256: p.packageSha256,
    resultsFrame: p.resultsFrame,
    resultsSha256: p.resultsSha256,
    basedOn: p.basedOn,
    rows: p.units.map((u, position) => rowValues(u, position)),
    removed: [],
    units: p.units.length,
    rescored: p.rescored,
    warnings: p.results.warnings,
    incomplete: p.incomplete,
    unchanged: false,
  };
}
