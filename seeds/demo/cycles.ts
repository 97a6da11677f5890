import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { categories, submissionAnswers, submissionEvents, submissions, units, users, type CycleStatus } from "../../db/schema";
import { CYCLE_STATUSES } from "../../db/schema/cycles";
import { transitionsFrom } from "../../app/domain/cycle-status";
import { leavesOf } from "../../app/domain/indicator-spec";
import { createCycle, findCycleByYear, cycleOr404, getIndicatorSet, transitionCycle, type CycleActor } from "../../app/services/cycles.server";
import { mutate, writeAudit } from "../../app/utils/audit.server";
import { SEED_ACTOR } from "./accounts";
import { DEMO_UNITS } from "./district";
import { demoNarrative, demoSelfAnswer, rng } from "./self-inspection-inputs";

const SEED_OFFICE: CycleActor = { ...SEED_ACTOR, role: "office" };

/**
 * The demo's cycles: 2025 finished (已定稿, every unit's self-inspection submitted) and 2026
 * published. Each step is recorded at the (Beijing-time) date it would have happened, so the
 * 2025 appeal window is long closed when the seed finalises it.
 */
export const DEMO_CYCLES: { year: number; title: string; status: CycleStatus; steps: Partial<Record<CycleStatus, string>> }[] = [
  {
    year: 2025,
    title: "2025年度政务公开工作绩效考核",
    status: "final",
    steps: { published: "2025-03-03T01:30:00.000Z", evaluating: "2025-12-01T01:30:00.000Z", preliminary: "2026-01-12T01:30:00.000Z", final: "2026-01-26T01:30:00.000Z" },
  },
  { year: 2026, title: "2026年度政务公开工作绩效考核", status: "published", steps: { published: "2026-03-02T01:30:00.000Z" } },
];

/**
 * Work seeded into a demo cycle just before it enters a status, by the modules that own that
 * work — e.g. evaluator entries before 初步结果, decided appeals before 已定稿 (which takes the final
 * snapshot of the results). A hook runs only
 * when the cycle actually makes that step, so a second run of the seed (cycle already past the
 * step) runs nothing. Hooks must write through the services/`mutate` so every row is audited.
 */
export type DemoCycleHook = (db: Db, cycle: { id: number; year: number }) => void;
export type DemoCycleHooks = Partial<Record<CycleStatus, DemoCycleHook[]>>;

/** This module's own hook: every demo unit submits its self-inspection before evaluation starts. */
const BUILT_IN_HOOKS: DemoCycleHooks = {
  evaluating: [(db, cycle) => seedSubmittedSelfInspections(db, cycle.id, cycle.year)],
};

/**
 * Add whatever of the demo cycles is missing (idempotent): each cycle from the default template,
 * moved through the status machine (so the steps are recorded and audited) up to its demo status,
 * running the hooks of each step first (built-in ones, then `hooks` in the order given).
 */
export function seedDemoCycles(db: Db, hooks: DemoCycleHooks = {}): void {
  for (const demo of DEMO_CYCLES) {
    let cycle = findCycleByYear(demo.year, db);
    if (!cycle) {
      cycle = cycleOr404(createCycle(db, SEED_ACTOR, { year: demo.year, title: demo.title, source: "template" }), db);
    }
    advanceTo(db, { id: cycle.id, year: demo.year }, demo, hooks);
  }
}

/** Step forward through the status machine until the cycle reaches `target` (never backwards). */
function advanceTo(db: Db, cycle: { id: number; year: number }, demo: (typeof DEMO_CYCLES)[number], hooks: DemoCycleHooks): void {
  for (;;) {
    const { status } = cycleOr404(cycle.id, db);
    if (CYCLE_STATUSES.indexOf(status) >= CYCLE_STATUSES.indexOf(demo.status)) return;
    const step = transitionsFrom(status)[0];
    if (!step) return;
    for (const hook of [...(BUILT_IN_HOOKS[step.to] ?? []), ...(hooks[step.to] ?? [])]) hook(db, cycle);
    const result = transitionCycle(db, cycle.id, step.to, SEED_OFFICE, "演示数据", { at: demo.steps[step.to] });
    if (!result.ok) throw new Error(`演示考核年度状态变更失败：${result.message}\n${result.errors.join("\n")}`);
  }
}

/** Beijing wall-clock time in `year`, as a UTC ISO string. */
function beijingIso(year: number, month: number, day: number, hour: number, minute: number): string {
  return new Date(Date.UTC(year, month - 1, day, hour - 8, minute)).toISOString();
}

function seedSubmittedSelfInspections(db: Db, cycleId: number, year: number): void {
  mutate(db, (tx) => {
    for (const demoUnit of DEMO_UNITS) {
      const unit = tx.select().from(units).where(eq(units.code, demoUnit.code)).get();
      if (!unit) continue;
      if (tx.select({ id: submissions.id }).from(submissions).where(and(eq(submissions.cycleId, cycleId), eq(submissions.unitId, unit.id))).get()) continue;
      const set = getIndicatorSet(cycleId, unit.categoryId, tx);
      if (!set) continue;
      const category = tx.select().from(categories).where(eq(categories.id, unit.categoryId)).get()!;
      const filler = tx.select().from(users).where(eq(users.unitId, unit.id)).get();
      const r = rng(`${year}:submitted:${unit.code}`);
      const createdAt = beijingIso(year, 10, 8 + Math.floor(r() * 10), 9, Math.floor(r() * 60));
      const submittedAt = beijingIso(year, 11, 10 + Math.floor(r() * 18), 9 + Math.floor(r() * 8), Math.floor(r() * 60));
      const submission = tx
        .insert(submissions)
        .values({ cycleId, unitId: unit.id, status: "submitted", submittedAt, lastActivityAt: submittedAt, createdAt })
        .returning()
        .get();
      const street = category.name.includes("街道");
      const leaves = leavesOf(set.tree);
      for (const leaf of leaves) {
        const input = demoSelfAnswer(unit.code, leaf, year, street);
        tx.insert(submissionAnswers)
          .values({
            submissionId: submission.id,
            nodeId: leaf.nodeId,
            input: input as Record<string, unknown>,
            narrative: demoNarrative(input),
            updatedBy: filler?.id ?? null,
            updatedAt: submittedAt,
          })
          .run();
      }
      tx.insert(submissionEvents)
        .values({ submissionId: submission.id, kind: "submit", fromStatus: "draft", toStatus: "submitted", actorId: filler?.id ?? null, at: submittedAt })
        .run();
      writeAudit(tx, SEED_ACTOR, {
        action: "submission.create",
        entityType: "submission",
        entityId: submission.id,
        after: { ...submission, unit: unit.name, answers: leaves.length },
      });
    }
  });
}
