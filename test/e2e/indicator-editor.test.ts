import { describe, expect, it } from "vitest";
import { collectBrowserErrors, gotoHydrated, loginAs, useBrowser, useServer, waitForIdle } from "../helpers/browser";
import { openNewDraftSet } from "../helpers/draft-year";

// The tree editor in the real (built) app and Chromium: a new draft year, a leaf added with its
// rule parameters, the validation panel reacting, the fix, reordering, and an amendment after publishing.

const server = useServer();
const browser = useBrowser();

describe("indicator tree editor", () => {
  it("adds a leaf with its rule parameters, shows the validation panel's error, and clears it after the fix", async () => {
    const page = await browser.newPage();
    const errors = collectBrowserErrors(page);
    await loginAs(page, server.url, "admin");

    // A new draft year from the default template.
    await openNewDraftSet(page, server.url, 2027);
    await expect(page.locator("#check-h").textContent()).resolves.toContain("没有错误");

    // Add a ratio leaf under 1 信息公开: only the ratio parameters are shown once chosen.
    await Promise.all([page.waitForURL(/add=child-/), page.getByRole("link", { name: "在1下添加下级指标" }).click()]);
    await page.getByRole("heading", { name: "在“1 信息公开”下添加二级指标" }).waitFor();
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "添加", exact: true }) });
    await expect(form.getByLabel("编码", { exact: true }).inputValue()).resolves.toBe("1.7");
    await form.getByLabel("名称", { exact: true }).fill("政府信息公开工作年度报告");
    await form.getByLabel("分值", { exact: true }).fill("2");
    expect(await form.getByLabel("达标值").isVisible()).toBe(false);
    await form.getByLabel("规则类型").selectOption("ratio");
    expect(await form.getByLabel("达标值").isVisible()).toBe(true);
    expect(await form.getByLabel("档位1最低值").isVisible()).toBe(false);
    expect(await form.getByLabel("时限", { exact: true }).isVisible()).toBe(false);
    expect(await form.getByLabel("扣分项1代码").isVisible()).toBe(false);
    await form.getByLabel("达标值").fill("0.9");
    await form.getByLabel("考核要点").fill("年度报告按时发布的比例");
    await form.getByLabel("必须上传佐证材料").check();
    await Promise.all([page.waitForURL(/added=1/), form.getByRole("button", { name: "添加", exact: true }).click()]);
    await page.getByText("已添加指标“1.7 政府信息公开工作年度报告”。").waitFor();
    await page.locator("#check-h", { hasText: "1 个错误" }).waitFor();
    await page.getByRole("alert").filter({ hasText: "分值30与下级指标分值之和32不一致" }).waitFor();

    // Fix the parent's points: no errors left, the base total is a warning only.
    await page.getByRole("link", { name: "编辑1 信息公开" }).click();
    await page.getByRole("heading", { name: "编辑指标：1 信息公开" }).waitFor();
    // The live check answers as the office types, before anything is saved.
    const live = page.getByTestId("live-check");
    await page.getByLabel("分值", { exact: true }).fill("31");
    await live.filter({ hasText: "分值31与下级指标分值之和32不一致" }).waitFor();
    await page.getByLabel("分值", { exact: true }).fill("32");
    await live.filter({ hasText: "按当前填写保存后没有错误。" }).waitFor();
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("已保存指标“1 信息公开”。").waitFor();
    await page.locator("#check-h", { hasText: "没有错误" }).waitFor();
    await page.getByText("基础指标分值合计为102分，不等于满分100分，得分将按比例折算").waitFor();

    // Quick reorder in the tree.
    await page.getByRole("button", { name: "下移1.1" }).click();
    await page.getByText("顺序已调整。").waitFor();
    const codes = () => page.getByRole("table", { name: "指标树" }).locator("tbody tr td:first-child").allTextContents();
    await expect.poll(async () => (await codes()).slice(0, 3)).toEqual(["1", "1.2", "1.1"]);

    // Preview: the sample unit with full marks, then with a typed ratio.
    await Promise.all([page.waitForURL(/\/preview$/), page.getByRole("link", { name: "试算预览" }).click()]);
    const results = page.getByRole("table", { name: "试算得分" });
    const full = results.getByRole("row").filter({ hasText: "示例单位（全部满分）" });
    await full.waitFor();
    await expect(full.locator("td").nth(1).textContent()).resolves.toBe("105.00");
    await page.getByLabel("自行填写").check();
    await page.getByLabel("1.1比率").fill("0.8");
    await Promise.all([page.waitForURL(/mode=custom/), page.getByRole("button", { name: "试算" }).click()]);
    const custom = results.getByRole("row").filter({ hasText: "示例单位（自行填写）" });
    await custom.waitFor();
    const total = Number(await custom.locator("td").nth(1).textContent());
    expect(total).toBeLessThan(105);
    expect(total).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });

  it("shows rules as sentences in the tree, the live check and the preview; a fault code may be left empty or be Chinese", async () => {
    const page = await browser.newPage();
    const errors = collectBrowserErrors(page);
    await loginAs(page, server.url, "admin");
    await openNewDraftSet(page, server.url, 2029);
    const tree = page.getByRole("table", { name: "指标树" });
    const treeRow = (code: string) => tree.getByRole("row").filter({ has: page.getByRole("cell", { name: code, exact: true }) });
    await expect(treeRow("1.2").textContent()).resolves.toContain("未编制本单位主动公开基本目录每处扣4分；");
    expect(await tree.textContent()).not.toMatch(/[A-Za-z_]+:[^/]/);

    await page.getByRole("link", { name: "编辑1.2 主动公开基本目录编制与更新" }).click();
    await page.getByRole("heading", { name: "编辑指标：1.2 主动公开基本目录编制与更新" }).waitFor();
    await page.getByLabel("扣分项1代码").fill("");
    await page.getByLabel("扣分项2代码").fill("过期");
    await page.getByLabel("扣分项2每次扣分").fill("1");
    await page
      .getByTestId("rule-sentence")
      .filter({ hasText: "评分规则：未编制本单位主动公开基本目录每处扣4分；目录未按职能调整或上级目录变化动态更新每处扣1分；" })
      .waitFor();
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("已保存指标“1.2 主动公开基本目录编制与更新”。").waitFor();
    await treeRow("1.2").filter({ hasText: "目录未按职能调整或上级目录变化动态更新每处扣1分；" }).waitFor();
    await expect.poll(() => page.getByLabel("扣分项1代码").inputValue()).toBe("F1");
    await expect(page.getByLabel("扣分项2代码").inputValue()).resolves.toBe("过期");

    await Promise.all([page.waitForURL(/\/preview$/), page.getByRole("link", { name: "试算预览" }).click()]);
    await page.getByLabel("自行填写").check();
    const ruleCell = page.getByRole("row").filter({ hasText: "1.2 主动公开基本目录编制与更新" }).locator("td").nth(1);
    await expect(ruleCell.textContent()).resolves.toBe(
      "未编制本单位主动公开基本目录每处扣4分；目录未按职能调整或上级目录变化动态更新每处扣1分；目录事项缺少公开主体、内容、时限或方式每处扣0.5分；最多扣4分（扣完为止）",
    );
    await page.getByRole("button", { name: "试算" }).click();
    await page.getByRole("table", { name: "试算得分" }).waitFor();
    expect(await page.locator("main").textContent()).not.toMatch(/preview/i);
    expect(errors).toEqual([]);
  });

  it("asks for a reason when amending a published set or its category's settings, then lists the amendments", async () => {
    const page = await browser.newPage();
    const errors = collectBrowserErrors(page);
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/cycles`);
    await Promise.all([page.waitForURL(/\/cycles\/\d+$/), page.getByRole("link", { name: "2026年度" }).click()]);
    await waitForIdle(page);
    const row = page.getByRole("row").filter({ hasText: "区级部门" });
    await Promise.all([page.waitForURL(/\/sets\/\d+/), row.getByRole("link", { name: "查看或修订" }).click()]);
    await page.getByText("已发布：指标体系已冻结，修改须以修订方式进行").waitFor();
    await page.getByRole("link", { name: "编辑2.4 解读形式与质量" }).click();
    await page.getByRole("heading", { name: "编辑指标：2.4 解读形式与质量" }).waitFor();
    await page.getByLabel("名称", { exact: true }).fill("解读形式与解读质量");
    await page.getByRole("button", { name: "保存修订" }).click();
    await page.getByText("请填写修订原因").waitFor();
    await page.getByLabel("修订原因（必填）").first().fill("名称表述统一");
    await page.getByRole("button", { name: "保存修订" }).click();
    await page.getByText(/修订已保存：修订指标“2.4 解读形式与解读质量”/).waitFor();
    await page.getByRole("cell", { name: "名称表述统一" }).waitFor();

    // The category's own settings may still change after publishing: a reason first, then the change is listed.
    await page.getByLabel("政务公开工作分值权重（%）").fill("5");
    await page.getByRole("button", { name: "保存类别考核设置" }).click();
    await page.getByText("考核已发布，修改本类别考核设置须填写修改原因").waitFor();
    await page.getByLabel("修改原因（必填）").fill("区政府决定部门权重调整为5分");
    await page.getByRole("button", { name: "保存类别考核设置" }).click();
    await page.getByText("已保存“区级部门”的类别考核设置。修改已记入修订记录，下次计算结果时按新设置计分。").waitFor();
    await page.getByTestId("category-rules-changes").filter({ hasText: "修改：政务公开工作分值权重：沿用考核年度 → 5%。修改原因：区政府决定部门权重调整为5分" }).waitFor();
    await page.getByRole("cell", { name: "类别考核设置：政务公开工作分值权重：沿用考核年度 → 5%" }).waitFor();
    await expect(page.getByLabel("政务公开工作分值权重（%）").inputValue()).resolves.toBe("5");
    expect(errors).toEqual([]);
  });
});
