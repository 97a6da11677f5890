import { refusalOf } from "../utils/http.server";
import { getDb } from "../../db/client";
import type { SessionUser } from "../utils/auth.server";
import { actorOf } from "../utils/auth.server";
import { appealForEvidence } from "./appeals.server";
import { createUploadBudget, uploadRejected } from "../utils/upload-stream.server";
import { commitEvidenceUploads, receiveEvidenceForm, usedEvidenceBytes, type EvidenceOwnerType, type ReceivedEvidenceForm } from "./evidence.server";
import { rectificationForEvidence } from "./rectifications.server";
import { findingForEvidence } from "./spot-checks.server";

/**
 * File evidence for evaluation records: a spot-check finding (its inspector or the office:
 * screenshots), a rectification (the department's answer) and an appeal (the department, while
 * pending and the window is open). Each owner's own guard decides who may upload; files are
 * stored, hashed and audited like every other evidence file.
 */

export type EvaluationEvidenceOwner = "finding" | "rectification" | "appeal";

/** The unit the owner belongs to, if this user may attach evidence to it (else throws a refusal). */
function ownerUnit(user: SessionUser, ownerType: EvaluationEvidenceOwner, ownerId: number): number {
  const db = getDb();
  switch (ownerType) {
    case "finding":
      return findingForEvidence(db, user, ownerId).unitId;
    case "rectification":
      return rectificationForEvidence(db, user, ownerId).unitId;
    case "appeal":
      return appealForEvidence(db, user, ownerId).unitId;
  }
}

export type UploadResult = { ok: true; message: string } | { ok: false; status: number; error: string };

export async function uploadEvaluationEvidence(request: Request, user: SessionUser, ownerType: EvaluationEvidenceOwner, ownerId: number): Promise<UploadResult> {
  let unitId: number;
  try {
    unitId = ownerUnit(user, ownerType, ownerId);
  } catch (error) {
    const r = refusalOf(error);
    if (!r) throw error;
    return { ok: false, status: r.status, error: r.message };
  }
  const type: EvidenceOwnerType = ownerType;
  let upload: ReceivedEvidenceForm | null = null;
  try {
    upload = await receiveEvidenceForm(request, { budget: createUploadBudget(usedEvidenceBytes(getDb(), type, [String(ownerId)])) });
    if (upload.uploads.length === 0) throw uploadRejected("no_file", "请选择要上传的文件");
    // Re-check after the (slow) upload: the record may have moved on meanwhile.
    ownerUnit(user, ownerType, ownerId);
    const rows = commitEvidenceUploads(getDb(), { actor: actorOf(user), unitId, entries: upload.uploads.map((u) => ({ ownerType: type, ownerId: String(ownerId), upload: u })) });
    return { ok: true, message: `已上传 ${rows.length} 个文件` };
  } catch (error) {
    const r = refusalOf(error);
    if (!r) throw error;
    return { ok: false, status: r.status, error: r.message };
  } finally {
    upload?.discard();
  }
}
