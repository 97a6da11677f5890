import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { deadlineExtensions, evidenceFiles, returnItems, submissionAnswers, submissionEvents, submissions, units, users, type SubmissionStatus } from "../../db/schema";
import { findCycleByYear } from "../../app/services/cycles.server";
import { commitEvidenceUploads, lockEvidence } from "../../app/services/evidence.server";
import { EVIDENCE_OWNER_TYPE, findSubmission, leafOwnerId, loadUnitContext, type LeafInfo, type UnitContext } from "../../app/services/self-inspection-context.server";
import { mutate, writeAudit, type Actor } from "../../app/utils/audit.server";
import { receiveUpload } from "../../app/utils/upload-stream.server";
import { SEED_ACTOR } from "./accounts";
import { demoNarrative, demoSelfAnswer, rng } from "./self-inspection-inputs";

/**
 * The 2026 (published) cycle's self-inspection in every state, so the department workspace and
 * the office's 自查审核 have something to show: some units not started, some drafts (one with an
 * extension), some submitted (evidence locked) and some returned for revision with per-indicator
 * comments. Idempotent and resumable: each unit's steps (answers, evidence, transitions,
 * extension) are added only when missing.
 */

export const DEMO_2026_YEAR = 2026;

type Target = "draft" | "submitted" | "returned";

/** Unit code → the state its 2026 self-inspection is seeded in; units not listed are not started. */
export const DEMO_2026_STATES: Record<string, Target> = {
  JD001: "submitted",
  BM001: "submitted",
  BM002: "submitted",
  BM004: "submitted",
  JD002: "returned",
  BM003: "returned",
  JD003: "draft",
  JD004: "draft",
  BM005: "draft",
  BM006: "draft",
};

/** A unit whose draft has an extension granted by the office. */
export const DEMO_2026_EXTENSION = { unitCode: "JD004", until: "2026-12-10", reason: "街道机构调整，自查材料汇总需延后" };

/** Beijing wall-clock time in 2026 as a UTC ISO string. */
function at(month: number, day: number, hour: number, minute: number): string {
  return new Date(Date.UTC(DEMO_2026_YEAR, month - 1, day, hour - 8, minute)).toISOString();
}

/** A small, valid one-page PDF (ASCII text, standard font) that browsers preview. */
export function demoPdf(lines: string[]): Uint8Array {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `BT /F1 14 Tf 72 ${760 - i * 24} Td (${esc(l)}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${Buffer.byteLength(text, "latin1")} >>\nstream\n${text}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

interface UnitPlan {
  ctx: UnitContext;
  target: Target;
  filler: Actor & { id: number | null };
  r: () => number;
  createdAt: string;
  submittedAt: string;
  returnedAt: string;
  lastDraftAt: string;
}

export async function seedDemoSelfInspections2026(db: Db): Promise<void> {
  const cycle = findCycleByYear(DEMO_2026_YEAR, db);
  if (!cycle || cycle.status !== "published") return;
  const office = db.select().from(users).where(eq(users.username, "admin")).get();
  const officeActor: Actor = office ? { id: office.id, name: office.displayName } : SEED_ACTOR;

  for (const [unitCode, target] of Object.entries(DEMO_2026_STATES)) {
    const unit = db.select().from(units).where(eq(units.code, unitCode)).get();
    if (!unit) continue;
    const ctx = loadUnitContext(db, cycle, unit.id);
    if (ctx.leaves.length === 0) continue;
    const fillerRow = db.select().from(users).where(eq(users.unitId, unit.id)).get();
    const r = rng(`2026:self:${unitCode}`);
    const createdDay = 8 + Math.floor(r() * 10);
    const submittedDay = 10 + Math.floor(r() * 8);
    const plan: UnitPlan = {
      ctx,
      target,
      filler: fillerRow ? { id: fillerRow.id, name: fillerRow.displayName } : SEED_ACTOR,
      r,
      createdAt: at(10, createdDay, 9, Math.floor(r() * 60)),
      submittedAt: at(11, submittedDay, 9 + Math.floor(r() * 8), Math.floor(r() * 60)),
      returnedAt: at(11, submittedDay + 2, 10, Math.floor(r() * 60)),
      lastDraftAt: at(11, 15 + Math.floor(r() * 6), 14, Math.floor(r() * 60)),
    };
    const submissionId = ensureAnswers(db, plan);
    await ensureEvidence(db, plan, submissionId);
    ensureTransitions(db, plan, submissionId, officeActor);
  }
  ensureExtension(db, cycle.id, officeActor);
}

/** Leaves a unit in `target` has answered: all for submitted/returned, the first ~40% for drafts. */
function answeredLeaves(plan: UnitPlan): LeafInfo[] {
  const leaves = plan.ctx.leaves;
  return plan.target === "draft" ? leaves.slice(0, Math.max(1, Math.round(leaves.length * 0.4))) : leaves;
}

function ensureAnswers(db: Db, plan: UnitPlan): number {
  const { ctx } = plan;
  return mutate(db, (tx) => {
    const existing = findSubmission(tx, ctx.cycle.id, ctx.unit.id);
    if (existing) return existing.id;
    const lastActivityAt = plan.target === "draft" ? plan.lastDraftAt : plan.submittedAt;
    const submission = tx
      .insert(submissions)
      .values({ cycleId: ctx.cycle.id, unitId: ctx.unit.id, status: "draft", lastActivityAt, createdAt: plan.createdAt })
      .returning()
      .get();
    const street = ctx.unit.code.startsWith("JD");
    const leaves = answeredLeaves(plan);
    for (const leaf of leaves) {
      const input = demoSelfAnswer(ctx.unit.code, leaf, DEMO_2026_YEAR, street);
      tx.insert(submissionAnswers)
        .values({
          submissionId: submission.id,
          nodeId: leaf.nodeId,
          input: input as Record<string, unknown>,
          narrative: demoNarrative(input),
          updatedBy: plan.filler.id,
          updatedAt: lastActivityAt,
        })
        .run();
    }
    writeAudit(tx, SEED_ACTOR, { action: "submission.create", entityType: "submission", entityId: submission.id, after: { ...submission, unit: ctx.unit.name, answers: leaves.length } });
    return submission.id;
  });
}

/**
 * One evidence PDF per unit (stored once, content-addressed) attached to every answered leaf that
 * requires evidence and has none yet.
 */
async function ensureEvidence(db: Db, plan: UnitPlan, submissionId: number): Promise<void> {
  const answered = new Set(
    db
      .select({ nodeId: submissionAnswers.nodeId })
      .from(submissionAnswers)
      .where(eq(submissionAnswers.submissionId, submissionId))
      .all()
      .map((a) => a.nodeId),
  );
  const missing = plan.ctx.leaves.filter(
    (leaf) =>
      leaf.evidenceRequired &&
      answered.has(leaf.nodeId) &&
      !db
        .select({ id: evidenceFiles.id })
        .from(evidenceFiles)
        .where(and(eq(evidenceFiles.ownerType, EVIDENCE_OWNER_TYPE), eq(evidenceFiles.ownerId, leafOwnerId(submissionId, leaf.nodeId))))
        .get(),
  );
  if (missing.length === 0) return;
  const bytes = demoPdf([`${DEMO_2026_YEAR} self-inspection evidence`, `Unit ${plan.ctx.unit.code}`, "Demo data"]);
  const entries = [];
  for (const leaf of missing) {
    const upload = await receiveUpload(once(bytes), { fileName: `${plan.ctx.unit.name}${leaf.code}佐证材料.pdf` });
    entries.push({ ownerType: EVIDENCE_OWNER_TYPE, ownerId: leafOwnerId(submissionId, leaf.nodeId), upload });
  }
  commitEvidenceUploads(db, { actor: plan.filler, unitId: plan.ctx.unit.id, entries, at: plan.target === "draft" ? plan.lastDraftAt : plan.submittedAt });
}

function ensureTransitions(db: Db, plan: UnitPlan, submissionId: number, office: Actor): void {
  if (plan.target === "draft") return;
  mutate(db, (tx) => {
    const before = tx.select().from(submissions).where(eq(submissions.id, submissionId)).get()!;
    if (before.status !== "draft" || tx.select({ id: submissionEvents.id }).from(submissionEvents).where(eq(submissionEvents.submissionId, submissionId)).get()) return;
    const ownerIds = plan.ctx.leaves.map((l) => leafOwnerId(submissionId, l.nodeId));
    lockEvidence(tx, plan.filler, EVIDENCE_OWNER_TYPE, ownerIds, plan.submittedAt);
    const status: SubmissionStatus = plan.target;
    const lastActivityAt = plan.target === "returned" ? plan.returnedAt : plan.submittedAt;
    const after = tx.update(submissions).set({ status, submittedAt: plan.submittedAt, lastActivityAt }).where(eq(submissions.id, submissionId)).returning().get();
    const submitEvent = tx
      .insert(submissionEvents)
      .values({ submissionId, kind: "submit", fromStatus: "draft", toStatus: "submitted", actorId: plan.filler.id, at: plan.submittedAt })
      .returning()
      .get();
    writeAudit(tx, SEED_ACTOR, { action: "submission.submit", entityType: "submission", entityId: submissionId, before, after: { ...after, eventId: submitEvent.id } });
    if (plan.target !== "returned") return;
    const comment = "请按各项退回意见修改，补充佐证材料后重新提交。";
    const returnEvent = tx
      .insert(submissionEvents)
      .values({ submissionId, kind: "return", fromStatus: "submitted", toStatus: "returned", actorId: office.id, at: plan.returnedAt, comment })
      .returning()
      .get();
    const evidenceLeaf = plan.ctx.leaves.find((l) => l.evidenceRequired);
    const timelinessLeaf = plan.ctx.leaves.find((l) => l.rule.type === "timeliness");
    const items = [
      evidenceLeaf && { leaf: evidenceLeaf, comment: "佐证材料不足以证明自评分，请补充相关页面截图或文件。" },
      timelinessLeaf && timelinessLeaf !== evidenceLeaf && { leaf: timelinessLeaf, comment: "部分事项的完成时间与网站发布时间不一致，请核实后修改。" },
    ].filter((x): x is { leaf: LeafInfo; comment: string } => !!x);
    for (const i of items) tx.insert(returnItems).values({ eventId: returnEvent.id, submissionId, nodeId: i.leaf.nodeId, comment: i.comment }).run();
    writeAudit(tx, office, {
      action: "submission.return",
      entityType: "submission",
      entityId: submissionId,
      after: { status: "returned", eventId: returnEvent.id, comment, items: items.map((i) => ({ nodeId: i.leaf.nodeId, code: i.leaf.code, comment: i.comment })) },
    });
  });
}

function ensureExtension(db: Db, cycleId: number, office: Actor): void {
  const unit = db.select().from(units).where(eq(units.code, DEMO_2026_EXTENSION.unitCode)).get();
  if (!unit) return;
  mutate(db, (tx) => {
    if (tx.select({ id: deadlineExtensions.id }).from(deadlineExtensions).where(and(eq(deadlineExtensions.cycleId, cycleId), eq(deadlineExtensions.unitId, unit.id))).get()) return;
    const submission = findSubmission(tx, cycleId, unit.id);
    if (!submission) return;
    const grantedAt = at(11, 21, 16, 30);
    const { until, reason } = DEMO_2026_EXTENSION;
    const row = tx.insert(deadlineExtensions).values({ cycleId, unitId: unit.id, until, reason, grantedBy: office.id, at: grantedAt }).returning().get();
    tx.insert(submissionEvents)
      .values({ submissionId: submission.id, kind: "extension", fromStatus: submission.status, toStatus: submission.status, actorId: office.id, at: grantedAt, comment: `延期至${until}：${reason}` })
      .run();
    writeAudit(tx, office, { action: "submission.extension", entityType: "deadline_extension", entityId: row.id, after: { ...row, unitName: unit.name } });
  });
}
