import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as boardPage from "../../app/routes/evaluation._index";
import * as batchPage from "../../app/routes/spotchecks.$batchId";
import * as leafPage from "../../app/routes/review.$unitId.$nodeId";
import { listDivergences } from "../../app/services/arbitration.server";
import { appealWindow, cycleByYear } from "../../app/services/evaluation-context.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { getDb, getSqlite } from "../../db/client";
import {
  appeals,
  arbitrations,
  assignmentDraws,
  cycleResults,
  evaluatorAssignments,
  evaluatorEntries,
  evidenceFiles,
  findings,
  rectifications,
  spotCheckBatches,
  submissions,
  units,
  users,
} from "../../db/schema";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { leafOwnerId, loadUnitContext } from "../../app/services/self-inspection-context.server";
import { DEMO_CYCLES } from "../../seeds/demo/cycles";
import { ASSIGN_SEED_2026, DIVERGENT_2026, SPOTCHECK_SEED_2026 } from "../../seeds/demo/evaluation";
import { seedDemo } from "../../seeds/demo/index";
import { leafNodeId } from "../helpers/cycle-fixtures";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

useTempDataDir();

const db = () => getDb();
const cycle = (year: number) => cycleByYear(db(), year)!;
const counts = () =>
  [evaluatorAssignments, evaluatorEntries, assignmentDraws, spotCheckBatches, findings, rectifications, appeals].map((t) => db().select().from(t).all().length);

beforeAll(async () => {
  await seedDemo();
}, 120_000);

describe("demo evaluation data", () => {
  it("2026: seeded assignments (seed shown), some units signed off, one divergence awaiting arbitration", async () => {
    const c = cycle(2026);
    expect(c.status).toBe("published");
    const page = await run(boardPage.loader, makeRequest("/evaluation?cycle=2026", { cookie: await sessionCookieFor("admin") }));
    expect(page.data.board.draws).toEqual([expect.objectContaining({ seed: ASSIGN_SEED_2026, perUnit: 2, reproducible: true })]);
    const rows = db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, c.id)).all();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.some((r) => r.signedOffAt !== null)).toBe(true);
    expect(rows.some((r) => r.signedOffAt === null)).toBe(true);
    const bm001 = db().select().from(units).where(eq(units.code, "BM001")).get()!;
    const eval004 = db().select().from(users).where(eq(users.username, "eval-004")).get()!;
    expect(rows.filter((r) => r.unitId === bm001.id && r.evaluatorId === eval004.id)).toEqual([]);
    const open = listDivergences(db(), c.id).filter((d) => d.arbitration === null);
    expect(open).toHaveLength(1);
    expect(open[0].unitCode).toBe(DIVERGENT_2026.unitCode);
  });

  it("2026: a spot-check batch with findings and a pending rectification", async () => {
    const c = cycle(2026);
    const batch = db().select().from(spotCheckBatches).where(eq(spotCheckBatches.cycleId, c.id)).get()!;
    expect(batch.seed).toBe(SPOTCHECK_SEED_2026);
    const page = await run(batchPage.loader, makeRequest(`/spotchecks/${batch.id}`, { cookie: await sessionCookieFor("admin") }), { batchId: String(batch.id) });
    expect(page.data.check.reproducible).toBe(true);
    const fs = page.data.units.flatMap((u: { findings: unknown[] }) => u.findings);
    expect(fs.length).toBeGreaterThan(0);
    expect(fs.some((f: { rectification: { status: string } | null }) => f.rectification?.status === "pending")).toBe(true);
  });

  it("2025: everything resolved and final — all signed off, divergences arbitrated, rectifications passed, appeals decided, window closed, final results", () => {
    const c = cycle(2025);
    expect(c.status).toBe("final");
    const rows = db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, c.id)).all();
    expect(rows.length).toBe(28);
    expect(rows.every((r) => r.signedOffAt !== null)).toBe(true);
    expect(listDivergences(db(), c.id).every((d) => d.arbitration !== null)).toBe(true);
    const rects = db().select({ status: rectifications.status }).from(rectifications).innerJoin(findings, eq(findings.id, rectifications.findingId)).where(eq(findings.cycleId, c.id)).all();
    expect(rects.length).toBeGreaterThan(0);
    expect(rects.every((r) => r.status === "passed")).toBe(true);
    const ap = db().select().from(appeals).where(eq(appeals.cycleId, c.id)).all();
    expect(ap.map((a) => a.status).sort()).toEqual(["adjusted", "upheld"]);
    expect(appealWindow(db(), c).open).toBe(false);
    expect(db().select().from(spotCheckBatches).where(and(eq(spotCheckBatches.cycleId, c.id), eq(spotCheckBatches.published, true))).all()).toHaveLength(1);
    expect(db().select().from(cycleResults).where(and(eq(cycleResults.cycleId, c.id), eq(cycleResults.kind, "final"))).all()).toHaveLength(1);
  });

  it("2026: an evaluator saving 6.2 (timeliness) exactly as prefilled from the self-assessment is not asked for a reason", async () => {
    const c = cycle(2026);
    const open = db()
      .select({ unitId: evaluatorAssignments.unitId, code: units.code, username: users.username })
      .from(evaluatorAssignments)
      .innerJoin(units, eq(units.id, evaluatorAssignments.unitId))
      .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
      .where(and(eq(evaluatorAssignments.cycleId, c.id), isNull(evaluatorAssignments.signedOffAt)))
      .all();
    let saved = 0;
    for (const a of open) {
      const nodeId = String(leafNodeId(c.id, a.code, "6.2"));
      const params = { unitId: String(a.unitId), nodeId };
      const cookie = await sessionCookieFor(a.username);
      const page = await run(leafPage.loader, makeRequest(`/review/${a.unitId}/${nodeId}`, { cookie }), params);
      if (page.status !== 200 || page.data.readOnly || page.data.entry !== null || page.data.form.events.length === 0) continue;
      // Save the form as the page shows it: the department's events, untouched.
      const form = new FormData();
      for (const [k, v] of Object.entries(page.data.form.values as Record<string, string>)) form.append(k, v);
      for (const e of page.data.form.events as { claim: string; label: string; start: string; end: string }[]) {
        form.append("eventClaim", e.claim);
        form.append("eventLabel", e.label);
        form.append("eventStart", e.start);
        form.append("eventEnd", e.end);
      }
      form.append("version", String(page.data.version ?? ""));
      const res = await run(leafPage.action, makeRequest(`/review/${a.unitId}/${nodeId}`, { cookie, form }), params);
      expect(res.data.fieldErrors, a.code).toEqual({});
      expect(res.status, a.code).toBe(200);
      const after = await run(leafPage.loader, makeRequest(`/review/${a.unitId}/${nodeId}`, { cookie }), params);
      expect(after.data.entry, a.code).toMatchObject({ summary: page.data.self.summary, corrections: null, reason: "" });
      saved++;
    }
    expect(saved).toBeGreaterThan(0);
  });

  it("2025 is consistent with itself: submitted with the required evidence, evaluated and decided before 初步结果/定稿", () => {
    const c = cycle(2025);
    const steps = DEMO_CYCLES.find((d) => d.year === 2025)!.steps;
    const subs = db().select().from(submissions).where(eq(submissions.cycleId, c.id)).all();
    expect(subs).toHaveLength(14);
    for (const s of subs) {
      expect(s.status).toBe("submitted");
      const ctx = loadUnitContext(db(), c, s.unitId);
      for (const leaf of ctx.leaves.filter((l) => l.evidenceRequired)) {
        const files = db()
          .select()
          .from(evidenceFiles)
          .where(and(eq(evidenceFiles.ownerType, "submission_leaf"), eq(evidenceFiles.ownerId, leafOwnerId(s.id, leaf.nodeId)), isNull(evidenceFiles.deletedAt)))
          .all();
        expect(files.length, `${ctx.unit.code} ${leaf.code}`).toBeGreaterThan(0);
        for (const f of files) {
          expect(f.uploadedAt <= s.submittedAt!).toBe(true);
          expect(f.lockedAt).not.toBeNull();
        }
      }
    }
    const within = (at: string | null, from: string, to: string) => at !== null && Date.parse(at) > Date.parse(from) && Date.parse(at) < Date.parse(to);
    const assignments = db().select().from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, c.id)).all();
    for (const a of assignments) expect(within(a.signedOffAt, steps.evaluating!, steps.preliminary!), `sign-off ${a.signedOffAt}`).toBe(true);
    const entries = db()
      .select({ at: evaluatorEntries.updatedAt })
      .from(evaluatorEntries)
      .innerJoin(evaluatorAssignments, eq(evaluatorAssignments.id, evaluatorEntries.assignmentId))
      .where(eq(evaluatorAssignments.cycleId, c.id))
      .all();
    for (const e of entries) expect(within(e.at, steps.evaluating!, steps.preliminary!), `entry ${e.at}`).toBe(true);
    const arbitrated = db().select().from(arbitrations).where(eq(arbitrations.cycleId, c.id)).all();
    expect(arbitrated.length).toBeGreaterThan(0);
    for (const r of arbitrated) expect(within(r.decidedAt, steps.evaluating!, steps.preliminary!), `arbitration ${r.decidedAt}`).toBe(true);
    for (const r of db().select().from(appeals).where(eq(appeals.cycleId, c.id)).all()) expect(within(r.decidedAt, steps.preliminary!, steps.final!), `appeal ${r.decidedAt}`).toBe(true);
  });

  it("2025 explanations read as one sentence: an arbitration or appeal reason is never followed by “。，”", () => {
    const c = cycle(2025);
    const results = storedDocument(getDb(), currentResults(getDb(), c.id)!.id, "results");
    expect(results).toMatch(/仲裁调整：[^"]*取中间值，由/);
    expect(results).toMatch(/复核调整：[^"]*予以调整（此前仲裁：[^"]*取中间值，2分），由/);
    expect(results).not.toMatch(/[。；，！？][，；]/);
  });

  it("is idempotent and audited", async () => {
    const before = counts();
    await seedDemo();
    expect(counts()).toEqual(before);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  }, 120_000);
});
