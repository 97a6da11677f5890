import { and, asc, eq, gt } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import * as resultsPage from "../../app/routes/results._index";
import { serialisePackage } from "../../app/domain/deterministic-json";
import { buildCyclePackage } from "../../app/services/cycle-package.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, sha256, storedDocument, unitResultOf } from "../../app/services/results.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, cycleResults, cycles, cycleTransitions, unitResults } from "../../db/schema";
import { scorePackage } from "../../scoring";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, setCycleStatus, unitIdOf } from "../helpers/evaluation-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

useTempDataDir();

/**
 * 结果定稿 (初步结果 → 已定稿) through the cycle page: the step itself stores the immutable final
 * snapshot in the same transaction, is refused while units are not evaluated, and a snapshot that
 * cannot be taken leaves the cycle in 初步结果.
 */

const CODES = DEMO_UNITS.map((u) => u.code);
const LATE = CODES.slice(-2);
const LATE_NAMES = DEMO_UNITS.slice(-2).map((u) => u.name);
let cycleId = 0;
let admin = "";

const db = () => getDb();
const post = (form: Record<string, string>, cookie = admin) => run(cyclePage.action, makeRequest(`/cycles/${cycleId}`, { cookie, form }), { cycleId: String(cycleId) });
const finalise = (cookie = admin) => post({ intent: "transition", to: "final", comment: "年度考核结果定稿" }, cookie);
const status = () => db().select().from(cycles).where(eq(cycles.id, cycleId)).get()!.status;
const counts = () => [
  db().select().from(auditLog).all().length,
  db().select().from(cycleTransitions).all().length,
  db().select().from(cycleResults).all().length,
  db().select().from(unitResults).all().length,
];
const finalRow = () => db().select().from(cycleResults).where(and(eq(cycleResults.cycleId, cycleId), eq(cycleResults.kind, "final"))).get();

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
  cycleId = createCycle(2026, "evaluating").cycleId;
  // Every unit but the last two is evaluated and signed off.
  evaluateUnits(cycleId, CODES.slice(0, -2));
  const pre = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!pre.ok) throw new Error(pre.message);
  // 初步结果 published long ago: the appeal window has run out.
  setCycleStatus(cycleId, "preliminary", "2026-01-05T02:00:00.000Z");
});

describe("结果定稿", () => {
  it("is refused while units are not evaluated, naming how many and which; nothing is written", async () => {
    const view = await run(cyclePage.loader, makeRequest(`/cycles/${cycleId}`, { cookie: admin }), { cycleId: String(cycleId) });
    const step = view.data.transitions.find((t: { to: string }) => t.to === "final");
    const pre = step.preconditions.find((p: { id: string }) => p.id === "allUnitsEvaluated");
    expect(pre.label).toBe("所有在用单位均已评估完成（每项指标都有已签署的评估结果）");
    expect(pre.problems).toHaveLength(1);

    const before = counts();
    const res = await finalise();
    expect(res.status).toBe(400);
    expect(res.data.message).toBe("不能结果定稿：未满足“所有在用单位均已评估完成（每项指标都有已签署的评估结果）”");
    expect(res.data.errors).toEqual([`有2个单位尚未评估完成（指标缺少已签署的评估结果）：${LATE_NAMES.map((n) => `${n}（7项指标）`).join("、")}`]);
    expect(status()).toBe("preliminary");
    expect(finalRow()).toBeUndefined();
    expect(counts()).toEqual(before);
  });

  it("is refused for roles other than the office (403), and changes nothing", async () => {
    evaluateUnits(cycleId, LATE);
    const before = counts();
    for (const user of ["leader", "dept-001", "eval-001"]) {
      const res = await finalise(await sessionCookieFor(user));
      expect(res.status).toBe(403);
    }
    expect(status()).toBe("preliminary");
    expect(counts()).toEqual(before);
  });

  it("leaves the cycle in 初步结果 with the engine's message when the snapshot cannot be taken", async () => {
    // An evaluator's ratio with a zero denominator: the package does not validate.
    setLeadEntry(cycleId, LATE[0], "1.3", { numerator: 5, denominator: 0 });
    const before = counts();
    const res = await finalise();
    expect(res.status).toBe(400);
    expect(res.data.message).toBe("不能结果定稿：定稿结果未能生成，考核仍为“初步结果”。数据包校验未通过");
    expect(res.data.errors.join("\n")).toMatch(/1\.3.*分母/);
    expect(status()).toBe("preliminary");
    expect(finalRow()).toBeUndefined();
    expect(counts()).toEqual(before);
    setLeadEntry(cycleId, LATE[0], "1.3", { numerator: 95, denominator: 100 });
  });

  it("stores the final snapshot — package, results, hashes, every unit — with the status change, its record and audit, in one transaction", async () => {
    const lastAudit = db().select().from(auditLog).orderBy(asc(auditLog.id)).all().at(-1)!.id;
    const res = await finalise();
    expect(res.status).toBe(200);
    const fin = finalRow()!;
    expect(res.data.message).toBe(`考核已变更为“已定稿”。已生成定稿结果（${CODES.length}个单位，评估数据包 SHA-256：${fin.packageSha256}）。`);
    expect(status()).toBe("final");

    // The package is the database's data at this moment; the results are the engine's on it.
    const pkgText = storedDocument(getDb(), fin.id, "package");
    const resText = storedDocument(getDb(), fin.id, "results");
    expect(sha256(pkgText)).toBe(fin.packageSha256);
    expect(sha256(resText)).toBe(fin.resultsSha256);
    expect(serialisePackage(buildCyclePackage(db(), cycleId).pkg).json).toBe(pkgText);
    const byHand = scorePackage(JSON.parse(pkgText));
    if (!byHand.ok) throw new Error("invalid package");
    expect(JSON.parse(resText)).toEqual(byHand.results);
    expect(byHand.results.units.map((u) => u.id).sort()).toEqual([...CODES].sort());
    expect(db().select().from(unitResults).where(eq(unitResults.cycleResultId, fin.id)).all()).toHaveLength(CODES.length);
    // The late unit's corrected ratio is in it.
    expect(unitResultOf(getDb(), fin.id, unitIdOf(LATE[0]))!.leaves["1.3"].score).toBeGreaterThan(0);

    // The step's record and the audit rows of the one transaction: snapshot, then the step.
    const step = db().select().from(cycleTransitions).where(and(eq(cycleTransitions.cycleId, cycleId), eq(cycleTransitions.toStatus, "final"))).get()!;
    expect(step).toMatchObject({ fromStatus: "preliminary", comment: "年度考核结果定稿" });
    expect(fin.computedAt).toBe(step.at);
    const rows = db().select().from(auditLog).where(gt(auditLog.id, lastAudit)).orderBy(asc(auditLog.id)).all();
    expect(rows.map((r) => r.action)).toEqual(["results.finalise", "cycle.transition"]);
    expect(JSON.parse(rows[1].after!)).toMatchObject({
      status: "final",
      finalSnapshot: { packageSha256: fin.packageSha256, resultsSha256: fin.resultsSha256, units: CODES.length },
    });
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);

    // The ranking page shows the final snapshot and offers no separate snapshot button any more.
    const ranking = await run(resultsPage.loader, makeRequest(`/results?cycle=2026`, { cookie: admin }));
    expect(ranking.data.meta).toMatchObject({ kind: "final", packageSha256: fin.packageSha256 });
    expect(ranking.data.notEvaluated).toBe(0);
    expect("canFinalise" in ranking.data).toBe(false);
    const old = await run(resultsPage.action, makeRequest("/results", { cookie: admin, form: { intent: "finalise", year: "2026" } }));
    expect(old.status).toBe(400);
  });

  it("never changes afterwards: later edits, recomputes and a second 定稿 leave it byte-identical", async () => {
    const fin = finalRow()!;
    const pkgBefore = storedDocument(getDb(), fin.id, "package");
    const resBefore = storedDocument(getDb(), fin.id, "results");
    const rowsBefore = db().select().from(unitResults).where(eq(unitResults.cycleResultId, fin.id)).all();

    setLeadEntry(cycleId, CODES[0], "1.4", { value: 0 });
    expect(computeCycleResults(getDb(), cycleId, SEED_ACTOR)).toMatchObject({ ok: false, status: 409 });
    const recompute = await run(resultsPage.action, makeRequest("/results", { cookie: admin, form: { intent: "compute", year: "2026" } }));
    expect(recompute.status).toBe(409);
    expect((await finalise()).data.message).toBe("考核已是“已定稿”状态");
    expect(() => getSqlite().prepare("UPDATE cycle_results SET results_json = '{}' WHERE id = ?").run(fin.id)).toThrow(/immutable/);
    expect(() => getSqlite().prepare("DELETE FROM unit_results WHERE cycle_result_id = ?").run(fin.id)).toThrow(/immutable/);

    expect(db().select().from(cycleResults).where(and(eq(cycleResults.cycleId, cycleId), eq(cycleResults.kind, "final"))).all()).toHaveLength(1);
    expect(storedDocument(getDb(), fin.id, "package")).toBe(pkgBefore);
    expect(storedDocument(getDb(), fin.id, "results")).toBe(resBefore);
    expect(db().select().from(unitResults).where(eq(unitResults.cycleResultId, fin.id)).all()).toEqual(rowsBefore);
    expect(currentResults(getDb(), cycleId)).toMatchObject({ id: fin.id, kind: "final", packageSha256: fin.packageSha256, resultsSha256: fin.resultsSha256 });
  });
});
