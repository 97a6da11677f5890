import fs from "node:fs";
import { reloadConfig } from "../../app/config.server";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { auditLog, deadlineExtensions, evidenceBlobs, evidenceFiles, returnItems, submissionAnswers, submissionEvents, submissions, units } from "../../db/schema";
import * as evidenceRoute from "../../app/routes/evidence.$fileId";
import * as homeRoute from "../../app/routes/self._index";
import * as leafRoute from "../../app/routes/self.$nodeId";
import * as uploadRoute from "../../app/routes/self.upload.$nodeId";
import * as overviewRoute from "../../app/routes/submissions._index";
import * as detailRoute from "../../app/routes/submissions.$submissionId";
import { verifyAuditChain } from "../../app/utils/audit.server";
import { blobPath, tempUploadsDir } from "../../app/utils/upload-stream.server";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { DESKTOP_FILE_NAMES, docxBytes, ELF_BYTES, pdfBytes, PNG_BYTES } from "../helpers/evidence-fixtures";
import { makeRequest, run, sessionCookieFor, type Outcome } from "../helpers/remix";
import { beijingDay, createPublishedCycle, leafNodeId, setSelfInspectionDue } from "../helpers/self-inspection-fixtures";

/**
 * The department self-inspection end to end through the real loaders and actions (/self,
 * /self/:nodeId, /self/upload/:nodeId, /submissions, /submissions/:id, /evidence/:id) on a temporary
 * SQLite database: per-rule forms into the engine's preview, validation, evidence, the workflow
 * (submit → return → resubmit), deadline and extension, and access between units.
 */

useTempDataDir();

const db = () => getDb();
const FAR_DUE = "2099-11-30";
let cycleId = 0;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  seedAccounts(db());
  cycleId = createPublishedCycle(2026, FAR_DUE);
  for (const u of ["dept-001", "dept-002", "dept-003", "dept-007", "admin"]) cookies[u] = await sessionCookieFor(u);
});

afterEach(() => {
  delete process.env.UPLOAD_MAX_FILE_MB;
  reloadConfig();
  delete process.env.UPLOAD_MAX_SUBMISSION_MB;
  reloadConfig();
});

// dept-001 → JD001 城关街道办事处, dept-002 → JD002, dept-003 → JD003 (街道); dept-007 → BM001 区教育局 (区级部门).
const node = (code: string, unit = "JD001") => leafNodeId(cycleId, unit, code);

type FormFields = Record<string, string | string[]>;

async function leafLoader(user: string, nodeId: number): Promise<Outcome> {
  return run(leafRoute.loader, makeRequest(`/self/${nodeId}`, { cookie: cookies[user] }), { nodeId: String(nodeId) });
}

async function leafAction(user: string, nodeId: number, form: FormFields): Promise<Outcome> {
  return run(leafRoute.action, makeRequest(`/self/${nodeId}`, { cookie: cookies[user], form }), { nodeId: String(nodeId) });
}

/** Save a draft the way the page does: with the loader's version and submission id. */
async function save(user: string, nodeId: number, fields: FormFields): Promise<Outcome> {
  const page = await leafLoader(user, nodeId);
  expect(page.status).toBe(200);
  return leafAction(user, nodeId, { intent: "save", version: String(page.data.version), submissionId: String(page.data.submissionId ?? ""), ...fields });
}

async function upload(user: string, nodeId: number, files: { name: string; bytes: Uint8Array<ArrayBuffer> }[], submissionId = ""): Promise<Outcome> {
  const form = new FormData();
  form.append("submissionId", submissionId);
  for (const f of files) form.append("file", new File([f.bytes], f.name));
  return run(uploadRoute.action, makeRequest(`/self/upload/${nodeId}`, { cookie: cookies[user], form }), { nodeId: String(nodeId) });
}

async function home(user: string): Promise<Outcome> {
  return run(homeRoute.loader, makeRequest("/self", { cookie: cookies[user] }));
}

async function submit(user: string): Promise<Outcome> {
  const h = await home(user);
  return run(homeRoute.action, makeRequest("/self", { cookie: cookies[user], form: { intent: "submit", submissionId: String(h.data.home.submission?.id ?? "") } }));
}

const submissionOf = (unitCode: string) =>
  db()
    .select({ s: submissions })
    .from(submissions)
    .innerJoin(units, eq(units.id, submissions.unitId))
    .where(and(eq(submissions.cycleId, cycleId), eq(units.code, unitCode)))
    .get()?.s;

const answerRow = (submissionId: number, nodeId: number) =>
  db()
    .select()
    .from(submissionAnswers)
    .where(and(eq(submissionAnswers.submissionId, submissionId), eq(submissionAnswers.nodeId, nodeId)))
    .get();

const auditCount = (action: string) => db().select().from(auditLog).where(eq(auditLog.action, action)).all().length;
const tempFiles = () => (fs.existsSync(tempUploadsDir()) ? fs.readdirSync(tempUploadsDir()) : []);

/** A complete, valid answer for every leaf of SELF_TREE (2.2 not applicable). */
const FULL_ANSWERS: Record<string, FormFields> = {
  "1.1": { selfScore: "18", narrative: "专栏栏目齐全，更新及时。" },
  "1.2": { "fault.0": "2", "fault.1": "", narrative: "自查发现更新不及时2次。" },
  "1.3": { ratioMode: "fraction", numerator: "98", denominator: "100", narrative: "" },
  "1.4": { count: "2", narrative: "召开新闻发布会2次。" },
  "2.1": {
    eventTitle: ["关于促进就业的若干措施", "关于优化营商环境的通知"],
    eventLink: ["https://www.example.gov.cn/zcjd/1.html", ""],
    eventStart: ["2026-09-30T10:00", "2026-09-30T10:00"],
    eventEnd: ["2026-10-10T18:00", "2026-10-11T09:00"],
    narrative: "",
  },
  "2.2": { na: "1", naReason: "本年度未制定需要解读的政策文件", narrative: "" },
  "3.1": { eventTitle: "暴雨预警舆情", eventLink: "", eventStart: "2026-07-02 09:00", eventEnd: "2026-07-02 12:00", narrative: "" },
  "4.1": { vetoTriggered: "no", narrative: "未发生失泄密事件。" },
};

describe("per-rule answer forms feed the scoring engine's preview", () => {
  it("shows the leaf with its rule, guidance and an empty form; nothing saved yet", async () => {
    const page = await leafLoader("dept-001", node("1.1"));
    expect(page.status).toBe(200);
    expect(page.data.leaf).toMatchObject({ code: "1.1", name: "主动公开", ruleLabel: "自评打分", guidance: "按要求主动公开政府信息，重点检查政府网站专栏", criteria: "专栏完整得满分", evidenceRequired: true });
    expect(page.data.leaf.hint).toContain("0到20分");
    expect(page.data.version).toBe(0);
    expect(page.data.submissionId).toBeNull();
    expect(page.data.editable).toBe(true);
    expect(page.data.preview.leaf).toMatchObject({ answered: false, score: 0 });
  });

  it("score: saves the self score; out of range is refused with the typed text kept and nothing written", async () => {
    const bad = await save("dept-001", node("1.1"), { selfScore: "21", narrative: "这段说明不能丢" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.selfScore).toBe("自评分须在0到20分之间");
    expect(bad.data.state.values).toMatchObject({ selfScore: "21", narrative: "这段说明不能丢" });
    expect(db().select().from(submissions).all()).toHaveLength(0);

    const ok = await save("dept-001", node("1.1"), FULL_ANSWERS["1.1"]);
    expect(ok.status).toBe(200);
    expect(ok.data.message).toBe("已保存草稿。");
    const page = await leafLoader("dept-001", node("1.1"));
    expect(page.data.formState.values.selfScore).toBe("18");
    expect(page.data.preview.leaf).toMatchObject({ answered: true, score: 18, max: 20 });
    expect(page.data.answer.version).toBe(1);
  });

  it("deduction: fault counts are deducted per fault; a negative count is refused", async () => {
    const bad = await save("dept-001", node("1.2"), { "fault.0": "-1" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors["fault.0"]).toBe("“更新不及时”的次数不能为负数");
    const bad2 = await save("dept-001", node("1.2"), { "fault.1": "1.5" });
    expect(bad2.data.fieldErrors["fault.1"]).toBe("“内容差错”的次数须为整数");

    expect((await save("dept-001", node("1.2"), FULL_ANSWERS["1.2"])).status).toBe(200);
    const page = await leafLoader("dept-001", node("1.2"));
    expect(page.data.preview.leaf.score).toBe(6); // 10 − 2 × 2
    expect(page.data.preview.leaf.explain).toContain("更新不及时");
  });

  it("ratio: numerator above its denominator is refused; numerator/denominator or a value is scored", async () => {
    const bad = await save("dept-001", node("1.3"), { ratioMode: "fraction", numerator: "120", denominator: "100" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.numerator).toBe("分子（120）不能大于分母（100）");
    const zero = await save("dept-001", node("1.3"), { ratioMode: "fraction", numerator: "1", denominator: "0" });
    expect(zero.data.fieldErrors.denominator).toBe("分母须大于0");

    expect((await save("dept-001", node("1.3"), { ratioMode: "value", value: "0.5" })).status).toBe(200);
    expect((await leafLoader("dept-001", node("1.3"))).data.preview.leaf.score).toBe(5);
    expect((await save("dept-001", node("1.3"), FULL_ANSWERS["1.3"])).status).toBe(200);
    const page = await leafLoader("dept-001", node("1.3"));
    expect(page.data.preview.leaf.score).toBe(9.8);
    expect(page.data.formState.values).toMatchObject({ ratioMode: "fraction", numerator: "98", denominator: "100" });
  });

  it("tiers: the count picks the tier; a negative count is refused", async () => {
    const bad = await save("dept-001", node("1.4"), { count: "-3" });
    expect(bad.data.fieldErrors.count).toBe("数量不能为负数");
    expect((await save("dept-001", node("1.4"), { count: "1" })).status).toBe(200);
    expect((await leafLoader("dept-001", node("1.4"))).data.preview.leaf.score).toBe(5);
    expect((await save("dept-001", node("1.4"), FULL_ANSWERS["1.4"])).status).toBe(200);
    expect((await leafLoader("dept-001", node("1.4"))).data.preview.leaf.score).toBe(10);
  });

  it("timeliness: each row is on time or late by the cycle's working-day calendar (National Day holidays skipped)", async () => {
    const bad = await save("dept-001", node("2.1"), {
      eventTitle: ["解读A", ""],
      eventLink: ["ftp://x", ""],
      eventStart: ["2026-10-12T10:00", ""],
      eventEnd: ["2026-10-11T10:00", ""],
    });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors).toMatchObject({ "events.0.end": "第1行：结束时间不能早于开始时间", "events.0.link": "第1行：链接须以 http:// 或 https:// 开头" });
    expect(bad.data.state.events[0]).toEqual({ title: "解读A", link: "ftp://x", start: "2026-10-12T10:00", end: "2026-10-11T10:00" });

    expect((await save("dept-001", node("2.1"), FULL_ANSWERS["2.1"])).status).toBe(200);
    const page = await leafLoader("dept-001", node("2.1"));
    expect(page.data.leaf.eventLabels).toEqual({ title: "政策文件名称", start: "印发时间", end: "解读发布时间" });
    // Printed Wed 30 Sep; 1–7 Oct are holidays, Sat 10 Oct is a working day: the 3rd working day is 10 Oct.
    expect(page.data.eventStatuses).toEqual([
      { onTime: true, detail: "时限3个工作日，应于2026-10-10（含）前完成" },
      { onTime: false, detail: "时限3个工作日，应于2026-10-10（含）前完成" },
    ]);
    expect(page.data.formState.events[0]).toEqual({ title: "关于促进就业的若干措施", link: "https://www.example.gov.cn/zcjd/1.html", start: "2026-09-30T10:00", end: "2026-10-10T18:00" });
    expect(page.data.preview.leaf.score).toBe(10); // 20 × 1 on time / 2

    expect((await save("dept-001", node("3.1"), FULL_ANSWERS["3.1"])).status).toBe(200);
    const hours = await leafLoader("dept-001", node("3.1"));
    expect(hours.data.leaf.eventLabels).toEqual({ title: "舆情事件", start: "发生时间", end: "权威信息发布时间" });
    expect(hours.data.eventStatuses).toEqual([{ onTime: true, detail: "时限5小时，用时3小时" }]);
    expect(hours.data.preview.leaf.score).toBe(20);
  });

  it("not applicable needs a reason; a veto item cannot be N/A and a declared veto needs details", async () => {
    const noReason = await save("dept-001", node("2.2"), { na: "1", naReason: "  " });
    expect(noReason.data.fieldErrors.naReason).toBe("选择“不适用”时须说明理由");
    expect((await save("dept-001", node("2.2"), FULL_ANSWERS["2.2"])).status).toBe(200);
    const na = await leafLoader("dept-001", node("2.2"));
    expect(na.data.preview.leaf).toMatchObject({ na: true, answered: true });
    expect(na.data.formState.values).toMatchObject({ na: "1", naReason: "本年度未制定需要解读的政策文件" });

    const vetoNa = await save("dept-001", node("4.1"), { na: "1", naReason: "不适用" });
    expect(vetoNa.data.fieldErrors.na).toBe("单项否决指标不能选择“不适用”，请选择是否存在否决情形");
    const noChoice = await save("dept-001", node("4.1"), {});
    expect(noChoice.data.fieldErrors.vetoTriggered).toBe("请选择是否存在单项否决情形");
    const yesNoReason = await save("dept-001", node("4.1"), { vetoTriggered: "yes", vetoReason: "" });
    expect(yesNoReason.data.fieldErrors.vetoReason).toBe("存在否决情形时须说明具体情况");
    expect((await save("dept-001", node("4.1"), FULL_ANSWERS["4.1"])).status).toBe(200);
  });

  it("a 10 000-character narrative is refused with the count, the typed text comes back and the saved answer is unchanged", async () => {
    const sub = submissionOf("JD001")!;
    const before = answerRow(sub.id, node("1.4"));
    const long = "说".repeat(10_000);
    const bad = await save("dept-001", node("1.4"), { count: "2", narrative: long });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.narrative).toBe("说明最多2000个字（当前10000个字）");
    expect(bad.data.state.values.narrative).toBe(long);
    expect(answerRow(sub.id, node("1.4"))).toEqual(before);
  });

  it("a stale version is refused instead of overwriting a newer save", async () => {
    const page = await leafLoader("dept-001", node("1.1"));
    const stale = await leafAction("dept-001", node("1.1"), { intent: "save", version: String(page.data.version - 1), submissionId: String(page.data.submissionId), selfScore: "1" });
    expect(stale.status).toBe(409);
    expect(stale.data.fieldErrors._form).toBe("该项已被他人修改，请刷新后再试");
    expect(stale.data.state.values.selfScore).toBe("1");
    expect((await leafLoader("dept-001", node("1.1"))).data.formState.values.selfScore).toBe("18");
  });

  it("the home page totals the preview with the engine and shows progress, deadline and status", async () => {
    const h = await home("dept-001");
    expect(h.status).toBe(200);
    const d = h.data.home;
    expect(d.statusLabel).toBe("草稿");
    expect(d.completeness).toMatchObject({ total: 8, answered: 8, evidenceRequired: 1, evidenceAttached: 0 });
    // (18 + 6 + 9.8 + 10 + 10 + 20) / 90 applicable points × 100 = 82 (2.2 is N/A).
    expect(d.preview).toMatchObject({ total: 82, base: 82, bonus: 0, vetoed: false, unanswered: 0 });
    expect(d.deadline).toMatchObject({ due: FAR_DUE, deadlineText: "2099-11-30 24:00（北京时间）", pastDue: false });
    expect(d.deadline.daysLeftText).toMatch(/^还剩\d+天$/);
    expect(d.reminder).toBeNull();
    expect(d.leaves.find((l: { code: string }) => l.code === "1.1")).toMatchObject({ answered: true, evidenceRequired: true, evidenceCount: 0, score: 18 });
    expect(auditCount("submission.answer.save")).toBe(10);
  });
});

describe("evidence uploads on a leaf", () => {
  it("refuses a program renamed .pdf, an empty file and a kind the indicator does not accept — nothing is kept", async () => {
    const sub = submissionOf("JD001")!;
    const rowsBefore = db().select().from(evidenceFiles).all().length;
    const spoof = await upload("dept-001", node("1.1"), [{ name: "自查报告.pdf", bytes: ELF_BYTES }], String(sub.id));
    expect(spoof.status).toBe(400);
    expect(spoof.data.error).toBe("文件“自查报告.pdf”的实际内容不是PDF文件，已拒绝上传");
    const empty = await upload("dept-001", node("1.1"), [{ name: "空白.pdf", bytes: new Uint8Array(0) }], String(sub.id));
    expect(empty.data.error).toBe("文件“空白.pdf”为空，已拒绝上传");
    const docx = await upload("dept-001", node("1.1"), [{ name: "台账.docx", bytes: docxBytes() }], String(sub.id));
    expect(docx.status).toBe(400);
    expect(docx.data.error).toBe("该指标只接受以下类型的佐证材料：PDF文件、JPEG图片、PNG图片；文件“台账.docx”是Word文档，已拒绝上传");
    // One good and one bad file in one request: the whole request is refused.
    const mixed = await upload("dept-001", node("1.1"), [{ name: "好的.pdf", bytes: pdfBytes("好的") }, { name: "坏的.png", bytes: pdfBytes("伪装") }], String(sub.id));
    expect(mixed.status).toBe(400);
    expect(db().select().from(evidenceFiles).all()).toHaveLength(rowsBefore);
    expect(tempFiles()).toEqual([]);
  });

  it("refuses a file over the configured per-file limit and uploads over the per-submission total", async () => {
    const sub = submissionOf("JD001")!;
    process.env.UPLOAD_MAX_FILE_MB = "0.001"; // 1 KB (floor of 1048.576 bytes)
    reloadConfig();
    const big = await upload("dept-001", node("1.1"), [{ name: "大文件.pdf", bytes: pdfBytes("x".repeat(3000)) }], String(sub.id));
    expect(big.status).toBe(413);
    expect(big.data.error).toMatch(/^文件“大文件\.pdf”超过.*MB上限，已拒绝上传$/);
    delete process.env.UPLOAD_MAX_FILE_MB;
    reloadConfig();

    process.env.UPLOAD_MAX_SUBMISSION_MB = "0.002"; // ~2 KB for the whole submission
    reloadConfig();
    const first = await upload("dept-001", node("1.4"), [{ name: "合计一.pdf", bytes: pdfBytes("a".repeat(1200)) }], String(sub.id));
    expect(first.status).toBe(200);
    const second = await upload("dept-001", node("1.3"), [{ name: "合计二.pdf", bytes: pdfBytes("b".repeat(1200)) }], String(sub.id));
    expect(second.status).toBe(413);
    expect(second.data.error).toContain("本次提交的佐证材料合计超过");
    expect(tempFiles()).toEqual([]);
    // Remove the first one again so later checks start clean.
    const row = db().select().from(evidenceFiles).where(eq(evidenceFiles.originalName, "合计一.pdf")).get()!;
    const del = await leafAction("dept-001", node("1.4"), { intent: "deleteFile", id: String(row.id), submissionId: String(sub.id) });
    expect(del.status).toBe(200);
    expect(db().select().from(evidenceFiles).where(eq(evidenceFiles.id, row.id)).get()!.deletedAt).not.toBeNull();
  });

  it("stores a PDF under its SHA-256 with the traversal-style name as display text only; identical content is stored once", async () => {
    const sub = submissionOf("JD001")!;
    const bytes = pdfBytes("城关街道政务公开专栏截图");
    const res = await upload("dept-001", node("1.1"), [{ name: "../../etc/专栏检查报告.pdf", bytes }], String(sub.id));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true, message: "已上传 1 个文件" });
    const again = await upload("dept-001", node("1.1"), [{ name: "专栏检查报告（副本）.pdf", bytes }], String(sub.id));
    expect(again.status).toBe(200);
    const png = await upload("dept-001", node("1.1"), [{ name: "截图.png", bytes: PNG_BYTES }], String(sub.id));
    expect(png.status).toBe(200);

    const page = await leafLoader("dept-001", node("1.1"));
    const files = page.data.evidence.files as { id: number; originalName: string; sha256: string; size: number; lockedAt: string | null }[];
    expect(files.map((f) => f.originalName)).toEqual(["专栏检查报告.pdf", "专栏检查报告（副本）.pdf", "截图.png"]);
    const sha = (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");
    expect(files[0].sha256).toBe(sha);
    expect(files[1].sha256).toBe(sha);
    expect(fs.readFileSync(blobPath(sha))).toEqual(Buffer.from(bytes));
    expect(db().select().from(evidenceBlobs).where(eq(evidenceBlobs.sha256, sha)).all()).toHaveLength(1);
    expect(files.every((f) => f.lockedAt === null)).toBe(true);

    // Preview inline with the UTF-8 name; nothing outside uploads/<xx>/<sha> was created.
    const dl = await evidenceRoute.loader({ request: makeRequest(`/evidence/${files[0].id}`, { cookie: cookies["dept-001"] }), params: { fileId: String(files[0].id) }, context: {} });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("Content-Type")).toBe("application/pdf");
    expect(dl.headers.get("Content-Disposition")).toContain("inline;");
    expect(decodeURIComponent(dl.headers.get("Content-Disposition")!.split("UTF-8''")[1])).toBe("专栏检查报告.pdf");
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(Buffer.from(bytes));
    const uploadsRoot = path.dirname(path.dirname(blobPath(sha)));
    expect(fs.readdirSync(uploadsRoot).every((n) => n === "tmp" || /^[0-9a-f]{2}$/.test(n))).toBe(true);

    const h = await home("dept-001");
    expect(h.data.home.completeness).toMatchObject({ evidenceRequired: 1, evidenceAttached: 1, complete: true });
  });

  it("accepts any file name a desktop allows (=, ;, quotes, spaces, Chinese, emoji, very long) and shows it as sent", async () => {
    for (const { stem } of DESKTOP_FILE_NAMES) {
      const res = await upload("dept-003", node("1.2", "JD003"), [{ name: `${stem}.pdf`, bytes: pdfBytes(stem) }], String(submissionOf("JD003")?.id ?? ""));
      expect(res.status, stem).toBe(200);
    }
    const names = (await leafLoader("dept-003", node("1.2", "JD003"))).data.evidence.files.map((f: { originalName: string }) => f.originalName);
    expect(names).toEqual(expect.arrayContaining(DESKTOP_FILE_NAMES.map(({ expected }) => expected(".pdf"))));
  });

  it("a request that is not a complete multipart form is refused in Chinese, never a 500", async () => {
    const sub = submissionOf("JD001")!;
    const rowsBefore = db().select().from(evidenceFiles).all().length;
    const post = (headers: Record<string, string>, body: string) =>
      run(uploadRoute.action, new Request(`http://localhost/self/upload/${node("1.2")}`, { method: "POST", headers: { ...headers, Cookie: cookies["dept-001"] }, body }), {
        nodeId: String(node("1.2")),
      });
    const cut = `--b\r\nContent-Disposition: form-data; name="submissionId"\r\n\r\n${sub.id}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a=b.pdf"\r\n\r\n%PDF-1.4`;
    for (const [headers, body] of [
      [{ "Content-Type": "multipart/form-data; boundary=b" }, cut],
      [{ "Content-Type": "multipart/form-data" }, cut],
      [{ "Content-Type": "text/plain" }, "file=a.pdf"],
    ] as const) {
      const res = await post(headers, body);
      expect(res.status, body).toBe(400);
      expect(res.data.error, body).toMatch(/表单内容不完整或格式不正确/);
    }
    expect(db().select().from(evidenceFiles).all()).toHaveLength(rowsBefore);
    expect(tempFiles()).toEqual([]);
  });

  it("an upload aborted midway (the request body breaks off) leaves no partial file and no row", async () => {
    const sub = submissionOf("JD001")!;
    const rowsBefore = db().select().from(evidenceFiles).all().length;
    const boundary = "----zwgkAbortTest";
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="submissionId"\r\n\r\n${sub.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="中断.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        else if (sent < 40) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        else controller.error(new Error("client aborted"));
        sent++;
      },
    });
    const request = new Request(`http://localhost/self/upload/${node("1.1")}`, {
      method: "POST",
      headers: { Cookie: cookies["dept-001"], "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);
    await expect(uploadRoute.action({ request, params: { nodeId: String(node("1.1")) }, context: {} })).rejects.toThrow("client aborted");
    expect(sent).toBeGreaterThan(40); // ~2.5 MB had been streamed to disk before the break
    expect(db().select().from(evidenceFiles).all()).toHaveLength(rowsBefore);
    expect(tempFiles()).toEqual([]);
  });

  it("adds http(s) links and refuses anything else", async () => {
    const sub = submissionOf("JD001")!;
    const bad = await leafAction("dept-001", node("1.2"), { intent: "addLink", url: "javascript:alert(1)", title: "x", submissionId: String(sub.id) });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.url).toBeTruthy();
    const ok = await leafAction("dept-001", node("1.2"), { intent: "addLink", url: "https://www.example.gov.cn/zfxxgk/", title: "信息公开专栏", submissionId: String(sub.id) });
    expect(ok.status).toBe(200);
    expect((await leafLoader("dept-001", node("1.2"))).data.evidence.links).toEqual([expect.objectContaining({ url: "https://www.example.gov.cn/zfxxgk/", title: "信息公开专栏" })]);
  });
});

describe("submit, lock, return and resubmit", () => {
  it("refuses to submit while leaves are unanswered or required evidence is missing, listing them", async () => {
    const missing = await submit("dept-002");
    expect(missing.status).toBe(400);
    expect(missing.data.error).toContain("以下8项指标尚未填报：1.1 主动公开");
    expect(missing.data.missing.unanswered).toHaveLength(8);
    expect(missing.data.missing.missingEvidence).toEqual([{ nodeId: node("1.1", "JD002"), code: "1.1", name: "主动公开" }]);

    for (const [code, fields] of Object.entries(FULL_ANSWERS)) expect((await save("dept-002", node(code, "JD002"), fields)).status).toBe(200);
    const noEvidence = await submit("dept-002");
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.data.error).toBe("还不能提交。以下1项指标缺少佐证材料：1.1 主动公开。");
    expect(submissionOf("JD002")!.status).toBe("draft");
  });

  it("submits a complete self-inspection: status, event, audit, and every answer and file locked", async () => {
    const ok = await submit("dept-001");
    expect(ok.status).toBe(200);
    expect(ok.data.message).toBe("自查已提交，填报内容和佐证材料已锁定。");
    const sub = submissionOf("JD001")!;
    expect(sub.status).toBe("submitted");
    expect(sub.submittedAt).not.toBeNull();
    expect(db().select().from(submissionEvents).where(eq(submissionEvents.submissionId, sub.id)).all()).toEqual([
      expect.objectContaining({ kind: "submit", fromStatus: "draft", toStatus: "submitted" }),
    ]);
    const files = db().select().from(evidenceFiles).where(and(eq(evidenceFiles.unitId, sub.unitId), isNull(evidenceFiles.deletedAt))).all();
    expect(files.length).toBe(3);
    expect(files.every((f) => f.lockedAt !== null)).toBe(true);
    expect(auditCount("submission.submit")).toBe(1);
    expect(auditCount("evidence.lock")).toBe(1);
    const again = await submit("dept-001");
    expect(again.status).toBe(409);
    expect(again.data.error).toBe("自查已提交，无需重复提交");
  });

  it("after submission nothing can be changed, deleted or added", async () => {
    const sub = submissionOf("JD001")!;
    const before = answerRow(sub.id, node("1.1"));
    const edit = await save("dept-001", node("1.1"), { selfScore: "20" });
    expect(edit.status).toBe(409);
    expect(edit.data.fieldErrors._form).toBe("自查已提交，填报内容和佐证材料已锁定，不能修改");
    expect(edit.data.state.values.selfScore).toBe("20");
    expect(answerRow(sub.id, node("1.1"))).toEqual(before);

    const file = db().select().from(evidenceFiles).where(eq(evidenceFiles.unitId, sub.unitId)).all().find((f) => !f.deletedAt)!;
    const del = await leafAction("dept-001", node("1.1"), { intent: "deleteFile", id: String(file.id), submissionId: String(sub.id) });
    expect(del.status).toBe(409);
    expect(del.data.fieldErrors._form).toBe("已提交的佐证材料不可删除或替换");
    expect(db().select().from(evidenceFiles).where(eq(evidenceFiles.id, file.id)).get()!.deletedAt).toBeNull();

    const up = await upload("dept-001", node("1.1"), [{ name: "补充.pdf", bytes: pdfBytes("补充") }], String(sub.id));
    expect(up.status).toBe(409);
    expect(up.data.error).toBe("自查已提交，填报内容和佐证材料已锁定，不能修改");
    const link = await leafAction("dept-001", node("1.1"), { intent: "addLink", url: "https://example.gov.cn/", title: "x", submissionId: String(sub.id) });
    expect(link.status).toBe(409);
    expect(tempFiles()).toEqual([]);

    const page = await leafLoader("dept-001", node("1.1"));
    expect(page.data.editable).toBe(false);
    expect(page.data.lockReason).toBe("自查已提交，填报内容和佐证材料已锁定，不能修改");
  });

  it("the office returns chosen indicators with comments (at least one required); the department sees them highlighted", async () => {
    const sub = submissionOf("JD001")!;
    const detail = await run(detailRoute.loader, makeRequest(`/submissions/${sub.id}`, { cookie: cookies.admin }), { submissionId: String(sub.id) });
    expect(detail.status).toBe(200);
    expect(detail.data.canReturn).toBe(true);
    expect(detail.data.leaves.find((l: { code: string }) => l.code === "1.3")).toMatchObject({ summary: "分子 98 / 分母 100", score: 9.8 });
    expect(detail.data.leaves.find((l: { code: string }) => l.code === "2.1").events.map((e: { status: { onTime: boolean } }) => e.status.onTime)).toEqual([true, false]);

    const none = await run(detailRoute.action, makeRequest(`/submissions/${sub.id}`, { cookie: cookies.admin, form: { intent: "return", comment: "请修改" } }), { submissionId: String(sub.id) });
    expect(none.status).toBe(400);
    expect(none.data.fieldErrors._form).toBe("请至少为一项需要修改的指标填写退回意见");
    expect(submissionOf("JD001")!.status).toBe("submitted");

    const ret = await run(
      detailRoute.action,
      makeRequest(`/submissions/${sub.id}`, { cookie: cookies.admin, form: { intent: "return", comment: "请按意见修改后重新提交", [`comment.${node("1.1")}`]: "自评分偏高，请补充专栏截图", [`comment.${node("1.2")}`]: "" } }),
      { submissionId: String(sub.id) },
    );
    expect(ret.status).toBe(200);
    expect(submissionOf("JD001")!.status).toBe("returned");
    expect(db().select().from(returnItems).where(eq(returnItems.submissionId, sub.id)).all()).toEqual([
      expect.objectContaining({ nodeId: node("1.1"), comment: "自评分偏高，请补充专栏截图", resolvedAt: null }),
    ]);

    const h = await home("dept-001");
    expect(h.data.home.statusLabel).toBe("退回修改");
    expect(h.data.home.returned).toEqual([expect.objectContaining({ code: "1.1", returnComment: "自评分偏高，请补充专栏截图", editable: true })]);
    expect(h.data.home.leaves.filter((l: { editable: boolean }) => l.editable).map((l: { code: string }) => l.code)).toEqual(["1.1"]);
    expect(h.data.home.submitAction).toEqual({ action: "resubmit", label: "重新提交" });
  });

  it("the department may revise only returned indicators; earlier files stay locked as history, new evidence is added", async () => {
    const sub = submissionOf("JD001")!;
    const notReturned = await save("dept-001", node("1.2"), { "fault.0": "0" });
    expect(notReturned.status).toBe(409);
    expect(notReturned.data.fieldErrors._form).toBe("该指标未被退回，不能修改；退回修改时只能修改被退回的指标");
    const upElsewhere = await upload("dept-001", node("1.2"), [{ name: "x.pdf", bytes: pdfBytes("x") }], String(sub.id));
    expect(upElsewhere.status).toBe(409);

    const old = (await leafLoader("dept-001", node("1.1"))).data.evidence.files[0];
    const delOld = await leafAction("dept-001", node("1.1"), { intent: "deleteFile", id: String(old.id), submissionId: String(sub.id) });
    expect(delOld.status).toBe(409);
    expect(delOld.data.fieldErrors._form).toBe("已提交的佐证材料不可删除或替换");

    expect((await save("dept-001", node("1.1"), { selfScore: "16", narrative: "已按意见调整自评分并补充截图。" })).status).toBe(200);
    expect((await upload("dept-001", node("1.1"), [{ name: "补充截图.pdf", bytes: pdfBytes("补充截图") }], String(sub.id))).status).toBe(200);
    const page = await leafLoader("dept-001", node("1.1"));
    expect(page.data.returnComment).toBe("自评分偏高，请补充专栏截图");
    expect(page.data.evidence.files.map((f: { originalName: string; lockedAt: string | null }) => [f.originalName, f.lockedAt !== null])).toEqual([
      ["专栏检查报告.pdf", true],
      ["专栏检查报告（副本）.pdf", true],
      ["截图.png", true],
      ["补充截图.pdf", false],
    ]);
    expect(page.data.preview.leaf.score).toBe(16);
  });

  it("resubmits: items resolved, new evidence locked, and the timeline shows submit → return (with items) → resubmit", async () => {
    const sub = submissionOf("JD001")!;
    const res = await submit("dept-001");
    expect(res.status).toBe(200);
    expect(submissionOf("JD001")!.status).toBe("submitted");
    expect(db().select().from(returnItems).where(eq(returnItems.submissionId, sub.id)).all().every((r) => r.resolvedAt !== null)).toBe(true);
    expect(db().select().from(evidenceFiles).where(and(eq(evidenceFiles.unitId, sub.unitId), isNull(evidenceFiles.deletedAt))).all().every((f) => f.lockedAt !== null)).toBe(true);

    const detail = await run(detailRoute.loader, makeRequest(`/submissions/${sub.id}`, { cookie: cookies.admin }), { submissionId: String(sub.id) });
    const timeline = detail.data.timeline as { kind: string; label: string; actorName: string; comment: string | null; items: { code: string; comment: string; resolved: boolean }[] }[];
    expect(timeline.map((e) => [e.kind, e.label, e.actorName])).toEqual([
      ["submit", "提交自查", "城关街道办事处填报员"],
      ["return", "退回修改", "政务公开办 陈主任"],
      ["resubmit", "重新提交", "城关街道办事处填报员"],
    ]);
    expect(timeline[1].comment).toBe("请按意见修改后重新提交");
    expect(timeline[1].items).toEqual([{ nodeId: node("1.1"), code: "1.1", name: "主动公开", comment: "自评分偏高，请补充专栏截图", resolved: true }]);
    expect((await home("dept-001")).data.home.timeline.map((e: { kind: string }) => e.kind)).toEqual(["submit", "return", "resubmit"]);
    expect(auditCount("submission.return")).toBe(1);
    expect(auditCount("submission.resubmit")).toBe(1);
    expect(verifyAuditChain(getSqlite()).ok).toBe(true);
  });
});

describe("deadline and extensions", () => {
  it("after the deadline a department cannot submit; the office grants an extension with a reason (audited); then it can", async () => {
    setSelfInspectionDue(cycleId, beijingDay(-2));
    try {
      const png = await upload("dept-002", node("1.1", "JD002"), [{ name: "截图.png", bytes: PNG_BYTES }], String(submissionOf("JD002")!.id));
      expect(png.status).toBe(200);
      const h = await home("dept-002");
      expect(h.data.home.deadline.pastDue).toBe(true);
      expect(h.data.home.deadline.daysLeftText).toBe("已逾期2天");
      expect(h.data.home.reminder).toContain("已过，本单位尚未提交");

      const late = await submit("dept-002");
      expect(late.status).toBe(409);
      expect(late.data.error).toBe(`已超过自查截止时间${beijingDay(-2)} 24:00（北京时间），不能提交。如需延期，请联系政务公开办。`);
      expect(submissionOf("JD002")!.status).toBe("draft");

      const overview = await run(overviewRoute.loader, makeRequest("/submissions?filter=overdue", { cookie: cookies.admin }));
      expect(overview.data.rows.map((r: { unitCode: string }) => r.unitCode)).toContain("JD002");
      expect(overview.data.rows.every((r: { overdue: boolean }) => r.overdue)).toBe(true);
      expect(overview.data.reminder).toContain("逾期未提交");

      const unitId = submissionOf("JD002")!.unitId;
      const extend = (form: Record<string, string>) => run(overviewRoute.action, makeRequest("/submissions", { cookie: cookies.admin, form: { intent: "extend", cycleId: String(cycleId), unitId: String(unitId), ...form } }));
      const noReason = await extend({ until: beijingDay(5), reason: " " });
      expect(noReason.status).toBe(400);
      expect(noReason.data.fieldErrors.reason).toBe("请填写延期理由");
      const tooEarly = await extend({ until: beijingDay(-3), reason: "系统故障" });
      expect(tooEarly.data.fieldErrors.until).toBe(`延期后的截止日期须晚于原截止日期${beijingDay(-2)}`);
      expect(db().select().from(deadlineExtensions).all()).toHaveLength(0);

      const granted = await extend({ until: beijingDay(5), reason: "街道机构调整，材料汇总延后" });
      expect(granted.status).toBe(200);
      expect(auditCount("submission.extension")).toBe(1);
      const after = await home("dept-002");
      expect(after.data.home.deadline).toMatchObject({ due: beijingDay(5), pastDue: false, daysLeftText: "还剩5天", extension: expect.objectContaining({ reason: "街道机构调整，材料汇总延后" }) });
      expect(after.data.home.reminder).toContain("距自查截止还有5天");
      expect(after.data.home.timeline).toEqual([expect.objectContaining({ kind: "extension", label: "批准延期", comment: `延期至${beijingDay(5)}：街道机构调整，材料汇总延后` })]);

      const ok = await submit("dept-002");
      expect(ok.status).toBe(200);
      expect(submissionOf("JD002")!.status).toBe("submitted");
      // A submitted unit needs no extension.
      const needless = await extend({ until: beijingDay(6), reason: "再延" });
      expect(needless.data.fieldErrors._form).toBe("东湖街道办事处已提交自查，无需延期");
    } finally {
      setSelfInspectionDue(cycleId, FAR_DUE);
    }
  });
});

describe("a department never reaches another unit's self-inspection", () => {
  it("refuses a save, link, delete, upload or submit posted with another unit's submission id, changing nothing", async () => {
    const foreign = String(submissionOf("JD001")!.id);
    const before = db().select().from(submissionAnswers).all();
    const evidenceBefore = db().select().from(evidenceFiles).all();
    const page = await leafLoader("dept-003", node("1.1", "JD003"));
    const saveRes = await leafAction("dept-003", node("1.1", "JD003"), { intent: "save", version: String(page.data.version), submissionId: foreign, selfScore: "1" });
    expect(saveRes.status).toBe(403);
    expect(saveRes.data.fieldErrors._form).toBe("您无权访问其他单位的数据。");
    const linkRes = await leafAction("dept-003", node("1.1", "JD003"), { intent: "addLink", url: "https://example.gov.cn/", title: "x", submissionId: foreign });
    expect(linkRes.status).toBe(403);
    const file = evidenceBefore.find((f) => String(f.unitId) === String(submissionOf("JD001")!.unitId))!;
    const delRes = await leafAction("dept-003", node("1.1", "JD003"), { intent: "deleteFile", id: String(file.id), submissionId: foreign });
    expect(delRes.status).toBe(403);
    const up = await upload("dept-003", node("1.1", "JD003"), [{ name: "a.pdf", bytes: pdfBytes("越权") }], foreign);
    expect(up.status).toBe(403);
    expect(up.data.error).toBe("您无权访问其他单位的数据。");
    const sub = await run(homeRoute.action, makeRequest("/self", { cookie: cookies["dept-003"], form: { intent: "submit", submissionId: foreign } }));
    expect(sub.status).toBe(403);
    expect(db().select().from(submissionAnswers).all()).toEqual(before);
    expect(db().select().from(evidenceFiles).all()).toEqual(evidenceBefore);
    expect(tempFiles()).toEqual([]);
  });

  it("refuses another unit's file id posted with the department's own submission", async () => {
    expect((await save("dept-003", node("1.1", "JD003"), { selfScore: "9" })).status).toBe(200);
    const own = String(submissionOf("JD003")!.id);
    const foreignFile = db().select().from(evidenceFiles).where(and(eq(evidenceFiles.unitId, submissionOf("JD001")!.unitId), isNull(evidenceFiles.deletedAt))).get()!;
    const del = await leafAction("dept-003", node("1.1", "JD003"), { intent: "deleteFile", id: String(foreignFile.id), submissionId: own });
    expect(del.status).toBe(404);
    expect(del.data.fieldErrors._form).toBe("佐证材料不存在或已删除");
    expect(db().select().from(evidenceFiles).where(eq(evidenceFiles.id, foreignFile.id)).get()).toEqual(foreignFile);
  });

  it("refuses another unit's indicator node, its evidence files and the office pages", async () => {
    const otherSetsNode = node("1.1", "BM001"); // 区级部门's set, not 街道's
    const page = await leafLoader("dept-001", otherSetsNode);
    expect(page.status).toBe(404);
    expect(page.data).toBe("该指标不属于本单位的指标体系");
    const saveRes = await leafAction("dept-001", otherSetsNode, { intent: "save", version: "0", selfScore: "1" });
    expect(saveRes.status).toBe(404);
    const up = await upload("dept-007", node("1.1", "JD001"), [{ name: "a.pdf", bytes: pdfBytes("越权") }]);
    expect(up.status).toBe(404);

    const file = db().select().from(evidenceFiles).where(and(eq(evidenceFiles.unitId, submissionOf("JD001")!.unitId), isNull(evidenceFiles.deletedAt))).get()!;
    const dl = await run(evidenceRoute.loader, makeRequest(`/evidence/${file.id}`, { cookie: cookies["dept-003"] }), { fileId: String(file.id) });
    expect(dl.status).toBe(403);
    const id = String(submissionOf("JD001")!.id);
    expect((await run(detailRoute.loader, makeRequest(`/submissions/${id}`, { cookie: cookies["dept-001"] }), { submissionId: id })).status).toBe(403);
    expect((await run(overviewRoute.loader, makeRequest("/submissions", { cookie: cookies["dept-001"] }))).status).toBe(403);
    expect((await run(homeRoute.loader, makeRequest("/self", { cookie: cookies.admin }))).status).toBe(403);
  });
});

describe("office overview", () => {
  it("lists every unit with status, completeness and last activity, with filters and counts", async () => {
    // Return JD002 with one comment so the returned filter has a unit.
    const jd002 = submissionOf("JD002")!;
    const ret = await run(detailRoute.action, makeRequest(`/submissions/${jd002.id}`, { cookie: cookies.admin, form: { intent: "return", [`comment.${node("2.1", "JD002")}`]: "第2行超时，请核实解读发布时间" } }), {
      submissionId: String(jd002.id),
    });
    expect(ret.status).toBe(200);
    expect((await save("dept-003", node("1.1", "JD003"), { selfScore: "10" })).status).toBe(200);

    const all = await run(overviewRoute.loader, makeRequest("/submissions", { cookie: cookies.admin }));
    expect(all.status).toBe(200);
    const rows = all.data.rows as { unitCode: string; statusLabel: string; answered: number; total: number; evidenceAttached: number; evidenceRequired: number; lastActivityText: string; openReturnItems: number }[];
    const byCode = Object.fromEntries(rows.map((r) => [r.unitCode, r]));
    expect(byCode.JD001).toMatchObject({ statusLabel: "已提交", answered: 8, total: 8, evidenceAttached: 1, evidenceRequired: 1 });
    expect(byCode.JD002).toMatchObject({ statusLabel: "退回修改", openReturnItems: 1 });
    expect(byCode.JD003).toMatchObject({ statusLabel: "草稿", answered: 1, total: 8, evidenceAttached: 0 });
    expect(byCode.JD003.lastActivityText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(byCode.BM001).toMatchObject({ statusLabel: "未开始", answered: 0, lastActivityText: "" });
    expect(all.data.counts).toMatchObject({ submitted: 1, returned: 1, draft: 1, overdue: 0 });
    expect(all.data.counts.not_started).toBe(rows.length - 3);

    const returned = await run(overviewRoute.loader, makeRequest("/submissions?filter=returned", { cookie: cookies.admin }));
    expect(returned.data.rows.map((r: { unitCode: string }) => r.unitCode)).toEqual(["JD002"]);
  });

  it("shows a reminder banner listing units that have not submitted when the deadline is near", async () => {
    setSelfInspectionDue(cycleId, beijingDay(3));
    try {
      const o = await run(overviewRoute.loader, makeRequest("/submissions", { cookie: cookies.admin }));
      expect(o.data.reminder).toMatch(/^距自查截止还有3天（.+），以下\d+个单位尚未提交：/);
      expect(o.data.reminder).toContain("西山街道办事处");
      expect(o.data.reminder).not.toContain("城关街道办事处"); // submitted
      expect(o.data.reminder).not.toContain("东湖街道办事处"); // returned: revising
      const h = await home("dept-003");
      expect(h.data.home.reminder).toContain("距自查截止还有3天");
      expect((await home("dept-001")).data.home.reminder).toBeNull();
    } finally {
      setSelfInspectionDue(cycleId, FAR_DUE);
    }
  });
});

describe("office withdraws a submission to draft (撤回为草稿)", () => {
  it("needs a reason; the unit may edit again but evidence locked at submission stays locked", async () => {
    const sub = submissionOf("JD001")!;
    const post = (form: Record<string, string>, user = "admin") => run(detailRoute.action, makeRequest(`/submissions/${sub.id}`, { cookie: cookies[user], form }), { submissionId: String(sub.id) });
    const noReason = await post({ intent: "reopen", reopenComment: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.reopenComment).toBe("请填写撤回原因");
    expect((await post({ intent: "reopen", reopenComment: "单位申请撤回" }, "dept-001")).status).toBe(403);
    expect(submissionOf("JD001")!.status).toBe("submitted");

    expect((await post({ intent: "reopen", reopenComment: "单位申请撤回，补充材料" })).status).toBe(200);
    expect(submissionOf("JD001")!.status).toBe("draft");
    expect(auditCount("submission.reopen")).toBe(1);
    expect((await save("dept-001", node("1.2"), { "fault.0": "1", "fault.1": "" })).status).toBe(200);
    const old = (await leafLoader("dept-001", node("1.1"))).data.evidence.files[0];
    const del = await leafAction("dept-001", node("1.1"), { intent: "deleteFile", id: String(old.id), submissionId: String(sub.id) });
    expect(del.status).toBe(409);
    expect(del.data.fieldErrors._form).toBe("已提交的佐证材料不可删除或替换");
    const again = await post({ intent: "reopen", reopenComment: "重复撤回" });
    expect(again.status).toBe(409);
    expect(again.data.fieldErrors._form).toBe("自查当前为“草稿”状态，不能执行此操作");
    const timeline = (await home("dept-001")).data.home.timeline as { kind: string; comment: string | null }[];
    expect(timeline.at(-1)).toMatchObject({ kind: "reopen", comment: "单位申请撤回，补充材料" });
  });
});
