// The floor of a whole-cycle recompute in this storage: scan the cycle's evaluator entries and
// JSON-parse each into memory, then write one summary row per unit (a scratch table, dropped
// afterwards) — no engine, no package or results documents. fullPathToScanRatio compares the full
// path with it.
import { getSqlite } from "../db/client";

export function measureScanFloor(cycleId: number): { ms: number; cpuMs: number; units: number } {
  const sqlite = getSqlite();
  sqlite.exec("CREATE TABLE bench_scan_floor (unit_id INTEGER PRIMARY KEY, summary TEXT NOT NULL)");
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const scan = sqlite
      .prepare(
        `SELECT a.unit_id, e.input FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
         WHERE a.cycle_id = ? AND e.input IS NOT NULL`,
      )
      .raw();
    const perUnit = new Map<number, { entries: number; inputs: unknown[] }>();
    for (const [unitId, text] of scan.iterate(cycleId) as Iterable<[number, string]>) {
      let u = perUnit.get(unitId);
      if (!u) perUnit.set(unitId, (u = { entries: 0, inputs: [] }));
      u.inputs.push(JSON.parse(text));
      u.entries++;
    }
    const insert = sqlite.prepare("INSERT INTO bench_scan_floor (unit_id, summary) VALUES (?, ?)");
    sqlite.transaction(() => {
      for (const [unitId, u] of perUnit) insert.run(unitId, JSON.stringify({ unitId, entries: u.entries }));
    })();
    const cpu = process.cpuUsage(c0);
    return { ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), units: perUnit.size };
  } finally {
    sqlite.exec("DROP TABLE bench_scan_floor");
  }
}
