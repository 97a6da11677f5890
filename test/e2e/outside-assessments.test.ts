import { describe, expect, it } from "vitest";
import { collectBrowserErrors, gotoHydrated, loginAs, useBrowser, useServer, waitForIdle } from "../helpers/browser";

// Issue 13, rule 7 in the real (built) app and Chromium: the office amends a published leaf to be
// scored “以县外网办评价为准”, then records the outside office's value for a unit on 外部单位评价 —
// a value beyond the leaf's points is refused with a message, a good one is saved.

const server = useServer();
const browser = useBrowser();

describe("an outside office as a leaf's designated source", () => {
  it("is chosen in the editor, then its value is recorded per unit", async () => {
    const page = await browser.newPage();
    const errors = collectBrowserErrors(page);
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/cycles`);
    await Promise.all([page.waitForURL(/\/cycles\/\d+$/), page.getByRole("link", { name: "2026年度" }).click()]);
    await waitForIdle(page);
    const cycleUrl = page.url();
    const row = page.getByRole("row").filter({ hasText: "区级部门" });
    await Promise.all([page.waitForURL(/\/sets\/\d+/), row.getByRole("link", { name: "查看或修订" }).click()]);
    await page.getByRole("link", { name: "编辑2.4 解读形式与质量" }).click();
    await page.getByRole("heading", { name: "编辑指标：2.4 解读形式与质量" }).waitFor();
    await waitForIdle(page);
    await page.getByLabel("指定评分来源类型").selectOption("outside");
    await page.getByLabel("以指定来源的评分为准（可留空）").fill("县外网办");
    await page.getByTestId("rule-sentence").filter({ hasText: "以县外网办评价为准" }).waitFor();
    await page.getByLabel("修订原因（必填）").first().fill("按县外网办年度评价计分");
    await page.getByRole("button", { name: "保存修订" }).click();
    await page.getByText(/修订已保存：修订指标“2.4 解读形式与质量”/).waitFor();

    await gotoHydrated(page, cycleUrl);
    await Promise.all([page.waitForURL(/\/outside$/), page.getByRole("link", { name: "外部单位评价" }).click()]);
    await page.getByRole("heading", { level: 1, name: "外部单位评价 · 2026年度" }).waitFor();
    await waitForIdle(page);
    const unit = page.getByRole("row").filter({ hasText: "区教育局" });
    const value = unit.getByLabel(/评价分值/);
    await value.fill("99");
    await unit.getByRole("button", { name: "保存" }).click();
    await unit.getByText(/的评价分值须在0至\d+(\.\d+)?分之间/).waitFor();
    await value.fill("3.5");
    await unit.getByLabel(/说明/).fill("县外网办〔2026〕3号");
    await unit.getByRole("button", { name: "保存" }).click();
    await unit.getByText("评价已保存。").waitFor();
    await waitForIdle(page);
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: "区教育局" }).getByLabel(/评价分值/).inputValue()).resolves.toBe("3.5");
    expect(errors).toEqual([]);
  });
});
