import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import * as results from "../../app/routes/results._index";
import * as noticeRoute from "../../app/routes/results.$year.notice.$format";
import { fmt } from "../../app/domain/results-view";
import { cycleByYear } from "../../app/services/evaluation-context.server";
import { currentResults, unitSummaries } from "../../app/services/results.server";
import { seedDemo } from "../../seeds/demo";
import { DEMO_NOTICE } from "../../seeds/demo/notice";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";

/**
 * The formal 通报 of the demo's finalised 2025 cycle: the seed fills it, the office rewrites it on
 * 考核结果 (validated, audited, bound to the final snapshot), office and leaders download it as
 * .docx (read back by unzipping its XML) and PDF (read back with pdftotext).
 */

const data = useTempDataDir();
let cookies: Record<string, string>;
let cycleId: number;

beforeAll(async () => {
  await seedDemo();
  cycleId = cycleByYear(getDb(), 2025)!.id;
  cookies = { admin: await sessionCookieFor("admin"), leader: await sessionCookieFor("leader"), dept: await sessionCookieFor("dept-001") };
}, 120_000);

const auditCount = () => getSqlite().prepare("SELECT COUNT(*) FROM audit_log").pluck().get() as number;
const noticeRow = () => getSqlite().prepare("SELECT * FROM result_notices WHERE cycle_id = ?").get(cycleId) as Record<string, string> | undefined;

async function download(format: string, cookie: string): Promise<Buffer> {
  const res = (await noticeRoute.loader({ request: makeRequest(`/results/2025/notice/${format}`, { cookie }), params: { year: "2025", format }, context: {} })) as Response;
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The text of each table row of a .docx, cell by cell. */
async function docxRows(buf: Buffer): Promise<{ text: string; rows: string[][] }> {
  const zip = await JSZip.loadAsync(buf);
  const xml = await zip.file("word/document.xml")!.async("string");
  const texts = (s: string) => [...s.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]);
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) => [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) => texts(tc[0]).join("")));
  return { text: texts(xml).join(""), rows };
}

const form = (over: Record<string, string> = {}) => ({
  intent: "notice",
  year: "2025",
  issuingBody: "明湖区人民政府办公室",
  docNumber: "明政办发〔2026〕5号",
  title: "关于2025年度政务公开工作绩效考核结果的通报",
  issuedOn: "2026-02-12",
  opening: "经考核，现将结果通报如下。",
  closing: "请各单位于30日内完成整改。",
  ...over,
});

describe("the 2025 通报", () => {
  it("is filled by the demo seed and offered for download to the office and leaders", async () => {
    expect(noticeRow()).toMatchObject({ issuing_body: DEMO_NOTICE.issuingBody, doc_number: DEMO_NOTICE.docNumber, issued_on: DEMO_NOTICE.issuedOn, package_sha256: currentResults(getDb(), cycleId)!.packageSha256 });
    for (const who of ["admin", "leader"]) {
      const page = await run(results.loader, makeRequest("/results?cycle=2025", { cookie: cookies[who] }));
      expect(page.data.notice.saved.current).toBe(true);
      // only the office gets the form
      expect(page.data.notice.form === null).toBe(who === "leader");
    }
    const denied = await run(noticeRoute.loader, makeRequest("/results/2025/notice/docx", { cookie: cookies.dept }), { year: "2025", format: "docx" });
    expect(denied.status).toBe(403);
  });

  it("as .docx names the issuing body, the 文号 and every unit of the cycle with its total", async () => {
    const { text, rows } = await docxRows(await download("docx", cookies.leader));
    expect(text).toContain(`${DEMO_NOTICE.issuingBody}文件`);
    expect(text).toContain(DEMO_NOTICE.docNumber);
    expect(text).toContain("2026年2月10日");
    expect(text).toContain("二、存在的共性问题");
    expect(text).toContain("从失分情况看");
    const units = unitSummaries(getDb(), currentResults(getDb(), cycleId)!);
    expect(units).toHaveLength(14);
    for (const u of units) {
      const row = rows.find((r) => r[1] === u.name);
      expect(row, u.name).toBeDefined();
      expect(row!.slice(0, 4)).toEqual([String(u.categoryRank), u.name, fmt(u.total), u.vetoed ? `${u.grade}（否决）` : u.grade]);
    }
    // one ranking table per category, each with its header row
    expect(rows.filter((r) => r[0] === "名次")).toHaveLength(2);
  });

  it("as PDF has the same text", async () => {
    const file = path.join(data.dir(), "notice.pdf");
    fs.writeFileSync(file, await download("pdf", cookies.admin));
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain(`${DEMO_NOTICE.issuingBody}文件`);
    expect(text).toContain(DEMO_NOTICE.docNumber);
    const lines = text.split("\n");
    for (const u of unitSummaries(getDb(), currentResults(getDb(), cycleId)!)) {
      expect(lines.some((l) => l.includes(u.name) && l.includes(fmt(u.total))), u.name).toBe(true);
    }
  });

  it("refuses a bad form with Chinese messages and changes nothing", async () => {
    const before = { audit: auditCount(), row: noticeRow() };
    const res = await run(results.action, makeRequest("/results?cycle=2025", { cookie: cookies.admin, form: form({ docNumber: "明政办发[2026]5号", title: " ", issuedOn: "2026-02-30" }) }));
    expect(res.status).toBe(400);
    expect(res.data.fieldErrors).toEqual({
      docNumber: expect.stringContaining("文号格式应为"),
      title: "请填写标题",
      issuedOn: expect.stringContaining("成文日期须为有效日期"),
    });
    // what was typed comes back
    expect(res.data.values.docNumber).toBe("明政办发[2026]5号");
    expect(auditCount()).toBe(before.audit);
    expect(noticeRow()).toEqual(before.row);
  });

  it("leaders may not write it", async () => {
    const before = auditCount();
    const res = await run(results.action, makeRequest("/results?cycle=2025", { cookie: cookies.leader, form: form() }));
    expect(res.status).toBe(403);
    expect(auditCount()).toBe(before);
  });

  it("is saved by the office with its audit row, and the download shows the new text", async () => {
    const before = auditCount();
    const res = await run(results.action, makeRequest("/results?cycle=2025", { cookie: cookies.admin, form: form() }));
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(true);
    expect(noticeRow()).toMatchObject({ doc_number: "明政办发〔2026〕5号", issued_on: "2026-02-12", closing: "请各单位于30日内完成整改。" });
    expect(auditCount()).toBe(before + 1);
    const audit = getSqlite().prepare("SELECT action, entity_type AS type, entity_id AS entity FROM audit_log ORDER BY id DESC LIMIT 1").get();
    expect(audit).toEqual({ action: "results.notice.save", type: "result_notice", entity: String(cycleId) });
    const { text } = await docxRows(await download("docx", cookies.admin));
    expect(text).toContain("明政办发〔2026〕5号");
    expect(text).toContain("三、工作要求");
    expect(text).toContain("请各单位于30日内完成整改。");
  });

  it("that no longer matches the final results is not issued until saved again", async () => {
    getSqlite().prepare("UPDATE result_notices SET results_sha256 = ? WHERE cycle_id = ?").run("0".repeat(64), cycleId);
    const page = await run(results.loader, makeRequest("/results?cycle=2025", { cookie: cookies.leader }));
    expect(page.data.notice.saved.current).toBe(false);
    const res = await run(noticeRoute.loader, makeRequest("/results/2025/notice/docx", { cookie: cookies.leader }), { year: "2025", format: "docx" });
    expect(res.status).toBe(409);
    expect(res.data).toContain("须由政务公开办重新保存");
    await run(results.action, makeRequest("/results?cycle=2025", { cookie: cookies.admin, form: form() }));
    expect(noticeRow()!.results_sha256).toBe(currentResults(getDb(), cycleId)!.resultsSha256);
  });

  it("cannot be written for a cycle that is not finalised", async () => {
    const before = auditCount();
    const res = await run(results.action, makeRequest("/results?cycle=2026", { cookie: cookies.admin, form: form({ year: "2026" }) }));
    expect(res.status).toBe(409);
    expect(res.data.fieldErrors._form).toBe("只有已定稿的考核年度才能编写考核结果通报");
    expect(auditCount()).toBe(before);
    const page = await run(results.loader, makeRequest("/results?cycle=2026", { cookie: cookies.admin }));
    expect(page.data.notice).toBeNull();
  });
});
