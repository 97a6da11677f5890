// An incremental recompute as the office meets it: one evaluator changes one entry of one unit, the
// results are recomputed, and that unit's results and every unit's rank are read back. Timed from
// the recompute until both reads have answered (the entry's own save is not part of it). The
// server has read the ranking before the change, as an open ranking page or dashboard has: the
// read-back after it re-reads only the unit rows the recompute wrote (results.server.ts unitSummaries).
import { getDb, getSqlite } from "../db/client";
import { computeCycleResults } from "../app/services/results-compute.server";
import { currentResults, unitResultOf, unitSummaries } from "../app/services/results.server";
import type { Actor } from "../app/utils/audit.server";

export function measureIncremental(cycleId: number, actor: Actor): { ms: number; cpuMs: number; rescored: number; rowsWritten: number } {
  const sqlite = getSqlite();
  const before = currentResults(getDb(), cycleId)!;
  const ranked = unitSummaries(getDb(), before).length;
  // The lead evaluator's first `score` entry of the middle unit (in unit order), lowered to zero.
  const units = sqlite.prepare("SELECT DISTINCT unit_id FROM evaluator_assignments WHERE cycle_id = ? ORDER BY unit_id").pluck().all(cycleId) as number[];
  const unitId = units[Math.floor(units.length / 2)];
  const entry = sqlite
    .prepare(
      `SELECT e.id, e.input FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
       WHERE a.cycle_id = ? AND a.unit_id = ? AND a.lead = 1 AND e.input LIKE '{"scores":%' ORDER BY e.id LIMIT 1`,
    )
    .get(cycleId, unitId) as { id: number; input: string };
  const input = JSON.parse(entry.input) as { scores: { value: number }[] };
  if (input.scores[0].value === 0) throw new Error("bench entry already scores 0");
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
  if (!result || ranks.length !== out.units || ranks.length !== ranked) throw new Error("incremental results not readable");
  return { ms, cpuMs: Math.round((cpu.user + cpu.system) / 1000), rescored: out.rescored, rowsWritten: out.rowsWritten };
}
