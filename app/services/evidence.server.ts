import fs from "node:fs";
import { DomainError } from "../domain/domain-error";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { evidenceBlobs, evidenceFiles, evidenceLinks, EVIDENCE_OWNER_TYPES, type EvidenceOwnerType } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { EVIDENCE_KIND_INFO, isEvidenceKind } from "../utils/evidence-kinds";
import { readMultipart } from "../utils/multipart.server";
import {
  blobPath,
  createUploadBudget,
  discardUpload,
  receiveUpload,
  removeStoredBlob,
  storeUpload,
  uploadRejected,
  type ReceivedUpload,
  type UploadBudget,
} from "../utils/upload-stream.server";

export { EVIDENCE_OWNER_TYPES, type EvidenceOwnerType };

export type EvidenceFile = typeof evidenceFiles.$inferSelect;
export type EvidenceLink = typeof evidenceLinks.$inferSelect;

export interface EvidenceOwner {
  ownerType: EvidenceOwnerType;
  ownerId: string;
}

export const LOCKED_MESSAGE = "已提交的佐证材料不可删除或替换";

/** An owner's text key: `<submission id>:<leaf node id>` for a leaf of a self-inspection, else the owner's id. */
const ownerSchema = z.union([
  z.object({ ownerType: z.literal("submission_leaf"), ownerId: z.string().regex(/^[1-9]\d{0,15}:[1-9]\d{0,15}$/) }),
  z.object({ ownerType: z.enum(["finding", "rectification", "appeal"]), ownerId: z.string().regex(/^[1-9]\d{0,15}$/) }),
]);

/**
 * A valid owner with its typed references (the foreign-key columns of db/schema/evidence.ts). A
 * malformed owner is a programming error; an owner that does not exist is refused by the database.
 */
function checkOwner(owner: EvidenceOwner) {
  const parsed = ownerSchema.safeParse({ ownerType: owner.ownerType, ownerId: owner.ownerId });
  if (!parsed.success) throw new Error(`invalid evidence owner ${JSON.stringify(owner)}`);
  const { ownerType, ownerId } = parsed.data;
  const refs = { submissionId: null as number | null, nodeId: null as number | null, findingId: null as number | null, rectificationId: null as number | null, appealId: null as number | null };
  if (ownerType === "submission_leaf") {
    const [submissionId, nodeId] = ownerId.split(":").map(Number);
    Object.assign(refs, { submissionId, nodeId });
  } else if (ownerType === "finding") refs.findingId = Number(ownerId);
  else if (ownerType === "rectification") refs.rectificationId = Number(ownerId);
  else refs.appealId = Number(ownerId);
  return { ownerType, ownerId, ...refs };
}

function nowIso(): string {
  return new Date().toISOString();
}

// ---------------------------------------------------------------- uploads

export interface CommitEntry extends EvidenceOwner {
  upload: ReceivedUpload;
}

/**
 * Store received uploads and write their blob rows, file rows and audit rows in ONE transaction.
 * The file moves happen inside the (IMMEDIATE, hence serialised) transaction; if anything fails,
 * every blob this call created is removed again unless a row already referenced it, and every temp
 * file is deleted — nothing partial is left.
 */
export function commitEvidenceUploads(db: Db, args: { actor: Actor; unitId: number; entries: CommitEntry[]; /** Upload time (default now; the demo seed backdates). */ at?: string }): EvidenceFile[] {
  const entries = args.entries.map((e) => ({ ...e, ...checkOwner(e) }));
  /** Blobs this call put on disk that no row referenced before. */
  const created: string[] = [];
  const removeCreated = () => {
    for (const sha of created.splice(0)) removeStoredBlob(sha);
  };

  const insertOne = (tx: Tx, at: string, { upload, ...owner }: (typeof entries)[number]): EvidenceFile => {
    const hadRow = tx.select({ sha: evidenceBlobs.sha256 }).from(evidenceBlobs).where(eq(evidenceBlobs.sha256, upload.sha256)).get();
    if (storeUpload(upload).created && !hadRow) created.push(upload.sha256);
    tx.insert(evidenceBlobs)
      .values({ sha256: upload.sha256, size: upload.size, mime: upload.mime, kind: upload.kind, createdAt: at })
      .onConflictDoNothing()
      .run();
    const row = tx
      .insert(evidenceFiles)
      .values({
        sha256: upload.sha256,
        originalName: upload.originalName,
        kind: upload.kind,
        size: upload.size,
        uploadedBy: args.actor.id,
        uploadedAt: at,
        ...owner,
        unitId: args.unitId,
      })
      .returning()
      .get();
    writeAudit(tx, args.actor, { action: "evidence.upload", entityType: "evidence_file", entityId: row.id, after: row });
    return row;
  };

  try {
    return mutate(db, (tx) => {
      const at = args.at ?? nowIso();
      try {
        return entries.map((entry) => insertOne(tx, at, entry));
      } catch (error) {
        // Undo the file moves while this transaction still holds the write lock, so no concurrent
        // upload of the same content can start referencing a blob we are about to remove.
        removeCreated();
        throw error;
      }
    });
  } catch (error) {
    removeCreated(); // a failure at COMMIT itself
    throw error;
  } finally {
    for (const e of entries) discardUpload(e.upload);
  }
}

/**
 * Stream one multipart file part to disk (hash, limits, type check) and record it: blob + file
 * row + audit row in one transaction. Throws a DomainError (uploadRejected, Chinese message) for a refused
 * file; nothing is left behind on any failure.
 */
export async function saveUploadedEvidence(db: Db, args: {
  actor: Actor;
  unitId: number;
  ownerType: EvidenceOwnerType;
  ownerId: string;
  part: { filename?: string; data: AsyncIterable<Uint8Array> };
  budget?: UploadBudget;
}): Promise<EvidenceFile> {
  const owner = checkOwner(args);
  if (!args.part.filename) throw uploadRejected("no_file", "请选择要上传的文件");
  const upload = await receiveUpload(args.part.data, { fileName: args.part.filename, budget: args.budget });
  const [row] = commitEvidenceUploads(db, { actor: args.actor, unitId: args.unitId, entries: [{ ...owner, upload }] });
  return row;
}

export interface ReceivedEvidencePart extends ReceivedUpload {
  /** The form field the file came in (e.g. one per indicator leaf). */
  fieldName: string;
}

/** Text fields of an evidence form are small (ids, intents, a narrative); cap each one. */
const MAX_TEXT_FIELD_BYTES = 256 * 1024;

/** An evidence form read from a multipart request: its text fields and its verified temp files. */
export interface ReceivedEvidenceForm {
  fields: FormData;
  uploads: ReceivedEvidencePart[];
  /** Remove the temp files (safe after commitEvidenceUploads, which already moved or removed them). */
  discard: () => void;
}

/**
 * Read a multipart evidence form, streaming every file part to a verified temp file (never held in
 * memory) and keeping the text fields. Empty file inputs (no file chosen) are skipped. Then call
 * `commitEvidenceUploads` with the owner(s) chosen from the fields, and `discard()` in any case.
 * A refused file (or a malformed request) throws a DomainError (uploadRejected) with nothing left behind.
 */
export async function receiveEvidenceForm(request: Request, opts: { budget?: UploadBudget } = {}): Promise<ReceivedEvidenceForm> {
  const budget = opts.budget ?? createUploadBudget();
  const uploads: ReceivedEvidencePart[] = [];
  const discard = () => {
    for (const u of uploads) discardUpload(u);
  };
  try {
    const fields = await readMultipart(request, {
      maxFieldBytes: MAX_TEXT_FIELD_BYTES,
      onFile: async ({ fieldName, fileName, data }) => {
        if (fileName === "") {
          for await (const _ of data) void _; // an unused file input: drain and skip
          return;
        }
        uploads.push({ ...(await receiveUpload(data, { fileName, budget })), fieldName });
      },
    });
    return { fields, uploads, discard };
  } catch (error) {
    discard();
    throw error;
  }
}

/** Bytes of evidence (not deleted) already held by these owners — for `createUploadBudget(used)`. */
export function usedEvidenceBytes(db: Db, ownerType: EvidenceOwnerType, ownerIds: readonly string[]): number {
  if (ownerIds.length === 0) return 0;
  const row = db
    .select({ total: sql<number>`coalesce(sum(${evidenceFiles.size}), 0)` })
    .from(evidenceFiles)
    .where(and(eq(evidenceFiles.ownerType, ownerType), inArray(evidenceFiles.ownerId, [...ownerIds]), isNull(evidenceFiles.deletedAt)))
    .get();
  return Number(row?.total ?? 0);
}

// ---------------------------------------------------------------- reading

/** Files and links (not deleted) of one owner or several, oldest first. */
export function listEvidence(
  db: Db | Tx,
  ownerType: EvidenceOwnerType,
  ownerId: string | readonly string[],
): { files: EvidenceFile[]; links: EvidenceLink[] } {
  const ids = typeof ownerId === "string" ? [ownerId] : [...ownerId];
  if (ids.length === 0) return { files: [], links: [] };
  const files = db
    .select()
    .from(evidenceFiles)
    .where(and(eq(evidenceFiles.ownerType, ownerType), inArray(evidenceFiles.ownerId, ids), isNull(evidenceFiles.deletedAt)))
    .orderBy(asc(evidenceFiles.id))
    .all();
  const links = db
    .select()
    .from(evidenceLinks)
    .where(and(eq(evidenceLinks.ownerType, ownerType), inArray(evidenceLinks.ownerId, ids), isNull(evidenceLinks.deletedAt)))
    .orderBy(asc(evidenceLinks.id))
    .all();
  return { files, links };
}

export function getEvidenceFile(db: Db, fileId: number): EvidenceFile | undefined {
  return db.select().from(evidenceFiles).where(eq(evidenceFiles.id, fileId)).get();
}

// ---------------------------------------------------------------- changes

/**
 * Soft-delete a file of this owner (the owner is required so a posted id cannot reach another
 * owner's file). Refused once locked.
 */
export function deleteEvidence(db: Db, args: { actor: Actor; fileId: number } & EvidenceOwner): EvidenceFile {
  const owner = checkOwner(args);
  return mutate(db, (tx) => {
    const row = tx.select().from(evidenceFiles).where(eq(evidenceFiles.id, args.fileId)).get();
    if (!row || row.deletedAt || row.ownerType !== owner.ownerType || row.ownerId !== owner.ownerId) {
      throw new DomainError("notFound", "佐证材料不存在或已删除");
    }
    if (row.lockedAt) throw new DomainError("conflict", LOCKED_MESSAGE);
    const after = tx.update(evidenceFiles).set({ deletedAt: nowIso() }).where(eq(evidenceFiles.id, row.id)).returning().get();
    writeAudit(tx, args.actor, { action: "evidence.delete", entityType: "evidence_file", entityId: row.id, before: row, after });
    return after;
  });
}

export function deleteEvidenceLink(db: Db, args: { actor: Actor; linkId: number } & EvidenceOwner): EvidenceLink {
  const owner = checkOwner(args);
  return mutate(db, (tx) => {
    const row = tx.select().from(evidenceLinks).where(eq(evidenceLinks.id, args.linkId)).get();
    if (!row || row.deletedAt || row.ownerType !== owner.ownerType || row.ownerId !== owner.ownerId) {
      throw new DomainError("notFound", "链接不存在或已删除");
    }
    if (row.lockedAt) throw new DomainError("conflict", LOCKED_MESSAGE);
    const after = tx.update(evidenceLinks).set({ deletedAt: nowIso() }).where(eq(evidenceLinks.id, row.id)).returning().get();
    writeAudit(tx, args.actor, { action: "evidence.link.delete", entityType: "evidence_link", entityId: row.id, before: row, after });
    return after;
  });
}

/**
 * Make the owner(s)' current files and links immutable. Call INSIDE the transaction that submits
 * the owning thing; writes one audit row when anything was locked. Returns the counts.
 */
export function lockEvidence(
  tx: Tx | Db,
  actor: Actor,
  ownerType: EvidenceOwnerType,
  ownerId: string | readonly string[],
  at: string = nowIso(),
): { files: number; links: number } {
  const ids = typeof ownerId === "string" ? [ownerId] : [...ownerId];
  if (ids.length === 0) return { files: 0, links: 0 };
  const files = tx
    .update(evidenceFiles)
    .set({ lockedAt: at })
    .where(and(eq(evidenceFiles.ownerType, ownerType), inArray(evidenceFiles.ownerId, ids), isNull(evidenceFiles.lockedAt), isNull(evidenceFiles.deletedAt)))
    .returning({ id: evidenceFiles.id })
    .all();
  const links = tx
    .update(evidenceLinks)
    .set({ lockedAt: at })
    .where(and(eq(evidenceLinks.ownerType, ownerType), inArray(evidenceLinks.ownerId, ids), isNull(evidenceLinks.lockedAt), isNull(evidenceLinks.deletedAt)))
    .returning({ id: evidenceLinks.id })
    .all();
  if (files.length + links.length > 0) {
    writeAudit(tx, actor, {
      action: "evidence.lock",
      entityType: "evidence_owner",
      entityId: `${ownerType}:${ids.join(",")}`.slice(0, 500),
      after: { lockedAt: at, fileIds: files.map((f) => f.id), linkIds: links.map((l) => l.id) },
    });
  }
  return { files: files.length, links: links.length };
}

/** Link input as a form posts it; routes can reuse it with parseForm for field-level messages. */
export const evidenceLinkSchema = z.object({
  url: z
    .string({ required_error: "请填写链接地址" })
    .trim()
    .min(1, "请填写链接地址")
    .max(2000, "链接地址过长（最多2000个字符）")
    .url("链接地址格式不正确，应以 http:// 或 https:// 开头")
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "只接受 http:// 或 https:// 开头的链接"),
  title: z.string().trim().max(200, "链接标题最多200个字").optional().default(""),
});
export type EvidenceLinkInput = z.input<typeof evidenceLinkSchema>;

export function addLink(db: Db, args: { actor: Actor; unitId: number; ownerType: EvidenceOwnerType; ownerId: string } & EvidenceLinkInput): EvidenceLink {
  const owner = checkOwner(args);
  const parsed = evidenceLinkSchema.safeParse({ url: args.url, title: args.title });
  if (!parsed.success) throw new DomainError("invalid", parsed.error.issues[0].message);
  const { url, title } = parsed.data;
  return mutate(db, (tx) => {
    const row = tx
      .insert(evidenceLinks)
      .values({ ...owner, unitId: args.unitId, url, title: title || url, createdBy: args.actor.id, createdAt: nowIso() })
      .returning()
      .get();
    writeAudit(tx, args.actor, { action: "evidence.link.add", entityType: "evidence_link", entityId: row.id, after: row });
    return row;
  });
}

// ---------------------------------------------------------------- download

/** `inline; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 5987). */
export function contentDisposition(type: "inline" | "attachment", fileName: string): string {
  let ascii = fileName.replace(/[^\x20-\x7e]+/g, "_").replace(/["\\;]/g, "_");
  const dot = ascii.lastIndexOf(".");
  if (!/[A-Za-z0-9]/.test(dot > 0 ? ascii.slice(0, dot) : ascii)) ascii = `evidence${dot > 0 ? ascii.slice(dot) : ""}`;
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A stream of the stored bytes plus the response headers. The caller has already checked that the
 * user may read `file.unitId`. PDFs and images are `inline` (preview) unless `download` is set.
 * Returns null when the stored content is missing.
 */
export function openEvidenceForDownload(file: EvidenceFile, opts: { download?: boolean } = {}): { body: ReadableStream<Uint8Array>; headers: Headers } | null {
  const file_ = blobPath(file.sha256);
  const stat = fs.statSync(file_, { throwIfNoEntry: false });
  if (!stat || stat.size !== file.size) return null;
  const info = isEvidenceKind(file.kind) ? EVIDENCE_KIND_INFO[file.kind] : null;
  const inline = !opts.download && !!info?.inline;
  const headers = new Headers({
    "Content-Type": info?.mime ?? "application/octet-stream",
    "Content-Length": String(file.size),
    "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.originalName),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-cache",
    ETag: `"${file.sha256}"`,
    // Chrome and Safari refuse to run their PDF viewers in a sandboxed document, so PDFs get a
    // frame restriction only; everything else is sandboxed with no active content allowed.
    "Content-Security-Policy":
      file.kind === "pdf" && inline
        ? "frame-ancestors 'self'"
        : "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
  });
  const body = createReadableStreamFromReadable(fs.createReadStream(file_)) as ReadableStream<Uint8Array>;
  return { body, headers };
}
