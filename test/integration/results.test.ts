import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { scorePackage, type Results } from "../../scoring";
import { serialiseResults } from "../../app/domain/deterministic-json";
import { buildCyclePackage } from "../../app/services/cycle-package.server";
import { transitionCycle } from "../../app/services/cycles.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, resultsHashes, storedDocument, unitResultOf, sha256 } from "../../app/services/results.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, setCycleStatus, unitIdOf, userIdOf } from "../helpers/evaluation-fixtures";
import { addAdjustedAppeal, addArbitration, addFinding, evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

useTempDataDir();

const CODES = DEMO_UNITS.map((u) => u.code);
let cycleId = 0;

beforeAll(() => {
  seedAccounts(getDb());
  cycleId = createCycle(2026, "evaluating").cycleId;
  evaluateUnits(cycleId, CODES);
  addFinding(cycleId, "JD002", "1.2", { kind: "fault", faultCode: "error", count: 3, description: "政策文件附件无法下载" });
  addArbitration(cycleId, "BM002", "1.1", 12, "两位评估员分歧较大，经核实按12分计");
  addAdjustedAppeal(cycleId, "BM003", "2.2", 20, "复核认定解读材料齐全");
});

describe("the assessment package built from the database", () => {
  it("holds, for a unit, the reconciled evaluator entries, findings, arbitration and appeal as the engine's inputs", () => {
    const { pkg, incomplete } = buildCyclePackage(getDb(), cycleId);
    expect(incomplete).toEqual([]);
    expect(pkg.units.map((u) => u.id).sort()).toEqual([...CODES].sort());
    const jd2 = pkg.units.find((u) => u.id === "JD002")!; // index 1
    expect(jd2.inputs["1.1"]).toEqual({ scores: [{ value: 15, by: "评估员 王敏" }, { value: 16, by: "评估员 李强" }] });
    expect(jd2.inputs["1.2"].deductions).toEqual([
      { fault: "late", count: 1 },
      expect.objectContaining({ fault: "error", count: 3, source: expect.stringMatching(/^抽查发现#\d+$/) }),
    ]);
    expect(pkg.units.find((u) => u.id === "BM002")!.inputs["1.1"].override).toEqual({ value: 12, reason: "两位评估员分歧较大，经核实按12分计", by: "arbitration" });
    expect(pkg.units.find((u) => u.id === "BM003")!.inputs["2.2"].override).toMatchObject({ value: 20, by: "appeal" });
  });

  it("stores exactly what the engine computes from that package, with the package's SHA-256", () => {
    const out = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!out.ok) throw new Error(out.message);
    expect(out.units).toBe(CODES.length);
    const meta = currentResults(getDb(), cycleId)!;
    const pkgText = storedDocument(getDb(), meta.id, "package");
    expect(sha256(pkgText)).toBe(resultsHashes(getDb(), meta).packageSha256);
    // By hand: run the engine on the stored package.
    const byHand = scorePackage(JSON.parse(pkgText));
    if (!byHand.ok) throw new Error("package invalid");
    const stored = JSON.parse(storedDocument(getDb(), meta.id, "results")) as Results;
    expect(stored).toEqual(byHand.results);
    expect(sha256(storedDocument(getDb(), meta.id, "results"))).toBe(resultsHashes(getDb(), meta).resultsSha256);
    // JD002 (index 1): 1.1 mean of 15 and 16; 1.2 loses 2 (late×1) + 3 (error×3 from the finding).
    const jd2 = unitResultOf(getDb(), meta.id, unitIdOf("JD002"))!;
    expect(jd2.leaves["1.1"].score).toBe(15.5);
    expect(jd2.leaves["1.2"].score).toBe(15);
    expect(jd2.leaves["1.2"].explain).toContain("抽查发现#");
    expect(unitResultOf(getDb(), meta.id, unitIdOf("BM002"))!.leaves["1.1"].score).toBe(12);
    expect(unitResultOf(getDb(), meta.id, unitIdOf("BM003"))!.leaves["2.2"].score).toBe(20);
  });

  it("recomputes incrementally: one unit's change re-scores that unit only and equals a full engine run", () => {
    const again = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    expect(again.ok && again.unchanged).toBe(true);

    setLeadEntry(cycleId, "JD001", "1.4", { value: 2 });
    const out = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!out.ok) throw new Error(out.message);
    expect(out.rescored).toBe(1);
    expect(out.unchanged).toBe(false);
    const meta = currentResults(getDb(), cycleId)!;
    const full = scorePackage(buildCyclePackage(getDb(), cycleId).pkg);
    if (!full.ok) throw new Error("invalid");
    // Byte-exact: the unchanged units' stored entries and the rewritten ones join in document order.
    expect(storedDocument(getDb(), meta.id, "results")).toBe(serialiseResults(full.results));
    expect(sha256(storedDocument(getDb(), meta.id, "results"))).toBe(resultsHashes(getDb(), meta).resultsSha256);
    expect(unitResultOf(getDb(), meta.id, unitIdOf("JD001"))!.leaves["1.4"].score).toBe(10);
    // Rows in unit_results agree with the published results document.
    for (const r of full.results.units) {
      const row = unitResultOf(getDb(), meta.id, unitIdOf(r.id))!;
      expect([row.total, row.rank, row.categoryRank]).toEqual([r.total, r.rank, r.categoryRank]);
    }
  });
});

const rowsOf = (cycleResultId: number) =>
  getSqlite()
    .prepare("SELECT unit_id AS unitId, result, rank, category_rank AS categoryRank, position FROM unit_results WHERE cycle_result_id = ? ORDER BY position")
    .all(cycleResultId) as { unitId: number; result: string; rank: number; categoryRank: number; position: number | null }[];

// The results document is stored once: its frame in cycle_results and each unit's entry in its
// unit_results row.
describe("stored results layout", () => {
  it("stores the document once: a frame without unit entries, and the entries in the unit rows, in order", () => {
    const out = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
    if (!out.ok) throw new Error(out.message);
    const meta = currentResults(getDb(), cycleId)!;
    const stored = getSqlite().prepare("SELECT results_json AS frame FROM cycle_results WHERE id = ?").get(meta.id) as { frame: string };
    expect(stored.frame).toContain('"units":[]');
    expect(stored.frame).not.toContain(DEMO_UNITS[0].name);
    const doc = JSON.parse(storedDocument(getDb(), meta.id, "results")) as { units: { id: string }[] };
    const rows = rowsOf(meta.id);
    expect(rows.map((r) => r.position)).toEqual(doc.units.map((_, i) => i));
    // Each row's entry, with the ranks of its columns (a unit that only moved keeps the text it was scored with).
    expect(rows.map((r) => Object.assign(JSON.parse(r.result) as object, { rank: r.rank, categoryRank: r.categoryRank }))).toEqual(doc.units);
    expect(sha256(storedDocument(getDb(), meta.id, "results"))).toBe(resultsHashes(getDb(), meta).resultsSha256);
  });
});

describe("the final snapshot", () => {
  it("is stored once, by 结果定稿, and can never change afterwards", () => {
    // 初步结果 published long ago: the appeal window has closed.
    setCycleStatus(cycleId, "preliminary", "2026-01-05T02:00:00.000Z");
    const fin = transitionCycle(getDb(), cycleId, "final", { id: userIdOf("admin"), name: "admin", role: "office" });
    if (!fin.ok || !fin.snapshot) throw new Error(fin.ok ? "no snapshot" : fin.message);
    const meta = currentResults(getDb(), cycleId)!;
    expect(meta.kind).toBe("final");
    const pkgBefore = storedDocument(getDb(), meta.id, "package");
    const resBefore = storedDocument(getDb(), meta.id, "results");

    // Later edits of the inputs do not touch it; recompute and a second snapshot are refused.
    setLeadEntry(cycleId, "JD003", "1.4", { value: 0 });
    expect(computeCycleResults(getDb(), cycleId, SEED_ACTOR)).toMatchObject({ ok: false, status: 409 });
    expect(transitionCycle(getDb(), cycleId, "final", { id: userIdOf("admin"), name: "admin", role: "office" })).toMatchObject({ ok: false, message: "考核已是“已定稿”状态" });
    // Not even SQL can change it.
    const sqlite = getSqlite();
    expect(() => sqlite.prepare("UPDATE cycle_results SET results_json = '{}' WHERE id = ?").run(meta.id)).toThrow(/immutable/);
    expect(() => sqlite.prepare("DELETE FROM cycle_results WHERE id = ?").run(meta.id)).toThrow(/immutable/);
    expect(() => sqlite.prepare("UPDATE unit_results SET total = '100.00' WHERE cycle_result_id = ?").run(meta.id)).toThrow(/immutable/);
    expect(storedDocument(getDb(), meta.id, "package")).toBe(pkgBefore);
    expect(storedDocument(getDb(), meta.id, "results")).toBe(resBefore);
    expect(sha256(pkgBefore)).toBe(fin.snapshot.packageSha256);
  });
});
