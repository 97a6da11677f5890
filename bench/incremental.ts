// An incremental recompute as the office meets it: one evaluator changes one entry of one unit, the
// results are recomputed, and that unit's results and every unit's rank are read back. Timed from
// the recompute until both reads have answered (the entry's own save is not part of it). As in the
// server, the recompute runs where the whole-cycle recompute ran before it (the server keeps its one
// results worker: results-worker.server.ts), and the ranking was read before the change, as an open
// ranking page or dashboard has: the read-back after it re-reads only the unit rows the recompute
// wrote (results.server.ts unitSummaries).
import { getDb, getSqlite } from "../db/client";
import { computeCycleResults } from "../app/services/results-compute.server";
import { currentResults, unitResultOf, unitSummaries } from "../app/services/results.server";
import type { Actor } from "../app/utils/audit.server";

export interface IncrementalRun {
  ms: number;
  cpuMs: number;
  rescored: number;
  rowsWritten: number;
}

/** Units changed one after another, by their place in unit order: the middle one first (the figure before this was a median). */
const PLACES = [0.5, 0.1, 0.3, 0.7, 0.9];

/**
 * One change per unit of PLACES, each timed alone: the first (the first recompute of its kind in
 * this process) and the median of all (a kept worker's usual recompute; one run on a shared machine
 * is too noisy to judge by).
 */
export function measureIncremental(cycleId: number, actor: Actor): { first: IncrementalRun; median: IncrementalRun; runs: IncrementalRun[] } {
  const units = getSqlite().prepare("SELECT DISTINCT unit_id FROM evaluator_assignments WHERE cycle_id = ? ORDER BY unit_id").pluck().all(cycleId) as number[];
  const runs = PLACES.map((place) => changeOne(cycleId, actor, units[Math.floor(units.length * place)]));
  const median = runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  return { first: runs[0], median, runs };
}

/** The unit's lead evaluator's first `score` entry lowered to zero; timed from the recompute until the unit's results and every rank are read. */
function changeOne(cycleId: number, actor: Actor, unitId: number): IncrementalRun {
  const sqlite = getSqlite();
  const before = currentResults(getDb(), cycleId)!;
  const ranked = unitSummaries(getDb(), before);
  const totalBefore = ranked.find((s) => s.unitId === unitId)!.total;
  const entry = sqlite
    .prepare(
      `SELECT e.id, e.input FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
       WHERE a.cycle_id = ? AND a.unit_id = ? AND a.lead = 1 AND e.input LIKE '{"scores":%' AND json_extract(e.input, '$.scores[0].value') > 0
       ORDER BY e.id LIMIT 1`,
    )
    .get(cycleId, unitId) as { id: number; input: string };
  const input = JSON.parse(entry.input) as { scores: { value: number }[] };
  input.scores[0].value = 0;
  sqlite.prepare("UPDATE evaluator_entries SET input = ?, updated_at = ? WHERE id = ?").run(JSON.stringify(input), new Date().toISOString(), entry.id);

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = computeCycleResults(getDb(), cycleId, actor);
  if (!out.ok) throw new Error(out.message);
  const meta = currentResults(getDb(), cycleId)!;
  const result = unitResultOf(getDb(), meta.id, unitId);
  const ranks = unitSummaries(getDb(), meta);
  const ms = Math.round(performance.now() - t0);
  const cpu = process.cpuUsage(c0);
  if (!result || ranks.length !== out.units || ranks.length !== ranked.length) throw new Error("incremental results not readable");
  if (!(result.total < totalBefore) || ranks.find((s) => s.unitId === unitId)!.rank !== result.rank) throw new Error("incremental results do not show the change");
  return { ms, cpuMs: Math.round((cpu.user + cpu.system) / 1000), rescored: out.rescored, rowsWritten: out.rowsWritten };
}
