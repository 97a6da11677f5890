import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBatch } from "../../app/services/spot-checks.server";
import { beijingDateTimeLocal } from "../../app/utils/beijing-time";
import { closeDb, getDb } from "../../db/client";
import { spotCheckUnits, units, users } from "../../db/schema";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { createCycle } from "../helpers/evaluation-fixtures";
import { gotoHydrated, loginAs, useBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { daysAgo, startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// Issue 17 in a real browser over the built app: the office registers a unit's website and two
// columns of the loopback fixture site, sets a monitoring window (the allowance for private
// addresses on), the server's own job visits and crawls it; the office reads the progress and the
// unit's report; after the window is closed the proposals appear, and the unit's drawn inspector
// confirms one and dismisses the other with a reason.

const YEAR = 2042;
let server: TestServer;
let site: SiteFixture;
const browser = useBrowser();
let unit: { id: number; code: string; name: string };
let inspector = "";
let batchId = 0;
// The window began ten minutes ago (Beijing minute precision, as the form takes it).
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;

beforeAll(async () => {
  site = await startSiteFixture();
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  const db = getDb();
  const { cycleId } = createCycle(YEAR, "evaluating", { submittedUnitCodes: DEMO_UNITS.map((u) => u.code) });
  const admin = db.select().from(users).where(eq(users.username, "admin")).get()!;
  batchId = createBatch(db, { id: admin.id, name: admin.username }, cycleId, { seed: `${YEAR}-网站检查`, size: "1", categoryId: null, nodeCodes: [] }).batchId;
  const drawn = db.select().from(spotCheckUnits).where(eq(spotCheckUnits.batchId, batchId)).all();
  const row = drawn.map((d) => ({ d, u: db.select().from(units).where(eq(units.id, d.unitId)).get()! })).find((r) => r.u.code.startsWith("JD"))!;
  unit = { id: row.u.id, code: row.u.code, name: row.u.name };
  inspector = db.select().from(users).where(eq(users.id, row.d.inspectorId)).get()!.username;
  closeDb();
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await site?.close();
});

/** Reload the page until `text` is on it (the server's job runs every minute). */
async function reloadUntil(page: Page, text: RegExp): Promise<void> {
  await expect
    .poll(
      async () => {
        await gotoHydrated(page, page.url());
        return page.locator("main").textContent();
      },
      { timeout: 200_000, interval: 5_000 },
    )
    .toMatch(text);
}

async function saveWindow(page: Page, endsAt: string): Promise<void> {
  const form = page.locator("section", { has: page.getByRole("heading", { name: "监测设置" }) });
  await form.getByLabel("监测开始时间（北京时间）").fill(beijingDateTimeLocal(T0));
  await form.getByLabel("监测结束时间（北京时间）").fill(endsAt);
  await form.getByLabel("每日访问首页次数（均匀分布在一天中）").fill("288");
  await form.getByLabel("超时时间（秒，超过即记为无法访问）").fill("5");
  await form.getByLabel("对同一网站每秒最多请求数").fill("20");
  await form.getByLabel("确认检查发现所用的抽查批次（由该批次抽中的检查人员确认）").selectOption(String(batchId));
  await form.getByLabel("栏目不更新：指标编号").fill("1.2");
  await form.locator('input[name="fault_column-stale"]').fill("late");
  await form.getByLabel("允许访问内网地址（仅用于内网网站）").check();
  await form.getByRole("button", { name: "保存监测设置" }).click();
  await page.getByText("监测设置已保存。").waitFor();
}

describe("网站检查 in the browser", () => {
  it("the office registers a website and its columns, sets a window; the job's progress and the unit's report show", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/site-checks?cycle=${YEAR}`);
    await page.getByRole("heading", { level: 1, name: `网站检查 · ${YEAR}年度` }).waitFor();

    await page.getByLabel("单位", { exact: true }).selectOption(String(unit.id));
    await page.getByLabel("网站名称").fill("街道门户网站");
    await page.getByLabel("网站首页地址").fill(site.home);
    await page.getByRole("button", { name: "登记网站" }).click();
    await page.getByText("网站已登记。").waitFor();
    for (const [kind, path] of [
      ["通知公告", "/notices/"],
      ["政策文件", "/policies/"],
    ]) {
      await page.getByLabel("栏目类型").selectOption(kind);
      await page.getByLabel("栏目名称").fill(kind);
      await page.getByLabel("栏目地址").fill(`${site.base}${path}`);
      await page.getByRole("button", { name: "登记栏目" }).click();
      await page.getByText("栏目已登记。").waitFor();
      await expect.poll(() => page.getByText(`${site.base}${path}`).count()).toBe(1);
    }

    await saveWindow(page, beijingDateTimeLocal(Date.now() + 3_600_000));
    await expect.poll(() => page.getByRole("region", { name: "监测进度" }).textContent()).toContain("状态：监测中；网站 1 个");
    await reloadUntil(page, /已完成栏目与链接检查 1 个网站/);
    const progress = (await page.getByRole("region", { name: "监测进度" }).textContent()) ?? "";
    expect(progress).toMatch(/访问 1\/\d+ 次/);
    expect(progress).toContain("检查发现 0 条");
    expect(site.homeRequests()).toBeGreaterThanOrEqual(2);

    await page.getByRole("link", { name: `${unit.code} ${unit.name}` }).click();
    await page.getByRole("heading", { level: 1, name: `网站检查报告 · ${unit.code} ${unit.name} · ${YEAR}年度` }).waitFor();
    const main = page.locator("main");
    await expect.poll(() => main.textContent()).toContain(`${beijingDateTimeLocal(T0).replace("T", " ")} 至`);
    expect(await main.textContent()).toContain("（北京时间）；每日访问 288 次；超时 5 秒");
    expect(await main.textContent()).toContain("访问 1 次，失败 0 次（0.00%）");
    const notices = page.getByRole("row", { name: /通知公告/ });
    expect(await notices.locator("td").allTextContents()).toEqual(["通知公告", `${site.base}/notices/`, daysAgo(200).iso, "200", "183"]);
    expect(await page.getByRole("row", { name: /政策文件/ }).locator("td").nth(2).textContent()).toBe("空白栏目");
    expect(await main.textContent()).toMatch(/栏目更新（检查时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}）/);
    expect(await main.textContent()).toContain(`${site.base}/missing.html（HTTP 404），所在页面 ${site.home}`);
    expect(await main.textContent()).toContain("暂无检查发现。");
  }, 300_000);

  it("when the window is over the proposals appear; the drawn inspector confirms one and dismisses the other with a reason", async () => {
    const office = await browser.newPage();
    await loginAs(office, server.url, "admin");
    await gotoHydrated(office, `${server.url}/site-checks?cycle=${YEAR}`);
    // Close the window now (this minute): the job's next run proposes the conditions.
    await saveWindow(office, beijingDateTimeLocal(Math.floor(Date.now() / 60_000) * 60_000));
    await reloadUntil(office, /状态：已结束；.*检查发现 [1-9]\d* 条/);

    const page = await browser.newPage();
    await loginAs(page, server.url, inspector);
    await gotoHydrated(page, `${server.url}/site-checks?cycle=${YEAR}`);
    const proposals = page.getByRole("region", { name: "检查发现（待确认）" });
    const stale = proposals.getByRole("row", { name: /栏目不更新/ });
    expect(await stale.textContent()).toContain(`${site.base}/notices/`);
    expect(await stale.textContent()).toContain("1.2 / late");
    expect(await stale.textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}（北京时间），HTTP 200，HTML快照 SHA-256 [0-9a-f]{64}/);
    await stale.getByRole("button", { name: "确认" }).click();
    await page.getByText("已确认，检查发现已转为抽查发现。").waitFor();

    const empty = proposals.getByRole("row", { name: /空白栏目或未标注时间/ });
    await empty.getByLabel("不予采纳的理由").fill("该栏目已于检查后补充内容");
    await empty.getByRole("button", { name: "不予采纳" }).click();
    await page.getByText("已记录不予采纳的理由。").waitFor();

    await gotoHydrated(page, `${server.url}/site-checks/units/${unit.id}?cycle=${YEAR}`);
    const decisions = page.getByRole("region", { name: "检查发现及处理" });
    const text = (await decisions.textContent()) ?? "";
    expect(text).toMatch(/栏目不更新：[^—]+——已确认（\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}），抽查发现#\d+/);
    expect(text).toMatch(/空白栏目或未标注时间：[^—]+——不予采纳（\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}），理由：该栏目已于检查后补充内容/);

    // Chromium is installed: the window's end left a screenshot of the home page and of each column.
    const main = (await page.locator("main").textContent()) ?? "";
    for (const url of [site.home, `${site.base}/notices/`, `${site.base}/policies/`]) {
      expect(main).toMatch(new RegExp(`\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} ${url.replace(/[.?]/g, "\\$&")}：HTTP 200，PNG SHA-256 [0-9a-f]{64}`));
    }
    expect(await page.getByRole("link", { name: "下载截图" }).count()).toBe(3);

    // The office's home: the window's visits and no proposal left to decide.
    await gotoHydrated(office, `${server.url}/`);
    expect(await office.getByRole("link", { name: /^网站检查：已结束 \d+\/\d+ 次访问$/ }).getAttribute("href")).toBe(`/site-checks?cycle=${YEAR}`);
    expect(await office.locator('[data-todo="siteCheckProposals"] .todo-count').textContent()).toBe(String((text.match(/——待确认/g) ?? []).length));
  }, 300_000);
});
