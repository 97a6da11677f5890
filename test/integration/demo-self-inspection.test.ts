import { eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { computeSelfScore } from "../../app/domain/self-score";
import { findCycleByYear } from "../../app/services/cycles.server";
import { completenessOf, inputsByCode, loadSubmissionState, loadUnitContext, previewContext } from "../../app/services/self-inspection-context.server";
import { officeOverview } from "../../app/services/submissions-overview.server";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { blobPath } from "../../app/utils/upload-stream.server";
import { detectFileKind } from "../../app/utils/file-type.server";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, deadlineExtensions, evidenceBlobs, evidenceFiles, returnItems, submissionEvents, submissions, units } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { DEMO_2026_EXTENSION, DEMO_2026_STATES } from "../../seeds/demo/self-inspection-2026";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { rowCounts, useTempDataDir } from "../helpers/data-dir";

useTempDataDir();

const db = () => getDb();
const counts = () =>
  rowCounts({ submissions, events: submissionEvents, files: evidenceFiles, blobs: evidenceBlobs, returnItems, extensions: deadlineExtensions, audit: auditLog });

beforeAll(async () => {
  await seedDemo();
}, 60_000);

describe("demo seed: the 2026 self-inspection in every state", () => {
  it("is idempotent", async () => {
    const first = counts();
    await seedDemo();
    expect(counts()).toEqual(first);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("has units not started, drafting, submitted and returned, as the office overview shows them", () => {
    const cycle = findCycleByYear(2026, getDb())!;
    const overview = officeOverview(getDb(), { cycleId: cycle.id, now: new Date("2026-11-23T02:00:00Z") });
    const byCode = Object.fromEntries(overview.rows.map((r) => [r.unitCode, r]));
    expect(overview.rows).toHaveLength(DEMO_UNITS.length);
    const labels = { submitted: "已提交", returned: "退回修改", draft: "草稿" } as const;
    for (const u of DEMO_UNITS) {
      const target = DEMO_2026_STATES[u.code];
      expect(byCode[u.code].statusLabel, u.code).toBe(target ? labels[target] : "未开始");
    }
    expect(overview.counts).toMatchObject({ submitted: 4, returned: 2, draft: 4, not_started: DEMO_UNITS.length - 10 });
    expect(byCode[DEMO_2026_EXTENSION.unitCode]).toMatchObject({ extended: true, due: DEMO_2026_EXTENSION.until });
    // Seven days before the due date the office sees the reminder for units that have not submitted.
    expect(overview.reminder).toMatch(/^距自查截止还有7天（2026-11-30 24:00（北京时间）），以下\d+个单位尚未提交：/);
  });

  it("submitted and returned units are complete, with their evidence locked; drafts are partial; every preview scores", () => {
    const cycle = findCycleByYear(2026, getDb())!;
    for (const [code, target] of Object.entries(DEMO_2026_STATES)) {
      const unit = db().select().from(units).where(eq(units.code, code)).get()!;
      const ctx = loadUnitContext(db(), cycle, unit.id);
      const sub = db().select().from(submissions).where(eq(submissions.unitId, unit.id)).all().find((s) => s.cycleId === cycle.id)!;
      const state = loadSubmissionState(db(), ctx, sub);
      const c = completenessOf(ctx.leaves, state);
      const preview = computeSelfScore(previewContext(ctx), inputsByCode(ctx.leaves, state.answers));
      expect(preview, code).not.toBeNull();
      const files = db().select().from(evidenceFiles).where(eq(evidenceFiles.unitId, unit.id)).all().filter((f) => f.ownerId.startsWith(`${sub.id}:`));
      if (target === "draft") {
        expect(c.complete, code).toBe(false);
        expect(c.answered, code).toBeGreaterThan(0);
        expect(files.every((f) => f.lockedAt === null), code).toBe(true);
      } else {
        expect(c.complete, code).toBe(true);
        expect(preview!.unanswered).toBe(0);
        expect(files.length, code).toBeGreaterThan(0);
        expect(files.every((f) => f.lockedAt !== null && f.deletedAt === null), code).toBe(true);
        expect(sub.submittedAt! < "2026-11-30T16:00:00.000Z").toBe(true);
      }
      const events = db().select().from(submissionEvents).where(eq(submissionEvents.submissionId, sub.id)).all().map((e) => e.kind);
      expect(events, code).toEqual(target === "submitted" ? ["submit"] : target === "returned" ? ["submit", "return"] : code === DEMO_2026_EXTENSION.unitCode ? ["extension"] : []);
      const open = db().select().from(returnItems).where(eq(returnItems.submissionId, sub.id)).all().filter((r) => r.resolvedAt === null);
      expect(open.length > 0, code).toBe(target === "returned");
    }
  });

  it("stores each unit's evidence PDF once, as a real PDF under its SHA-256", async () => {
    const blobs = db().select().from(evidenceBlobs).all();
    const files = db().select().from(evidenceFiles).where(isNull(evidenceFiles.deletedAt)).all();
    expect(files.length).toBeGreaterThan(blobs.length);
    for (const b of blobs) expect(await detectFileKind(blobPath(b.sha256))).toBe("pdf");
  });
});
