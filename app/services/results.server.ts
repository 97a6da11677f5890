import crypto from "node:crypto";
import { cycleAllows } from "../domain/cycle-capabilities";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { and, eq } from "drizzle-orm";
import { getDb, getSqlite, type Db, type Tx } from "../../db/client";
import { cycleResults, cycles, units, users } from "../../db/schema";
import {
  formatScore,
  recomputeUnits,
  type AssessmentPackageInput,
  type Results,
  type UnitResult,
  type ValidationError,
} from "../../scoring";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { joinResults, resultsTextPieces, serialisePackage, sortUnits, splitResults } from "../domain/deterministic-json";
import { unitSummary, type UnitSummary } from "../domain/results-view";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { buildCyclePackage, type CyclePackage } from "./cycle-package.server";
import { boundedMemo } from "../utils/bounded-memo.server";
import { preparedStatement } from "../utils/prepared-statement.server";

/**
 * Results of a cycle (考核结果): the package built from the database (cycle-package.server.ts),
 * serialised deterministically and hashed, scored by the engine, stored as `cycle_results` (one
 * preliminary row, replaced by each recompute; one immutable final row taken when the cycle is
 * 已定稿) with per-unit `unit_results` rows for fast pages. The results document is stored once:
 * its frame in `cycle_results.results_json` and each unit's entry in its `unit_results` row
 * (joined in `position` order they are the hashed text; storedDocument).
 *
 * Recompute never holds the write lock for long and is incremental:
 * 1. everything heavy — building the package from the database, serialising, hashing, validating,
 *    scoring, serialising the results and every unit row — happens before the write transaction
 *    (reads in WAL mode block nobody); in the web app the whole recompute, its short write
 *    transaction included, runs in a worker thread, so the server keeps answering other users
 *    meanwhile (computeCycleResultsInWorker);
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
 * the published document, and every rank can move). A row stored before the split layout is
 * rewritten whole on its next recompute.
 */

export type CycleResultRow = typeof cycleResults.$inferSelect;
type Reader = Db | Tx;

export interface ComputeOptions {
  /** Use this package instead of building it from the database (tests, imports). */
  pkg?: AssessmentPackageInput;
  /** Package unit id → unit id for `pkg` (default: units looked up by code). */
  unitIds?: Record<string, number>;
}

export type ComputeOutcome =
  | {
      ok: true;
      kind: "preliminary" | "final";
      cycleResultId: number;
      packageSha256: string;
      resultsSha256: string;
      /** Units in the results. */
      units: number;
      /** Units the engine scored in this run (the others were unchanged and kept). */
      rescored: number;
      /** unit_results rows written or deleted. */
      rowsWritten: number;
      /** Nothing changed since the last computation (nothing was written). */
      unchanged: boolean;
      /** Units left out because some leaf has no signed-off evaluator entry yet. */
      incomplete: CyclePackage["incomplete"];
      warnings: string[];
    }
  | { ok: false; status: 400 | 404 | 409; message: string; errors: ValidationError[] };

type Refusal = Extract<ComputeOutcome, { ok: false }>;

const refuse = (status: Refusal["status"], message: string, errors: ValidationError[] = []): Refusal => ({ ok: false, status, message, errors });

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** SHA-256 of the concatenated pieces (the text itself is never built). */
function sha256Of(pieces: Iterable<string>): string {
  const h = crypto.createHash("sha256");
  for (const p of pieces) h.update(p, "utf8");
  return h.digest("hex");
}

// ---------------------------------------------------------------- preparing (no write lock)

interface StoredUnitRow {
  unitId: number;
  inputSha256: string | null;
  rank: number;
  categoryRank: number;
  position: number | null;
}

interface PreparedUnit {
  unitId: number;
  result: UnitResult;
  /** The unit's entry as it stands in the results text (stored as the row's `result`). */
  text: string;
  inputSha256: string;
  rescored: boolean;
}

type BasedOn = { id: number; packageSha256: string; layout: "whole" | "split" };

interface Prepared {
  packageJson: string;
  packageSha256: string;
  /** The results document without its unit entries (see splitResults). */
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

function cycleRow(db: Reader, cycleId: number) {
  return db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
}

function resultRow(db: Reader, cycleId: number, kind: "preliminary" | "final"): BasedOn | undefined {
  return db
    .select({ id: cycleResults.id, packageSha256: cycleResults.packageSha256, layout: cycleResults.resultsLayout })
    .from(cycleResults)
    .where(and(eq(cycleResults.cycleId, cycleId), eq(cycleResults.kind, kind)))
    .get();
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

function storedUnits(cycleResultId: number): Map<number, StoredUnitRow> {
  const rows = getSqlite()
    .prepare("SELECT unit_id AS unitId, input_sha256 AS inputSha256, rank, category_rank AS categoryRank, position FROM unit_results WHERE cycle_result_id = ?")
    .all(cycleResultId) as StoredUnitRow[];
  return new Map(rows.map((r) => [r.unitId, r]));
}

function storedResults(cycleResultId: number, unitIds: ReadonlySet<number>): Map<number, UnitResult> {
  const out = new Map<number, UnitResult>();
  const stmt = getSqlite().prepare("SELECT unit_id AS unitId, result FROM unit_results WHERE cycle_result_id = ?");
  for (const r of stmt.iterate(cycleResultId) as Iterable<{ unitId: number; result: string }>) {
    if (unitIds.has(r.unitId)) out.set(r.unitId, JSON.parse(r.result) as UnitResult);
  }
  return out;
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
  const kept = keptIds.size > 0 && prev ? storedResults(prev.id, keptIds) : new Map<number, UnitResult>();

  // The engine scores the units without a kept result and ranks all of them together.
  const scored = recomputeUnits({ ...pkg, units: sorted }, new Map([...kept.values()].map((r) => [r.id, r])));
  if (!scored.ok) return refuse(400, "数据包校验未通过", renumberErrors(scored.errors, sorted, pkg.units));
  const results = scored.results;

  const rescoredIds = new Set(scored.rescored);
  const pieces = splitResults(results);
  const texts = pieces.units;
  return {
    packageJson: ser.json,
    packageSha256,
    resultsFrame: pieces.frame,
    resultsSha256: sha256Of(resultsTextPieces(pieces.frame, texts)),
    results,
    units: results.units.map((r, i) => ({
      unitId: unitIds[r.id],
      result: r,
      text: texts[i],
      inputSha256: inputSha.get(r.id)!,
      rescored: rescoredIds.has(r.id),
    })),
    rescored: scored.rescored.length,
    basedOn: prev,
    stored,
    incomplete,
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

// ---------------------------------------------------------------- writing

const UPSERT_UNIT = `INSERT INTO unit_results (cycle_result_id, unit_id, result, total, rank, category_rank, input_sha256, summary, position)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (cycle_result_id, unit_id) DO UPDATE SET result = excluded.result, total = excluded.total, rank = excluded.rank,
    category_rank = excluded.category_rank, input_sha256 = excluded.input_sha256, summary = excluded.summary, position = excluded.position`;

interface UnitRowValues {
  unitId: number;
  values: [string, string, number, number, string, string, number];
}

function rowValues(u: PreparedUnit, position: number): UnitRowValues {
  const r = u.result;
  return {
    unitId: u.unitId,
    values: [u.text, formatScore(r.total), r.rank, r.categoryRank, u.inputSha256, JSON.stringify(unitSummary(r)), position],
  };
}

/**
 * Unit rows that differ from the stored ones (re-scored, new, moved in the ranking or in the
 * document); every row when the stored results predate the split layout.
 */
function changedRows(p: Prepared): UnitRowValues[] {
  if (p.basedOn?.layout === "whole") return p.units.map((u, position) => rowValues(u, position));
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

function writeUnitRows(cycleResultId: number, rows: readonly UnitRowValues[]): void {
  const stmt = getSqlite().prepare(UPSERT_UNIT);
  for (const r of rows) stmt.run(cycleResultId, r.unitId, ...r.values);
}

function actorUserId(tx: Reader, actor: Actor): number | null {
  if (actor.id === null) return null;
  return tx.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).get()?.id ?? null;
}

/** What the write transaction needs: plain data (crosses a worker boundary cheaply). */
interface PreparedWrite {
  packageJson: string;
  packageSha256: string;
  resultsFrame: string;
  resultsSha256: string;
  basedOn: BasedOn | null;
  /** Unit rows to upsert (every unit when there is no previous row). */
  rows: UnitRowValues[];
  /** Unit ids to delete (left the package). */
  removed: number[];
  units: number;
  rescored: number;
  warnings: string[];
  incomplete: CyclePackage["incomplete"];
  unchanged: boolean;
}

function checkComputable(cycleId: number): Refusal | null {
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

type WriteMode = "preliminary" | "final";

/**
 * Everything heavy of a recompute or of the final snapshot (read-only; runs in a worker thread
 * when the server can). The final snapshot writes every unit's row.
 */
function prepareWrite(cycleId: number, opts: ComputeOptions, mode: WriteMode = "preliminary"): PreparedWrite | Refusal {
  const p = prepare(cycleId, opts);
  if ("ok" in p) return p;
  if (mode === "final") {
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
  // Stored results that predate the split layout are rewritten even when nothing else changed.
  const unchanged = !!p.basedOn && p.basedOn.layout === "split" && p.basedOn.packageSha256 === p.packageSha256;
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

/** The short write transaction of a recompute. */
function writePrepared(cycleId: number, actor: Actor, p: PreparedWrite): ComputeOutcome {
  if (p.unchanged && p.basedOn) return outcome("preliminary", p.basedOn.id, p, 0, true);
  return mutate(getDb(), (tx): ComputeOutcome => {
    const now = cycleRow(tx, cycleId)!;
    if (!cycleAllows(now.status, "computeResults")) return refuse(409, `考核状态已变为“${CYCLE_STATUS_LABELS[now.status]}”，未保存本次计算结果`);
    const current = resultRow(tx, cycleId, "preliminary");
    const same = current && p.basedOn && current.id === p.basedOn.id && current.packageSha256 === p.basedOn.packageSha256;
    // Someone else recomputed meanwhile: our diff no longer applies to the stored rows.
    if (current && !same) return refuse(409, "考核结果刚被他人重新计算，请刷新后查看或再次计算");
    const values = {
      packageJson: p.packageJson,
      packageSha256: p.packageSha256,
      resultsJson: p.resultsFrame,
      resultsLayout: "split" as const,
      resultsSha256: p.resultsSha256,
      computedBy: actorUserId(tx, actor),
      computedAt: new Date().toISOString(),
    };
    let id: number;
    if (current) {
      id = current.id;
      tx.update(cycleResults).set(values).where(eq(cycleResults.id, id)).run();
      const del = getSqlite().prepare("DELETE FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?");
      for (const unitId of p.removed) del.run(id, unitId);
    } else {
      id = tx.insert(cycleResults).values({ cycleId, kind: "preliminary", ...values }).returning({ id: cycleResults.id }).get().id;
    }
    writeUnitRows(id, p.rows);
    const written = p.rows.length + (current ? p.removed.length : 0);
    writeAudit(tx, actor, {
      action: "results.compute",
      entityType: "cycle",
      entityId: cycleId,
      before: current ? { packageSha256: current.packageSha256 } : undefined,
      after: {
        kind: "preliminary",
        packageSha256: p.packageSha256,
        resultsSha256: p.resultsSha256,
        units: p.units,
        rescored: p.rescored,
        rowsWritten: written,
        incomplete: p.incomplete.map((u) => u.code),
      },
    });
    return outcome("preliminary", id, p, written, false);
  });
}

/**
 * (Re)compute the preliminary results of a cycle (初步结果): allowed from 已发布 until 初步结果
 * (the cycle's computeResults capability). Audited. Returns the engine's messages when the package does not validate. Runs on
 * the calling thread (CLI, seeds, tests); the web app uses computeCycleResultsInWorker.
 */
export function computeCycleResults(cycleId: number, actor: Actor, opts: ComputeOptions = {}): ComputeOutcome {
  const refused = checkComputable(cycleId);
  if (refused) return refused;
  const p = prepareWrite(cycleId, opts);
  if ("ok" in p) return p;
  return writePrepared(cycleId, actor, p);
}

// ---------------------------------------------------------------- worker thread

const WORKER_KIND = "zwgk-results-worker";

/**
 * The same recompute in a worker thread with its own SQLite connection, so other users' requests
 * are served meanwhile: the heavy part (building the package from the database, engine,
 * serialising, hashing) and also the write transaction with its audit row and the WAL checkpoint
 * after it (WAL: the server's readers are never blocked by it; its writers wait for the lock as
 * they would for any other writer). The worker runs this very module from the server build; where
 * the module is TypeScript source (tsx, tests) it cannot be a worker entry and the recompute runs
 * inline.
 */
export async function computeCycleResultsInWorker(cycleId: number, actor: Actor): Promise<ComputeOutcome> {
  const refused = checkComputable(cycleId);
  if (refused) return refused;
  return (await runInWorker<ComputeOutcome>({ task: "compute", cycleId, actor })) ?? computeCycleResults(cycleId, actor);
}

type WorkerTask = { task: "compute"; cycleId: number; actor: Actor } | { task: "final"; cycleId: number };

/** A task's answer from a worker thread; null where this module cannot be a worker entry. */
async function runInWorker<T>(task: WorkerTask): Promise<T | null> {
  const entry = new URL(import.meta.url);
  if (!/\.m?js$/.test(entry.pathname)) return null;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { kind: WORKER_KIND, ...task } });
    worker.once("message", (m: { ok: true; value: T } | { ok: false; error: string }) => {
      if (m.ok) resolve(m.value);
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`results worker exited with code ${code}`));
    });
  });
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  const t = workerData as WorkerTask;
  try {
    parentPort!.postMessage({ ok: true, value: t.task === "compute" ? computeCycleResults(t.cycleId, t.actor) : prepareWrite(t.cycleId, {}, "final") });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

function outcome(kind: "preliminary" | "final", id: number, p: Pick<PreparedWrite, "packageSha256" | "resultsSha256" | "units" | "rescored" | "incomplete" | "warnings">, written: number, unchanged: boolean): ComputeOutcome {
  return {
    ok: true,
    kind,
    cycleResultId: id,
    packageSha256: p.packageSha256,
    resultsSha256: p.resultsSha256,
    units: p.units,
    rescored: unchanged ? 0 : p.rescored,
    rowsWritten: written,
    unchanged,
    incomplete: p.incomplete,
    warnings: p.warnings,
  };
}

// ---------------------------------------------------------------- final snapshot

/** The heavy part of a final snapshot, prepared outside the write transaction (plain data). */
export type FinalSnapshot = PreparedWrite;

/**
 * Prepare the immutable final snapshot (定稿结果) of a cycle: the package built from the database
 * at this moment, its results, both hashes and every unit's row. Read-only; the status change
 * 初步结果 → 已定稿 (app/services/cycle-finalise.server.ts) stores it with insertFinalSnapshot in
 * the same transaction as the step itself, so a cycle is never 已定稿 without its snapshot.
 */
export function prepareFinalSnapshot(cycleId: number, opts: ComputeOptions = {}): FinalSnapshot | Refusal {
  return prepareWrite(cycleId, opts, "final");
}

/** The same in a worker thread where the server can (see computeCycleResultsInWorker). */
export async function prepareFinalSnapshotInWorker(cycleId: number): Promise<FinalSnapshot | Refusal> {
  return (await runInWorker<FinalSnapshot | Refusal>({ task: "final", cycleId })) ?? prepareFinalSnapshot(cycleId);
}

/**
 * Store a prepared final snapshot inside the caller's transaction (the status change), audited.
 * A database trigger refuses any later UPDATE or DELETE of it. Refused, with nothing written, when
 * a unit is still incomplete or the cycle already has one.
 */
export function insertFinalSnapshot(tx: Tx, cycleId: number, actor: Actor, p: FinalSnapshot, at: string): ComputeOutcome {
  if (p.incomplete.length > 0) {
    return refuse(409, `仍有${p.incomplete.length}个单位的指标未评估签署（${p.incomplete.slice(0, 5).map((u) => u.name).join("、")}${p.incomplete.length > 5 ? "等" : ""}），不能生成定稿结果`);
  }
  if (resultRow(tx, cycleId, "final")) return refuse(409, "定稿结果已生成，不能更改");
  const id = tx
    .insert(cycleResults)
    .values({
      cycleId,
      kind: "final",
      packageJson: p.packageJson,
      packageSha256: p.packageSha256,
      resultsJson: p.resultsFrame,
      resultsLayout: "split",
      resultsSha256: p.resultsSha256,
      computedBy: actorUserId(tx, actor),
      computedAt: at,
    })
    .returning({ id: cycleResults.id })
    .get().id;
  writeUnitRows(id, p.rows);
  writeAudit(tx, actor, {
    action: "results.finalise",
    entityType: "cycle",
    entityId: cycleId,
    after: { kind: "final", packageSha256: p.packageSha256, resultsSha256: p.resultsSha256, units: p.units },
  });
  return outcome("final", id, p, p.rows.length, false);
}

// ---------------------------------------------------------------- reading

export interface ResultsMeta {
  id: number;
  cycleId: number;
  kind: "preliminary" | "final";
  packageSha256: string;
  resultsSha256: string;
  computedAt: string;
  computedByName: string | null;
}

/**
 * Both results rows of a cycle (small columns only: the planner answers from the covering index
 * cycle_results_meta_idx and never walks the large JSON texts). A statement compiled once per
 * connection: every results page asks. It runs on the thread's one connection, so inside a
 * transaction it sees the transaction's writes.
 */
function metaRows(cycleId: number): ResultsMeta[] {
  return preparedStatement(
    `SELECT r.id, r.cycle_id AS cycleId, r.kind, r.package_sha256 AS packageSha256, r.results_sha256 AS resultsSha256,
            r.computed_at AS computedAt, u.display_name AS computedByName
     FROM cycle_results r LEFT JOIN users u ON u.id = r.computed_by
     WHERE r.cycle_id = ?`,
  ).all(cycleId) as ResultsMeta[];
}

/** The results pages show: the final snapshot when there is one, else the preliminary results. */
export function currentResults(cycleId: number): ResultsMeta | null {
  const rows = metaRows(cycleId);
  return rows.find((r) => r.kind === "final") ?? rows.find((r) => r.kind === "preliminary") ?? null;
}

export function resultsMeta(cycleId: number, kind: "preliminary" | "final"): ResultsMeta | null {
  return metaRows(cycleId).find((r) => r.kind === kind) ?? null;
}

/**
 * The stored package or results text of a results row (byte-exact, as hashed): the results are
 * joined from their frame and the unit rows' entries in document order (layout `split`).
 */
export function storedDocument(cycleResultId: number, which: "package" | "results"): string {
  const sqlite = getSqlite();
  // One read transaction: the frame and the entries from the same snapshot.
  return sqlite.transaction(() => {
    const row = storedText(cycleResultId, which);
    if (which === "package" || row.layout === "whole") return row.text;
    const entries = sqlite.prepare("SELECT result FROM unit_results WHERE cycle_result_id = ? ORDER BY position").pluck();
    return joinResults(row.text, entries.iterate(cycleResultId) as Iterable<string>);
  })();
}

/** A results row's stored package text, or its results text (the frame, or the whole document in layout `whole`). */
function storedText(cycleResultId: number, which: "package" | "results"): { text: string; layout: "whole" | "split" } {
  const col = which === "package" ? "package_json" : "results_json";
  const row = getSqlite().prepare(`SELECT ${col} AS text, results_layout AS layout FROM cycle_results WHERE id = ?`).get(cycleResultId) as
    | { text: string; layout: "whole" | "split" }
    | undefined;
  if (!row) throw new Error(`no cycle_results row ${cycleResultId}`);
  return row;
}

export interface SummaryRow extends UnitSummary {
  unitId: number;
}

const summaryMemo = boundedMemo<SummaryRow[]>(8);

/**
 * Every unit's headline figures of a results row, in ranking order (rank, then package id).
 * Cached per row and results hash (a recompute changes the hash).
 */
export function unitSummaries(meta: Pick<ResultsMeta, "id" | "resultsSha256">): SummaryRow[] {
  return summaryMemo(`${meta.id}:${meta.resultsSha256}`, () => {
    const rows = getSqlite()
      .prepare("SELECT unit_id AS unitId, summary FROM unit_results WHERE cycle_result_id = ? ORDER BY position, rank")
      .all(meta.id) as { unitId: number; summary: string }[];
    const out = rows.map((r) => ({ unitId: r.unitId, ...(JSON.parse(r.summary) as UnitSummary) }));
    return out.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  });
}

/** One unit's full results entry (leaves and explanations), or null when it has none. */
export function unitResultOf(cycleResultId: number, unitId: number): UnitResult | null {
  const row = getSqlite().prepare("SELECT result FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?").get(cycleResultId, unitId) as
    | { result: string }
    | undefined;
  return row ? (JSON.parse(row.result) as UnitResult) : null;
}

/** The results changed while an export was reading them in chunks (a recompute stored meanwhile). */
export class ResultsChangedError extends Error {
  constructor() {
    super("导出期间考核结果被重新计算，请重新下载");
    this.name = "ResultsChangedError";
  }
}

/**
 * Run `read` in one read transaction that first checks the results row still holds the results
 * `meta` names: each chunk of an export then comes from one consistent snapshot, and an export
 * never mixes two computations (a recompute may commit between chunks, from the worker thread).
 */
function readConsistent<T>(meta: ConsistentMeta, read: () => T): T {
  const sqlite = getSqlite();
  return sqlite.transaction(() => {
    // From the covering index: the row's own page would walk the package text before the hash.
    const now = preparedStatement(
      "SELECT id, results_sha256 AS sha FROM cycle_results INDEXED BY cycle_results_meta_idx WHERE cycle_id = ? AND kind = ?",
    ).get(meta.cycleId, meta.kind) as { id: number; sha: string } | undefined;
    if (now?.id !== meta.id || now.sha !== meta.resultsSha256) throw new ResultsChangedError();
    return read();
  })();
}

/** What an export knows of the results it reads (a ResultsMeta). */
type ConsistentMeta = Pick<ResultsMeta, "id" | "cycleId" | "kind" | "resultsSha256">;

/**
 * Every unit's full results entry in document order (rank, then package id), in chunks (for
 * exports). The order is read once (unit ids only, from an index), then each chunk by primary key,
 * so no query sorts or skips the large `result` texts. Each chunk is read whole, in its own read
 * transaction checked against `meta` (readConsistent), so the caller may yield to the event loop
 * between chunks (an open better-sqlite3 iterator would keep the connection busy for everyone
 * else); a recompute stored meanwhile ends the export with ResultsChangedError. `only`: just these
 * units (still in document order).
 */
export function* unitResultChunks(meta: ConsistentMeta, size = 250, only?: ReadonlySet<number>): Generator<{ unitId: number; result: UnitResult }[]> {
  const sqlite = getSqlite();
  const all = readConsistent(
    meta,
    () =>
      sqlite
        .prepare("SELECT unit_id FROM unit_results WHERE cycle_result_id = ? ORDER BY position, rank, json_extract(summary, '$.id')")
        .pluck()
        .all(meta.id) as number[],
  );
  const order = only ? all.filter((id) => only.has(id)) : all;
  const one = sqlite.prepare("SELECT result FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?").pluck();
  for (let i = 0; i < order.length; i += size) {
    yield readConsistent(meta, () => {
      const chunk: { unitId: number; result: UnitResult }[] = [];
      for (const unitId of order.slice(i, i + size)) {
        const text = one.get(meta.id, unitId) as string | undefined;
        if (text !== undefined) chunk.push({ unitId, result: JSON.parse(text) as UnitResult });
      }
      return chunk;
    });
  }
}

/**
 * The stored results text of a results row in pieces (frame head, entries joined a chunk at a
 * time, frame tail), for streaming a download without building the whole text; checked against
 * `meta` like unitResultChunks. Joined, the pieces are storedDocument(id, "results").
 */
export function* storedResultsPieces(meta: ConsistentMeta, size = 500): Generator<string> {
  const sqlite = getSqlite();
  const stored = readConsistent(meta, () => ({
    ...storedText(meta.id, "results"),
    count: sqlite.prepare("SELECT COUNT(*) FROM unit_results WHERE cycle_result_id = ?").pluck().get(meta.id) as number,
  }));
  if (stored.layout === "whole") {
    yield stored.text;
    return;
  }
  const range = sqlite.prepare("SELECT result FROM unit_results WHERE cycle_result_id = ? AND position >= ? AND position < ? ORDER BY position").pluck();
  function* entries(): Generator<string> {
    for (let from = 0; from < stored.count; from += size) {
      yield readConsistent(meta, () => (range.all(meta.id, from, from + size) as string[]).join(","));
    }
  }
  // The chunks are already comma-joined inside; resultsTextPieces puts the commas between them.
  yield* resultsTextPieces(stored.text, entries());
}
