import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Db } from "../../db/client";
import type { Actor } from "../utils/audit.server";
import { checkComputable, computeCycleResults, prepareFinalSnapshot } from "./results-compute.server";
import type { ComputeOutcome, FinalSnapshot, Refusal } from "./results-outcome.server";

/**
 * The recompute and the final snapshot in a worker thread with its own SQLite connection, so other
 * users' requests are served meanwhile: the heavy part (building the package from the database,
 * engine, serialising, hashing) and, for a recompute, also the write transaction with its audit row
 * (WAL: the server's readers are never blocked by it; its writers wait for the lock as they would
 * for any other writer).
 *
 * The worker opens its own connection to the same database: the task names the data directory
 * (that of the caller's handle). The worker runs its own small entry (results-worker.entry.server.ts, built by `npm run build` to
 * build/results-worker.js beside the server bundle), not the server bundle. Where this module is
 * TypeScript source (tsx, tests) there is no built entry and the work runs inline.
 */

export type WorkerTask = { dataDir: string } & ({ task: "compute"; cycleId: number; actor: Actor } | { task: "final"; cycleId: number });

/** The data directory of an open database (its file is app.db in it: db/client databaseFile). */
function directoryOf(db: Db): string {
  return path.dirname(db.$client.name);
}

/** The built worker entry beside the server bundle; null when running from source. */
function workerEntry(): URL | null {
  return /\.m?js$/.test(new URL(import.meta.url).pathname) ? new URL("./results-worker.js", import.meta.url) : null;
}

/** A task's answer from a worker thread; null where there is no built worker entry. */
async function runInWorker<T>(task: WorkerTask): Promise<T | null> {
  const entry = workerEntry();
  if (!entry) return null;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(entry, { workerData: task });
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

/** computeCycleResults in a worker thread where the server can. */
export async function computeCycleResultsInWorker(db: Db, cycleId: number, actor: Actor): Promise<ComputeOutcome> {
  const refused = checkComputable(db, cycleId);
  if (refused) return refused;
  return (await runInWorker<ComputeOutcome>({ dataDir: directoryOf(db), task: "compute", cycleId, actor })) ?? computeCycleResults(db, cycleId, actor);
}

/** prepareFinalSnapshot in a worker thread where the server can. */
export async function prepareFinalSnapshotInWorker(db: Db, cycleId: number): Promise<FinalSnapshot | Refusal> {
  return (await runInWorker<FinalSnapshot | Refusal>({ dataDir: directoryOf(db), task: "final", cycleId })) ?? prepareFinalSnapshot(db, cycleId);
}
