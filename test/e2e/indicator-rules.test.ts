import { describe, expect, it } from "vitest";
import { collectBrowserErrors, loginAs, useBrowser, useServer, waitForIdle } from "../helpers/browser";
import { openNewDraftSet } from "../helpers/draft-year";

// Issue 13, rules 1–8 in the real (built) app and Chromium: the office creates each new rule in the
// tree editor and sees the live preview (the rule as a sentence) change as it types, saves it, sets
// the category's own weight and bonus gate, and sees the 试算 preview subtract the penalty part.

const server = useServer();
const browser = useBrowser();

describe("the rule language in the indicator editor", () => {
  it("creates each new rule and sees the live preview change", async () => {
    const page = await browser.newPage();
    const errors = collectBrowserErrors(page);
    await loginAs(page, server.url, "admin");
    await openNewDraftSet(page, server.url, 2028);
    const sentence = page.getByTestId("rule-sentence");
    const edit = async (code: string) => {
      await page.getByRole("link", { name: new RegExp(`^编辑${code.replace(".", "\\.")} `) }).click();
      await page.getByRole("heading", { name: new RegExp(`^编辑指标：${code.replace(".", "\\.")} `) }).waitFor();
      await waitForIdle(page);
    };
    const save = async (code: string) => {
      await page.getByRole("button", { name: "保存", exact: true }).click();
      await page.getByText(new RegExp(`已保存指标“${code.replace(".", "\\.")} `)).waitFor();
      await waitForIdle(page);
    };

    // Rules 1 and 2 (酌情扣分): a fault's maximum, a one-time fault, a discretion bound.
    await edit("1.2");
    await page.getByLabel("规则类型").selectOption("deduction");
    await page.getByLabel("扣分项1名称").fill("栏目内容缺失");
    await page.getByLabel("扣分项1每次扣分").fill("0.5");
    await sentence.filter({ hasText: "栏目内容缺失每处扣0.5分；" }).waitFor();
    await page.getByLabel("扣分项1最多扣分").fill("2");
    await sentence.filter({ hasText: "栏目内容缺失每处扣0.5分，最多扣2分" }).waitFor();
    await page.getByLabel("扣分项2名称").fill("未编制目录");
    await page.getByLabel("扣分项2每次扣分").fill("1");
    await page.getByLabel("扣分项2扣分方式").selectOption("once");
    await sentence.filter({ hasText: "未编制目录一次性扣1分" }).waitFor();
    await page.getByLabel("酌情扣分上限（可留空）").fill("2");
    await sentence.filter({ hasText: "在2分内酌情扣分，须说明理由" }).waitFor();
    // A bound above the points is refused before saving.
    await page.getByLabel("酌情扣分上限（可留空）").fill("9");
    await page.getByTestId("live-check").filter({ hasText: "酌情扣分上限9不能超过指标分值4" }).waitFor();
    await page.getByLabel("酌情扣分上限（可留空）").fill("2");
    await save("1.2");
    await page.getByRole("table", { name: "指标树" }).getByRole("row").filter({ hasText: "栏目内容缺失每处扣0.5分，最多扣2分；未编制目录一次性扣1分" }).waitFor();

    // Rules 2 (酌情给分) and 7: a score leaf scored at discretion, from a designated source.
    await edit("2.4");
    await page.getByLabel("规则类型").selectOption("score");
    await page.getByLabel("以指定来源的评分为准（可留空）").fill("县外网办");
    await sentence.filter({ hasText: "以“县外网办”的评分为准" }).waitFor();
    await page.getByLabel("酌情给分上限（可留空）").fill("2");
    await sentence.filter({ hasText: "在2分内酌情给分，须说明理由；以“县外网办”的评分为准" }).waitFor();
    // The source is an outside office's assessment, not an evaluator of that name.
    await page.getByLabel("指定评分来源类型").selectOption("outside");
    await sentence.filter({ hasText: "在2分内酌情给分，须说明理由；以县外网办评价为准" }).waitFor();
    await save("2.4");

    // Rule 8: checklist tasks.
    await edit("1.6");
    await page.getByLabel("规则类型").selectOption("checklist");
    await page.getByLabel("任务1名称").fill("编制目录");
    await page.getByLabel("任务1分值").fill("1");
    await sentence.filter({ hasText: "完成以下任务的按项计分：编制目录1分" }).waitFor();
    await page.getByLabel("任务2名称").fill("更新指南");
    await page.getByLabel("任务2分值").fill("1");
    await sentence.filter({ hasText: "编制目录1分；更新指南1分，最多得2分" }).waitFor();
    await save("1.6");

    // Rule 4: a part veto.
    await edit("8.1");
    await page.getByLabel("否决范围").selectOption("2");
    await sentence.filter({ hasText: "发生即“2 政策解读”部分按0分计，不影响其他部分" }).waitFor();
    await save("8.1");

    // Rule 3: a penalty part, its item, and its cap.
    await page.getByRole("link", { name: "添加一级指标" }).click();
    await page.getByRole("heading", { name: "添加一级指标" }).waitFor();
    await waitForIdle(page);
    const addForm = page.locator("form").filter({ has: page.getByRole("button", { name: "添加", exact: true }) });
    await addForm.getByLabel("编码", { exact: true }).fill("P");
    await addForm.getByLabel("名称", { exact: true }).fill("倒扣分");
    await addForm.getByLabel("分值", { exact: true }).fill("0");
    await addForm.getByLabel("类别").selectOption("penalty");
    await addForm.getByLabel("规则类型").selectOption("deduction");
    await addForm.getByLabel("扣分项1名称").fill("被上级通报批评");
    await addForm.getByLabel("扣分项1每次扣分").fill("2");
    await sentence.filter({ hasText: "被上级通报批评每处扣2分；在总分之外倒扣" }).waitFor();
    await Promise.all([page.waitForURL(/added=1/), addForm.getByRole("button", { name: "添加", exact: true }).click()]);
    await page.getByText("已添加指标“P 倒扣分”。").waitFor();
    await waitForIdle(page);
    await Promise.all([page.waitForURL(/add=child-/), page.getByRole("link", { name: "在P下添加下级指标" }).click()]);
    await waitForIdle(page);
    const childForm = page.locator("form").filter({ has: page.getByRole("button", { name: "添加", exact: true }) });
    await childForm.getByLabel("名称", { exact: true }).fill("通报批评");
    await childForm.getByLabel("分值", { exact: true }).fill("0");
    await childForm.getByLabel("规则类型").selectOption("deduction");
    await childForm.getByLabel("扣分项1名称").fill("被上级通报批评");
    await childForm.getByLabel("扣分项1每次扣分").fill("2");
    await Promise.all([page.waitForURL(/added=1/), childForm.getByRole("button", { name: "添加", exact: true }).click()]);
    await page.getByText("已添加指标“P.1 通报批评”。").waitFor();
    await waitForIdle(page);
    await edit("P");
    await page.getByLabel("扣分项合计最多扣（可留空）").fill("5");
    await sentence.filter({ hasText: "扣分项在总分之外倒扣，合计最多扣5分（总分不低于0分）" }).waitFor();
    await save("P");

    // Rules 5 and 6: the category's weight and a bonus gate on one part, read back as sentences as typed.
    const rules = page.getByTestId("category-rules-sentence");
    await rules.filter({ hasText: "本类别沿用考核年度的设置。" }).waitFor();
    await page.getByLabel("政务公开工作分值权重（%）").fill("3");
    await rules.filter({ hasText: "政务公开工作分值权重不得低于4%" }).waitFor();
    await page.getByLabel("政务公开工作分值权重（%）").fill("4");
    await rules.filter({ hasText: "本类别政务公开工作分值权重为4%，绩效贡献按此折算" }).waitFor();
    await page.getByLabel("门槛依据").selectOption("1");
    await page.getByLabel("门槛比较方式").selectOption("gte");
    await page.getByLabel("门槛分数").fill("20");
    await rules.filter({ hasText: "加分仅在“1 信息公开”部分得分不低于20分时计入" }).waitFor();
    await page.getByRole("button", { name: "保存类别考核设置" }).click();
    await page.getByText("已保存“区级部门”的类别考核设置。").waitFor();
    await waitForIdle(page);

    // The 试算 preview: the penalty part subtracted (each fault once: 2 points), rules as sentences.
    await page.getByRole("link", { name: "试算预览" }).click();
    await page.getByRole("heading", { name: /试算预览/ }).waitFor();
    await page.getByLabel("约一半分值").check();
    await Promise.all([page.waitForURL(/mode=half/), page.getByRole("button", { name: "试算" }).click()]);
    const results = page.getByRole("table", { name: "试算得分" });
    await results.getByRole("columnheader", { name: "扣分项" }).waitFor();
    await expect(results.getByRole("row").nth(1).textContent()).resolves.toContain("−2.00");
    await page.getByLabel("自行填写").check();
    await page.getByRole("cell", { name: "在2分内酌情给分，须说明理由；以县外网办评价为准" }).waitFor();
    expect(errors).toEqual([]);
  });
});
