import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../db/client";
import { evidenceFiles, submissionAnswers, submissions, units } from "../../db/schema";
import { demoPdf } from "../../seeds/demo/self-inspection-2026";
import { gotoHydrated, loginAs, useBrowser, waitForIdle } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

// A department fills in leaves of its 2026 self-inspection and uploads a PDF in the real browser
// against the built server: live engine preview, per-row on-time/late, validation keeping typed
// text, and the upload progress bar. JD005 (dept-005) has not started in the demo seed.

let server: TestServer;
const browser = useBrowser();

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
}, 120_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

/** Page errors and console errors; `expected` matches ones the test provokes on purpose. */
function collectErrors(page: Page, expected?: RegExp): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error" || m.location().url.endsWith("/favicon.ico") || expected?.test(m.text())) return;
    errors.push(`${page.url()}: ${m.text()}`);
  });
  return errors;
}

async function openLeaf(page: Page, code: string, name: string): Promise<void> {
  await gotoHydrated(page, `${server.url}/self`);
  await Promise.all([page.waitForURL((u) => /^\/self\/\d+$/.test(u.pathname)), page.getByRole("link", { name: `填报 ${code} ${name}` }).click()]);
  await page.getByRole("heading", { level: 1, name: `${code} ${name}` }).waitFor();
}

/** A PDF of about `size` bytes (a real one-page PDF padded with a trailing comment). */
function bigPdf(size: number): Buffer {
  const head = Buffer.from(demoPdf(["Upload progress test"]));
  return Buffer.concat([head, Buffer.from("%"), Buffer.alloc(Math.max(0, size - head.length - 2), 0x41), Buffer.from("\n")]);
}

/** JD005's saved input of the leaf shown at /self/<nodeId>. */
function savedInputOf(page: Page): Record<string, unknown> | null | undefined {
  const nodeId = Number(new URL(page.url()).pathname.split("/").pop());
  return getDb()
    .select({ input: submissionAnswers.input })
    .from(submissionAnswers)
    .innerJoin(submissions, eq(submissions.id, submissionAnswers.submissionId))
    .innerJoin(units, eq(units.id, submissions.unitId))
    .where(and(eq(submissionAnswers.nodeId, nodeId), eq(units.code, "JD005")))
    .get()?.input;
}

describe("department self-inspection in the browser", () => {
  it("home shows the cycle, deadline, progress and the not-started status", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "dept-005");
    await page.goto(`${server.url}/self`);
    await page.getByRole("heading", { level: 1, name: "2026年度政务公开自查" }).waitFor();
    await expect(page.locator("main").textContent()).resolves.toContain("2026-11-30 24:00（北京时间）");
    await expect(page.locator(".badge").first().textContent()).resolves.toBe("未开始");
    // Found by its accessible name: Chinese text must reach the browser intact (no NUL padding from the HTML stream).
    expect(await page.getByRole("progressbar", { name: "已填报指标（含不适用）" }).getAttribute("aria-valuetext")).toMatch(/^0 \/ \d+（0%）$/);
    expect(errors).toEqual([]);
  });

  it("a score leaf: the engine's preview follows the typing; a bad score keeps the typed narrative; saving works", async () => {
    const page = await browser.newPage();
    // The refused save answers 400, which the browser logs.
    const errors = collectErrors(page, /status of 400 \(Bad Request\)/);
    await loginAs(page, server.url, "dept-005");
    await openLeaf(page, "1.6", "基层政务公开标准化规范化");
    // Guidance sits beside the form.
    await page.getByRole("heading", { name: "考核要点" }).waitFor();

    const score = page.getByLabel("自评分（0–4分）");
    await score.fill("3.5");
    await page.getByText("本项：3.50 / 4 分").waitFor();

    await score.fill("9");
    await page.getByLabel("说明").fill("已建成标准化专区，保留这段文字");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("自评分须在0到4分之间").waitFor();
    expect(await page.getByLabel("说明").inputValue()).toBe("已建成标准化专区，保留这段文字");
    expect(await page.getByLabel("自评分（0–4分）").inputValue()).toBe("9");

    await page.getByLabel("自评分（0–4分）").fill("3.5");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("已保存草稿。").waitFor();
    expect(savedInputOf(page)).toEqual({ scores: [3.5] });
    expect(await page.getByLabel("自评分（0–4分）").inputValue()).toBe("3.5");
    expect(await page.getByLabel("说明").inputValue()).toBe("已建成标准化专区，保留这段文字");
    expect(errors).toEqual([]);
  });

  it("a timeliness leaf shows on time / late per row with the working-day calendar", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "dept-005");
    await openLeaf(page, "2.2", "文件印发后3个工作日内发布解读");
    await page.getByLabel("第1行政策文件名称").fill("关于促进就业的若干措施");
    await page.getByLabel("第1行印发时间").fill("2026-09-30T10:00");
    await page.getByLabel("第1行解读发布时间").fill("2026-10-10T18:00");
    const row1 = page.locator("tbody tr").filter({ has: page.getByLabel("第1行政策文件名称") });
    await row1.getByText("按时", { exact: true }).waitFor();
    await row1.getByText("时限3个工作日，应于2026-10-10（含）前完成").waitFor();

    await page.getByRole("button", { name: "添加一行" }).click();
    await page.getByLabel("第2行政策文件名称").fill("关于优化营商环境的通知");
    await page.getByLabel("第2行印发时间").fill("2026-09-30T10:00");
    await page.getByLabel("第2行解读发布时间").fill("2026-10-11T09:00");
    const row2 = page.locator("tbody tr").filter({ has: page.getByLabel("第2行政策文件名称") });
    await row2.getByText("超时", { exact: true }).waitFor();
    // 3 points × 1 on time / 2 = 1.50
    await page.getByText("本项：1.50 / 3 分").waitFor();
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("已保存草稿。").waitFor();
    expect(savedInputOf(page)).toEqual({
      events: [
        { start: "2026-09-30T10:00:00+08:00", end: "2026-10-10T18:00:00+08:00", label: "关于促进就业的若干措施" },
        { start: "2026-09-30T10:00:00+08:00", end: "2026-10-11T09:00:00+08:00", label: "关于优化营商环境的通知" },
      ],
    });
    expect(errors).toEqual([]);
  });

  it("uploads a PDF with the progress bar shown, then lists it with its SHA-256 and an inline preview", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "dept-005");
    await openLeaf(page, "1.6", "基层政务公开标准化规范化");

    // Slow the upload down so the progress bar is on screen for a while, and record what it shows.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        const p = document.querySelector(".evidence-uploader progress");
        if (p) seen.push(p.getAttribute("aria-valuetext") ?? "");
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });

    const bytes = bigPdf(6 * 1024 * 1024);
    const sha = crypto.createHash("sha256").update(bytes).digest("hex");
    await page.getByLabel("上传佐证材料").setInputFiles({ name: "标准化专区建设报告.pdf", mimeType: "application/pdf", buffer: bytes });
    await page.getByRole("button", { name: "上传", exact: true }).click();
    await page.getByLabel("上传进度").waitFor();
    await page.getByText("已上传 1 个文件").waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((v) => /^\d{1,3}%$/.test(v))).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(1); // it moved while uploading

    const row = page.locator("tr").filter({ hasText: "标准化专区建设报告.pdf" });
    await row.waitFor();
    await expect(row.locator("code").textContent()).resolves.toBe(sha);
    const href = await row.getByRole("link", { name: "预览 标准化专区建设报告.pdf（在新窗口打开）" }).getAttribute("href");
    const res = await page.request.get(`${server.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("application/pdf");
    expect(res.headers()["content-disposition"]).toContain("inline;");
    expect(decodeURIComponent(res.headers()["content-disposition"].split("UTF-8''")[1])).toBe("标准化专区建设报告.pdf");

    // Inline preview in the page: the PDF opens in a same-origin frame.
    await row.getByRole("button", { name: "在页面中预览 标准化专区建设报告.pdf" }).click();
    const frameEl = page.locator('iframe[title="标准化专区建设报告.pdf 预览"]');
    await frameEl.waitFor();
    expect(await frameEl.getAttribute("src")).toBe(href);
    await expect.poll(() => page.frames().some((f) => f.url() === `${server.url}${href}`), { timeout: 15_000 }).toBe(true);

    const stored = getDb().select().from(evidenceFiles).where(eq(evidenceFiles.sha256, sha)).all();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ originalName: "标准化专区建设报告.pdf", size: bytes.length, kind: "pdf", lockedAt: null });
    expect(errors).toEqual([]);
  });

  it("the office filters the overview, returns an indicator with a comment, and the department sees it highlighted", async () => {
    const office = await browser.newPage();
    const errors = collectErrors(office);
    await loginAs(office, server.url, "admin");
    await gotoHydrated(office, `${server.url}/submissions`);
    await office.getByRole("heading", { level: 1, name: "自查审核 · 2026年度" }).waitFor();
    await Promise.all([office.waitForURL((u) => u.searchParams.get("filter") === "returned"), office.getByRole("link", { name: "退回修改（2）" }).click()]);
    await waitForIdle(office);
    const rows = office.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([expect.stringContaining("东湖街道办事处"), expect.stringContaining("区交通运输局")]);

    await office.getByRole("link", { name: "已提交（4）" }).click();
    await office.waitForURL((u) => u.searchParams.get("filter") === "submitted");
    await waitForIdle(office);
    await Promise.all([
      office.waitForURL((u) => /^\/submissions\/\d+$/.test(u.pathname)),
      office.locator("tbody tr").filter({ hasText: "城关街道办事处" }).getByRole("link", { name: "查看" }).click(),
    ]);
    await office.getByRole("heading", { level: 1, name: "城关街道办事处 · 2026年度自查" }).waitFor();
    await office.getByLabel("退回意见（需要该单位修改时填写）").first().fill("标注率统计口径有误，请按发文台账重新统计");
    await office.getByRole("button", { name: "退回修改" }).click();
    await office.getByText("已退回修改，单位将收到各项退回意见。").waitFor();
    await office.locator("ol, ul").getByText("标注率统计口径有误，请按发文台账重新统计").first().waitFor();
    expect(errors).toEqual([]);

    const dept = await browser.newPage();
    await loginAs(dept, server.url, "dept-001");
    await dept.goto(`${server.url}/self`);
    await dept.getByRole("heading", { name: "退回修改的指标（1项）" }).waitFor();
    await dept.getByText("标注率统计口径有误，请按发文台账重新统计").first().waitFor();
    await dept.getByRole("button", { name: "重新提交" }).waitFor();
    // Only the returned indicator can be edited.
    expect(await dept.getByRole("link", { name: /^填报 / }).count()).toBe(1);
  });
});
