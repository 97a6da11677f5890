import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinFramed } from "../../app/domain/deterministic-json";
import { closeDb } from "../../db/client";
import { withRanks } from "../../scoring";
import { DEMO_PASSWORD } from "../../seeds/demo/district";
import { pdfBytes } from "../helpers/evidence-fixtures";
import { createPublishedCycle, leafNodeId } from "../helpers/self-inspection-fixtures";
import { loginViaHttp, postForm, PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";

// The real server killed with SIGKILL in the middle of work, then restarted on the same DATA_DIR:
// the database is intact, nothing half-written is left behind, and the audit chain verifies.

let server: TestServer;
let dataDir = "";

function npmRun(args: string[], dir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dir } });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("close", (code) => resolve({ code, out }));
  });
}

function auditVerify(dir: string): Promise<{ code: number | null; out: string }> {
  return npmRun(["audit:verify"], dir);
}

/** Read-only look at the database file, as an operator would after the crash. */
function inspect<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const integrity = () => inspect((db) => (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; "));
const count = (table: string) => inspect((db) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Blobs on disk and rows in evidence_blobs must match one to one (no orphan in either direction). */
function assertNoOrphans() {
  const uploads = path.join(dataDir, "uploads");
  const onDisk = filesUnder(uploads)
    .filter((f) => !f.startsWith(path.join(uploads, "tmp")))
    .map((f) => path.basename(f))
    .sort();
  const rows = inspect((db) => (db.prepare("SELECT sha256 FROM evidence_blobs ORDER BY sha256").all() as { sha256: string }[]).map((r) => r.sha256));
  expect(onDisk).toEqual(rows);
  // Every file row points at a stored blob (the foreign key is checked too).
  expect(inspect((db) => db.pragma("foreign_key_check"))).toEqual([]);
  expect(filesUnder(path.join(uploads, "tmp"))).toEqual([]);
}

async function restart() {
  server = await startServer({ dataDir });
}

beforeAll(async () => {
  server = await startServer({ keepDataDir: true });
  dataDir = server.dataDir;
}, 120_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A leaf of dept-001's self-inspection that accepts PDF evidence, in a newer published cycle of
 * its own (so the demo's submission states do not matter).
 */
function pdfLeaf(): number {
  process.env.DATA_DIR = dataDir;
  closeDb();
  try {
    const cycleId = createPublishedCycle(2099, "2099-11-30");
    return leafNodeId(cycleId, "JD001", "1.1");
  } finally {
    closeDb();
  }
}

describe("SIGKILL in the middle of an upload", () => {
  it("leaves no partial file and no row; after restart the database is intact and uploads work again", async () => {
    const nodeId = pdfLeaf();
    const cookie = await loginViaHttp(server, "dept-001", DEMO_PASSWORD);
    const before = { files: count("evidence_files"), blobs: count("evidence_blobs"), submissions: count("submissions"), audit: count("audit_log") };

    // A 20 MB PDF sent slowly: the server streams it into uploads/tmp while it arrives.
    const boundary = "----zwgkcrash" + Date.now();
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="大文件.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const req = http.request(`${server.url}/self/upload/${nodeId}`, {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, Origin: server.url, Cookie: cookie, "Content-Length": String(head.length + 20 * 1024 * 1024 + 200) },
    });
    req.on("error", () => undefined); // the server goes away mid-request
    let early = "";
    req.on("response", (res) => {
      early = `HTTP ${res.statusCode}`;
      res.on("data", (c) => (early += String(c)));
    });
    req.write(head);
    req.write(Buffer.from(pdfBytes("crash test")));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const tmp = path.join(dataDir, "uploads", "tmp");
    let sent = 0;
    // Keep sending until the partial file on the server has grown past 1 MB, then kill it.
    for (;;) {
      req.write(chunk);
      sent += chunk.length;
      await new Promise((r) => setTimeout(r, 20));
      const partial = filesUnder(tmp).reduce((n, f) => n + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
      if (partial > 1024 * 1024) break;
      if (sent > 15 * 1024 * 1024) throw new Error(`the server never started writing the upload (${early})`);
    }
    const exit = await server.kill("SIGKILL");
    req.destroy();
    expect(exit.signal).toBe("SIGKILL");
    // The crash did leave a partial temp file (this is what a restart must clean up).
    expect(filesUnder(tmp).length).toBeGreaterThan(0);

    await restart();
    expect(server.output()).toContain("已清理");
    expect(integrity()).toBe("ok");
    expect({ files: count("evidence_files"), blobs: count("evidence_blobs"), submissions: count("submissions"), audit: count("audit_log") }).toEqual(before);
    assertNoOrphans();
    const verify = await auditVerify(dataDir);
    expect(verify.code, verify.out).toBe(0);

    // The same session still works after the restart (sessions live in the database) and a new upload lands once.
    const form = new FormData();
    form.append("file", new Blob([pdfBytes("after the crash")], { type: "application/pdf" }), "重启后上传.pdf");
    const res = await fetch(`${server.url}/self/upload/${nodeId}`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: server.url } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    expect(count("evidence_files")).toBe(before.files + 1);
    assertNoOrphans();
  }, 180_000);
});

describe("SIGKILL during a stream of writes", () => {
  it("every committed change has its audit row, nothing half-committed, and the chain verifies", async () => {
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    let n = 0;
    const inFlight: Promise<unknown>[] = [];
    // Four parallel writers, so the kill lands while transactions are running.
    for (let w = 0; w < 4; w++) {
      inFlight.push(
        (async () => {
          for (;;) {
            const i = ++n;
            try {
              await postForm(server, "/admin/categories", { intent: "create", name: `崩溃测试类别${i}` }, { cookie });
            } catch {
              return; // connection refused/reset once the server is gone
            }
          }
        })(),
      );
    }
    await expect.poll(() => n, { timeout: 20_000 }).toBeGreaterThan(20);
    await server.kill("SIGKILL");
    await Promise.all(inFlight);

    await restart();
    expect(integrity()).toBe("ok");
    const { cats, audited } = inspect((db) => ({
      cats: db.prepare("SELECT id FROM categories WHERE name LIKE '崩溃测试类别%'").all() as { id: number }[],
      audited: new Set(
        (db.prepare("SELECT entity_id FROM audit_log WHERE action = 'category.create'").all() as { entity_id: string }[]).map((r) => Number(r.entity_id)),
      ),
    }));
    expect(cats.length).toBeGreaterThan(0);
    expect(cats.filter((c) => !audited.has(c.id))).toEqual([]);
    const verify = await auditVerify(dataDir);
    expect(verify.code, verify.out).toBe(0);
    assertNoOrphans();
  }, 120_000);
});

describe("SIGKILL during a whole-cycle recompute", () => {
  const YEAR = 2031;
  /** Every stored result set is whole: its unit rows match its results document, which matches its hash where one is stored (a recompute leaves it to the first asker). */
  function assertResultsWhole(): number {
    const rows = inspect((db) => {
      const cycle = db.prepare("SELECT id FROM cycles WHERE year = ?").get(YEAR) as { id: number };
      const stored = db.prepare("SELECT id, kind, results_json AS frame, results_sha256 AS sha FROM cycle_results WHERE cycle_id = ?").all(cycle.id) as { id: number; kind: string; frame: string; sha: string | null }[];
      // The results document is stored in pieces: its frame, and each unit's entry in document order
      // with the ranks of its row's columns (a unit that only moved keeps the text it was scored with).
      const entries = db.prepare("SELECT result, rank, category_rank FROM unit_results WHERE cycle_result_id = ? ORDER BY position").raw();
      const texts = (id: number) => (entries.all(id) as [string, number, number][]).map(([text, rank, categoryRank]) => withRanks(text, rank, categoryRank));
      return stored.map((r) => ({ ...r, json: joinFramed(r.frame, texts(r.id)) }));
    });
    expect(rows.filter((r) => r.kind === "preliminary")).toHaveLength(1);
    for (const r of rows) {
      if (r.sha !== null) expect(crypto.createHash("sha256").update(r.json, "utf8").digest("hex")).toBe(r.sha);
      const units = (JSON.parse(r.json) as { units: unknown[] }).units.length;
      expect(inspect((db) => (db.prepare("SELECT count(*) AS n FROM unit_results WHERE cycle_result_id = ?").get(r.id) as { n: number }).n)).toBe(units);
    }
    return rows.length;
  }

  /** Change every unit's package input (the pass mark), so the next recompute rewrites the results. */
  function changeSettings(passMark: number) {
    const db = new Database(path.join(dataDir, "app.db"));
    try {
      db.pragma("busy_timeout = 5000");
      db.prepare("UPDATE cycles SET settings = json_set(settings, '$.passMark', ?) WHERE year = ?").run(passMark, YEAR);
    } finally {
      db.close();
    }
  }

  it("leaves either the old or the new results, whole, and a verifying audit chain", async () => {
    // 1 500 synthetic units × 100 leaves with evaluations (the CLI computes the first results).
    const seeded = await npmRun(["seed:synthetic", "--", "--units", "1500", "--year", String(YEAR)], dataDir);
    expect(seeded.code, seeded.out).toBe(0);
    assertResultsWhole();
    let cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    const compute = () => postForm(server, "/results", { intent: "compute", year: String(YEAR) }, { cookie });

    // How long a full recompute takes here; meanwhile the server keeps answering other users (the
    // recompute, its write included, runs in a worker thread): health checks and the ranking page
    // are answered one after another while the recompute is still pending.
    changeSettings(61);
    const t0 = Date.now();
    let pending = true;
    const firstPending = compute().finally(() => (pending = false));
    let answered = 0;
    for (let i = 0; pending; i++) {
      const r = await fetch(i % 2 === 0 ? `${server.url}/healthz` : `${server.url}/results?cycle=${YEAR}`, { headers: { Cookie: cookie } });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      if (pending) answered++;
    }
    const first = await firstPending;
    const took = Date.now() - t0;
    expect(first.status, await first.text()).toBe(200);
    expect(answered).toBeGreaterThanOrEqual(10);
    assertResultsWhole();

    for (const [i, fraction] of [0.3, 0.6, 0.9].entries()) {
      changeSettings(62 + i);
      const before = count("audit_log");
      const pending = compute().catch(() => null); // the server dies under it
      await new Promise((r) => setTimeout(r, Math.round(took * fraction)));
      await server.kill("SIGKILL");
      await pending;
      await restart();
      expect(integrity()).toBe("ok");
      assertResultsWhole();
      expect(inspect((db) => db.pragma("foreign_key_check"))).toEqual([]);
      const verify = await auditVerify(dataDir);
      expect(verify.code, verify.out).toBe(0);
      expect(count("audit_log")).toBeGreaterThanOrEqual(before);
      cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    }
    // And a recompute after the crashes completes normally.
    const last = await compute();
    expect(last.status).toBe(200);
    assertResultsWhole();
  }, 300_000);
});
