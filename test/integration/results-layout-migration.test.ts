import fs from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsFolder, openSqlite } from "../../db/client";
import { makeTempDir } from "../helpers/data-dir";

// Migration 0017 retires the results layout `whole` (the whole results document in
// cycle_results.results_json, as stored before migration 0009): an old preliminary row is removed
// (a recompute stores it anew, in pieces), and a database holding an old final snapshot, whose
// published bytes cannot be split, is not migrated at all.

const TAG = "0017_results_layout_cleanup";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A database migrated up to just before 0017. */
function databaseBefore0017() {
  const dir = makeTempDir("zwgk-migration-");
  dirs.push(dir);
  const before = path.join(dir, "migrations");
  fs.cpSync(migrationsFolder(), before, { recursive: true });
  const journalFile = path.join(before, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === TAG);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  const sqlite = openSqlite(path.join(dir, "app.db"));
  migrate(drizzle(sqlite), { migrationsFolder: before });
  // Result rows alone (their cycle and units do not matter to the migration).
  sqlite.pragma("foreign_keys = OFF");
  const addResult = (cycleId: number, kind: string, layout: string) =>
    sqlite
      .prepare(
        `INSERT INTO cycle_results (cycle_id, kind, package_json, package_sha256, results_json, results_layout, results_sha256, computed_at)
         VALUES (?, ?, '{}', 'p', ?, ?, 'r', '2026-01-01T00:00:00.000Z') RETURNING id`,
      )
      .pluck()
      .get(cycleId, kind, layout === "whole" ? '{\n  "units": [\n    {}\n  ]\n}\n' : '{"units":[]}\n', layout) as number;
  const addUnit = (cycleResultId: number, unitId: number) =>
    sqlite
      .prepare("INSERT INTO unit_results (cycle_result_id, unit_id, result, total, rank, category_rank, position) VALUES (?, ?, '{}', '90.00', 1, 1, ?)")
      .run(cycleResultId, unitId, unitId - 1);
  return { sqlite, addResult, addUnit };
}

describe("migration 0017: the whole results layout", () => {
  it("removes old preliminary results with their unit rows and keeps results stored in pieces", () => {
    const { sqlite, addResult, addUnit } = databaseBefore0017();
    const old = addResult(1, "preliminary", "whole");
    addUnit(old, 1);
    const split = addResult(2, "preliminary", "split");
    addUnit(split, 1);
    const final = addResult(2, "final", "split");
    addUnit(final, 1);
    migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    expect(sqlite.prepare("SELECT id FROM cycle_results ORDER BY id").pluck().all()).toEqual([split, final]);
    expect(sqlite.prepare("SELECT cycle_result_id FROM unit_results ORDER BY cycle_result_id").pluck().all()).toEqual([split, final]);
    const columns = (sqlite.prepare("PRAGMA table_info(cycle_results)").all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain("results_layout");
    const indexes = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).not.toContain("unit_results_rank_idx");
    expect(indexes).not.toContain("cycle_results_cycle_idx");
    sqlite.close();
  });

  it("stops, naming why, when an old final snapshot exists, and changes nothing", () => {
    const { sqlite, addResult, addUnit } = databaseBefore0017();
    const old = addResult(1, "preliminary", "whole");
    addUnit(old, 1);
    addResult(1, "final", "whole");
    let failure: unknown = null;
    try {
      migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    } catch (e) {
      failure = e;
    }
    // drizzle wraps SQLite's error ("CHECK constraint failed: <the constraint's name>") as its cause.
    expect(String((failure as { cause?: unknown } | null)?.cause)).toMatch(/定稿结果仍为旧的整份存储格式，不能自动转换/);
    expect(sqlite.prepare("SELECT count(*) FROM cycle_results").pluck().get()).toBe(2);
    expect(sqlite.prepare("SELECT count(*) FROM unit_results").pluck().get()).toBe(1);
    expect((sqlite.prepare("PRAGMA table_info(cycle_results)").all() as { name: string }[]).map((c) => c.name)).toContain("results_layout");
    sqlite.close();
  });
});
