// The work any implementation of a whole-cycle recompute has to do besides the engine, measured on
// the bench's own data: read and parse every evaluator entry, serialise the results document, hash
// the package and the results, and write both into SQLite (a scratch table, dropped afterwards).
// Printed next to the full path so the fullPathRatio goal can be judged against what the formats
// themselves cost on this machine.
import crypto from "node:crypto";
import { getDb, getSqlite } from "../db/client";
import type { Results } from "../scoring";
import { serialiseResults } from "../app/domain/deterministic-json";
import { storedDocument } from "../app/services/results.server";

export interface IoFloor {
  readMs: number;
  serialiseMs: number;
  hashMs: number;
  writeMs: number;
  totalMs: number;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return Math.round(performance.now() - t0);
}

export function measureIoFloor(cycleId: number, cycleResultId: number): IoFloor {
  const sqlite = getSqlite();
  const packageText = storedDocument(getDb(), cycleResultId, "package");
  const results = JSON.parse(storedDocument(getDb(), cycleResultId, "results")) as Results;
  const readMs = timed(() => {
    const inputs = sqlite
      .prepare("SELECT e.input FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id WHERE a.cycle_id = ? AND e.input IS NOT NULL")
      .pluck();
    for (const text of inputs.iterate(cycleId) as Iterable<string>) JSON.parse(text);
  });
  let resultsText = "";
  const serialiseMs = timed(() => {
    resultsText = serialiseResults(results);
  });
  const hashMs = timed(() => {
    crypto.createHash("sha256").update(packageText, "utf8").digest("hex");
    crypto.createHash("sha256").update(resultsText, "utf8").digest("hex");
  });
  sqlite.exec("CREATE TABLE bench_io_floor (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  const writeMs = timed(() => {
    const insert = sqlite.prepare("INSERT INTO bench_io_floor (text) VALUES (?)");
    sqlite.transaction(() => {
      insert.run(packageText);
      for (const u of results.units) insert.run(JSON.stringify(u));
    })();
  });
  sqlite.exec("DROP TABLE bench_io_floor");
  return { readMs, serialiseMs, hashMs, writeMs, totalMs: readMs + serialiseMs + hashMs + writeMs };
}
