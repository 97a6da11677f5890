import path from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { gotoHydrated, loginAs, useBrowser, waitForIdle } from "../helpers/browser";
import { runSeedCli, useSeededServer } from "../helpers/seeded-server";
import { loginViaHttp, postForm } from "../helpers/server";
import { DEMO_PASSWORD } from "../../seeds/demo/district";

// The leadership dashboard on the real server: the demo district plus two synthetic years
// (npm run seed:synthetic) so every chart has data and the trend has two points per series.

let cycle2021 = 0;
const server = useSeededServer("zwgk-e2e-dash-", (dataDir) => {
  runSeedCli(dataDir, "seeds/cli/seed-synthetic.ts", ["--units", "24", "--leaves", "20", "--year", "2023", "--seed", "e2e"]);
  runSeedCli(dataDir, "seeds/cli/seed-synthetic.ts", ["--units", "24", "--leaves", "20", "--year", "2024", "--seed", "e2e"]);
  // A third year whose results the office computes through the UI (the server's worker thread).
  runSeedCli(dataDir, "seeds/cli/seed-synthetic.ts", ["--units", "24", "--leaves", "20", "--year", "2022", "--seed", "e2e"]);
  // And a year in 初步结果 (appeal window long over) that the office finalises — the step takes the
  // final snapshot in the server's worker thread — then publishes.
  runSeedCli(dataDir, "seeds/cli/seed-synthetic.ts", ["--units", "24", "--leaves", "20", "--year", "2021", "--seed", "e2e"]);
  const db = new Database(path.join(dataDir, "app.db"));
  db.prepare("DELETE FROM cycle_results WHERE cycle_id IN (SELECT id FROM cycles WHERE year IN (2021, 2022))").run();
  db.prepare("UPDATE cycles SET status = 'preliminary', updated_at = '2021-12-20T02:00:00.000Z' WHERE year = 2021").run();
  cycle2021 = (db.prepare("SELECT id FROM cycles WHERE year = 2021").pluck().get() as number) ?? 0;
  db.close();
});
const browser = useBrowser();
const CATEGORY = "街道（合成）";

/** Numbers in a column of the figure's accessible table. */
async function tableColumn(page: Page, testId: string, column: number): Promise<number[]> {
  const cells = await page.locator(`[data-testid="${testId}"] table tbody tr td:nth-child(${column})`).allTextContents();
  return cells.map(Number);
}

const figure = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

describe("the leadership dashboard", () => {
  it("draws every chart with one mark per datum, beside its table, filtered by category", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await loginAs(page, server.url, "leader");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "领导看板" }).click();
    await page.waitForURL((u) => u.pathname === "/dashboard");
    await waitForIdle(page);
    await page.getByLabel("考核年度").selectOption("2024");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("cycle") === "2024"), page.getByRole("button", { name: "筛选" }).click()]);
    await waitForIdle(page);
    // The category filter lists the chosen year's categories.
    await page.getByLabel("单位类别").selectOption(CATEGORY);
    await Promise.all([page.waitForURL((u) => u.searchParams.get("category") === CATEGORY), page.getByRole("button", { name: "筛选" }).click()]);
    // The filtered view has rendered (client-side navigation updates the URL before the DOM).
    await waitForIdle(page);
    await page.getByText(`${CATEGORY} · 8 个单位`).waitFor();
    await page.locator(".recharts-surface").first().waitFor();

    // Ranking: one bar per unit of the category (8 of the 24 units), coloured by grade.
    const ranking = figure(page, `chart-ranking-${CATEGORY}`);
    expect(await ranking.locator("table tbody tr").count()).toBe(8);
    expect(await ranking.locator("path.recharts-rectangle").count()).toBe(8);
    expect(await page.locator('[data-testid^="chart-ranking-"]').count()).toBe(1);

    // Radar: the unit and its category average.
    expect(await figure(page, "chart-radar").locator(".recharts-radar-polygon").count()).toBe(2);

    // Histogram and grade counts: one bar per non-empty bin / grade.
    const bins = await tableColumn(page, "chart-histogram", 2);
    expect(bins.reduce((s, n) => s + n, 0)).toBe(8);
    expect(await figure(page, "chart-histogram").locator("path.recharts-rectangle").count()).toBe(bins.filter((n) => n > 0).length);
    const grades = await tableColumn(page, "chart-grades", 2);
    expect(grades.reduce((s, n) => s + n, 0)).toBe(8);
    expect(await figure(page, "chart-grades").locator("path.recharts-rectangle").count()).toBe(grades.filter((n) => n > 0).length);

    // Self vs evaluated: one point per unit that submitted; the biggest over-claimers are named.
    const scatter = figure(page, "chart-self");
    const points = await scatter.locator("table tbody tr").count();
    expect(points).toBe(8);
    expect(await scatter.locator(".recharts-scatter-symbol").count()).toBe(points);
    const gaps = await tableColumn(page, "chart-self", 4);
    if (gaps.some((g) => g > 0)) await expect(scatter.locator(".warning-text").textContent()).resolves.toContain("高出");

    // Trend: the category's two synthetic years have preliminary results only — listed and marked,
    // with the category's own population, and not drawn on the line.
    const trend = figure(page, "chart-trend");
    expect(await trend.locator("table tbody tr td:first-child").allTextContents()).toEqual([
      "2023（初步结果，8个单位已评估，不计入趋势）",
      "2024（初步结果，8个单位已评估，不计入趋势）",
    ]);
    await expect(trend.locator("figcaption").textContent()).resolves.toContain("2023年度（8/8个单位已评估）、2024年度（8/8个单位已评估）仅有初步结果，不计入趋势");
    expect(await trend.locator(".recharts-line-dot").count()).toBe(0);

    // The 4% view: one bar per unit.
    const contribution = figure(page, "chart-contribution");
    expect(await contribution.locator("table tbody tr").count()).toBe(8);
    expect(await contribution.locator("path.recharts-rectangle").count()).toBe(8);

    expect(errors).toEqual([]);
  });

  it("shows every category's ranking chart without a filter", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    await page.goto(`${server.url}/dashboard?cycle=2024`);
    await page.locator(".recharts-surface").first().waitFor();
    expect(await page.locator('[data-testid^="chart-ranking-"]').count()).toBe(3);
    expect(await page.locator('[data-testid^="chart-ranking-"] path.recharts-rectangle').count()).toBe(24);
  });
});

describe("computing results from the results page", () => {
  it("runs the recompute in the server's worker thread and shows the new ranking", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/results?cycle=2022`);
    await expect(page.getByText("本年度尚未计算考核结果").count()).resolves.toBe(1);
    // Meanwhile the server keeps answering other requests.
    const [health] = await Promise.all([
      page.getByRole("button", { name: "计算初步结果" }).click().then(() => fetch(`${server.url}/healthz`)),
      page.getByRole("status").waitFor(),
    ]);
    expect(health.status).toBe(200);
    // The message comes with the action's answer; the table with the revalidation after it.
    await waitForIdle(page);
    await expect(page.getByRole("status").textContent()).resolves.toContain("已计算 24 个单位（重新评分 24 个）");
    await page.locator("table tbody tr").nth(23).waitFor();
    expect(await page.locator("table tbody tr").count()).toBe(24);
    expect(server.output()).not.toContain("results worker");
    // The worker stored the results with their audit row, both under the office user's name.
    const db = new Database(path.join(server.dataDir, "app.db"), { readonly: true });
    try {
      const cycleId = db.prepare("SELECT id FROM cycles WHERE year = 2022").pluck().get() as number;
      const stored = db.prepare("SELECT u.username FROM cycle_results r JOIN users u ON u.id = r.computed_by WHERE r.cycle_id = ? AND r.kind = 'preliminary'").pluck().get(cycleId);
      expect(stored).toBe("admin");
      const audit = db.prepare("SELECT actor_name, after FROM audit_log WHERE action = 'results.compute' AND entity_id = ? ORDER BY id DESC LIMIT 1").get(String(cycleId)) as { actor_name: string; after: string };
      expect(audit.actor_name).toMatch(/（admin）$/);
      expect(JSON.parse(audit.after)).toMatchObject({ kind: "preliminary", units: 24, rescored: 24, rowsWritten: 24 });
    } finally {
      db.close();
    }
  });
});

describe("the server's results worker", () => {
  it("is kept between recomputes: the next one scores only the changed unit, and two at once run one after the other", async () => {
    // One evaluator entry of one 2022 unit changes (as a save would), after the recompute above.
    const db = new Database(path.join(server.dataDir, "app.db"));
    try {
      db.pragma("busy_timeout = 5000");
      const entry = db
        .prepare(
          `SELECT e.id, e.input FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id JOIN cycles c ON c.id = a.cycle_id
           WHERE c.year = 2022 AND a.lead = 1 AND e.input LIKE '{"scores":%' ORDER BY e.id LIMIT 1`,
        )
        .get() as { id: number; input: string };
      const input = JSON.parse(entry.input) as { scores: { value: number }[] };
      input.scores[0].value = input.scores[0].value === 0 ? 1 : 0;
      db.prepare("UPDATE evaluator_entries SET input = ? WHERE id = ?").run(JSON.stringify(input), entry.id);
    } finally {
      db.close();
    }
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    const compute = async () => {
      const r = await postForm(server, "/results", { intent: "compute", year: "2022" }, { cookie });
      return { status: r.status, text: await r.text() };
    };
    // Both are answered: the first to reach the worker scores the changed unit, the other finds nothing
    // left to do (two workers racing would refuse one of them as 刚被他人重新计算).
    const both = await Promise.all([compute(), compute()]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const said = both.map((r) => (r.text.includes("已计算 24 个单位（重新评分 1 个）") ? "scored" : r.text.includes("数据未变化，结果保持不变") ? "unchanged" : r.text));
    expect(said.sort()).toEqual(["scored", "unchanged"]);
    expect(server.output()).not.toContain("results worker");
  });
});

describe("the final snapshot and the public 通报 page", () => {
  it("is taken by the office's 结果定稿, then published for visitors without an account", async () => {
    const page = await browser.newPage();
    page.on("dialog", (d) => void d.accept());
    await loginAs(page, server.url, "admin");
    const visitor = await browser.newPage();
    expect((await visitor.goto(`${server.url}/public/results/2021`))?.status()).toBe(404);

    await gotoHydrated(page, `${server.url}/cycles/${cycle2021}`);
    await page.getByRole("button", { name: "结果定稿" }).click();
    await page.getByRole("status").filter({ hasText: "考核已变更为“已定稿”。已生成定稿结果（24个单位" }).waitFor();
    await gotoHydrated(page, `${server.url}/results?cycle=2021`);
    await expect(page.locator("section.card .badge").first().textContent()).resolves.toBe("定稿结果");
    await page.getByRole("button", { name: "开启公开通报页面" }).click();
    await page.getByRole("status").filter({ hasText: "公开通报页面已开启" }).waitFor();
    const sha = (await page.locator("section.card code").first().textContent())!.trim();
    expect(sha).toMatch(/^[0-9a-f]{64}$/);

    expect((await visitor.goto(`${server.url}/public/results/2021`))?.status()).toBe(200);
    await expect(visitor.getByTestId("package-sha").textContent()).resolves.toBe(sha);
    expect(await visitor.locator("table").first().locator("tbody tr").count()).toBe(24);
    await expect(visitor.getByText("e2e-2021").count()).resolves.toBe(1); // the spot-check seed
    // The same dimension columns as the office ranking, each unit with a score or "—" under each.
    const officeHeads = await page.locator("table").first().locator("thead th").allTextContents();
    const dims = officeHeads.slice(officeHeads.indexOf("等次") + 1, officeHeads.indexOf("绩效贡献"));
    expect(dims).toContain("信息公开");
    const publicTable = visitor.locator("table").first();
    expect(await publicTable.locator("thead th").allTextContents()).toEqual(["排名", "单位", "类别", "类别内排名", "总分", "等次", ...dims]);
    const cells = (await publicTable.locator("tbody tr").first().locator("td").allTextContents()).slice(6);
    expect(cells).toHaveLength(dims.length);
    for (const c of cells) expect(c).toMatch(/^(\d+\.\d{2}|—)$/);
  });
});

describe("a department's score card", () => {
  it("is reached from 考核结果, shows every leaf with its reason, and prints without the site chrome", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "dept-001");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "考核结果", exact: true }).click();
    await page.getByRole("link", { name: "2025年度政务公开工作绩效考核" }).click();
    await page.getByRole("heading", { level: 1, name: "城关街道办事处 得分明细" }).waitFor();
    await waitForIdle(page);
    const rows = page.locator("table tbody tr");
    expect(await rows.count()).toBeGreaterThan(10);
    expect(await page.locator("table tbody tr.lost").count()).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "打印" }).isVisible()).toBe(true);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".app-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印" }).isVisible()).toBe(false);
    expect(await rows.first().isVisible()).toBe(true);
  });
});
