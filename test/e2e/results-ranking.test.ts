import { describe, expect, it } from "vitest";
import { gotoHydrated, loginAs, useBrowser, waitForIdle } from "../helpers/browser";
import { runSeedCli, useSeededServer } from "../helpers/seeded-server";

// The ranking page of a large cycle on the real server: page links, category filter and unit
// search, all kept in the URL (npm run seed:synthetic: 180 units, 60 per category).

const server = useSeededServer("zwgk-e2e-ranking-", (dataDir) =>
  runSeedCli(dataDir, "seeds/cli/seed-synthetic.ts", ["--units", "180", "--leaves", "8", "--year", "2030", "--seed", "e2e-ranking"]),
);
const browser = useBrowser();
const CATEGORY = "街道（合成）";

const ranks = async (page: import("playwright-core").Page) => (await page.locator("table tbody tr td:nth-child(1)").allTextContents()).map(Number);

describe("the ranking of 180 units", () => {
  it("is paged, filtered by category and searched, with the filters kept in the page links", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await loginAs(page, server.url, "leader");
    await gotoHydrated(page, `${server.url}/results?cycle=2030`);
    await page.getByText("共 180 个单位，第 1/4 页").waitFor();
    const first = await ranks(page);
    expect(first).toHaveLength(50);
    expect(first[0]).toBe(1);

    const pager = page.getByRole("navigation", { name: "分页" });
    await Promise.all([page.waitForURL((u) => u.searchParams.get("page") === "2"), pager.getByRole("link", { name: "下一页" }).click()]);
    await waitForIdle(page);
    await page.getByText("第 2/4 页").waitFor();
    const second = await ranks(page);
    expect(second).toHaveLength(50);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(Math.max(...first));
    await Promise.all([page.waitForURL((u) => u.searchParams.get("page") === "4"), pager.getByRole("link", { name: "末页" }).click()]);
    await waitForIdle(page);
    expect(await ranks(page)).toHaveLength(30);

    // Category filter: 60 units on two pages; the next page keeps the category.
    await page.getByLabel("单位类别").selectOption(CATEGORY);
    await Promise.all([page.waitForURL((u) => u.searchParams.get("category") === CATEGORY), page.getByRole("button", { name: "查看" }).click()]);
    await waitForIdle(page);
    await page.getByText(`${CATEGORY}共 60 个单位，第 1/2 页`).waitFor();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("page") === "2" && u.searchParams.get("category") === CATEGORY), pager.getByRole("link", { name: "下一页" }).click()]);
    await waitForIdle(page);
    expect(await page.locator("table tbody tr td:nth-child(4)").allTextContents()).toEqual(Array(10).fill(CATEGORY));

    // Search by name within the category, then by code across all categories.
    await page.getByLabel("单位名称或编码").fill("东湖");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === "东湖"), page.getByRole("button", { name: "查看" }).click()]);
    await waitForIdle(page);
    const names = await page.locator("table tbody tr td:nth-child(3)").allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.includes("东湖"))).toBe(true);
    expect(await page.locator("table tbody tr td:nth-child(4)").allTextContents()).toEqual(Array(names.length).fill(CATEGORY));
    expect(await page.getByRole("navigation", { name: "分页" }).count()).toBe(0);

    await page.getByLabel("单位类别").selectOption("");
    await page.getByLabel("单位名称或编码").fill("SYN-00007");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === "SYN-00007"), page.getByRole("button", { name: "查看" }).click()]);
    await waitForIdle(page);
    await page.getByText("全部类别中名称或编码含“SYN-00007”的 1 个单位").waitFor();
    expect(await page.locator("table tbody tr").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a unit's score card from its name within the app, and leaves a Ctrl-click to the browser", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await loginAs(page, server.url, "leader");
    await gotoHydrated(page, `${server.url}/results?cycle=2030&q=SYN-00007`);
    const link = page.locator("table tbody tr td:nth-child(3) a");
    const name = (await link.textContent())!;
    const scoreCardPath = /^\/results\/2030\/units\/\d+$/;
    expect(new URL((await link.getAttribute("href"))!, server.url).pathname).toMatch(scoreCardPath);

    // Ctrl-click: a new tab opens the score card, this page stays on the ranking.
    const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click({ modifiers: ["Control"] })]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toMatch(scoreCardPath);
    await tab.close();
    expect(new URL(page.url()).pathname).toBe("/results");

    // A plain click navigates in the app: no new document is loaded (the marker survives).
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await Promise.all([page.waitForURL((u) => scoreCardPath.test(u.pathname)), link.click()]);
    await page.getByRole("heading", { name: `${name} 得分明细` }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await Promise.all([page.waitForURL((u) => u.pathname === "/results"), page.goBack()]);
    await page.getByText("全部类别中名称或编码含“SYN-00007”的 1 个单位").waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
