import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as tar from "tar";
import {
  DB_ENTRY,
  inspectDatabase,
  listFiles,
  MANIFEST_ENTRY,
  manifestSchema,
  sha256File,
  UPLOADS_ENTRY,
  type BackupManifest,
} from "./backup.server";
import { DomainError } from "../domain/domain-error";

/**
 * Restore a backup made by createBackup into a DATA_DIR. Everything is checked in a staging folder
 * first (archive readable, only expected entries, every SHA-256 and size as the manifest says,
 * database integrity and audit chain); only then is anything in DATA_DIR moved. With `force`, what
 * DATA_DIR held before is kept aside in DATA_DIR/.before-restore-<time>/ rather than deleted.
 * Stop the server before restoring.
 */

/** Left in place by a restore: configuration rather than data. */
const KEPT_ENTRIES = new Set(["session-secret"]);
const STAGING_PREFIX = ".restore-";
const ASIDE_PREFIX = ".before-restore-";

export interface RestoreResult {
  dataDir: string;
  manifest: BackupManifest;
  auditRows: number;
  /** Where the previous contents went (force on a non-empty DATA_DIR), or null. */
  previousMovedTo: string | null;
  /** Set when the audit chain was already broken when the backup was made. */
  auditProblem: string | null;
}

/** Entries that make a DATA_DIR "not empty" for restore purposes. */
function existingEntries(dataDir: string): string[] {
  try {
    return fs.readdirSync(dataDir).filter((name) => !KEPT_ENTRIES.has(name) && !name.startsWith(ASIDE_PREFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function allowedEntry(p: string): boolean {
  const clean = p.replace(/\/+$/, "");
  if (clean === MANIFEST_ENTRY || clean === DB_ENTRY || clean === UPLOADS_ENTRY) return true;
  if (!clean.startsWith(`${UPLOADS_ENTRY}/`)) return false;
  return clean.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..");
}

/** Unpack into `staging`, refusing anything but plain files and folders at the expected paths. */
async function extractArchive(archive: string, staging: string): Promise<void> {
  const refused: string[] = [];
  try {
    await tar.extract({
      file: archive,
      cwd: staging,
      strict: true,
      preservePaths: false,
      filter: (p, entry) => {
        const type = "type" in entry ? entry.type : entry.isDirectory() ? "Directory" : "File";
        const ok = (type === "File" || type === "OldFile" || type === "Directory") && allowedEntry(p);
        if (!ok) refused.push(`${p}（${type}）`);
        return ok;
      },
    });
  } catch (error) {
    throw new DomainError("invalid", `备份文件已损坏或不是本系统的备份，无法读取：${error instanceof Error ? error.message : error}`);
  }
  if (refused.length) throw new DomainError("invalid", `备份文件包含不应有的内容，已拒绝恢复：${refused.slice(0, 5).join("、")}`);
}

async function checkFile(staging: string, entry: { path: string; size: number; sha256: string }): Promise<void> {
  const file = path.join(staging, ...entry.path.split("/"));
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new DomainError("invalid", `备份文件不完整：缺少 ${entry.path}`);
  if (stat.size !== entry.size || (await sha256File(file)) !== entry.sha256) {
    throw new DomainError("invalid", `备份文件校验失败：${entry.path} 的内容与清单中的 SHA-256 不一致（文件损坏或被改动）`);
  }
}

/** Check the unpacked backup completely; returns its manifest. Changes nothing outside `staging`. */
async function verifyStaging(staging: string): Promise<{ manifest: BackupManifest; auditRows: number; auditProblem: string | null }> {
  const manifestFile = path.join(staging, MANIFEST_ENTRY);
  if (!fs.existsSync(manifestFile)) throw new DomainError("invalid", "备份文件中没有清单（manifest.json），不是本系统的备份");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch {
    throw new DomainError("invalid", "备份清单（manifest.json）无法解析，备份文件已损坏");
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError("invalid", "备份清单（manifest.json）格式不正确或版本不受支持");
  const manifest = parsed.data;

  const listed = new Set([MANIFEST_ENTRY, DB_ENTRY, ...manifest.uploads.map((u) => u.path)]);
  if (listed.size !== manifest.uploads.length + 2) throw new DomainError("invalid", "备份清单中有重复的文件");
  const present = listFiles(staging);
  const extra = present.filter((p) => !listed.has(p));
  if (extra.length) throw new DomainError("invalid", `备份文件中有清单未列出的文件：${extra.slice(0, 5).join("、")}`);
  await checkFile(staging, manifest.database);
  for (const upload of manifest.uploads) await checkFile(staging, upload);

  const db = inspectDatabase(path.join(staging, DB_ENTRY));
  if (db.integrity !== "ok") throw new DomainError("invalid", `备份中的数据库完整性检查未通过：${db.integrity}`);
  if (db.auditRows !== manifest.database.auditRows || db.auditHead !== manifest.database.auditHead) {
    throw new DomainError("invalid", "备份中的审计日志与清单记录不一致");
  }
  let auditProblem: string | null = null;
  if (!db.audit.ok) {
    const problem = `审计日志第 ${db.audit.badId} 条校验未通过：${db.audit.reason}`;
    // Already broken in the live database when the backup was made: restore it as it was, loudly.
    if (manifest.database.auditChainOk) throw new DomainError("invalid", `备份中的${problem}`);
    auditProblem = problem;
  }
  return { manifest, auditRows: db.auditRows, auditProblem };
}

export async function restoreBackup(opts: { archive: string; dataDir: string; force?: boolean; now?: Date }): Promise<RestoreResult> {
  const archive = path.resolve(opts.archive);
  const dataDir = path.resolve(opts.dataDir);
  if (!fs.statSync(archive, { throwIfNoEntry: false })?.isFile()) throw new DomainError("invalid", `找不到备份文件：${archive}`);
  const existing = existingEntries(dataDir);
  if (existing.length > 0 && !opts.force) {
    throw new DomainError("invalid", 
      `数据目录 ${dataDir} 不为空（已有 ${existing.slice(0, 5).join("、")}${existing.length > 5 ? " 等" : ""}），已拒绝恢复。` +
        "如确需用备份替换其中的数据，请先停止服务，再加 --force 重新运行（原有数据会移到该目录下的 .before-restore-<时间> 文件夹中保留）。",
    );
  }

  const createdDir = !fs.existsSync(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  // Staging inside DATA_DIR keeps every rename below on one file system.
  const staging = fs.mkdtempSync(path.join(dataDir, STAGING_PREFIX));
  let aside: string | null = null;
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  try {
    await extractArchive(archive, staging);
    const checked = await verifyStaging(staging);

    if (existing.length > 0) {
      const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, "-");
      aside = path.join(dataDir, `${ASIDE_PREFIX}${stamp}-${crypto.randomBytes(3).toString("hex")}`);
      fs.mkdirSync(aside);
      for (const name of existing) {
        fs.renameSync(path.join(dataDir, name), path.join(aside, name));
        movedAside.push(name);
      }
    }
    for (const name of [DB_ENTRY, UPLOADS_ENTRY]) {
      fs.renameSync(path.join(staging, name), path.join(dataDir, name));
      movedIn.push(name);
    }

    const after = inspectDatabase(path.join(dataDir, DB_ENTRY));
    if (after.integrity !== "ok" || after.auditRows !== checked.auditRows) throw new DomainError("invalid", "恢复后的数据库校验未通过");
    return { dataDir, manifest: checked.manifest, auditRows: after.auditRows, previousMovedTo: aside, auditProblem: checked.auditProblem };
  } catch (error) {
    // Put DATA_DIR back the way it was.
    for (const name of movedIn) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    if (aside) {
      for (const name of movedAside) fs.renameSync(path.join(aside, name), path.join(dataDir, name));
      fs.rmSync(aside, { recursive: true, force: true });
    }
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (createdDir && fs.readdirSync(dataDir).length === 0) fs.rmdirSync(dataDir);
  }
}
