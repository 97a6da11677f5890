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
 * One worker, started at the first task and kept: it answers the tasks one at a time in the order
 * they came (two recomputes never race), with its code compiled and its connection open from the
 * previous task. The task names the data directory (that of the caller's handle). A worker that
 * fails or exits fails the tasks it held; the next task starts a new one. It does not keep the
 * process alive while idle. The worker runs its own small entry (results-worker.entry.server.ts,
 * built by `npm run build` to build/results-worker.js beside the server bundle), not the server
 * bundle. Where this module is TypeScript source (tsx, tests) there is no built entry and the work
 * runs inline.
 */

export type WorkerTask = { dataDir: string } & ({ task: "compute"; cycleId: number; actor: Actor } | { task: "final"; cycleId: number });
export type WorkerRequest = WorkerTask & { id: number };
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The data directory of an open database (its file is app.db in it: db/client databaseFile). */
function directoryOf(db: Db): string {
  return path.dirname(db.$client.name);
}

/** The built worker entry beside the server bundle; null when running from source. */
function workerEntry(): URL | null {
  return /\.m?js$/.test(new URL(import.meta.url).pathname) ? new URL("./results-worker.js", import.meta.url) : null;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

let running: { worker: Worker; pending: Map<number, Pending> } | null = null;
let nextId = 1;

/** The kept worker, started now if there is none (or the last one failed). */
function theWorker(entry: URL): NonNullable<typeof running> {
  if (running) return running;
  const worker = new Worker(entry);
  const own = { worker, pending: new Map<number, Pending>() };
  const failAll = (error: Error) => {
    if (running === own) running = null;
    for (const p of own.pending.values()) p.reject(error);
    own.pending.clear();
  };
  worker.on("message", (m: WorkerReply) => {
    const p = own.pending.get(m.id);
    own.pending.delete(m.id);
    if (own.pending.size === 0) worker.unref();
    if (!p) return;
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`results worker exited with code ${code}`)));
  worker.unref();
  running = own;
  return own;
}

/** A task's answer from the worker thread; null where there is no built worker entry. */
async function runInWorker<T>(task: WorkerTask): Promise<T | null> {
  const entry = workerEntry();
  if (!entry) return null;
  const { worker, pending } = theWorker(entry);
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    // Kept alive while it holds a task: a caller awaiting the answer is not left behind at exit.
    worker.ref();
    worker.postMessage({ ...task, id } satisfies WorkerRequest);
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
