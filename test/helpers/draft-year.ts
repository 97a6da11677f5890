import type { Page } from "playwright-core";
import { gotoHydrated, waitForIdle } from "./browser";

/**
 * In the browser, as the office: create a new draft year from the default template (考核年度 →
 * 新建考核年度) and open one category's indicator set page in it, hydrated and idle.
 */
export async function openNewDraftSet(page: Page, baseUrl: string, year: number, category = "区级部门"): Promise<void> {
  await gotoHydrated(page, `${baseUrl}/cycles`);
  await page.getByLabel("考核年度", { exact: true }).fill(String(year));
  await Promise.all([page.waitForURL(/\/cycles\/\d+$/), page.getByRole("button", { name: "新建考核年度" }).click()]);
  await waitForIdle(page);
  const row = page.getByRole("row").filter({ hasText: category });
  await Promise.all([page.waitForURL(/\/sets\/\d+/), row.getByRole("link", { name: "编辑指标体系" }).click()]);
  await page.getByRole("heading", { level: 1, name: `${year}年度 · ${category} 指标体系` }).waitFor();
  await waitForIdle(page);
}
