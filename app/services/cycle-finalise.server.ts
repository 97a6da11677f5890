import { max } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { TransitionResult } from "./cycles.server";
import { prepareFinalSnapshot } from "./results-compute.server";
import type { ComputeOutcome, FinalSnapshot } from "./results-outcome.server";
import { prepareFinalSnapshotInWorker } from "./results-worker.server";

/**
 * 结果定稿 (初步结果 → 已定稿) takes the immutable final snapshot (定稿结果: the package built from
 * the database, its results and both SHA-256) in the same transaction as the status change, its
 * cycle_transitions row and the audit rows — a cycle is never 已定稿 without its snapshot, and a
 * failed snapshot leaves the cycle in 初步结果.
 *
 * The heavy part (package, engine, serialising, hashing) is prepared before that transaction — in
 * a worker thread in the web app — so other users' requests are served meanwhile. Every change to
 * the data writes an audit row in its own transaction (app/utils/audit.server.ts), so an audit row
 * newer than the last one seen before preparing means the data may have changed since: the step
 * is then not made, the snapshot is prepared once more, and if the data keeps changing the step is
 * refused with nothing written.
 */

export interface PreparedFinal {
  snapshot: FinalSnapshot;
  /** The newest audit row id when the preparation started. */
  auditMark: number;
}

/** What the step's transaction answers: its result, or "stale" when the data changed meanwhile. */
export type ApplyFinal = (prepared: PreparedFinal) => TransitionResult | "stale";

const ATTEMPTS = 2;

export function auditMark(db: Db | Tx): number {
  return db.select({ id: max(auditLog.id) }).from(auditLog).get()?.id ?? 0;
}

/** A refused snapshot as the step's refusal (in Chinese, with the engine's messages). */
export function snapshotRefused(label: string, out: Extract<ComputeOutcome, { ok: false }>): TransitionResult {
  return {
    ok: false,
    message: `不能${label}：定稿结果未能生成，考核仍为“初步结果”。${out.message}`,
    errors: out.errors.slice(0, 20).map((e) => `${e.path}：${e.message}`),
  };
}

function stale(label: string): TransitionResult {
  return { ok: false, message: `不能${label}：定稿过程中考核数据仍在变化，考核仍为“初步结果”，请稍后重试`, errors: [] };
}

/** Prepare the snapshot on this thread and make the step (CLI, seeds, tests). */
export function finaliseWithSnapshot(db: Db, cycleId: number, label: string, apply: ApplyFinal): TransitionResult {
  for (let i = 0; i < ATTEMPTS; i++) {
    const mark = auditMark(db);
    const snapshot = prepareFinalSnapshot(db, cycleId);
    if ("ok" in snapshot) return snapshotRefused(label, snapshot);
    const result = apply({ snapshot, auditMark: mark });
    if (result !== "stale") return result;
  }
  return stale(label);
}

/** The same with the snapshot prepared in a worker thread (the web app). */
export async function finaliseWithSnapshotInWorker(db: Db, cycleId: number, label: string, apply: ApplyFinal): Promise<TransitionResult> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const mark = auditMark(db);
    const snapshot = await prepareFinalSnapshotInWorker(db, cycleId);
    if ("ok" in snapshot) return snapshotRefused(label, snapshot);
    const result = apply({ snapshot, auditMark: mark });
    if (result !== "stale") return result;
  }
  return stale(label);
}
