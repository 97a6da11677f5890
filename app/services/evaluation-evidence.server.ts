import type { Db } from "../../db/client";
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

/** The unit the owner belongs to, if this user may attach evidence to it (else a DomainError). */
function ownerUnit(db: Db, user: SessionUser, ownerType: EvaluationEvidenceOwner, ownerId: number): number {
  switch (ownerType) {
    case "finding":
      return findingForEvidence(db, user, ownerId).unitId;
    case "rectification":
      return rectificationForEvidence(db, user, ownerId).unitId;
    case "appeal":
      return appealForEvidence(db, user, ownerId).unitId;
  }
}

/** Store the request's files as the owner's evidence; answers the message to show. Refusals (the owner's guard, the upload's limits) are DomainErrors. */
export async function uploadEvaluationEvidence(db: Db, request: Request, user: SessionUser, ownerType: EvaluationEvidenceOwner, ownerId: number): Promise<string> {
  const unitId = ownerUnit(db, user, ownerType, ownerId);
  const type: EvidenceOwnerType = ownerType;
  let upload: ReceivedEvidenceForm | null = null;
  try {
    upload = await receiveEvidenceForm(request, { budget: createUploadBudget(usedEvidenceBytes(db, type, [String(ownerId)])) });
    if (upload.uploads.length === 0) throw uploadRejected("no_file", "请选择要上传的文件");
    // Re-check after the (slow) upload: the record may have moved on meanwhile.
    ownerUnit(db, user, ownerType, ownerId);
    const rows = commitEvidenceUploads(db, { actor: actorOf(user), unitId, entries: upload.uploads.map((u) => ({ ownerType: type, ownerId: String(ownerId), upload: u })) });
    return `已上传 ${rows.length} 个文件`;
  } finally {
    upload?.discard();
  }
}
