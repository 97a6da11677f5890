import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import fs from "node:fs";
import { gotoHydrated as open, loginAs, useBrowser, waitForIdle as idle } from "../helpers/browser";
import { pdfText } from "../helpers/pdf-text";
import { startServer, type TestServer } from "../helpers/server";

/**
 * The assessment year end to end, in Chromium against the real server, through the real UI only
 * (no database shortcuts). Steps run in order and share state; a failed step takes a screenshot
 * (test/helpers/browser.ts) and the later steps are not meaningful without it.
 *
 * Covered:
 * the office keeps one unit in this run's assessment (the demo's other units 停用: evaluating them all
 * through the UI would take most of an hour) → creates next year's cycle from the template and
 * publishes it → a 街道 fills in every
 * leaf (every rule type), uploads a PDF with progress shown, and submits → the office returns one
 * item → the department revises it and resubmits → the office starts the evaluation and assigns
 * evaluators at random (seeded, re-derivable) → both evaluators score every leaf (one of them
 * diverging on one item, with a reason) and sign off → the office arbitrates the divergence → a
 * seeded spot check, a finding needing rectification → the department rectifies, the office
 * verifies → preliminary results computed and published → an appeal filed and decided → 结果定稿
 * is refused while the appeal window runs; the office closes it early (提前结束复核期), after which
 * the department cannot appeal → 结果定稿 takes the final snapshot, shown on the results page → a
 * leader sees the dashboard (chart marks) and downloads the Excel (ranking rows) and PDF (Chinese
 * text) of the final results.
 */

let server: TestServer;
const browser = useBrowser();
/** Next year (after the demo's 2025 and 2026), so the default deadline of 30 November is ahead. */
const YEAR = Math.max(2027, new Date().getFullYear() + 1);
/** "YYYY-MM-DD" in Beijing time, `days` from today. */
const beijingDate = (days = 0) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
const UNIT = { username: "dept-003", name: "西山街道办事处" };
/** A stored-XSS probe in a free-text field; it must render as text wherever it is shown. */
const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=1">西山说明`;

const state: { cycleId?: number; returnedLeaf?: string; evaluators?: string[]; divergentLeaf?: string; packageSha256?: string } = {};

beforeAll(async () => {
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

afterEach((ctx) => {
  // What the server said around a failed step.
  if (ctx.task.result?.state === "fail") console.error(`server output (tail):\n${server.output().slice(-4000)}`);
});

/** A PDF of about `bytes` bytes (magic bytes, body padded with a comment, trailer). */
function bigPdf(bytes: number): Buffer {
  const head = "%PDF-1.4\n";
  const tail = "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  return Buffer.concat([Buffer.from(head), Buffer.from("%" + "x".repeat(Math.max(0, bytes - head.length - tail.length - 1))), Buffer.from(tail)]);
}

/** Uncaught errors and script execution from stored payloads. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror ${page.url()}: ${e.message}`));
  page.on("dialog", (d) => {
    // Confirmation dialogs of the app (e.g. 发布考核) are accepted; anything else is a finding.
    if (d.type() !== "confirm") problems.push(`unexpected ${d.type()} dialog: ${d.message()}`);
    void d.accept();
  });
  return problems;
}

async function assertNoXss(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

// Each step drives dozens of pages on a shared machine: generous per-step time.
describe(`the next assessment year (${YEAR}) in a real browser`, { timeout: 300_000 }, () => {
  /** A fresh signed-in page for one step (closed, and screenshotted on failure, by useBrowser). */
  async function signedIn(username: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const problems = watch(page);
    await loginAs(page, server.url, username);
    return { page, problems };
  }

  it("0. the office takes every unit but one out of this run's assessment (停用)", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/admin/units?status=active`);
    const others = await page
      .locator('a[aria-label^="编辑 "]')
      .evaluateAll((links, keep) => links.filter((a) => a.getAttribute("aria-label") !== `编辑 ${keep}`).map((a) => a.getAttribute("href")!), UNIT.name);
    expect(others.length).toBeGreaterThan(5);
    for (const href of others) {
      await open(page, server.url + href);
      await page.locator('input[type="checkbox"][name="active"]').uncheck();
      await page.getByRole("button", { name: "保存", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "已保存。" }).waitFor();
    }
    await open(page, `${server.url}/admin/units?status=active`);
    expect(await page.locator('a[aria-label^="编辑 "]').evaluateAll((links) => links.map((a) => a.getAttribute("aria-label")))).toEqual([`编辑 ${UNIT.name}`]);
    expect(problems).toEqual([]);
  });

  it("1. the office creates the cycle from the template and publishes it", async () => {
    const { page, problems: officeProblems } = await signedIn("admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "考核年度", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/cycles");
    await page.getByLabel("考核年度", { exact: true }).fill(String(YEAR));
    await page.getByLabel("默认模板（依据政策文件）").check();
    await Promise.all([page.waitForURL(/\/cycles\/\d+$/), page.getByRole("button", { name: "新建考核年度" }).click()]);
    state.cycleId = Number(new URL(page.url()).pathname.split("/").pop());
    await page.getByRole("heading", { level: 1 }).filter({ hasText: String(YEAR) }).waitFor();
    // The template gives every category an indicator set.
    for (const category of ["街道办事处", "区级部门"]) expect(await page.locator("body").textContent()).toContain(category);

    // The working-day calendar must hold the year's holidays before publishing: the office enters
    // the National Day holidays (already there when the platform knows the year's arrangement).
    const holidays = page.getByLabel("节假日（每行一个日期，YYYY-MM-DD）");
    const typed = await holidays.inputValue();
    const national = Array.from({ length: 7 }, (_, i) => `${YEAR}-10-0${i + 1}`);
    await holidays.fill([typed, ...national].filter((l) => l !== "").join("\n"));
    await page.getByRole("button", { name: "保存工作日历" }).click();
    await page.getByRole("status").filter({ hasText: "工作日历已保存。" }).waitFor();
    // The page revalidates after the save: the missing-arrangement notice goes away.
    await page.getByText(`工作日历中没有${YEAR}年的节假日安排`).first().waitFor({ state: "detached" });

    await page.getByRole("button", { name: "发布考核" }).click();
    await page.getByText("已发布", { exact: true }).first().waitFor();
    expect(await page.locator("body").textContent()).not.toContain("尚有前提条件未满足");
    expect(officeProblems).toEqual([]);
  });

  it("2. a department fills in every leaf (every rule type), uploads a PDF with progress, and submits", async () => {
    const { page, problems: deptProblems } = await signedIn(UNIT.username);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "年度自查", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/self");
    // The current cycle is the one just published.
    await page.getByRole("heading", { level: 1 }).filter({ hasText: String(YEAR) }).waitFor();
    const leaves = await page
      .locator('a[aria-label^="填报 "]')
      .evaluateAll((links) => links.map((a) => ({ href: a.getAttribute("href")!, label: a.getAttribute("aria-label")! })));
    const unique = [...new Map(leaves.map((l) => [l.href, l])).values()];
    expect(unique.length).toBeGreaterThan(10);

    const ruleTypes = new Set<string>();
    let uploadedWithProgress = false;
    let first = true;
    for (const leaf of unique) {
      await open(page, server.url + leaf.href);
      await page.getByRole("button", { name: "保存草稿" }).waitFor();
      if (await page.locator('input[name="selfScore"]').count()) {
        ruleTypes.add("score");
        await page.locator('input[name="selfScore"]').fill("1");
      }
      const faults = page.locator('input[name^="fault."]');
      if (await faults.count()) {
        ruleTypes.add("deduction");
        for (let i = 0; i < (await faults.count()); i++) await faults.nth(i).fill(i === 0 ? "1" : "0");
      }
      if (await page.locator('input[name="ratioMode"]').count()) {
        ruleTypes.add("ratio");
        await page.getByLabel("填写分子和分母").check();
        await page.getByLabel("分子", { exact: true }).fill("45");
        await page.getByLabel("分母", { exact: true }).fill("50");
      }
      if (await page.locator('input[name="count"]').count()) {
        ruleTypes.add("tiers");
        await page.locator('input[name="count"]').fill("2");
      }
      if (await page.locator('input[name="eventTitle"]').count()) {
        if (!ruleTypes.has("timeliness")) {
          // One event, done within an hour: on time under any limit.
          await page.locator('input[name="eventTitle"]').first().fill("关于做好防汛工作的通知");
          await page.locator('input[name="eventStart"]').first().fill(`${YEAR}-03-02T09:00`);
          await page.locator('input[name="eventEnd"]').first().fill(`${YEAR}-03-02T10:00`);
          await page.getByText("按时", { exact: true }).first().waitFor();
        }
        ruleTypes.add("timeliness");
      }
      if (await page.locator('input[name="vetoTriggered"]').count()) {
        ruleTypes.add("veto");
        await page.getByLabel("不存在", { exact: true }).check();
      }
      await page.getByLabel("说明", { exact: true }).fill(first ? XSS : `${leaf.label} 自查说明`);
      first = false;
      await page.getByRole("button", { name: "保存草稿" }).click();
      await page.getByText("已保存草稿。").waitFor();

      if ((await page.getByRole("heading", { name: "佐证材料（必需）" }).count()) > 0) {
        const name = `${leaf.label.replace(/^填报 /, "").split(" ")[0]}佐证.pdf`;
        const throttle = !uploadedWithProgress;
        const cdp = throttle ? await page.context().newCDPSession(page) : null;
        // Slow the upload down so the progress bar is visible (about 2 s for 1.5 MB).
        await cdp?.send("Network.enable");
        await cdp?.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 768 * 1024 });
        await page.getByLabel("上传佐证材料").setInputFiles({ name, mimeType: "application/pdf", buffer: throttle ? bigPdf(1_500_000) : bigPdf(2_000) });
        await page.getByRole("button", { name: "上传", exact: true }).click();
        if (throttle) {
          const bar = page.getByLabel("上传进度");
          await bar.waitFor();
          await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 20_000 }).toBeGreaterThan(0);
          uploadedWithProgress = true;
        }
        await page.getByRole("status").filter({ hasText: "已上传 1 个文件" }).waitFor({ timeout: 30_000 });
        await cdp?.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
        await cdp?.detach();
        await page.getByText(name).first().waitFor();
      }
    }
    expect([...ruleTypes].sort()).toEqual(["deduction", "ratio", "score", "tiers", "timeliness", "veto"]);
    expect(uploadedWithProgress).toBe(true);

    await open(page, `${server.url}/self`);
    await page.getByRole("button", { name: "提交自查" }).click();
    await page.getByText("自查已提交，填报内容和佐证材料已锁定。").waitFor();
    expect(await page.locator("body").textContent()).toContain("已提交");
    await assertNoXss(page);
    expect(deptProblems).toEqual([]);
  });

  it("3. the office sees the submission (the stored payload renders as text) and returns one item", async () => {
    const { page, problems: officeProblems } = await signedIn("admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "自查审核", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/submissions");
    await open(page, `${server.url}/submissions?cycle=${state.cycleId}`);
    const row = page.getByRole("row").filter({ hasText: UNIT.name });
    await row.getByRole("link", { name: "查看" }).click();
    await page.waitForURL(/\/submissions\/\d+$/);
    await page.getByRole("heading", { level: 1, name: `${UNIT.name} · ${YEAR}年度自查` }).waitFor();
    // The payload is shown literally, and never ran.
    expect(await page.getByText(`说明：${XSS}`).count()).toBe(1);
    await assertNoXss(page);
    expect(await page.locator("img[src=x]").count()).toBe(0);

    const firstLeaf = page.locator("article").first();
    state.returnedLeaf = (await firstLeaf.locator("h3").textContent())!.split(" ")[0];
    await firstLeaf.getByLabel("退回意见（需要该单位修改时填写）").fill("说明中请补充专栏网址<b>加粗</b>");
    await page.getByRole("button", { name: "退回修改" }).click();
    await page.getByRole("status").filter({ hasText: "退回" }).waitFor();
    expect(await page.locator("body").textContent()).toContain("退回修改");
    expect(officeProblems).toEqual([]);
  });

  it("4. the department revises only the returned item and resubmits", async () => {
    const { page, problems: deptProblems } = await signedIn(UNIT.username);
    await open(page, `${server.url}/self`);
    expect(await page.locator("body").textContent()).toContain("退回修改");
    // The office's comment is shown as text.
    await page.getByText("说明中请补充专栏网址<b>加粗</b>").first().waitFor();
    const returned = page.locator(`a[aria-label^="填报 ${state.returnedLeaf} "]`).first();
    const href = (await returned.getAttribute("href"))!;
    expect(href).toMatch(/^\/self\/\d+$/);
    await open(page, server.url + href);
    expect(new URL(page.url()).pathname).toBe(href);
    await page.getByLabel("说明", { exact: true }).fill("已补充专栏网址：https://www.example.gov.cn/zfxxgk/");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("已保存草稿。").waitFor();

    // Items that were not returned stay locked.
    await open(page, `${server.url}/self`);
    const lockedLinks = await page.locator('a[aria-label^="查看 "]').count();
    expect(lockedLinks).toBeGreaterThan(5);

    await page.getByRole("button", { name: "重新提交" }).click();
    await page.getByText("自查已提交，填报内容和佐证材料已锁定。").waitFor();
    expect(await page.locator("body").textContent()).toContain("已提交");
    expect(deptProblems).toEqual([]);
  });

  it("5. the office starts the evaluation and assigns two evaluators at random with a recorded seed", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/cycles/${state.cycleId}`);
    await page.getByRole("button", { name: "进入评审" }).click();
    await page.getByText("评审中", { exact: true }).first().waitFor();

    await open(page, `${server.url}/evaluation?cycle=${YEAR}`);
    await page.getByRole("heading", { level: 1, name: `评估分配 · ${YEAR}年度` }).waitFor();
    await page.getByLabel("随机种子（留空则自动生成）").fill(`${YEAR}年度评估分配种子`);
    await page.getByRole("button", { name: "随机分配", exact: true }).click();
    await page.getByText(`随机种子：${YEAR}年度评估分配种子`).waitFor();
    await idle(page);
    const row = page.getByRole("row").filter({ hasText: UNIT.name });
    const assigned = async () => [...((await row.textContent()) ?? "").matchAll(/[（(](eval-\d+)[）)]/g)].map((m) => m[1]);
    await expect.poll(assigned).toHaveLength(2);
    state.evaluators = await assigned();
    // eval-004 is bound to 区教育局 only, so any two may score 西山; the draw is recorded and re-derivable.
    const draws = page.locator("section", { has: page.getByRole("heading", { name: "随机分配记录" }) });
    expect(await draws.textContent()).toContain(`${YEAR}年度评估分配种子`);
    expect(await draws.getByText("可复现").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  for (const which of [0, 1]) {
    it(`6.${which + 1} evaluator ${which + 1} scores every leaf of the unit and signs off${which === 0 ? " (diverging on one item, with a reason)" : ""}`, async () => {
      const username = state.evaluators![which];
      const { page, problems } = await signedIn(username);
      await open(page, `${server.url}/review`);
      // The queue lists this year's unit (the demo's 2026 assignments are there too).
      const queued = page.locator(`a[href*="cycle=${YEAR}"]`).filter({ hasText: UNIT.name }).first();
      await open(page, server.url + (await queued.getAttribute("href"))!);
      const unitPath = new URL(page.url()).pathname;
      expect(unitPath).toMatch(/^\/review\/\d+$/);
      await page.locator(`a[href^="${unitPath}/"]`).first().waitFor();
      const leafLinks = await page.locator(`a[href^="${unitPath}/"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
      // Each leaf's own page (the one-page view at …/all is another way in, not a leaf).
      const leaves = [...new Set(leafLinks.filter((h) => new RegExp(`^${unitPath}/\\d+`).test(h)))];
      expect(leaves.length).toBeGreaterThan(10);
      let diverged = which !== 0;
      for (const href of leaves) {
        await open(page, server.url + href);
        await page.getByRole("heading", { name: "评估录入" }).waitFor();
        const score = page.locator('input[name="score"]');
        if (!diverged && (await score.count())) {
          // The department claimed 1 point; this evaluator gives full marks and says why.
          const label = (await page.locator(`label[for="${await score.getAttribute("id")}"]`).textContent()) ?? "";
          const max = /0–([\d.]+)分/.exec(label)![1];
          await score.fill(max);
          await page.getByLabel("评估说明（与单位自评不一致时必填）").fill("现场核查专栏内容完整，应得满分");
          state.divergentLeaf = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
          diverged = true;
        }
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST", { timeout: 60_000 }),
          page.getByRole("button", { name: "保存草稿" }).click(),
        ]);
        expect(response.status(), `${href}: ${await response.text().catch(() => "")}`).toBe(200);
        await page.getByText("已保存。").waitFor({ timeout: 30_000 });
      }
      expect(diverged).toBe(true);
      await open(page, server.url + unitPath);
      await page.getByRole("button", { name: "签署本单位评分" }).click();
      await page.getByText(`已签署本单位${YEAR}年度评分，录入转为只读。`).waitFor();
      expect(problems).toEqual([]);
    });
  }

  it("7. the office sees the divergence and arbitrates it with a reason", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/evaluation/divergences?cycle=${YEAR}`);
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "记录仲裁" }) }).first();
    await form.waitFor();
    expect(await page.locator("body").textContent()).toContain(UNIT.name);
    await form.getByLabel(/^仲裁分值/).fill("1.5");
    await form.getByLabel("仲裁理由").fill("两名评估员分歧较大，经复核按部分完成认定");
    await form.getByRole("button", { name: "记录仲裁" }).click();
    await page.getByText("已记录仲裁结果。").waitFor();
    await idle(page);
    await expect.poll(() => page.locator("body").textContent()).toContain("两名评估员分歧较大，经复核按部分完成认定");
    expect(problems).toEqual([]);
  });

  it("8. the office draws a spot check (seeded) and records a finding that needs rectification", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/spotchecks?cycle=${YEAR}`);
    await page.getByLabel("抽查数量（每类单位，如 3）或比例（如 20%）").fill("100%");
    await page.getByLabel("单位类别（不选则全部类别分层抽取）").selectOption({ label: "街道办事处" });
    await page.getByLabel("随机种子（留空则自动生成）").fill(`${YEAR}年度抽查种子`);
    await Promise.all([page.waitForURL(/\/spotchecks\/\d+$/), page.getByRole("button", { name: "抽取" }).click()]);
    await idle(page);
    await page.getByText(`${YEAR}年度抽查种子`).first().waitFor();
    const section = page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: new RegExp(UNIT.name) }) }).first();
    const details = section.locator("details", { has: page.locator("summary", { hasText: "记录抽查发现" }) });
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator("summary", { hasText: "记录抽查发现" }).click();
    const form = section.locator("form").filter({ has: page.getByRole("button", { name: "记录", exact: true }) }).first();
    await form.getByLabel("指标", { exact: true }).selectOption({ index: 1 });
    await form.getByLabel("问题描述").fill("政府信息公开专栏“重点领域”栏目三个月未更新");
    // Found today (Beijing time): a finding cannot be dated in the future.
    await form.getByLabel("发现日期").fill(beijingDate());
    await form.getByLabel(/临时扣分/).check();
    await form.getByLabel("扣分分值").fill("0.5");
    await form.getByLabel("需要整改").check();
    await form.getByLabel("整改期限").fill(beijingDate(30));
    await form.getByRole("button", { name: "记录", exact: true }).click();
    await page.getByText("已记录抽查发现。").waitFor();
    await idle(page);
    await expect.poll(() => section.textContent()).toContain("三个月未更新");
    expect(problems).toEqual([]);
  });

  it("9. the department answers the rectification and the office verifies it", async () => {
    const dept = await signedIn(UNIT.username);
    await open(dept.page, `${server.url}/rectifications`);
    const link = dept.page.locator('a[href^="/rectifications/"]').first();
    const href = (await link.getAttribute("href"))!;
    await open(dept.page, server.url + href);
    expect(await dept.page.locator("body").textContent()).toContain("三个月未更新");
    await dept.page.getByLabel("整改情况").fill("已更新“重点领域”栏目并建立每周巡检制度");
    await dept.page.getByRole("button", { name: "提交整改情况" }).click();
    await dept.page.getByText("已提交整改情况，等待核验。").waitFor();
    expect(dept.problems).toEqual([]);

    const office = await signedIn("admin");
    await open(office.page, server.url + href);
    await office.page.getByLabel("通过", { exact: true }).check();
    await office.page.getByLabel("核验意见").fill("经复查，栏目已按要求更新");
    await office.page.getByRole("button", { name: "提交核验" }).click();
    await office.page.getByText("已核验：整改通过。").waitFor();
    await idle(office.page);
    await expect.poll(() => office.page.locator("body").textContent()).toContain("经复查，栏目已按要求更新");
    expect(office.problems).toEqual([]);
  });

  it("10. the office computes the preliminary results and publishes them", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/results?cycle=${YEAR}`);
    await page.getByRole("button", { name: "计算初步结果" }).click();
    await page.getByText(/已计算 \d+ 个单位/).waitFor();
    await open(page, `${server.url}/cycles/${state.cycleId}`);
    await page.getByRole("button", { name: "公布初步结果" }).click();
    await page.getByText("考核已变更为“初步结果”。").waitFor();
    await idle(page);
    await expect.poll(() => page.locator("body").textContent()).toContain("状态：初步结果");
    expect(problems).toEqual([]);
  });

  it("11. the department appeals one item and the office decides it (adjusted)", async () => {
    const dept = await signedIn(UNIT.username);
    await open(dept.page, `${server.url}/appeals?cycle=${YEAR}`);
    await dept.page.getByLabel("申请复核的指标").selectOption({ index: 1 });
    await dept.page.getByLabel("申请理由").fill("该项已于年中整改到位，请求复核");
    await dept.page.getByRole("button", { name: "提交复核申请" }).click();
    await dept.page.getByText("已提交复核申请。").waitFor();
    expect(dept.problems).toEqual([]);

    const office = await signedIn("admin");
    await open(office.page, `${server.url}/appeals?cycle=${YEAR}`);
    const form = office.page.locator("form").filter({ has: office.page.getByRole("button", { name: "提交处理结果" }) }).first();
    await form.getByLabel("调整", { exact: true }).check();
    await form.getByLabel(/^调整后的分值/).fill("1");
    await form.getByLabel("处理理由").fill("核实整改材料，酌情调整");
    await form.getByRole("button", { name: "提交处理结果" }).click();
    await office.page.getByText("已调整分值，结果将按调整后的分值计算。").waitFor();
    expect(office.problems).toEqual([]);
  });

  it("12. 结果定稿 waits for the appeal window; the office closes it early, and the step takes the final snapshot", async () => {
    const { page, problems } = await signedIn("admin");
    await open(page, `${server.url}/cycles/${state.cycleId}`);
    await page.getByRole("button", { name: "结果定稿" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "不能结果定稿" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("复核申请期限至");
    await expect.poll(() => page.locator("body").textContent()).toContain("状态：初步结果");

    await open(page, `${server.url}/appeals?cycle=${YEAR}`);
    const close = page.locator("form").filter({ has: page.getByRole("button", { name: "提前结束复核期" }) });
    await close.getByLabel("理由", { exact: true }).fill("复核申请已全部处理，经研究提前结束复核期");
    await close.getByRole("button", { name: "提前结束复核期" }).click();
    await page.getByText("复核期已提前结束，各单位不能再申请复核。").waitFor();
    await idle(page);
    await expect.poll(() => page.locator("body").textContent()).toContain("理由：复核申请已全部处理，经研究提前结束复核期");
    expect(await page.locator("body").textContent()).toContain("已提前结束");
    expect(await page.locator("body").textContent()).toContain("可以在考核年度页面定稿");

    // The department can no longer appeal.
    const dept = await signedIn(UNIT.username);
    await open(dept.page, `${server.url}/appeals?cycle=${YEAR}`);
    await dept.page.getByText("当前不在复核申请期限内。").waitFor();
    expect(await dept.page.getByRole("button", { name: "提交复核申请" }).count()).toBe(0);
    expect(dept.problems).toEqual([]);

    await open(page, `${server.url}/cycles/${state.cycleId}`);
    await page.getByRole("button", { name: "结果定稿" }).click();
    const done = page.getByRole("status").filter({ hasText: "考核已变更为“已定稿”。已生成定稿结果（1个单位" });
    await done.waitFor({ timeout: 60_000 });
    state.packageSha256 = /SHA-256：([0-9a-f]{64})/.exec((await done.textContent()) ?? "")![1];
    await idle(page);
    await expect.poll(() => page.locator("body").textContent()).toContain("状态：已定稿");

    // The results page shows the final snapshot with its package hash.
    await open(page, `${server.url}/results?cycle=${YEAR}`);
    const head = page.locator("section.card").first();
    expect(await head.locator(".badge").first().textContent()).toBe("定稿结果");
    expect(await head.locator("code").first().textContent()).toBe(state.packageSha256);
    expect(await page.getByRole("button", { name: /计算初步结果/ }).count()).toBe(0);
    expect(await page.getByRole("row").filter({ hasText: UNIT.name }).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it("13. a leader sees the dashboard's charts and downloads the Excel ranking and the PDF report of the final results", async () => {
    const { page, problems } = await signedIn("leader");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "领导看板" }).click();
    await page.waitForURL((u) => u.pathname === "/dashboard");
    await open(page, `${server.url}/dashboard?cycle=${YEAR}`);
    await page.locator(".recharts-surface").first().waitFor();
    // The ranking chart: one bar per ranked unit, beside its table.
    const ranking = page.locator('[data-testid^="chart-ranking-"]').filter({ hasText: UNIT.name }).first();
    const rows = await ranking.locator("table tbody tr").count();
    expect(rows).toBe(1);
    expect(await ranking.locator("path.recharts-rectangle").count()).toBe(rows);
    expect(await ranking.locator("table").textContent()).toContain(UNIT.name);

    await open(page, `${server.url}/results?cycle=${YEAR}`);
    const total = (await page.getByRole("row").filter({ hasText: UNIT.name }).locator("td").nth(4).textContent())!.trim();
    const [xlsx] = await Promise.all([page.waitForEvent("download"), page.locator(`a[href="/results/${YEAR}/export/xlsx"]`).click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await xlsx.path())!) as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    expect(sheet.name).toBe("排名");
    // Row values are sparse (index 0 unused): make them dense first.
    const cells = (row: ExcelJS.Row) => Array.from(row.values as unknown[], (v) => v ?? "");
    const header = cells(sheet.getRow(1)).map(String);
    expect(header).toEqual(expect.arrayContaining(["排名", "单位名称", "总分"]));
    const rankingRows: Record<string, unknown>[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rankingRows.push(Object.fromEntries(header.map((h, i) => [h, cells(row)[i]])));
    });
    expect(rankingRows).toHaveLength(1);
    expect(rankingRows[0]).toMatchObject({ 排名: 1, 单位名称: UNIT.name });
    expect(Number(rankingRows[0]["总分"])).toBe(Number(total));
    // The workbook's 说明 names the final snapshot's package hash.
    const notes: string[] = [];
    wb.getWorksheet("说明")!.eachRow((row) => notes.push(cells(row).join(" ")));
    expect(notes.join("\n")).toContain(state.packageSha256);

    const [pdf] = await Promise.all([page.waitForEvent("download"), page.locator(`a[href="/results/${YEAR}/export/pdf"]`).click()]);
    const text = await pdfText(new Uint8Array(fs.readFileSync((await pdf.path())!)));
    expect(text).toContain(UNIT.name);
    expect(problems).toEqual([]);
  });
});
