// The results worker thread's entry (results-worker.server.ts starts it once and keeps it): built on
// its own to build/results-worker.js, so the worker loads the recompute and nothing else of the
// server. It answers one task at a time, in the order they came, on the connection openDb keeps
// open to the task's data directory (a server has one).
import { parentPort } from "node:worker_threads";
import { openDb } from "../../db/client";
import { computeCycleResults, prepareFinalSnapshot } from "./results-compute.server";
import type { WorkerReply, WorkerRequest } from "./results-worker.server";

parentPort!.on("message", (t: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const db = openDb(t.dataDir);
    reply = { id: t.id, ok: true, value: t.task === "compute" ? computeCycleResults(db, t.cycleId, t.actor) : prepareFinalSnapshot(db, t.cycleId) };
  } catch (e) {
    reply = { id: t.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
