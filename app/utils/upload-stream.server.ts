import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DomainError } from "../domain/domain-error";
import { config, uploadsDir } from "../config.server";
import { EVIDENCE_KIND_INFO, kindForFileName, type EvidenceKind } from "./evidence-kinds";
import { detectFileKind } from "./file-type.server";

/**
 * Streams one uploaded file part to DATA_DIR/uploads/tmp while hashing and counting it, checks its
 * real type, and moves it into the content-addressed store DATA_DIR/uploads/<sha[0..2]>/<sha>.
 * Nothing is ever held whole in memory, and nothing partial is left behind on failure.
 */

const MB = 1024 * 1024;

export interface UploadLimits {
  maxFileBytes: number;
  maxSubmissionBytes: number;
}

/** UPLOAD_MAX_FILE_MB (default 50) and UPLOAD_MAX_SUBMISSION_MB (default 1024), from the configuration. */
export function uploadLimits(): UploadLimits {
  return {
    maxFileBytes: config().upload.maxFileBytes,
    maxSubmissionBytes: config().upload.maxSubmissionBytes,
  };
}

/** "50MB", "1GB", "0.5MB". */
export function formatLimit(bytes: number): string {
  const mb = bytes / MB;
  if (mb >= 1024 && mb % 1024 === 0) return `${mb / 1024}GB`;
  return `${Number.isInteger(mb) ? mb : Number(mb.toFixed(2))}MB`;
}

export type UploadRejection =
  | "no_file"
  | "empty"
  | "file_too_large"
  | "submission_too_large"
  | "unsupported_type"
  | "type_mismatch"
  | "field_too_large"
  | "malformed";

/** A refused upload: the one refusal type, saying which limit or check refused it. */
export type UploadRefusal = DomainError<{ rejection: UploadRejection }>;

/** A refusal the user should read (`message` is Chinese and names the file): 413 for a size limit, else 400. */
export function uploadRejected(rejection: UploadRejection, message: string): UploadRefusal {
  const code = rejection === "file_too_large" || rejection === "submission_too_large" ? "tooLarge" : "invalid";
  return new DomainError(code, message, undefined, { rejection });
}

/**
 * What is left of the per-submission allowance. Pass the bytes the submission already holds so the
 * total across several requests stays within UPLOAD_MAX_SUBMISSION_MB.
 */
export interface UploadBudget {
  remainingBytes: number;
  limitBytes: number;
}

export function createUploadBudget(usedBytes = 0, limits: UploadLimits = uploadLimits()): UploadBudget {
  return { remainingBytes: Math.max(0, limits.maxSubmissionBytes - usedBytes), limitBytes: limits.maxSubmissionBytes };
}

/** A verified upload sitting in the temp folder, ready to be stored. */
export interface ReceivedUpload {
  tempPath: string;
  sha256: string;
  size: number;
  kind: EvidenceKind;
  mime: string;
  /** Sanitised display name. */
  originalName: string;
}

const MAX_NAME_LENGTH = 120;

/**
 * Display text from a client-supplied filename: last path component only, no control or
 * bidi-override characters, NFC, at most 120 characters (keeping the extension).
 */
export function sanitizeFileName(name: string): string {
  let s = name.normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "");
  s = s.split(/[/\\]/).pop() ?? "";
  s = s.replace(/\s+/g, " ").trim();
  if (s === "" || /^\.+$/.test(s)) return "未命名";
  const chars = Array.from(s);
  if (chars.length <= MAX_NAME_LENGTH) return s;
  const dot = s.lastIndexOf(".");
  const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : "";
  return Array.from(s.slice(0, s.length - ext.length))
    .slice(0, MAX_NAME_LENGTH - ext.length)
    .join("")
    .concat(ext);
}

export function tempUploadsDir(): string {
  return path.join(uploadsDir(), "tmp");
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Where the content with this SHA-256 lives. */
export function blobPath(sha256: string): string {
  if (!SHA256_RE.test(sha256)) throw new Error(`invalid sha256 ${sha256}`);
  return path.join(uploadsDir(), sha256.slice(0, 2), sha256);
}

const ACCEPTED_LIST = "PDF、JPG、PNG、OFD、Word（.doc/.docx）、Excel（.xls/.xlsx）、PowerPoint（.pptx）";

/**
 * Stream `data` into a temp file, enforcing the per-file limit and the submission budget as the
 * bytes arrive, then check the content type against the extension. Resolves with the verified temp
 * file; on any failure (refusal, I/O error, the stream throwing) the temp file is removed and the
 * error rethrown. The budget is charged only when the file is accepted.
 */
export async function receiveUpload(
  data: AsyncIterable<Uint8Array>,
  opts: { fileName: string; budget?: UploadBudget; limits?: UploadLimits },
): Promise<ReceivedUpload> {
  const limits = opts.limits ?? uploadLimits();
  const originalName = sanitizeFileName(opts.fileName);
  const claimed = kindForFileName(originalName);
  if (!claimed) {
    throw uploadRejected("unsupported_type", `文件“${originalName}”的类型不受支持，仅接受${ACCEPTED_LIST}文件`);
  }

  const dir = tempUploadsDir();
  fs.mkdirSync(dir, { recursive: true });
  const tempPath = path.join(dir, `${Date.now()}-${process.pid}-${crypto.randomBytes(8).toString("hex")}.part`);
  const fh = await fs.promises.open(tempPath, "wx", 0o600);
  let closed = false;
  try {
    const hash = crypto.createHash("sha256");
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > limits.maxFileBytes) {
        throw uploadRejected("file_too_large", `文件“${originalName}”超过${formatLimit(limits.maxFileBytes)}上限，已拒绝上传`);
      }
      if (opts.budget && size > opts.budget.remainingBytes) {
        throw uploadRejected(
          "submission_too_large",
          `本次提交的佐证材料合计超过${formatLimit(opts.budget.limitBytes)}上限，文件“${originalName}”未能上传`,
        );
      }
      hash.update(chunk);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await fh.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    }
    if (size === 0) throw uploadRejected("empty", `文件“${originalName}”为空，已拒绝上传`);
    await fh.sync();
    await fh.close();
    closed = true;

    const detected = await detectFileKind(tempPath);
    if (detected !== claimed) {
      const label = EVIDENCE_KIND_INFO[claimed].label;
      const actual = detected ? `（实际为${EVIDENCE_KIND_INFO[detected].label}）` : "";
      throw uploadRejected(
        detected ? "type_mismatch" : "unsupported_type",
        `文件“${originalName}”的实际内容不是${label}，已拒绝上传${actual}`,
      );
    }
    if (opts.budget) opts.budget.remainingBytes -= size;
    return { tempPath, sha256: hash.digest("hex"), size, kind: detected, mime: EVIDENCE_KIND_INFO[detected].mime, originalName };
  } catch (error) {
    if (!closed) await fh.close().catch(() => undefined);
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
}

/** Remove a received upload that will not be stored. Safe to call twice. */
export function discardUpload(upload: Pick<ReceivedUpload, "tempPath">): void {
  fs.rmSync(upload.tempPath, { force: true });
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Move a received upload into the content-addressed store (synchronous, so it can run inside a
 * database transaction). `created` is false when identical content was already stored, in which
 * case the temp file is simply dropped.
 */
export function storeUpload(upload: ReceivedUpload): { path: string; created: boolean } {
  const final = blobPath(upload.sha256);
  const existing = fs.statSync(final, { throwIfNoEntry: false });
  if (existing && existing.size === upload.size) {
    discardUpload(upload);
    return { path: final, created: false };
  }
  fs.mkdirSync(path.dirname(final), { recursive: true });
  fs.chmodSync(upload.tempPath, 0o440);
  fs.renameSync(upload.tempPath, final);
  fsyncDir(path.dirname(final));
  return { path: final, created: true };
}

/** Remove stored content (only when no row references it any more — the caller checks). */
export function removeStoredBlob(sha256: string): void {
  fs.rmSync(blobPath(sha256), { force: true });
}

/**
 * Delete leftover temp files (from a crash or a killed request). Call at startup, before serving;
 * `olderThanMs` lets a running process sweep without touching uploads in progress.
 * Returns how many files were removed.
 */
export function cleanupTempUploads(olderThanMs = 0): number {
  const dir = tempUploadsDir();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat || (olderThanMs > 0 && stat.mtimeMs > cutoff)) continue;
    fs.rmSync(file, { force: true });
    removed++;
  }
  return removed;
}
