import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoreCycle } from "../../app/services/cycle-package.server";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { closeDb, getDb } from "../../db/client";
import * as schema from "../../db/schema";
import { DEMO_PASSWORD } from "../../seeds/demo/district";
import { chunksOf, leafOwnerOf, pdfBytes, PNG_BYTES } from "../helpers/evidence-fixtures";
import { loginViaHttp, postForm, PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";

// `npm run backup` while the real server runs and writes, then `npm run restore` into an empty
// DATA_DIR: the same data, the same uploads, the same exports, a verifying audit chain.

let server: TestServer;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-backup-test-"));

function npm(args: string[], dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" } });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("close", (code) => resolve({ code, out }));
  });
}

const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Relative path → SHA-256 of every file under dir. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out[rel] = sha(path.join(d, e.name));
    }
  };
  if (fs.existsSync(dir)) walk(dir, "");
  return out;
}

/** Every row of every table (read-only), in rowid order. */
function dumpDatabase(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map((t) => [t.name, db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

function withReadonlyDb<T>(file: string, fn: (db: ReturnType<typeof drizzle<typeof schema>>) => T): T {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(drizzle(sqlite, { schema }));
  } finally {
    sqlite.close();
  }
}

/** The scoring results of every cycle, rebuilt from the database (the engine's package + results). */
function cycleScores(file: string): unknown {
  return withReadonlyDb(file, (db) =>
    db
      .select()
      .from(schema.cycles)
      .all()
      .map((c) => {
        const { build, results } = scoreCycle(db, c.id);
        return { year: c.year, pkg: build.pkg, results };
      }),
  );
}

/** Cell values of every sheet of an .xlsx (file metadata such as creation time aside). */
async function workbookValues(file: string): Promise<unknown> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.worksheets.map((ws) => ({ name: ws.name, rows: ws.getSheetValues() }));
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  // Evidence on disk (the live server shares the database: WAL).
  const dept = getDb().select().from(schema.users).where(eq(schema.users.username, "dept-001")).get()!;
  const actor = { id: dept.id, name: dept.displayName };
  for (const [i, [name, bytes]] of ([
    ["公开目录.pdf", pdfBytes("公开目录 2026")],
    ["网站截图.png", PNG_BYTES],
    ["解读材料.pdf", pdfBytes("政策解读 三同步")],
  ] as const).entries()) {
    await saveUploadedEvidence(getDb(), { actor, unitId: dept.unitId!, ownerType: "submission_leaf", ownerId: leafOwnerOf(dept.unitId!), part: { filename: name, data: chunksOf(bytes) } });
  }
  closeDb();
}, 180_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("backup while the server runs and writes, restore into an empty DATA_DIR", () => {
  it("the snapshot is consistent: every committed change has its audit row, every referenced upload is there", async () => {
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await postForm(server, "/admin/categories", { intent: "create", name: `并发类别${written + 1}` }, { cookie });
        expect(res.status).toBe(200);
        written++;
      }
    })();
    // Let some writes land before and while the backup runs.
    await expect.poll(() => written, { timeout: 20_000 }).toBeGreaterThan(3);
    const archive = path.join(scratch, "live.tar.gz");
    const backup = await npm(["backup", "--", "--out", archive], server.dataDir);
    const writtenDuringBackup = written;
    writing = false;
    await writer;
    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toContain("备份完成");
    expect(writtenDuringBackup).toBeGreaterThan(3);
    // Only the finished archive is left next to it (no staging folder, no partial file).
    expect(fs.readdirSync(scratch)).toEqual(["live.tar.gz"]);

    const target = path.join(scratch, "restored-live");
    const restore = await npm(["restore", "--", archive], target);
    expect(restore.code, restore.out).toBe(0);
    expect(restore.out).toContain("哈希链校验通过");
    const dbFile = path.join(target, "app.db");
    expect(integrity(dbFile)).toBe("ok");
    const verify = await npm(["audit:verify"], target);
    expect(verify.code, verify.out).toBe(0);

    // Atomic snapshot: each concurrent category is there exactly when its audit row is.
    const dump = dumpDatabase(dbFile);
    const cats = (dump.categories as { id: number; name: string }[]).filter((c) => c.name.startsWith("并发类别"));
    const auditedIds = (dump.audit_log as { entity_type: string; entity_id: string; action: string }[])
      .filter((a) => a.entity_type === "category" && /create/.test(a.action))
      .map((a) => Number(a.entity_id));
    expect(cats.length).toBeGreaterThan(0);
    for (const c of cats) expect(auditedIds, c.name).toContain(c.id);
    const liveCount = getDbCount(server.dataDir);
    expect(cats.length).toBeLessThanOrEqual(liveCount);

    // Every blob the snapshot references is in the restored uploads with the right content.
    const blobs = dump.evidence_blobs as { sha256: string; size: number }[];
    expect(blobs.length).toBeGreaterThanOrEqual(3);
    for (const b of blobs) {
      const file = path.join(target, "uploads", b.sha256.slice(0, 2), b.sha256);
      expect(fs.existsSync(file), b.sha256).toBe(true);
      expect(sha(file)).toBe(b.sha256);
    }
    // No in-flight temp parts travel with a backup.
    expect(fs.existsSync(path.join(target, "uploads", "tmp"))).toBe(false);
  }, 180_000);

  it("a quiet backup restores to identical data, uploads and exports, and the restored directory serves", async () => {
    const archive = path.join(scratch, "quiet.tar.gz");
    const backup = await npm(["backup", "--", "--out", archive], server.dataDir);
    expect(backup.code, backup.out).toBe(0);
    const target = path.join(scratch, "restored-quiet");
    const restore = await npm(["restore", "--", archive], target);
    expect(restore.code, restore.out).toBe(0);

    const liveDb = path.join(server.dataDir, "app.db");
    const copyDb = path.join(target, "app.db");
    expect(dumpDatabase(copyDb)).toEqual(dumpDatabase(liveDb));
    const liveUploads = tree(path.join(server.dataDir, "uploads"));
    for (const k of Object.keys(liveUploads)) if (k.startsWith("tmp/")) delete liveUploads[k];
    expect(tree(path.join(target, "uploads"))).toEqual(liveUploads);
    expect(Object.keys(liveUploads).length).toBeGreaterThanOrEqual(3);

    // Exports: scores of every cycle, and the indicator workbook of each cycle.
    expect(cycleScores(copyDb)).toEqual(cycleScores(liveDb));
    for (const year of withReadonlyDb(liveDb, (db) => db.select().from(schema.cycles).all().map((c) => c.year))) {
      const a = path.join(scratch, `live-${year}.xlsx`);
      const b = path.join(scratch, `copy-${year}.xlsx`);
      const ea = await npm(["export:indicators", "--", "--cycle", String(year), "--out", a], server.dataDir);
      const eb = await npm(["export:indicators", "--", "--cycle", String(year), "--out", b], target);
      expect(ea.code, ea.out).toBe(0);
      expect(eb.code, eb.out).toBe(0);
      expect(await workbookValues(b)).toEqual(await workbookValues(a));
    }
    // The results exports (deterministic package and results documents), once the CLI exists.
    const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    if (scripts["export:results"]) {
      let exported = 0;
      for (const format of ["package", "results"]) {
        const a = path.join(scratch, `live-2025.${format}.json`);
        const b = path.join(scratch, `copy-2025.${format}.json`);
        const ea = await npm(["export:results", "--", "--cycle", "2025", "--format", format, "--out", a], server.dataDir);
        const eb = await npm(["export:results", "--", "--cycle", "2025", "--format", format, "--out", b], target);
        expect(eb.code, eb.out).toBe(ea.code);
        if (ea.code === 0) {
          expect(sha(b)).toBe(sha(a));
          exported++;
        }
      }
      expect(exported).toBe(2);
    }

    // The restored directory is a working installation: the server starts on it and has the data.
    const restored = await startServer({ dataDir: target });
    try {
      const cookie = await loginViaHttp(restored, "admin", DEMO_PASSWORD);
      const page = await (await fetch(`${restored.url}/admin/categories`, { headers: { Cookie: cookie } })).text();
      expect(page).toContain("并发类别1");
    } finally {
      await restored.stop();
    }
  }, 300_000);

  it("restore refuses a non-empty DATA_DIR without --force and changes nothing; with --force keeps the old data aside", async () => {
    const archive = path.join(scratch, "quiet.tar.gz");
    const target = path.join(scratch, "restored-quiet");
    const before = tree(target);
    const refused = await npm(["restore", "--", archive], target);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("不为空");
    expect(refused.out).toContain("--force");
    expect(tree(target)).toEqual(before);

    const forced = await npm(["restore", "--", archive, "--force"], target);
    expect(forced.code, forced.out).toBe(0);
    const aside = fs.readdirSync(target).filter((n) => n.startsWith(".before-restore-"));
    expect(aside).toHaveLength(1);
    expect(sha(path.join(target, aside[0], "app.db"))).toBe(before["app.db"]);
    expect(integrity(path.join(target, "app.db"))).toBe("ok");
    expect((await npm(["audit:verify"], target)).code).toBe(0);
  }, 180_000);

  it("a damaged or tampered archive is refused before anything is written", async () => {
    const good = fs.readFileSync(path.join(scratch, "quiet.tar.gz"));
    const truncated = path.join(scratch, "truncated.tar.gz");
    fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const empty = path.join(scratch, "empty-target");
    const res = await npm(["restore", "--", truncated], empty);
    expect(res.code).toBe(1);
    expect(res.out).toContain("恢复失败");
    expect(fs.existsSync(empty) ? fs.readdirSync(empty) : []).toEqual([]);

    // A re-packed archive whose upload bytes were changed: the manifest's SHA-256 catches it.
    const unpacked = path.join(scratch, "unpacked");
    fs.mkdirSync(unpacked);
    const tar = await import("tar");
    await tar.extract({ file: path.join(scratch, "quiet.tar.gz"), cwd: unpacked });
    const blob = Object.keys(tree(path.join(unpacked, "uploads")))[0];
    const blobFile = path.join(unpacked, "uploads", blob);
    fs.chmodSync(blobFile, 0o644);
    fs.appendFileSync(blobFile, "tampered");
    const tampered = path.join(scratch, "tampered.tar.gz");
    await tar.create({ file: tampered, cwd: unpacked, gzip: true }, fs.readdirSync(unpacked));
    const res2 = await npm(["restore", "--", tampered], empty);
    expect(res2.code).toBe(1);
    expect(res2.out).toContain("SHA-256");
    expect(fs.existsSync(empty) ? fs.readdirSync(empty) : []).toEqual([]);
  }, 120_000);

  it("backup refuses to overwrite an existing file and leaves nothing behind when it cannot write", async () => {
    const existing = path.join(scratch, "quiet.tar.gz");
    const before = sha(existing);
    const res = await npm(["backup", "--", "--out", existing], server.dataDir);
    expect(res.code).toBe(1);
    expect(res.out).toContain("已存在");
    expect(sha(existing)).toBe(before);
    const inside = await npm(["backup", "--", "--out", path.join(server.dataDir, "x.tar.gz")], server.dataDir);
    expect(inside.code).toBe(1);
    expect(fs.existsSync(path.join(server.dataDir, "x.tar.gz"))).toBe(false);
    expect(fs.readdirSync(scratch).filter((n) => n.startsWith("."))).toEqual([]);
  }, 60_000);
});

describe("a backup killed half-way", () => {
  it("leaves nothing under the archive's name, and the next backup clears its temp files and succeeds", async () => {
    // Enough data that the backup takes a moment: 1 500 synthetic units × 100 leaves with evaluations.
    const seeded = await npm(["seed:synthetic", "--", "--units", "1500", "--year", "2031"], server.dataDir);
    expect(seeded.code, seeded.out).toBe(0);
    const out = path.join(scratch, "killed.tar.gz");
    // The CLI in this very process (node + the tsx loader), so the signal reaches the backup itself.
    const child = spawn(process.execPath, ["--import", "tsx", "app/cli/backup.ts", "--out", out], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: server.dataDir } });
    const exited = new Promise((r) => child.on("exit", r));
    const temps = () => fs.readdirSync(scratch).filter((n) => n.startsWith(".killed.tar.gz."));
    await expect.poll(temps, { timeout: 60_000, interval: 10 }).not.toEqual([]);
    child.kill("SIGKILL");
    await exited;
    expect(fs.existsSync(out)).toBe(false);
    expect(temps().length).toBeGreaterThan(0); // what the killed run was writing, under temp names only

    const again = await npm(["backup", "--", "--out", out], server.dataDir);
    expect(again.code, again.out).toBe(0);
    expect(temps()).toEqual([]);
    const target = path.join(scratch, "restored-after-kill");
    const restore = await npm(["restore", "--", out], target);
    expect(restore.code, restore.out).toBe(0);
    expect(integrity(path.join(target, "app.db"))).toBe("ok");
  }, 300_000);
});

function getDbCount(dataDir: string): number {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM categories WHERE name LIKE '并发类别%'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}
