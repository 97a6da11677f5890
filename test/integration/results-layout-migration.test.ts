import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsFolder, openSqlite } from "../../db/client";
import { joinFramed, serialisePackage } from "../../app/domain/deterministic-json";
import { scorePackage, type AssessmentPackageInput, type Results } from "../../scoring";
import { pkgWith } from "../scoring/helpers";
import { makeTempDir } from "../helpers/data-dir";

// Migration 0017 retires the results layout `whole` (the whole results document in
// cycle_results.results_json, as stored before migration 0009): an old preliminary row is removed
// (a recompute stores it anew, in pieces), and an old final snapshot is converted once into pieces
// whose join is its published document, byte for byte. Migration 0018 then stores every package per
// unit the same way.

const TAG = "0017_results_layout_cleanup";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

const tree = [
  { id: "a", name: "主动公开", points: 60, rule: { type: "score" } },
  { id: "b", name: "政策解读", points: 40, rule: { type: "deduction", faults: [{ code: "late", label: "超期", points: 5 }] } },
];
/** A small cycle's package (three units, one of them all N/A, two tied) and its results, as the engine computes them. */
function scored(): { pkg: AssessmentPackageInput; results: Results } {
  const pkg = pkgWith(tree, [
    { id: "U1", inputs: { a: { scores: [50] }, b: { deductions: [] } }, name: "单位“甲”\\一" },
    { id: "U2", inputs: { a: { na: true, reason: "无此职能" }, b: { na: true, reason: "无此职能" } } },
    { id: "U3", inputs: { a: { scores: [50] }, b: { deductions: [] } } },
  ]) as unknown as AssessmentPackageInput;
  const r = scorePackage(pkg);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { pkg, results: r.results };
}

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
  /**
   * A results row as the layout stored it: `whole`, the document indented as results were written
   * then, each unit row holding its entry as it stood there (no place yet: rows from before 0009);
   * `split`, the compact frame and entries at their places.
   */
  const addResult = (cycleId: number, kind: string, layout: "whole" | "split", doc = scored(), wholeText = `${JSON.stringify(doc.results, null, 2)}\n`) => {
    const packageText = serialisePackage(doc.pkg).json;
    const resultsText = layout === "whole" ? wholeText : `${JSON.stringify({ ...doc.results, units: [] })}\n`;
    const id = sqlite
      .prepare(
        `INSERT INTO cycle_results (cycle_id, kind, package_json, package_sha256, results_json, results_layout, results_sha256, computed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z') RETURNING id`,
      )
      .pluck()
      .get(cycleId, kind, packageText, sha256(packageText), resultsText, layout, sha256(wholeText)) as number;
    doc.results.units.forEach((u, i) => {
      const entry = layout === "whole" ? JSON.stringify(u, null, 2).replace(/\n/g, "\n    ") : JSON.stringify(u);
      sqlite
        .prepare("INSERT INTO unit_results (cycle_result_id, unit_id, result, total, rank, category_rank, position) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(id, i + 1, entry, u.total.toFixed(2), u.rank, u.categoryRank, layout === "whole" ? null : i);
    });
    return { id, packageText, wholeText };
  };
  /** A results row's documents as the app joins them (results.server.ts storedDocument). */
  const documents = (id: number) => {
    const frames = sqlite.prepare("SELECT package_json AS p, results_json AS r FROM cycle_results WHERE id = ?").get(id) as { p: string; r: string };
    return {
      package: joinFramed(frames.p, sqlite.prepare("SELECT package_entry FROM unit_results WHERE cycle_result_id = ? ORDER BY package_position").pluck().all(id) as string[]),
      results: joinFramed(frames.r, sqlite.prepare("SELECT result FROM unit_results WHERE cycle_result_id = ? ORDER BY position").pluck().all(id) as string[]),
    };
  };
  return { sqlite, addResult, documents };
}

describe("migration 0017: the whole results layout", () => {
  it("removes old preliminary results with their unit rows and keeps results stored in pieces", () => {
    const { sqlite, addResult, documents } = databaseBefore0017();
    addResult(1, "preliminary", "whole");
    const split = addResult(2, "preliminary", "split").id;
    const stored = addResult(2, "final", "split");
    const final = stored.id;
    migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    // 0018: the package stored per unit, its bytes unchanged.
    expect(documents(final).package).toBe(stored.packageText);
    expect(sqlite.prepare("SELECT package_json FROM cycle_results WHERE id = ?").pluck().get(final)).not.toContain("U1");
    expect(sqlite.prepare("SELECT id FROM cycle_results ORDER BY id").pluck().all()).toEqual([split, final]);
    expect(sqlite.prepare("SELECT DISTINCT cycle_result_id FROM unit_results ORDER BY cycle_result_id").pluck().all()).toEqual([split, final]);
    const columns = (sqlite.prepare("PRAGMA table_info(cycle_results)").all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain("results_layout");
    const indexes = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).not.toContain("unit_results_rank_idx");
    expect(indexes).not.toContain("cycle_results_cycle_idx");
    sqlite.close();
  });

  it("converts an old final snapshot once into pieces that join to its published bytes, so its SHA-256 still verifies", () => {
    const { sqlite, addResult, documents } = databaseBefore0017();
    const doc = scored();
    const old = addResult(1, "final", "whole", doc);
    const hashes = sqlite.prepare("SELECT package_sha256 AS p, results_sha256 AS r FROM cycle_results WHERE id = ?").get(old.id);
    migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });

    const joined = documents(old.id);
    expect(joined.results).toBe(old.wholeText);
    expect(joined.package).toBe(old.packageText);
    expect(sqlite.prepare("SELECT package_sha256 AS p, results_sha256 AS r FROM cycle_results WHERE id = ?").get(old.id)).toEqual(hashes);
    expect(hashes).toEqual({ p: sha256(joined.package), r: sha256(joined.results) });
    // Stored once: the frame no longer holds the entries; each unit row holds its own, readable, with its headline figures.
    const frame = sqlite.prepare("SELECT results_json FROM cycle_results WHERE id = ?").pluck().get(old.id) as string;
    expect(frame).not.toContain("U1");
    const rows = sqlite.prepare("SELECT result, summary, position FROM unit_results WHERE cycle_result_id = ? ORDER BY position").all(old.id) as { result: string; summary: string; position: number }[];
    expect(rows.map((r) => JSON.parse(r.result) as unknown)).toEqual(doc.results.units);
    expect(rows.map((r) => (JSON.parse(r.summary) as { rank: number }).rank)).toEqual([1, 1, 3]);
    // Still immutable.
    expect(() => sqlite.prepare("UPDATE cycle_results SET results_json = '' WHERE id = ?").run(old.id)).toThrow("final results are immutable");
    expect(() => sqlite.prepare("UPDATE unit_results SET result = '{}' WHERE cycle_result_id = ?").run(old.id)).toThrow("final results are immutable");
    sqlite.close();
  });

  it("stops, naming why, when an old final snapshot's bytes could not be kept, and changes nothing", () => {
    const { sqlite, addResult } = databaseBefore0017();
    const doc = scored();
    // Not what the platform wrote (four-space indentation): its pieces would not join to these bytes.
    addResult(1, "final", "whole", doc, `${JSON.stringify(doc.results, null, 4)}\n`);
    let failure: unknown = null;
    try {
      migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder() });
    } catch (e) {
      failure = e;
    }
    // drizzle wraps SQLite's error ("CHECK constraint failed: <the constraint's name>") as its cause.
    expect(String((failure as { cause?: unknown } | null)?.cause)).toMatch(/旧格式的定稿结果无法无损转换为分段存储/);
    expect(sqlite.prepare("SELECT count(*) FROM cycle_results").pluck().get()).toBe(1);
    expect(sqlite.prepare("SELECT count(*) FROM unit_results").pluck().get()).toBe(3);
    expect((sqlite.prepare("PRAGMA table_info(cycle_results)").all() as { name: string }[]).map((c) => c.name)).toContain("results_layout");
    sqlite.close();
  });
});
