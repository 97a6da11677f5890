import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { leavesOf, toPackageNodes } from "../../app/domain/indicator-spec";
import { findCycleByYear, listCycleSets, listTransitions } from "../../app/services/cycles.server";
import { loadTree } from "../../app/services/indicator-tree.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, categories, cycles, cycleTransitions, indicatorNodes, submissionAnswers, submissionEvents, submissions, units } from "../../db/schema";
import { scorePackage } from "../../scoring";
import { seedDemo } from "../../seeds/demo/index";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { rowCounts, useTempDataDir } from "../helpers/data-dir";

useTempDataDir();

const db = () => getDb();
const counts = () =>
  rowCounts({ cycles, transitions: cycleTransitions, submissions, answers: submissionAnswers, events: submissionEvents, nodes: indicatorNodes, audit: auditLog });

/** The 2025 cycle as a `zwgk-assessment/1` package, from the seeded answers. */
function package2025() {
  const cycle = findCycleByYear(2025, getDb())!;
  const code = new Map(db().select().from(indicatorNodes).all().map((n) => [n.id, n.code]));
  const rows = db()
    .select({ s: submissions, u: units, c: categories })
    .from(submissions)
    .innerJoin(units, eq(units.id, submissions.unitId))
    .innerJoin(categories, eq(categories.id, units.categoryId))
    .where(eq(submissions.cycleId, cycle.id))
    .all();
  return {
    format: "zwgk-assessment/1",
    title: cycle.title,
    opennessWeightPct: cycle.opennessWeightPct,
    ...cycle.settings,
    calendar: cycle.calendar,
    indicatorSets: listCycleSets(cycle.id, getDb()).map((s) => ({ category: s.categoryName, indicators: toPackageNodes(loadTree(db(), s.id)) })),
    units: rows.map(({ s, u, c }) => ({
      id: u.code,
      name: u.name,
      category: c.name,
      inputs: Object.fromEntries(
        db()
          .select()
          .from(submissionAnswers)
          .where(eq(submissionAnswers.submissionId, s.id))
          .all()
          .map((a) => [code.get(a.nodeId)!, a.input]),
      ),
    })),
  };
}

let afterFirst: ReturnType<typeof counts>;

beforeAll(async () => {
  await seedDemo();
  afterFirst = counts();
  await seedDemo();
});

describe("demo cycles", () => {
  it("seeds a finalised 2025 and a published 2026 cycle from the template, with their steps recorded", () => {
    const y2025 = findCycleByYear(2025, getDb())!;
    const y2026 = findCycleByYear(2026, getDb())!;
    expect(y2025.status).toBe("final");
    expect(y2026.status).toBe("published");
    expect(listTransitions(y2025.id, getDb()).map((t) => `${t.fromLabel}→${t.toLabel}`)).toEqual(["草稿→已发布", "已发布→评审中", "评审中→初步结果", "初步结果→已定稿"]);
    expect(listTransitions(y2026.id, getDb()).map((t) => t.toStatus)).toEqual(["published"]);
    for (const c of [y2025, y2026]) expect(listCycleSets(c.id, getDb()).map((s) => s.categoryName)).toEqual(["街道办事处", "区级部门"]);
    const actions = db().select({ a: auditLog.action }).from(auditLog).all().map((r) => r.a);
    expect(actions.filter((a) => a === "cycle.create")).toHaveLength(2);
    expect(actions.filter((a) => a === "cycle.transition")).toHaveLength(5);
  });

  it("is idempotent: a second run adds nothing", () => {
    expect(counts()).toEqual(afterFirst);
    expect(afterFirst.cycles).toBe(2);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("gives every 2025 unit a submitted self-inspection answering every leaf", () => {
    const y2025 = findCycleByYear(2025, getDb())!;
    const subs = db().select().from(submissions).where(eq(submissions.cycleId, y2025.id)).all();
    expect(subs).toHaveLength(DEMO_UNITS.length);
    for (const s of subs) {
      expect(s.status).toBe("submitted");
      expect(s.submittedAt! <= "2025-11-30T16:00:00.000Z").toBe(true);
      const unit = db().select().from(units).where(eq(units.id, s.unitId)).get()!;
      const set = listCycleSets(y2025.id, getDb()).find((x) => x.categoryId === unit.categoryId)!;
      const leafIds = leavesOf(loadTree(db(), set.id)).map((l) => l.nodeId).sort();
      const answered = db().select().from(submissionAnswers).where(eq(submissionAnswers.submissionId, s.id)).all();
      expect(answered.map((a) => a.nodeId).sort()).toEqual(leafIds);
      expect(answered.every((a) => a.narrative.length > 0)).toBe(true);
      expect(db().select().from(submissionEvents).where(eq(submissionEvents.submissionId, s.id)).all()).toEqual([
        expect.objectContaining({ kind: "submit", fromStatus: "draft", toStatus: "submitted" }),
      ]);
    }
    // The 2026 self-inspections (every state) are checked in demo-self-inspection.test.ts.
  });

  it("has inputs the scoring engine accepts, giving varied, believable results", () => {
    const scored = scorePackage(package2025());
    if (!scored.ok) throw new Error(JSON.stringify(scored.errors.slice(0, 5)));
    const results = scored.results.units;
    expect(results).toHaveLength(DEMO_UNITS.length);
    const totals = results.map((u) => Number(u.total));
    expect(new Set(totals).size).toBeGreaterThanOrEqual(10);
    expect(Math.max(...totals) - Math.min(...totals)).toBeGreaterThan(15);
    expect(Math.min(...totals)).toBeGreaterThan(50);
    expect(new Set(results.map((u) => u.grade)).size).toBeGreaterThanOrEqual(3);
    expect(results.some((u) => Number(u.bonus) > 0)).toBe(true);
    expect(results.every((u) => !u.vetoed)).toBe(true);
    // Some timeliness items were late, some deductions were made: lost points carry their reasons.
    const explains = results.flatMap((u) => Object.values(u.leaves).map((l) => l.explain));
    expect(explains.some((e) => e.includes("超时"))).toBe(true);
    // The departments' own answers name faults (the inspections they come from are the evaluators').
    expect(explains.some((e) => /×\d+，扣/.test(e))).toBe(true);
  });
});
