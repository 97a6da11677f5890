// The results worker thread's entry (results-worker.server.ts starts it): built on its own to
// build/results-worker.js, so a worker loads the recompute and nothing else of the server.
import { parentPort, workerData } from "node:worker_threads";
import { computeCycleResults, prepareFinalSnapshot } from "./results-compute.server";
import type { WorkerTask } from "./results-worker.server";

const t = workerData as WorkerTask;
try {
  parentPort!.postMessage({ ok: true, value: t.task === "compute" ? computeCycleResults(t.cycleId, t.actor) : prepareFinalSnapshot(t.cycleId) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
