import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { gotoHydrated, loginAs, useBrowser, useServer } from "../helpers/browser";

// The leader's dashboard on the demo district (2025 final, 2026 preliminary with some of 14 units):
// every score chart on one 0–100 axis, the trend without the preliminary year on its line.

const server = useServer();
const browser = useBrowser();

const HUNDRED = ["0", "20", "40", "60", "80", "100"];

async function ticks(page: Page, selector: string): Promise<string[]> {
  return page.locator(`${selector} .recharts-cartesian-axis-tick-value`).allTextContents();
}

describe("the dashboard's score axes", () => {
  it("runs every category's ranking bars, the trend and self-vs-evaluated from 0 to 100", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "leader");
    await gotoHydrated(page, `${server.url}/dashboard?cycle=2025`);
    await page.locator('[data-testid="chart-trend"] .recharts-surface').first().waitFor();
    const rankings = await page.locator('[data-testid^="chart-ranking-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")!));
    expect(rankings.length).toBe(2);
    for (const id of rankings) expect(await ticks(page, `[data-testid="${id}"] .recharts-xAxis`), id).toEqual(HUNDRED);
    expect(await ticks(page, '[data-testid="chart-trend"] .recharts-yAxis')).toEqual(HUNDRED);
    expect(await ticks(page, '[data-testid="chart-self"] .recharts-xAxis')).toEqual(HUNDRED);
    expect(await ticks(page, '[data-testid="chart-self"] .recharts-yAxis')).toEqual(HUNDRED);
  });

  it("lists the preliminary year in the trend table, marked, and draws only final years", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "leader");
    await gotoHydrated(page, `${server.url}/dashboard?cycle=2026`);
    const trend = page.locator('[data-testid="chart-trend"]');
    await trend.locator(".recharts-surface").first().waitFor();
    const years = await trend.locator("table tbody tr td:first-child").allTextContents();
    expect(years).toHaveLength(2);
    expect(years[0]).toBe("2025");
    const assessed = Number(/^2026（初步结果，(\d+)个单位已评估，不计入趋势）$/.exec(years[1])?.[1]);
    expect(assessed).toBeGreaterThan(0);
    expect(assessed).toBeLessThan(14);
    expect(await ticks(page, '[data-testid="chart-trend"] .recharts-xAxis')).toEqual(["2025"]);
    await expect(trend.locator("figcaption").textContent()).resolves.toContain(`2026年度（${assessed}/14个单位已评估）仅有初步结果，不计入趋势`);
  });
});
