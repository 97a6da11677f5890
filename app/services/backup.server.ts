import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import * as tar from "tar";
import { z } from "zod";
import { verifyAuditChain } from "../utils/audit.server";
import { DomainError } from "../domain/domain-error";

/**
 * Backups of a DATA_DIR: one .tar.gz holding
 *   manifest.json   what is inside, with the SHA-256 of every file (checked before any restore)
 *   app.db          a consistent copy of the database made with SQLite's online backup API, so it
 *                   can be taken while the server runs and writes
 *   uploads/…       the evidence store (content-addressed blobs; uploads/tmp in-flight parts excluded)
 * The archive is written to a temporary name and renamed into place, so a backup file either is
 * complete or does not exist.
 */

export const BACKUP_FORMAT = "zwgk-backup";
export const BACKUP_FORMAT_VERSION = 1;
export const DB_ENTRY = "app.db";
export const MANIFEST_ENTRY = "manifest.json";
export const UPLOADS_ENTRY = "uploads";


const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);
const fileEntrySchema = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: sha256Schema,
});

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.string(),
  appVersion: z.string(),
  database: fileEntrySchema.extend({
    path: z.literal(DB_ENTRY),
    migrations: z.number().int().nonnegative(),
    auditRows: z.number().int().nonnegative(),
    /** Whether the audit hash chain verified when the backup was made. */
    auditChainOk: z.boolean(),
    auditHead: z.string().nullable(),
  }),
  uploads: z.array(fileEntrySchema.extend({ path: z.string().regex(/^uploads\/[^/].*$/) })),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest("hex");
}

/** The app version from package.json (the project root is two levels above this file). */
export function appVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Relative POSIX paths of the regular files under `dir` (sorted), skipping `skip` subfolders. */
export function listFiles(dir: string, skip: (rel: string) => boolean = () => false, prefix = ""): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (skip(rel)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, skip, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Information about a database file that the manifest records and a restore re-checks. */
export function inspectDatabase(file: string): {
  integrity: string;
  migrations: number;
  auditRows: number;
  audit: ReturnType<typeof verifyAuditChain>;
  auditHead: string | null;
} {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (sqlite.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
    const hasMigrations = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
    const migrations = hasMigrations ? (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n : 0;
    const auditRows = (sqlite.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number }).n;
    const audit = verifyAuditChain(sqlite);
    const head = sqlite.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as { hash: string } | undefined;
    return { integrity, migrations, auditRows, audit, auditHead: head?.hash ?? null };
  } finally {
    sqlite.close();
  }
}

/** Hard-link (instant; blobs are immutable and only ever replaced by rename) or else copy. */
function linkOrCopy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove the staging folder and partial archive of an earlier backup to `out` whose process is gone. */
function removeStaleTemps(out: string): void {
  const prefix = `.${path.basename(out)}.`;
  for (const name of fs.readdirSync(path.dirname(out))) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.(partial|staging-.+)$/.exec(name.slice(prefix.length));
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) fs.rmSync(path.join(path.dirname(out), name), { recursive: true, force: true });
  }
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
  bytes: number;
  /** Set when the audit chain of the live database did not verify (the backup is still made). */
  auditProblem: string | null;
}

/**
 * Back up `dataDir` into the archive `out` (must not exist yet). Safe while the server runs:
 * the database is copied through SQLite's online backup (a consistent snapshot, uncommitted
 * transactions excluded), then the uploads — blobs are written before the rows that reference them
 * commit, so every blob the snapshot references is already on disk.
 */
export async function createBackup(opts: { dataDir: string; out: string; now?: Date }): Promise<BackupResult> {
  const dataDir = path.resolve(opts.dataDir);
  const out = path.resolve(opts.out);
  const dbFile = path.join(dataDir, DB_ENTRY);
  if (!fs.existsSync(dbFile)) throw new DomainError("invalid", `找不到数据库文件：${dbFile}（请检查 DATA_DIR）`);
  if (fs.existsSync(out)) throw new DomainError("invalid", `备份文件已存在：${out}（请换一个文件名，已有备份不会被覆盖）`);
  if (!fs.existsSync(path.dirname(out))) throw new DomainError("invalid", `备份文件所在的目录不存在：${path.dirname(out)}`);
  if (out === dataDir || out.startsWith(dataDir + path.sep)) throw new DomainError("invalid", "备份文件不能放在数据目录（DATA_DIR）之内");

  // Staging next to the output file, so the final rename stays on one file system. Temp names carry
  // the pid, so what a killed backup left behind is recognised and removed by the next one.
  removeStaleTemps(out);
  const staging = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.staging-`));
  const partial = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.partial`);
  try {
    // 1. The database, through the online backup API.
    const stagedDb = path.join(staging, DB_ENTRY);
    const source = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      source.pragma("busy_timeout = 5000");
      await source.backup(stagedDb);
    } finally {
      source.close();
    }
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(stagedDb + suffix, { force: true });
    const db = inspectDatabase(stagedDb);
    if (db.integrity !== "ok") throw new DomainError("invalid", `数据库副本完整性检查未通过：${db.integrity}`);

    // 2. The uploads (in-flight temp parts excluded).
    const uploadsSrc = path.join(dataDir, UPLOADS_ENTRY);
    const uploadsDst = path.join(staging, UPLOADS_ENTRY);
    fs.mkdirSync(uploadsDst, { recursive: true });
    const uploads: BackupManifest["uploads"] = [];
    for (const rel of listFiles(uploadsSrc, (r) => r === "tmp")) {
      const dst = path.join(uploadsDst, rel);
      linkOrCopy(path.join(uploadsSrc, rel), dst);
      uploads.push({ path: `${UPLOADS_ENTRY}/${rel}`, size: fs.statSync(dst).size, sha256: await sha256File(dst) });
    }

    // 3. The manifest, then the archive under a temporary name, then the rename.
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: (opts.now ?? new Date()).toISOString(),
      appVersion: appVersion(),
      database: {
        path: DB_ENTRY,
        size: fs.statSync(stagedDb).size,
        sha256: await sha256File(stagedDb),
        migrations: db.migrations,
        auditRows: db.auditRows,
        auditChainOk: db.audit.ok,
        auditHead: db.auditHead,
      },
      uploads,
    };
    fs.writeFileSync(path.join(staging, MANIFEST_ENTRY), JSON.stringify(manifest, null, 2) + "\n");
    await tar.create({ file: partial, cwd: staging, gzip: true, portable: true }, [MANIFEST_ENTRY, DB_ENTRY, UPLOADS_ENTRY]);
    fsyncFile(partial);
    fs.renameSync(partial, out);
    const auditProblem = db.audit.ok ? null : `审计日志第 ${db.audit.badId} 条校验未通过：${db.audit.reason}`;
    return { file: out, manifest, bytes: fs.statSync(out).size, auditProblem };
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
