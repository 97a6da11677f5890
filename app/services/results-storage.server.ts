import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { cycleResults, cycles, users } from "../../db/schema";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { outcome, refuse, type BasedOn, type ComputeOutcome, type FinalOutcome, type FinalSnapshot, type PreparedWrite, type Refusal, type UnitRowValues } from "./results-outcome.server";

/**
 * Where results are stored: one `cycle_results` row per kind (the preliminary one updated in
 * place by each recompute; the final one written once, immutable by trigger) holding the frames
 * of the package and of the results, and one `unit_results` row per unit holding its package entry
 * and its results entry (joined into the frames in `package_position` / `position` order they are
 * the hashed documents: results.server.ts storedDocument). The recompute's reads of the stored
 * rows and its short write transactions.
 */

type Reader = Db | Tx;

export function cycleRow(db: Reader, cycleId: number) {
  return db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
}

export function resultRow(db: Reader, cycleId: number, kind: "preliminary" | "final"): BasedOn | undefined {
  return db
    .select({ id: cycleResults.id, revision: cycleResults.revision, headerSha256: cycleResults.headerSha256 })
    .from(cycleResults)
    .where(and(eq(cycleResults.cycleId, cycleId), eq(cycleResults.kind, kind)))
    .get();
}

/** What a recompute's diff compares and ranks a kept unit by: a stored unit row's small columns (from the covering index unit_results_diff_idx). */
export interface StoredUnitRow {
  unitId: number;
  rank: number;
  categoryRank: number;
  position: number | null;
  packagePosition: number | null;
  allNa: boolean | null;
  total: string;
}

export function storedUnits(db: Db, cycleResultId: number): Map<number, StoredUnitRow> {
  const rows = db.$client
    .prepare(
      `SELECT unit_id, rank, category_rank, position, package_position, all_na, total
       FROM unit_results INDEXED BY unit_results_diff_idx WHERE cycle_result_id = ?`,
    )
    .raw()
    .all(cycleResultId) as [number, number, number, number | null, number | null, number | null, string][];
  const out = new Map<number, StoredUnitRow>();
  for (const [unitId, rank, categoryRank, position, packagePosition, allNa, total] of rows) {
    out.set(unitId, { unitId, rank, categoryRank, position, packagePosition, allNa: allNa === null ? null : allNa === 1, total });
  }
  return out;
}

/** The SHA-256 of the inputs each of these units' stored rows was scored from (units built anew: only their rows are read). */
export function storedInputShas(db: Db, cycleResultId: number, unitIds: Iterable<number>): Map<number, string | null> {
  const stmt = db.$client.prepare("SELECT input_sha256 FROM unit_results INDEXED BY unit_results_diff_idx WHERE cycle_result_id = ? AND unit_id = ?").pluck();
  const out = new Map<number, string | null>();
  for (const unitId of unitIds) out.set(unitId, (stmt.get(cycleResultId, unitId) as string | null | undefined) ?? null);
  return out;
}

/** The units marked stale in a cycle since its results were computed (results_stale_units), with the marks' ids. */
export function staleUnits(db: Db, cycleId: number): { ids: number[]; unitIds: Set<number> } {
  const rows = db.$client.prepare("SELECT id, unit_id FROM results_stale_units WHERE cycle_id = ?").raw().all(cycleId) as [number, number][];
  return { ids: rows.map((r) => r[0]), unitIds: new Set(rows.map((r) => r[1])) };
}

const UPSERT_UNIT = `INSERT INTO unit_results (cycle_result_id, unit_id, result, total, rank, category_rank, input_sha256, summary, position, package_entry, package_position, all_na)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (cycle_result_id, unit_id) DO UPDATE SET result = excluded.result, total = excluded.total, rank = excluded.rank,
    category_rank = excluded.category_rank, input_sha256 = excluded.input_sha256, summary = excluded.summary, position = excluded.position,
    package_entry = excluded.package_entry, package_position = excluded.package_position, all_na = excluded.all_na`;

/**
 * A kept unit's row moved: new ranks and places, its texts untouched (the ranks in them are those it
 * was scored with; readers take the columns'). The row's size stays the same, so SQLite overwrites
 * in place the one page holding these columns instead of rewriting the row's overflow pages.
 */
const MOVE_UNIT = `UPDATE unit_results SET rank = ?, category_rank = ?, position = ?, package_position = ? WHERE cycle_result_id = ? AND unit_id = ?`;

/** The revision at which a preliminary results row's unit row was written (unit_results_written). */
const MARK_WRITTEN = `INSERT INTO unit_results_written (cycle_result_id, unit_id, revision) VALUES (?, ?, ?)
  ON CONFLICT (cycle_result_id, unit_id) DO UPDATE SET revision = excluded.revision`;

/** Write the unit rows that changed; a preliminary row's are marked with the revision they were written at. */
function writeUnitRows(db: Db, cycleResultId: number, rows: readonly UnitRowValues[], revision: number | null): void {
  const upsert = db.$client.prepare(UPSERT_UNIT);
  const move = db.$client.prepare(MOVE_UNIT);
  const mark = db.$client.prepare(MARK_WRITTEN);
  for (const r of rows) {
    if (r.kind === "whole") upsert.run(cycleResultId, r.unitId, ...r.values);
    else if (move.run(r.rank, r.categoryRank, r.position, r.packagePosition, cycleResultId, r.unitId).changes !== 1) {
      throw new Error(`no unit_results row of unit ${r.unitId} to move in results row ${cycleResultId}`);
    }
    if (revision !== null) mark.run(cycleResultId, r.unitId, revision);
  }
}

/** The stale marks a recompute took into account; a unit marked again meanwhile has a new mark and stays stale. */
function deleteStaleMarks(db: Db, ids: readonly number[]): void {
  const del = db.$client.prepare("DELETE FROM results_stale_units WHERE id = ?");
  for (const id of ids) del.run(id);
}

function actorUserId(tx: Reader, actor: Actor): number | null {
  if (actor.id === null) return null;
  return tx.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).get()?.id ?? null;
}

/**
 * The short write transaction of a recompute: updates the preliminary row in place, rewrites the
 * unit rows that changed and deletes those of units that left. Refused with nothing written when
 * the cycle moved on, or when another recompute was stored since `p` was prepared (its diff no
 * longer applies).
 */
export function writePrepared(db: Db, cycleId: number, actor: Actor, p: PreparedWrite): ComputeOutcome {
  if (p.unchanged && p.basedOn) {
    // Nothing to store; the stale marks taken into account are settled (bookkeeping, not data: no audit row).
    if (p.staleIds.length > 0) db.$client.transaction(() => deleteStaleMarks(db, p.staleIds))();
    return outcome("preliminary", p.basedOn.id, p, 0, true);
  }
  return mutate(db, (tx): ComputeOutcome => {
    const now = cycleRow(tx, cycleId)!;
    if (!cycleAllows(now.status, "computeResults")) return refuse(409, `考核状态已变为“${CYCLE_STATUS_LABELS[now.status]}”，未保存本次计算结果`);
    const current = resultRow(tx, cycleId, "preliminary");
    const same = current && p.basedOn && current.id === p.basedOn.id && current.revision === p.basedOn.revision;
    // Someone else recomputed meanwhile: our diff no longer applies to the stored rows.
    if (current && !same) return refuse(409, "考核结果刚被他人重新计算，请刷新后查看或再次计算");
    const values = {
      packageJson: p.packageFrame,
      packageSha256: null,
      headerSha256: p.headerSha256,
      resultsJson: p.resultsFrame,
      resultsSha256: null,
      computedBy: actorUserId(tx, actor),
      computedAt: new Date().toISOString(),
    };
    let id: number;
    const revision = current ? current.revision + 1 : 0;
    if (current) {
      id = current.id;
      tx.update(cycleResults).set({ ...values, revision }).where(eq(cycleResults.id, id)).run();
      const del = db.$client.prepare("DELETE FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?");
      const unmark = db.$client.prepare("DELETE FROM unit_results_written WHERE cycle_result_id = ? AND unit_id = ?");
      for (const unitId of p.removed) {
        del.run(id, unitId);
        unmark.run(id, unitId);
      }
    } else {
      id = tx.insert(cycleResults).values({ cycleId, kind: "preliminary", ...values }).returning({ id: cycleResults.id }).get().id;
    }
    writeUnitRows(db, id, p.rows, revision);
    deleteStaleMarks(db, p.staleIds);
    const written = p.rows.length + (current ? p.removed.length : 0);
    writeAudit(tx, actor, {
      action: "results.compute",
      entityType: "cycle",
      entityId: cycleId,
      before: current ? { revision: current.revision } : undefined,
      after: {
        kind: "preliminary",
        revision,
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
 * Store a prepared final snapshot inside the caller's transaction `tx` (the status change) on `db`, audited.
 * A database trigger refuses any later UPDATE or DELETE of it. Refused, with nothing written, when
 * a unit is still incomplete or the cycle already has one.
 */
export function insertFinalSnapshot(db: Db, tx: Tx, cycleId: number, actor: Actor, p: FinalSnapshot, at: string): FinalOutcome | Refusal {
  if (p.incomplete.length > 0) {
    return refuse(409, `仍有${p.incomplete.length}个单位的指标未评估签署（${p.incomplete.slice(0, 5).map((u) => u.name).join("、")}${p.incomplete.length > 5 ? "等" : ""}），不能生成定稿结果`);
  }
  if (resultRow(tx, cycleId, "final")) return refuse(409, "定稿结果已生成，不能更改");
  if (!p.hashes) throw new Error("a final snapshot is hashed when it is prepared");
  const id = tx
    .insert(cycleResults)
    .values({
      cycleId,
      kind: "final",
      packageJson: p.packageFrame,
      packageSha256: p.hashes.packageSha256,
      headerSha256: p.headerSha256,
      resultsJson: p.resultsFrame,
      resultsSha256: p.hashes.resultsSha256,
      computedBy: actorUserId(tx, actor),
      computedAt: at,
    })
    .returning({ id: cycleResults.id })
    .get().id;
  writeUnitRows(db, id, p.rows, null);
  writeAudit(tx, actor, {
    action: "results.finalise",
    entityType: "cycle",
    entityId: cycleId,
    after: { kind: "final", packageSha256: p.hashes.packageSha256, resultsSha256: p.hashes.resultsSha256, units: p.units },
  });
  return { ...outcome("final", id, p, p.rows.length, false), packageSha256: p.hashes.packageSha256, resultsSha256: p.hashes.resultsSha256 };
}
