// The results worker thread's entry (results-worker.server.ts starts it): built on its own to
// build/results-worker.js, so a worker loads the recompute and nothing else of the server.
import { parentPort, workerData } from "node:worker_threads";
import { openDb } from "../../db/client";
import { computeCycleResults, prepareFinalSnapshot } from "./results-compute.server";
import type { WorkerTask } from "./results-worker.server";

const t = workerData as WorkerTask;
try {
  const db = openDb(t.dataDir);
  parentPort!.postMessage({ ok: true, value: t.task === "compute" ? computeCycleResults(db, t.cycleId, t.actor) : prepareFinalSnapshot(db, t.cycleId) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
