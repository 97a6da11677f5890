import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { scorePackage } from "../../scoring";
import { serialisePackage, serialiseResults } from "../../app/domain/deterministic-json";
import { unitSummary } from "../../app/domain/results-view";
import { buildCyclePackage } from "../../app/services/cycle-package.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, resultsHashes, sha256, storedDocument, unitResultOf, unitSummaries } from "../../app/services/results.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, unitIdOf } from "../helpers/evaluation-fixtures";
import { addAdjustedAppeal, addArbitration, addFinding, evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

// A recompute builds from the database only the units whose inputs changed since the stored
// results (marked by database triggers) and takes every other unit's package entry and result
// from its stored row. Whatever changed, the stored package and results must be byte-identical to
// building and scoring the whole package afresh.

useTempDataDir();

const CODES = DEMO_UNITS.map((u) => u.code);
let cycleId = 0;

/** Recompute; the stored documents equal a whole build scored from scratch. Returns how many units the engine scored. */
function recomputeMatchesWholeBuild(): { rescored: number; units: number } {
  const out = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!out.ok) throw new Error(out.message);
  const meta = currentResults(getDb(), cycleId)!;
  const build = buildCyclePackage(getDb(), cycleId);
  const scored = scorePackage(build.pkg);
  if (!scored.ok) throw new Error("invalid package");
  expect(storedDocument(getDb(), meta.id, "package")).toBe(serialisePackage(build.pkg).json);
  expect(storedDocument(getDb(), meta.id, "results")).toBe(serialiseResults(scored.results));
  const hashed = resultsHashes(getDb(), meta);
  expect(sha256(storedDocument(getDb(), meta.id, "package"))).toBe(hashed.packageSha256);
  expect(sha256(storedDocument(getDb(), meta.id, "results"))).toBe(hashed.resultsSha256);
  expect(out.incomplete.map((u) => u.code)).toEqual(build.incomplete.map((u) => u.code));
  // What the ranking pages and score cards read: every unit's headline figures (held from the
  // previous call, only the rows this recompute wrote read again) and each unit's own entry.
  expect(unitSummaries(getDb(), meta).map(({ unitId: _, ...s }) => s)).toEqual(scored.results.units.map(unitSummary));
  for (const u of scored.results.units) expect(unitResultOf(getDb(), meta.id, unitIdOf(u.id))).toEqual(u);
  return { rescored: out.rescored, units: out.units };
}

const staleCount = () => getSqlite().prepare("SELECT count(*) FROM results_stale_units WHERE cycle_id = ?").pluck().get(cycleId) as number;

beforeAll(() => {
  seedAccounts(getDb());
  cycleId = createCycle(2026, "evaluating").cycleId;
  evaluateUnits(cycleId, CODES);
  recomputeMatchesWholeBuild();
});

describe("an incremental recompute", () => {
  it("scores only the unit whose evaluator entry changed, and settles its stale mark", () => {
    setLeadEntry(cycleId, "JD001", "1.4", { value: 2 });
    expect(staleCount()).toBe(1);
    expect(recomputeMatchesWholeBuild()).toEqual({ rescored: 1, units: CODES.length });
    expect(staleCount()).toBe(0);
    expect(recomputeMatchesWholeBuild().rescored).toBe(0);
  });

  it("follows findings, arbitrations and adjusted appeals", () => {
    addFinding(cycleId, "JD002", "1.2", { kind: "fault", faultCode: "error", count: 2, description: "附件无法下载" });
    expect(recomputeMatchesWholeBuild().rescored).toBe(1);
    addArbitration(cycleId, "BM002", "1.1", 12, "经核实按12分计");
    expect(recomputeMatchesWholeBuild().rescored).toBe(1);
    addAdjustedAppeal(cycleId, "BM003", "2.2", 20, "复核认定解读材料齐全");
    expect(recomputeMatchesWholeBuild().rescored).toBe(1);
  });

  it("follows a unit's new name and an evaluator's new name", () => {
    getSqlite().prepare("UPDATE units SET name = name || '（更名）' WHERE code = ?").run(CODES[0]);
    expect(recomputeMatchesWholeBuild().rescored).toBe(1);
    const evaluator = getSqlite().prepare("SELECT evaluator_id FROM evaluator_assignments WHERE cycle_id = ? AND unit_id = ? AND lead = 0").pluck().get(cycleId, unitIdOf(CODES[1])) as number;
    const units = getSqlite().prepare("SELECT count(*) FROM evaluator_assignments WHERE cycle_id = ? AND evaluator_id = ?").pluck().get(cycleId, evaluator) as number;
    getSqlite().prepare("UPDATE users SET display_name = display_name || '（新）' WHERE id = ?").run(evaluator);
    expect(recomputeMatchesWholeBuild().rescored).toBe(units);
  });

  it("drops a unit that becomes incomplete or inactive, and takes it back when it is complete and active again", () => {
    const code = CODES[2];
    const sqlite = getSqlite();
    const entries = sqlite
      .prepare(
        `SELECT e.* FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
         WHERE a.cycle_id = ? AND a.unit_id = ? AND e.node_id = (SELECT MIN(node_id) FROM evaluator_entries WHERE assignment_id = a.id)`,
      )
      .all(cycleId, unitIdOf(code)) as Record<string, unknown>[];
    sqlite.prepare("DELETE FROM evaluator_entries WHERE id IN (SELECT value FROM json_each(?))").run(JSON.stringify(entries.map((e) => e.id)));
    expect(recomputeMatchesWholeBuild().units).toBe(CODES.length - 1);
    for (const e of entries) {
      const cols = Object.keys(e);
      sqlite.prepare(`INSERT INTO evaluator_entries (${cols.join(",")}) VALUES (${cols.map((c) => `@${c}`).join(",")})`).run(e);
    }
    expect(recomputeMatchesWholeBuild()).toEqual({ rescored: 1, units: CODES.length });

    sqlite.prepare("UPDATE units SET active = 0 WHERE code = ?").run(code);
    expect(recomputeMatchesWholeBuild().units).toBe(CODES.length - 1);
    // Marked already (renamed), then taken back by an upsert, as an import does: the outer
    // statement's conflict clause does not trip over the existing mark.
    sqlite.prepare("UPDATE units SET name = name || '（复）' WHERE code = ?").run(code);
    sqlite
      .prepare("INSERT INTO units (code, name, category_id, sort_order, created_at, updated_at) SELECT code, name, category_id, sort_order, created_at, updated_at FROM units WHERE code = ? ON CONFLICT (code) DO UPDATE SET active = 1")
      .run(code);
    expect(staleCount()).toBe(1);
    expect(recomputeMatchesWholeBuild()).toEqual({ rescored: 1, units: CODES.length });
  });

  it("moves the other units' ranks when one unit's entry lifts it past them, in their stored rows too", () => {
    const before = unitSummaries(getDb(), currentResults(getDb(), cycleId)!);
    const last = before.at(-1)!;
    const lastCode = last.id;
    // The last unit's lead evaluator now gives full marks on 1.1 and 2.2 and no deductions: it overtakes others.
    setLeadEntry(cycleId, lastCode, "1.1", { scores: [{ value: 20 }] });
    setLeadEntry(cycleId, lastCode, "1.2", { deductions: [] });
    setLeadEntry(cycleId, lastCode, "2.2", { scores: [{ value: 20 }] });
    const out = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    expect(out).toMatchObject({ ok: true, rescored: 1 });
    const meta = currentResults(getDb(), cycleId)!;
    const after = new Map(unitSummaries(getDb(), meta).map((s) => [s.id, s]));
    expect(after.get(lastCode)!.rank).toBeLessThan(last.rank);
    const overtaken = before.filter((s) => s.id !== lastCode && after.get(s.id)!.rank !== s.rank);
    expect(overtaken.length).toBeGreaterThan(0);
    // Each overtaken unit's own entry (what its score card and exports read) carries its new rank.
    for (const s of overtaken) expect(unitResultOf(getDb(), meta.id, s.unitId)!.rank).toBe(after.get(s.id)!.rank);
    expect(out.ok && out.rowsWritten).toBeGreaterThan(1);
    recomputeMatchesWholeBuild();
  });

  it("ranks a tie made by one unit's change as 1, 2, 2, 4 does: both share the rank, the next skips it", () => {
    const [a, b] = ["JD004", "JD005"];
    // b's evaluators now enter exactly what a's did, leaf by leaf.
    getSqlite()
      .prepare(
        `UPDATE evaluator_entries SET input = (
           SELECT e2.input FROM evaluator_entries e2 JOIN evaluator_assignments a2 ON a2.id = e2.assignment_id
           WHERE a2.cycle_id = ? AND a2.unit_id = ? AND e2.node_id = evaluator_entries.node_id
             AND a2.lead = (SELECT lead FROM evaluator_assignments WHERE id = evaluator_entries.assignment_id))
         WHERE assignment_id IN (SELECT id FROM evaluator_assignments WHERE cycle_id = ? AND unit_id = ?)`,
      )
      .run(cycleId, unitIdOf(a), cycleId, unitIdOf(b));
    expect(recomputeMatchesWholeBuild().rescored).toBe(1);
    const ranking = unitSummaries(getDb(), currentResults(getDb(), cycleId)!);
    const ra = ranking.find((s) => s.id === a)!;
    const rb = ranking.find((s) => s.id === b)!;
    expect(rb.total).toBe(ra.total);
    expect([rb.rank, rb.categoryRank]).toEqual([ra.rank, ra.categoryRank]);
    const tied = ranking.filter((s) => s.total === ra.total).length;
    const next = ranking.find((s) => s.total < ra.total);
    if (next) expect(next.rank).toBe(ra.rank + tied);
    const nextInCategory = ranking.find((s) => s.category === ra.category && s.total < ra.total);
    if (nextInCategory) expect(nextInCategory.categoryRank).toBe(ra.categoryRank + ranking.filter((s) => s.category === ra.category && s.total === ra.total).length);
  });

  it("hashes the documents only when first asked for, once per recompute", () => {
    setLeadEntry(cycleId, "JD003", "1.4", { value: 0 });
    expect(computeCycleResults(getDb(), cycleId, SEED_ACTOR)).toMatchObject({ ok: true, unchanged: false, packageSha256: null, resultsSha256: null });
    const meta = currentResults(getDb(), cycleId)!;
    expect([meta.packageSha256, meta.resultsSha256]).toEqual([null, null]);
    const hashed = resultsHashes(getDb(), meta);
    expect(currentResults(getDb(), cycleId)).toMatchObject({ revision: meta.revision, packageSha256: hashed.packageSha256, resultsSha256: hashed.resultsSha256 });
    setLeadEntry(cycleId, "JD003", "1.4", { value: 1 });
    expect(computeCycleResults(getDb(), cycleId, SEED_ACTOR)).toMatchObject({ ok: true, unchanged: false });
    expect(currentResults(getDb(), cycleId)).toMatchObject({ revision: meta.revision + 1, packageSha256: null, resultsSha256: null });
  });

  it("scores every unit again when the package header changed (here: an indicator's name)", () => {
    getSqlite()
      .prepare("UPDATE indicator_nodes SET name = name || '（修订）' WHERE id = (SELECT MIN(n.id) FROM indicator_nodes n JOIN indicator_sets s ON s.id = n.set_id WHERE s.cycle_id = ?)")
      .run(cycleId);
    expect(recomputeMatchesWholeBuild()).toEqual({ rescored: CODES.length, units: CODES.length });
  });

  it("keeps a change made after the stale marks were read for the next recompute", () => {
    setLeadEntry(cycleId, "JD001", "1.4", { value: 1 });
    const marked = staleCount();
    // A mark touched again gets a new id: deleting the ids a recompute read leaves the new mark.
    const before = getSqlite().prepare("SELECT id FROM results_stale_units WHERE cycle_id = ?").pluck().all(cycleId);
    setLeadEntry(cycleId, "JD001", "1.4", { value: 2 });
    const after = getSqlite().prepare("SELECT id FROM results_stale_units WHERE cycle_id = ?").pluck().all(cycleId);
    expect(marked).toBe(1);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });
});
