import crypto from "node:crypto";
import { reloadConfig } from "../../app/config.server";
import { DomainError } from "../../app/domain/domain-error";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EvidenceList } from "../../app/components/EvidenceList";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, evidenceBlobs, evidenceFiles, evidenceLinks, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import * as evidenceRoute from "../../app/routes/evidence.$fileId";
import {
  addLink,
  commitEvidenceUploads,
  receiveEvidenceForm,
  deleteEvidence,
  deleteEvidenceLink,
  listEvidence,
  LOCKED_MESSAGE,
  lockEvidence,
  saveUploadedEvidence,
  usedEvidenceBytes,
  type EvidenceOwnerType,
} from "../../app/services/evidence.server";
import { mutate, verifyAuditChain, type Actor } from "../../app/utils/audit.server";
import { detectFileKind } from "../../app/utils/file-type.server";
import {
  blobPath,
  cleanupTempUploads,
  createUploadBudget,
  receiveUpload,
  sanitizeFileName,
  tempUploadsDir,
  type UploadRefusal,
} from "../../app/utils/upload-stream.server";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle } from "../helpers/evaluation-fixtures";
import { addFinding } from "../helpers/results-fixtures";
import { DEMO_UNITS } from "../../seeds/demo/district";
import {
  chunksOf,
  docxBytes,
  ELF_BYTES,
  EXE_BYTES,
  JPEG_BYTES,
  oleBytes,
  ofdBytes,
  pdfBytes,
  PNG_BYTES,
  pptxBytes,
  xlsxBytes,
  zipBytes,
} from "../helpers/evidence-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

const data = useTempDataDir();

let unitA = 0; // dept-001's unit
let unitB = 0; // dept-002's unit
let actor: Actor;
let cycleId = 0;
/** Real owners (a foreign key each): every leaf of every demo unit's submission, handed out in turn. */
let leafOwners: string[] = [];

beforeAll(() => {
  seedAccounts(getDb());
  const user = (name: string) => getDb().select().from(users).where(eq(users.username, name)).get()!;
  unitA = user("dept-001").unitId!;
  unitB = user("dept-002").unitId!;
  const u = user("dept-001");
  actor = { id: u.id, name: u.displayName };
  cycleId = createCycle(2030, "published", { submittedUnitCodes: DEMO_UNITS.map((d) => d.code) }).cycleId;
  leafOwners = (
    getSqlite().prepare("SELECT s.id || ':' || a.node_id FROM submission_answers a JOIN submissions s ON s.id = a.submission_id WHERE s.cycle_id = ? ORDER BY a.id").pluck().all(cycleId) as string[]
  ).reverse();
});

afterEach(() => {
  delete process.env.UPLOAD_MAX_FILE_MB;
  reloadConfig();
  delete process.env.UPLOAD_MAX_SUBMISSION_MB;
  reloadConfig();
});

/** A fresh (real) owner per test so counts do not interfere. */
function newOwner(ownerType: Extract<EvidenceOwnerType, "submission_leaf" | "finding"> = "submission_leaf") {
  if (ownerType === "finding") return { ownerType, ownerId: String(addFinding(cycleId, DEMO_UNITS[1].code, "1.2", { kind: "fault", description: "栏目更新不及时", faultCode: "late", count: 1 })) };
  const ownerId = leafOwners.pop();
  if (!ownerId) throw new Error("no more evidence owners in the fixture");
  return { ownerType, ownerId };
}

function sha(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

function tempFiles(): string[] {
  return fs.existsSync(tempUploadsDir()) ? fs.readdirSync(tempUploadsDir()) : [];
}

function counts() {
  const db = getDb();
  return {
    files: db.select().from(evidenceFiles).all().length,
    blobs: db.select().from(evidenceBlobs).all().length,
    blobFiles: fs
      .readdirSync(path.join(data.dir(), "uploads"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "tmp")
      .flatMap((d) => fs.readdirSync(path.join(data.dir(), "uploads", d.name))).length,
  };
}

function save(bytes: Uint8Array, filename: string, owner = newOwner(), unitId = unitA) {
  return saveUploadedEvidence(getDb(), { actor, unitId, ...owner, part: { filename, data: chunksOf(bytes) } });
}

async function refusal(promise: Promise<unknown>): Promise<UploadRefusal> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as UploadRefusal).details?.rejection).toBeTruthy();
  return error as UploadRefusal;
}

describe("content type detection", () => {
  it("recognises every allowed type from its content", async () => {
    const samples: [string, Uint8Array][] = [
      ["pdf", pdfBytes()],
      ["jpeg", JPEG_BYTES],
      ["png", PNG_BYTES],
      ["ofd", ofdBytes()],
      ["docx", docxBytes()],
      ["xlsx", await xlsxBytes()],
      ["pptx", pptxBytes()],
      ["doc", oleBytes(["WordDocument", "1Table"])],
      ["xls", oleBytes(["Workbook"])],
    ];
    const dir = fs.mkdtempSync(path.join(data.dir(), "detect-"));
    for (const [kind, bytes] of samples) {
      const file = path.join(dir, kind);
      fs.writeFileSync(file, bytes);
      expect(await detectFileKind(file), kind).toBe(kind);
    }
    for (const bytes of [ELF_BYTES, EXE_BYTES, new TextEncoder().encode("hello"), zipBytes({ "a.txt": "x" }), oleBytes(["PowerPoint Document"])]) {
      const file = path.join(dir, "other");
      fs.writeFileSync(file, bytes);
      expect(await detectFileKind(file)).toBeNull();
    }
    fs.rmSync(dir, { recursive: true });
  });

  it("accepts each type under its own extension and records its kind and MIME type", async () => {
    const accepted: [string, Uint8Array, string][] = [
      ["扫描件.JPG", JPEG_BYTES, "image/jpeg"],
      ["截图.png", PNG_BYTES, "image/png"],
      ["公文.ofd", ofdBytes(), "application/ofd"],
      ["报告.docx", docxBytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["台账.xlsx", await xlsxBytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["汇报.pptx", pptxBytes(), "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
      ["旧报告.doc", oleBytes(["WordDocument"]), "application/msword"],
      ["旧台账.xls", oleBytes(["Workbook"]), "application/vnd.ms-excel"],
    ];
    for (const [name, bytes, mime] of accepted) {
      const row = await save(bytes, name);
      expect(row.originalName).toBe(name);
      const blob = getDb().select().from(evidenceBlobs).where(eq(evidenceBlobs.sha256, row.sha256)).get()!;
      expect(blob.mime).toBe(mime);
    }
  });
});

describe("upload refusals leave nothing behind", () => {
  async function expectRefused(bytes: Uint8Array, name: string, message: string | RegExp) {
    const before = counts();
    const error = await refusal(save(bytes, name));
    expect(error.message).toMatch(message);
    expect(tempFiles()).toEqual([]);
    expect(counts()).toEqual(before);
    return error;
  }

  it("refuses programs and text files renamed .pdf", async () => {
    await expectRefused(ELF_BYTES, "年度报告.pdf", "文件“年度报告.pdf”的实际内容不是PDF文件，已拒绝上传");
    await expectRefused(EXE_BYTES, "setup.pdf", "文件“setup.pdf”的实际内容不是PDF文件，已拒绝上传");
    await expectRefused(new TextEncoder().encode("这只是一段文字"), "说明.pdf", "文件“说明.pdf”的实际内容不是PDF文件，已拒绝上传");
  });

  it("refuses a real image under the wrong extension, naming what it really is", async () => {
    const e = await expectRefused(PNG_BYTES, "photo.pdf", /^文件“photo\.pdf”的实际内容不是PDF文件，已拒绝上传（实际为PNG图片）$/);
    expect(e.details?.rejection).toBe("type_mismatch");
    await expectRefused(oleBytes(["WordDocument"]), "表.xls", "的实际内容不是Excel 97-2003表格");
    await expectRefused(zipBytes({ "a.txt": "x" }), "伪装.docx", "的实际内容不是Word文档");
  });

  it("refuses extensions outside the allow-list before writing anything", async () => {
    await expectRefused(new TextEncoder().encode("x"), "notes.txt", /^文件“notes\.txt”的类型不受支持/);
    await expectRefused(EXE_BYTES, "tool.exe", "类型不受支持");
    await expectRefused(pdfBytes(), "无扩展名", "类型不受支持");
  });

  it("refuses an empty file", async () => {
    await expectRefused(new Uint8Array(0), "空文件.pdf", "文件“空文件.pdf”为空，已拒绝上传");
  });

  it("refuses an oversize file as soon as the limit is crossed", async () => {
    process.env.UPLOAD_MAX_FILE_MB = "1";
    reloadConfig();
    let pulled = 0;
    async function* big() {
      const chunk = new Uint8Array(64 * 1024);
      chunk.set(new TextEncoder().encode("%PDF-1.7\n"));
      for (let i = 0; i < 64; i++) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const before = counts();
    const error = await refusal(saveUploadedEvidence(getDb(), { actor, unitId: unitA, ...newOwner(), part: { filename: "大文件.pdf", data: big() } }));
    expect(error.message).toBe("文件“大文件.pdf”超过1MB上限，已拒绝上传");
    expect(pulled).toBe(1024 * 1024 + 64 * 1024); // stopped at the first chunk past 1 MB, not after 4 MB
    expect(tempFiles()).toEqual([]);
    expect(counts()).toEqual(before);
  });

  it("enforces the remaining per-submission budget across files", async () => {
    process.env.UPLOAD_MAX_SUBMISSION_MB = "0.01"; // 10485 bytes
    reloadConfig();
    const owner = newOwner();
    const first = pdfBytes("x".repeat(6000));
    await save(first, "一.pdf", owner);
    const budget = createUploadBudget(usedEvidenceBytes(getDb(), owner.ownerType, [owner.ownerId]));
    expect(budget.remainingBytes).toBe(Math.floor(0.01 * 1024 * 1024) - first.length);
    const before = counts();
    const error = await refusal(
      saveUploadedEvidence(getDb(), { actor, unitId: unitA, ...owner, part: { filename: "二.pdf", data: chunksOf(pdfBytes("y".repeat(6000)), 1024) }, budget }),
    );
    expect(error.message).toBe("本次提交的佐证材料合计超过0.01MB上限，文件“二.pdf”未能上传");
    expect(counts()).toEqual(before);
    expect(tempFiles()).toEqual([]);
  });

  it("a stream that fails midway leaves no temp file and no row", async () => {
    async function* broken() {
      yield pdfBytes();
      yield new Uint8Array(100_000);
      throw new Error("connection reset");
    }
    const before = counts();
    await expect(saveUploadedEvidence(getDb(), { actor, unitId: unitA, ...newOwner(), part: { filename: "断线.pdf", data: broken() } })).rejects.toThrow(
      "connection reset",
    );
    expect(tempFiles()).toEqual([]);
    expect(counts()).toEqual(before);
  });

  it("a failed database write removes the blob it had just stored, but keeps shared content", async () => {
    const before = counts();
    const fresh = pdfBytes("只为这一行而存");
    await expect(save(fresh, "a.pdf", newOwner(), 999_999)).rejects.toThrow(/FOREIGN KEY/);
    expect(fs.existsSync(blobPath(sha(fresh)))).toBe(false);
    expect(tempFiles()).toEqual([]);
    expect(counts()).toEqual(before);

    const shared = pdfBytes("已有的内容");
    const kept = await save(shared, "b.pdf");
    await expect(save(shared, "c.pdf", newOwner(), 999_999)).rejects.toThrow(/FOREIGN KEY/);
    expect(fs.readFileSync(blobPath(kept.sha256))).toEqual(Buffer.from(shared));
  });

  it("cleanupTempUploads removes stale temp files", () => {
    fs.mkdirSync(tempUploadsDir(), { recursive: true });
    fs.writeFileSync(path.join(tempUploadsDir(), "left-by-a-crash.part"), "partial");
    expect(cleanupTempUploads()).toBe(1);
    expect(tempFiles()).toEqual([]);
  });
});

describe("content-addressed storage", () => {
  it("records the SHA-256, stores the bytes under uploads/<sha[0..2]>/<sha> and writes an audit row", async () => {
    const bytes = pdfBytes("政务公开年度报告");
    const row = await save(bytes, "2025年政府信息公开年度报告.pdf");
    expect(row.sha256).toBe(sha(bytes));
    expect(row.size).toBe(bytes.length);
    expect(row.kind).toBe("pdf");
    expect(row.uploadedBy).toBe(actor.id);
    const stored = path.join(data.dir(), "uploads", row.sha256.slice(0, 2), row.sha256);
    expect(fs.readFileSync(stored)).toEqual(Buffer.from(bytes));
    const audit = getDb().select().from(auditLog).where(eq(auditLog.entityId, String(row.id))).all();
    expect(audit.map((a) => a.action)).toContain("evidence.upload");
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });

  it("stores identical content once: two rows, one blob", async () => {
    const bytes = pdfBytes("同一份文件上传两次");
    const before = counts();
    const a = await save(bytes, "第一次.pdf");
    const b = await save(bytes, "第二次.pdf", newOwner("finding"), unitB);
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    const after = counts();
    expect(after.files - before.files).toBe(2);
    expect(after.blobs - before.blobs).toBe(1);
    expect(after.blobFiles - before.blobFiles).toBe(1);
  });

  it("keeps traversal-style and control-character names as harmless display text", async () => {
    expect(sanitizeFileName("../../etc/passwd.pdf")).toBe("passwd.pdf");
    expect(sanitizeFileName("..\\..\\windows\\报告.pdf")).toBe("报告.pdf");
    expect(sanitizeFileName("a\u0000b\u202Efdp.exe")).toBe("abfdp.exe");
    expect(sanitizeFileName("..")).toBe("未命名");
    expect(Array.from(sanitizeFileName("长".repeat(500) + ".pdf"))).toHaveLength(120);
    expect(sanitizeFileName("长".repeat(500) + ".pdf").endsWith(".pdf")).toBe(true);

    const outside = path.join(path.dirname(data.dir()), "x.pdf");
    const row = await save(pdfBytes("traversal"), "../../x.pdf");
    expect(row.originalName).toBe("x.pdf");
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(blobPath(row.sha256))).toBe(true);
    const names = fs.readdirSync(path.join(data.dir(), "uploads"));
    expect(names.every((n) => n === "tmp" || /^[0-9a-f]{2}$/.test(n))).toBe(true);
  });

  it("handles a real multipart request: files streamed, text fields kept, empty inputs skipped, one transaction", async () => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("leafId", "12");
    form.append("evidence", new File([pdfBytes("multipart")], "../../自查报告.pdf", { type: "application/pdf" }));
    form.append("evidence", new File([PNG_BYTES], "现场照片.png", { type: "image/png" }));
    form.append("unused", new File([], "", { type: "application/octet-stream" }));
    const request = new Request("http://localhost/upload", { method: "POST", body: form });
    const upload = await receiveEvidenceForm(request);
    expect(upload.fields.get("intent")).toBe("upload");
    expect(upload.fields.get("leafId")).toBe("12");
    expect(upload.fields.has("evidence")).toBe(false);
    expect(upload.uploads.map((u) => [u.fieldName, u.originalName, u.kind])).toEqual([
      ["evidence", "自查报告.pdf", "pdf"],
      ["evidence", "现场照片.png", "png"],
    ]);
    const owner = newOwner();
    const rows = commitEvidenceUploads(getDb(), { actor, unitId: unitA, entries: upload.uploads.map((u) => ({ ...owner, upload: u })) });
    expect(rows).toHaveLength(2);
    expect(listEvidence(getDb(), owner.ownerType, owner.ownerId).files.map((f) => f.originalName)).toEqual(["自查报告.pdf", "现场照片.png"]);
    expect(tempFiles()).toEqual([]);
  });

  it("a multipart request with one spoofed file is refused whole: the good file's temp copy is removed too", async () => {
    const form = new FormData();
    form.append("evidence", new File([pdfBytes("good one")], "好.pdf"));
    form.append("evidence", new File([ELF_BYTES], "坏.pdf"));
    form.append("evidence", new File([pdfBytes("never read")], "后.pdf"));
    const before = counts();
    const error = await refusal(receiveEvidenceForm(new Request("http://localhost/u", { method: "POST", body: form })));
    expect(error.message).toBe("文件“坏.pdf”的实际内容不是PDF文件，已拒绝上传");
    expect(tempFiles()).toEqual([]);
    expect(counts()).toEqual(before);
  });
});

describe("locking, deleting and links", () => {
  it("deletes while unlocked; once locked nothing can be deleted", async () => {
    const owner = newOwner();
    const a = await save(pdfBytes("可删除"), "a.pdf", owner);
    const b = await save(pdfBytes("将锁定"), "b.pdf", owner);
    const link = addLink(getDb(), { actor, unitId: unitA, ...owner, url: "https://www.gov.cn/zhengce/", title: "政策文件库" });

    deleteEvidence(getDb(), { actor, fileId: a.id, ...owner });
    expect(listEvidence(getDb(), owner.ownerType, owner.ownerId).files.map((f) => f.id)).toEqual([b.id]);
    expect(fs.existsSync(blobPath(a.sha256))).toBe(true); // soft delete keeps the content

    const locked = mutate(getDb(), (tx) => lockEvidence(tx, actor, owner.ownerType, [owner.ownerId]));
    expect(locked).toEqual({ files: 1, links: 1 });
    const err = (() => {
      try {
        deleteEvidence(getDb(), { actor, fileId: b.id, ...owner });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).message).toBe(LOCKED_MESSAGE);
    expect((err as DomainError).code).toBe("conflict");
    expect(() => deleteEvidenceLink(getDb(), { actor, linkId: link.id, ...owner })).toThrow(LOCKED_MESSAGE);
    expect(getDb().select().from(evidenceFiles).where(eq(evidenceFiles.id, b.id)).get()!.deletedAt).toBeNull();
    expect(getDb().select().from(evidenceLinks).where(eq(evidenceLinks.id, link.id)).get()!.deletedAt).toBeNull();

    // Evidence added after a return (revision) is new and unlocked; the earlier files stay locked.
    const c = await save(pdfBytes("退回后补充"), "c.pdf", owner);
    expect(c.lockedAt).toBeNull();
    expect(listEvidence(getDb(), owner.ownerType, owner.ownerId).files.map((f) => [f.id, !!f.lockedAt])).toEqual([
      [b.id, true],
      [c.id, false],
    ]);
  });

  it("refuses a file id that belongs to another owner", async () => {
    const mine = newOwner();
    const theirs = await save(pdfBytes("别人的"), "theirs.pdf");
    expect(() => deleteEvidence(getDb(), { actor, fileId: theirs.id, ...mine })).toThrow("佐证材料不存在或已删除");
  });

  it("accepts only http(s) links", () => {
    const owner = newOwner();
    for (const url of ["javascript:alert(1)", "ftp://example.com/a", "file:///etc/passwd", "不是链接", ""]) {
      expect(() => addLink(getDb(), { actor, unitId: unitA, ...owner, url, title: "x" }), url).toThrow(DomainError);
    }
    const link = addLink(getDb(), { actor, unitId: unitA, ...owner, url: "  http://zwgk.example.gov.cn/a?b=1  " });
    expect(link.url).toBe("http://zwgk.example.gov.cn/a?b=1");
    expect(link.title).toBe(link.url);
    expect(listEvidence(getDb(), owner.ownerType, owner.ownerId).links).toHaveLength(1);
  });
});

describe("download route /evidence/:fileId", () => {
  async function get(fileId: number, username: string | null, query = "") {
    const cookie = username ? await sessionCookieFor(username) : undefined;
    return evidenceRoute.loader({ request: makeRequest(`/evidence/${fileId}${query}`, { cookie }), params: { fileId: String(fileId) }, context: {} });
  }

  it("previews a PDF inline with the UTF-8 filename, nosniff and exact bytes", async () => {
    const bytes = pdfBytes("下载测试");
    const row = await save(bytes, "2025年度 自查报告（终稿）.pdf");
    const res = await get(row.id, "dept-001");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Length")).toBe(String(bytes.length));
    expect(res.headers.get("Content-Disposition")).toBe(
      `inline; filename="2025_ _.pdf"; filename*=UTF-8''2025%E5%B9%B4%E5%BA%A6%20%E8%87%AA%E6%9F%A5%E6%8A%A5%E5%91%8A%EF%BC%88%E7%BB%88%E7%A8%BF%EF%BC%89.pdf`,
    );
    expect(decodeURIComponent(res.headers.get("Content-Disposition")!.split("UTF-8''")[1])).toBe("2025年度 自查报告（终稿）.pdf");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(row.sha256);

    const dl = await get(row.id, "dept-001", "?download=1");
    expect(dl.headers.get("Content-Disposition")).toMatch(/^attachment; /);
    await dl.body?.cancel();

    const cached = await evidenceRoute.loader({
      request: makeRequest(`/evidence/${row.id}`, { cookie: await sessionCookieFor("dept-001"), headers: { "If-None-Match": `"${row.sha256}"` } }),
      params: { fileId: String(row.id) },
      context: {},
    });
    expect(cached.status).toBe(304);
  });

  it("previews images in a sandbox and always downloads Office files", async () => {
    const png = await save(PNG_BYTES, "照片.png");
    const img = await get(png.id, "dept-001");
    expect(img.headers.get("Content-Type")).toBe("image/png");
    expect(img.headers.get("Content-Disposition")).toMatch(/^inline; /);
    expect(img.headers.get("Content-Security-Policy")).toMatch(/^sandbox; default-src 'none'/);
    await img.body?.cancel();

    const docx = await save(docxBytes(), "报告.docx");
    const doc = await get(docx.id, "dept-001");
    expect(doc.headers.get("Content-Disposition")).toMatch(/^attachment; filename="evidence.docx"; filename\*=UTF-8''%E6%8A%A5%E5%91%8A\.docx$/);
    expect(doc.headers.get("Content-Security-Policy")).toMatch(/^sandbox/);
    await doc.body?.cancel();
  });

  it("refuses another unit's department user and evaluators without an assignment; office and leader may read", async () => {
    const row = await save(pdfBytes("仅本单位可见"), "本单位.pdf");
    for (const [username, status] of [
      ["dept-002", 403],
      ["eval-001", 403],
      ["admin", 200],
      ["leader", 200],
    ] as const) {
      const res = await run(evidenceRoute.loader as never, makeRequest(`/evidence/${row.id}`, { cookie: await sessionCookieFor(username) }), {
        fileId: String(row.id),
      });
      expect(res.status, username).toBe(status);
      if (status === 403) expect(res.data).toBe("您无权访问其他单位的数据。");
    }
    const anonymous = await run(evidenceRoute.loader as never, makeRequest(`/evidence/${row.id}`), { fileId: String(row.id) });
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login/);
  });

  it("answers 404 for deleted, unknown and malformed ids", async () => {
    const owner = newOwner();
    const row = await save(pdfBytes("将被删除"), "d.pdf", owner);
    deleteEvidence(getDb(), { actor, fileId: row.id, ...owner });
    const cookie = await sessionCookieFor("dept-001");
    for (const id of [String(row.id), "999999", "abc", "../1"]) {
      const res = await run(evidenceRoute.loader as never, makeRequest(`/evidence/${encodeURIComponent(id)}`, { cookie }), { fileId: id });
      expect(res.status, id).toBe(404);
    }
  });
});

describe("streaming keeps memory flat", () => {
  const MB = 1024 * 1024;

  function memory() {
    const m = process.memoryUsage();
    return { rss: m.rss, arrayBuffers: m.arrayBuffers };
  }

  /** 200 MB in fresh 64 KB chunks (so retained chunks would show), hashed as generated. */
  function generated(totalBytes: number) {
    const hash = crypto.createHash("sha256");
    const base = memory();
    const peak = { ...base };
    let produced = 0;
    let n = 0;
    async function* stream() {
      while (produced < totalBytes) {
        const chunk = new Uint8Array(Math.min(64 * 1024, totalBytes - produced));
        if (produced === 0) chunk.set(new TextEncoder().encode("%PDF-1.7\n"));
        else chunk.fill(n & 0xff);
        new DataView(chunk.buffer).setUint32(chunk.length - 4, n++);
        hash.update(chunk);
        produced += chunk.length;
        if (n % 16 === 0) {
          const m = memory();
          peak.rss = Math.max(peak.rss, m.rss);
          peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
        }
        yield chunk;
      }
    }
    return { stream, base, peak, digest: () => hash.digest("hex"), produced: () => produced };
  }

  it("a 200 MB upload is written byte for byte while memory grows far less than the file", async () => {
    process.env.UPLOAD_MAX_FILE_MB = "300";
    reloadConfig();
    const total = 200 * MB;
    const gen = generated(total);
    const row = await saveUploadedEvidence(getDb(), { actor, unitId: unitA, ...newOwner(), part: { filename: "大型台账扫描件.pdf", data: gen.stream() } });
    expect(gen.produced()).toBe(total);
    expect(row.size).toBe(total);
    expect(fs.statSync(blobPath(row.sha256)).size).toBe(total);
    expect(row.sha256).toBe(gen.digest());
    expect(gen.peak.rss - gen.base.rss).toBeLessThan(64 * MB);
    expect(gen.peak.arrayBuffers - gen.base.arrayBuffers).toBeLessThan(64 * MB);
  });

  it("the same holds through the real multipart parser with a streamed request body", async () => {
    process.env.UPLOAD_MAX_FILE_MB = "300";
    reloadConfig();
    const total = 200 * MB;
    const gen = generated(total);
    const boundary = "----zwgk" + crypto.randomBytes(8).toString("hex");
    const enc = new TextEncoder();
    const iterator = gen.stream();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="巨型文件.pdf"\r\nContent-Type: application/pdf\r\n\r\n`));
      },
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) {
          controller.enqueue(enc.encode(`\r\n--${boundary}--\r\n`));
          controller.close();
        } else controller.enqueue(next.value);
      },
    });
    const request = new Request("http://localhost/u", {
      method: "POST",
      body,
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      duplex: "half",
    } as RequestInit);
    const upload = await receiveEvidenceForm(request);
    expect(upload.uploads).toHaveLength(1);
    const [received] = upload.uploads;
    expect(received.size).toBe(total);
    expect(received.sha256).toBe(gen.digest());
    expect(fs.statSync(received.tempPath).size).toBe(total);
    upload.discard();
    expect(gen.peak.rss - gen.base.rss).toBeLessThan(64 * MB);
    expect(gen.peak.arrayBuffers - gen.base.arrayBuffers).toBeLessThan(64 * MB);
  });
});

describe("EvidenceList", () => {
  it("shows name, type, size and the full SHA-256, with preview only for PDFs and images", async () => {
    const owner = newOwner();
    const pdf = await save(pdfBytes("列表"), "<script>报告.pdf", owner);
    const docx = await save(docxBytes(), "台账.docx", owner);
    addLink(getDb(), { actor, unitId: unitA, ...owner, url: "https://www.gov.cn/", title: "中国政府网" });
    const { files, links } = listEvidence(getDb(), owner.ownerType, owner.ownerId);
    const html = renderToStaticMarkup(createElement(EvidenceList, { files, links }));
    expect(html).toContain("&lt;script&gt;报告.pdf");
    expect(html).toContain(pdf.sha256);
    expect(html).toContain(docx.sha256);
    expect(html).toContain("Word文档");
    expect(html).toContain(`href="/evidence/${pdf.id}"`);
    expect(html).not.toContain(`href="/evidence/${docx.id}"`);
    expect(html).toContain(`href="/evidence/${docx.id}?download=1"`);
    expect(html).toContain('<th scope="col">SHA-256</th>');
    expect(html).toContain('href="https://www.gov.cn/"');
  });
});

describe("receiveUpload on its own", () => {
  it("charges the budget only for accepted files", async () => {
    const budget = createUploadBudget(0, { maxFileBytes: MBytes(1), maxSubmissionBytes: MBytes(1) });
    const before = budget.remainingBytes;
    await refusal(receiveUpload(chunksOf(ELF_BYTES), { fileName: "x.pdf", budget }));
    expect(budget.remainingBytes).toBe(before);
    const ok = await receiveUpload(chunksOf(pdfBytes()), { fileName: "y.pdf", budget });
    expect(budget.remainingBytes).toBe(before - ok.size);
    fs.rmSync(ok.tempPath);
  });
});

function MBytes(n: number): number {
  return n * 1024 * 1024;
}
