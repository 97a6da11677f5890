import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { closeDb, getDb, getSqlite } from "../../db/client";
import { evidenceFiles, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { makeTempDir } from "../helpers/data-dir";
import { createCycle, leafNodeId, unitIdOf } from "../helpers/evaluation-fixtures";
import { chunksOf, pdfBytes } from "../helpers/evidence-fixtures";
import { addFinding } from "../helpers/results-fixtures";

/**
 * Evidence owners are typed references with foreign keys (migration 0012): a leaf of a
 * self-inspection (submission + indicator node), a finding, a rectification or an appeal. Rows
 * written before keep their owner; a row whose owner had gone is kept, deleted, without references.
 */

const MIGRATION = "0012_evidence_owner_fk";
const SOURCE = path.resolve("db", "migrations");
let dataDir = "";
let before = "";
let cycleId = 0;
let submissionId = 0;
let nodeId = 0;
let findingId = 0;

/** The migrations before 0012 (a copy of the folder with 0012 left out of the journal). */
function migrationsBefore(): string {
  const dir = makeTempDir("zwgk-migrations-");
  fs.cpSync(SOURCE, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === MIGRATION);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

const at = "2030-06-01T00:00:00.000Z";
function oldEvidenceRow(id: number, ownerType: string, ownerId: string, deletedAt: string | null = null): void {
  const sha = String(id).padStart(64, "0");
  getSqlite().prepare("INSERT INTO evidence_blobs (sha256, size, mime, kind, created_at) VALUES (?, 10, 'application/pdf', 'pdf', ?)").run(sha, at);
  getSqlite()
    .prepare(
      "INSERT INTO evidence_files (id, sha256, original_name, kind, size, uploaded_at, owner_type, owner_id, unit_id, deleted_at) VALUES (?, ?, ?, 'pdf', 10, ?, ?, ?, ?, ?)",
    )
    .run(id, sha, `材料${id}.pdf`, at, ownerType, ownerId, unitIdOf(DEMO_UNITS[0].code), deletedAt);
  getSqlite()
    .prepare("INSERT INTO evidence_links (id, owner_type, owner_id, unit_id, url, title, created_at) VALUES (?, ?, ?, ?, 'https://example.gov.cn/a', '链接', ?)")
    .run(id, ownerType, ownerId, unitIdOf(DEMO_UNITS[0].code), at);
}

beforeAll(() => {
  dataDir = makeTempDir("zwgk-test-");
  before = migrationsBefore();
  closeDb();
  process.env.DATA_DIR = dataDir;
  process.env.MIGRATIONS_DIR = before;
  // Today's code writes the fixture rows; the column a later migration (0013) adds to users is
  // there while it does, and gone again before the real migrations run.
  getSqlite().exec("ALTER TABLE users ADD email text");
  seedAccounts(getDb());
  cycleId = createCycle(2030, "published", { submittedUnitCodes: [DEMO_UNITS[0].code] }).cycleId;
  submissionId = getSqlite().prepare("SELECT id FROM submissions WHERE cycle_id = ?").pluck().get(cycleId) as number;
  nodeId = leafNodeId(cycleId, DEMO_UNITS[0].code, "1.1");
  findingId = addFinding(cycleId, DEMO_UNITS[0].code, "1.2", { kind: "fault", description: "栏目更新不及时", faultCode: "late", count: 1 });
  // Rows as the app wrote them before 0012: owners as text only.
  oldEvidenceRow(1, "submission_leaf", `${submissionId}:${nodeId}`);
  oldEvidenceRow(2, "finding", String(findingId));
  oldEvidenceRow(3, "submission_leaf", `${submissionId}:999999`); // its leaf was deleted since
  oldEvidenceRow(4, "rectification", "888888", "2030-06-02T00:00:00.000Z"); // gone, and already deleted
  oldEvidenceRow(5, "submission_leaf", "t1"); // never a real owner
  getSqlite().exec("ALTER TABLE users DROP COLUMN email");
  closeDb();
  delete process.env.MIGRATIONS_DIR;
  getDb(); // migrates to the newest schema
});

afterAll(() => {
  closeDb();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(before, { recursive: true, force: true });
});

const refs = (table: "evidence_files" | "evidence_links", id: number) =>
  getSqlite()
    .prepare(`SELECT owner_type AS ownerType, owner_id AS ownerId, submission_id AS submissionId, node_id AS nodeId, finding_id AS findingId, rectification_id AS rectificationId, appeal_id AS appealId, deleted_at AS deletedAt FROM ${table} WHERE id = ?`)
    .get(id) as Record<string, unknown>;

describe("migration 0012", () => {
  it("types every existing owner: the references of a leaf and of a finding are filled in, nothing else changes", () => {
    for (const table of ["evidence_files", "evidence_links"] as const) {
      expect(refs(table, 1)).toEqual({ ownerType: "submission_leaf", ownerId: `${submissionId}:${nodeId}`, submissionId, nodeId, findingId: null, rectificationId: null, appealId: null, deletedAt: null });
      expect(refs(table, 2)).toEqual({ ownerType: "finding", ownerId: String(findingId), submissionId: null, nodeId: null, findingId, rectificationId: null, appealId: null, deletedAt: null });
    }
    expect(getSqlite().prepare("SELECT original_name FROM evidence_files ORDER BY id").pluck().all()).toEqual(["材料1.pdf", "材料2.pdf", "材料3.pdf", "材料4.pdf", "材料5.pdf"]);
    expect(getSqlite().prepare("PRAGMA foreign_key_check").all()).toEqual([]);
  });

  it("keeps a row whose owner is gone, deleted and without references (an already deleted one keeps its time)", () => {
    for (const table of ["evidence_files", "evidence_links"] as const) {
      for (const id of [3, 5]) {
        const r = refs(table, id);
        expect(r).toMatchObject({ submissionId: null, nodeId: null, findingId: null, rectificationId: null, appealId: null });
        expect(r.deletedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      }
    }
    expect(refs("evidence_files", 4).deletedAt).toBe("2030-06-02T00:00:00.000Z");
  });
});

describe("evidence owners after 0012", () => {
  const dept = () => getDb().select().from(users).where(eq(users.username, "dept-001")).get()!;
  const upload = (ownerType: "submission_leaf" | "finding", ownerId: string, name: string) =>
    saveUploadedEvidence(getDb(), { actor: { id: dept().id, name: "填报员" }, unitId: dept().unitId!, ownerType, ownerId, part: { filename: name, data: chunksOf(pdfBytes(name)) } });

  it("an upload records its owner's references", async () => {
    const row = await upload("submission_leaf", `${submissionId}:${nodeId}`, "新材料.pdf");
    expect(row).toMatchObject({ ownerType: "submission_leaf", ownerId: `${submissionId}:${nodeId}`, submissionId, nodeId, findingId: null });
  });

  it("an owner that does not exist is refused by the database, and nothing is written", async () => {
    const files = () => getDb().select().from(evidenceFiles).all().length;
    const count = files();
    await expect(upload("submission_leaf", `${submissionId}:999999`, "孤儿.pdf")).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(upload("finding", "999999", "孤儿.pdf")).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(files()).toBe(count);
  });

  it("a row whose text key disagrees with its references is refused (CHECK)", () => {
    const sha = getSqlite().prepare("SELECT sha256 FROM evidence_blobs LIMIT 1").pluck().get() as string;
    const insert = (ownerId: string, finding: number | null, sub: number | null, node: number | null) =>
      getSqlite()
        .prepare(
          "INSERT INTO evidence_files (sha256, original_name, kind, size, uploaded_at, owner_type, owner_id, submission_id, node_id, finding_id, unit_id) VALUES (?, 'x.pdf', 'pdf', 10, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(sha, at, finding === null ? "submission_leaf" : "finding", ownerId, sub, node, finding, unitIdOf(DEMO_UNITS[0].code));
    expect(() => insert(`${submissionId}:${nodeId + 1}`, null, submissionId, nodeId)).toThrow(/CHECK constraint failed/);
    expect(() => insert(String(findingId), findingId, submissionId, null)).toThrow(/CHECK constraint failed/);
    expect(() => insert("1", null, null, null)).toThrow(/CHECK constraint failed/);
  });
});
