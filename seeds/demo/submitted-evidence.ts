import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { evidenceFiles, submissions, users } from "../../db/schema";
import { findCycleByYear } from "../../app/services/cycles.server";
import { commitEvidenceUploads, lockEvidence, type CommitEntry } from "../../app/services/evidence.server";
import { EVIDENCE_OWNER_TYPE, leafOwnerId, loadUnitContext } from "../../app/services/self-inspection-context.server";
import { mutate, type Actor } from "../../app/utils/audit.server";
import { receiveUpload } from "../../app/utils/upload-stream.server";
import { demoPdf, once } from "./self-inspection-2026";

/**
 * The evidence of a year's submitted self-inspections (idempotent): every leaf that requires
 * evidence gets the unit's demo PDF, uploaded by the unit's filler when it submitted and locked
 * then — a submitted self-inspection is never missing its required evidence.
 */
export async function seedSubmittedEvidence(db: Db, year: number): Promise<void> {
  const cycle = findCycleByYear(year, db);
  if (!cycle) return;
  const rows = db.select().from(submissions).where(and(eq(submissions.cycleId, cycle.id), eq(submissions.status, "submitted"))).all();
  for (const submission of rows) {
    const at = submission.submittedAt!;
    const filler = db.select().from(users).where(and(eq(users.unitId, submission.unitId), eq(users.role, "department"))).get();
    if (!filler) continue;
    const actor: Actor = { id: filler.id, name: filler.displayName };
    const ctx = loadUnitContext(db, cycle, submission.unitId);
    const missing = ctx.leaves.filter(
      (leaf) =>
        leaf.evidenceRequired &&
        !db
          .select({ id: evidenceFiles.id })
          .from(evidenceFiles)
          .where(and(eq(evidenceFiles.ownerType, EVIDENCE_OWNER_TYPE), eq(evidenceFiles.ownerId, leafOwnerId(submission.id, leaf.nodeId))))
          .get(),
    );
    if (missing.length === 0) continue;
    const bytes = demoPdf([`${year} self-inspection evidence`, `Unit ${ctx.unit.code}`, "Demo data"]);
    const entries: CommitEntry[] = [];
    for (const leaf of missing) {
      const upload = await receiveUpload(once(bytes), { fileName: `${ctx.unit.name}${leaf.code}佐证材料.pdf` });
      entries.push({ ownerType: EVIDENCE_OWNER_TYPE, ownerId: leafOwnerId(submission.id, leaf.nodeId), upload });
    }
    commitEvidenceUploads(db, { actor, unitId: ctx.unit.id, entries, at });
    mutate(db, (tx) => lockEvidence(tx, actor, EVIDENCE_OWNER_TYPE, entries.map((e) => e.ownerId), at));
  }
}
