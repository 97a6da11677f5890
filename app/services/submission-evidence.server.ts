import { DomainError } from "../domain/domain-error";
import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { submissions } from "../../db/schema";
import type { Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { EVIDENCE_KIND_INFO, evidenceKindLabel, isEvidenceKind } from "../utils/evidence-kinds";
import { createUploadBudget, uploadRejected } from "../utils/upload-stream.server";
import {
  addLink,
  commitEvidenceUploads,
  receiveEvidenceForm,
  deleteEvidence,
  deleteEvidenceLink,
  evidenceLinkSchema,
  LOCKED_MESSAGE,
  usedEvidenceBytes,
  type EvidenceFile,
  type EvidenceLink,
  type ReceivedEvidenceForm,
} from "./evidence.server";
import { EVIDENCE_OWNER_TYPE, findSubmission, leafOwnerId, type LeafInfo } from "./self-inspection-context.server";
import { assertLeafEditable, ensureSubmission, findLeaf, resolveDepartmentContext } from "./submissions.server";

/**
 * Evidence (佐证材料) of one leaf of a department's self-inspection: files (streamed, verified,
 * content-addressed by the evidence library) and links, owned by `submission_leaf`
 * `${submissionId}:${nodeId}`. Only while the leaf is editable; once submitted everything is locked.
 */

type DeptUser = Pick<SessionUser, "id" | "role" | "unitId">;

function kindsMessage(leaf: LeafInfo): string {
  return leaf.evidenceKinds.map((k) => (isEvidenceKind(k) ? EVIDENCE_KIND_INFO[k].label : k)).join("、");
}

/**
 * If the submission was submitted between our check and our commit, the new rows would sit
 * unlocked in a locked submission: take them back out and refuse.
 */
function undoIfLockedMeanwhile(db: Db, actor: Actor, submissionId: number, ownerId: string, files: EvidenceFile[], links: EvidenceLink[]): boolean {
  const now = db.select({ status: submissions.status }).from(submissions).where(eq(submissions.id, submissionId)).get();
  if (now?.status !== "submitted") return false;
  for (const f of files) if (!f.lockedAt) deleteEvidence(db, { actor, fileId: f.id, ownerType: EVIDENCE_OWNER_TYPE, ownerId });
  for (const l of links) if (!l.lockedAt) deleteEvidenceLink(db, { actor, linkId: l.id, ownerType: EVIDENCE_OWNER_TYPE, ownerId });
  return true;
}

/**
 * Stream the files of a multipart request to a leaf. The whole request is refused (nothing kept)
 * if any file is refused (a DomainError): wrong type, spoofed content, empty, too large, over the
 * submission's total, a kind the indicator does not accept, or the leaf is locked. Answers what it kept.
 */
export async function uploadLeafEvidence(db: Db, args: { request: Request; actor: Actor; user: DeptUser; nodeId: number; now?: Date }): Promise<string> {
  const ctx = resolveDepartmentContext(db, args.user);
  const leaf = findLeaf(ctx, args.nodeId);
  assertLeafEditable(db, ctx, leaf);
  const existing = findSubmission(db, ctx.cycle.id, ctx.unit.id);
  const used = existing
    ? usedEvidenceBytes(db, 
        EVIDENCE_OWNER_TYPE,
        ctx.leaves.map((l) => leafOwnerId(existing.id, l.nodeId)),
      )
    : 0;
  let upload: ReceivedEvidenceForm | null = null;
  try {
    upload = await receiveEvidenceForm(args.request, { budget: createUploadBudget(used) });
    resolveDepartmentContext(db, args.user, upload.fields.get("submissionId"));
    if (upload.uploads.length === 0) throw uploadRejected("no_file", "请选择要上传的文件");
    if (leaf.evidenceKinds.length > 0) {
      const bad = upload.uploads.find((u) => !leaf.evidenceKinds.includes(u.kind));
      if (bad) throw uploadRejected("unsupported_type", `该指标只接受以下类型的佐证材料：${kindsMessage(leaf)}；文件“${bad.originalName}”是${evidenceKindLabel(bad.kind)}，已拒绝上传`);
    }
    const submission = ensureSubmission(db, args.actor, ctx, leaf, args.now);
    const ownerId = leafOwnerId(submission.id, leaf.nodeId);
    const rows = commitEvidenceUploads(db, {
      actor: args.actor,
      unitId: ctx.unit.id,
      entries: upload.uploads.map((u) => ({ ownerType: EVIDENCE_OWNER_TYPE, ownerId, upload: u })),
    });
    if (undoIfLockedMeanwhile(db, args.actor, submission.id, ownerId, rows, [])) {
      throw new DomainError("conflict", "自查已提交，佐证材料已锁定，本次上传未保存");
    }
    return `已上传 ${rows.length} 个文件`;
  } finally {
    upload?.discard();
  }
}

/** Add a link (http/https) as evidence of a leaf; a bad address or a locked leaf is refused (DomainError). */
export function addLeafLink(db: Db, args: { actor: Actor; user: DeptUser; nodeId: number; form: FormData; now?: Date }): void {
  const values = { url: String(args.form.get("url") ?? ""), title: String(args.form.get("title") ?? "") };
  const ctx = resolveDepartmentContext(db, args.user, args.form.get("submissionId"));
  const leaf = findLeaf(ctx, args.nodeId);
  assertLeafEditable(db, ctx, leaf);
  const parsed = evidenceLinkSchema.safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    throw DomainError.fields(fieldErrors);
  }
  const submission = ensureSubmission(db, args.actor, ctx, leaf, args.now);
  const ownerId = leafOwnerId(submission.id, leaf.nodeId);
  const link = addLink(db, { actor: args.actor, unitId: ctx.unit.id, ownerType: EVIDENCE_OWNER_TYPE, ownerId, ...parsed.data });
  if (undoIfLockedMeanwhile(db, args.actor, submission.id, ownerId, [], [link])) {
    throw new DomainError("conflict", "自查已提交，佐证材料已锁定，链接未保存");
  }
}

/** Delete (soft) a file or link of a leaf: only the leaf's own, only while unlocked. */
export function deleteLeafEvidence(db: Db, args: { actor: Actor; user: DeptUser; nodeId: number; kind: "file" | "link"; id: number; postedSubmissionId?: unknown }): void {
  const ctx = resolveDepartmentContext(db, args.user, args.postedSubmissionId);
  const leaf = findLeaf(ctx, args.nodeId);
  const submission = findSubmission(db, ctx.cycle.id, ctx.unit.id);
  if (!submission) throw new DomainError("notFound", args.kind === "file" ? "佐证材料不存在或已删除" : "链接不存在或已删除");
  const owner = { ownerType: EVIDENCE_OWNER_TYPE, ownerId: leafOwnerId(submission.id, leaf.nodeId) };
  try {
    assertLeafEditable(db, ctx, leaf);
  } catch (error) {
    // Locked evidence gets the evidence library's own message.
    if (error instanceof DomainError && submission.status === "submitted") throw new DomainError("conflict", LOCKED_MESSAGE);
    throw error;
  }
  if (args.kind === "file") deleteEvidence(db, { actor: args.actor, fileId: args.id, ...owner });
  else deleteEvidenceLink(db, { actor: args.actor, linkId: args.id, ...owner });
}
