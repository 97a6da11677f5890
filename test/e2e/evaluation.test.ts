import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../db/client";
import { cycles, evaluatorAssignments, findings, indicatorNodes, rectifications, spotCheckBatches, units, users } from "../../db/schema";
import { ASSIGN_SEED_2026 } from "../../seeds/demo/evaluation";
import { collectBrowserErrors, gotoHydrated, loginAs, REFUSED_OR_STALE_SAVE, useBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

// The evaluation pages in a real browser over the built app, on the seeded demo (2026 in progress).

let server: TestServer;
const browser = useBrowser();
/** An evaluator with an unsigned 2026 assignment, and that unit. */
let evaluator = "";
let unitName = "";
/** Pages of the seeded demo to render: [user, path, h1 text]. */
let pages: [string, string, string][] = [];
/** The 2026 demo spot-check batch page. */
let spotcheckBatchPath = "";

const collectErrors = (page: Page) => collectBrowserErrors(page, REFUSED_OR_STALE_SAVE);

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  const db = getDb();
  const c2026 = db.select().from(cycles).where(eq(cycles.year, 2026)).get()!;
  const row = db
    .select({ username: users.username, unitName: units.name })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .innerJoin(units, eq(units.id, evaluatorAssignments.unitId))
    .where(and(eq(evaluatorAssignments.cycleId, c2026.id), isNull(evaluatorAssignments.signedOffAt), eq(units.code, "BM001")))
    .get()!;
  evaluator = row.username;
  unitName = row.unitName;
  const batch = db.select().from(spotCheckBatches).where(eq(spotCheckBatches.cycleId, c2026.id)).get()!;
  spotcheckBatchPath = `/spotchecks/${batch.id}`;
  const rect = db
    .select({ id: rectifications.id, unitId: findings.unitId })
    .from(rectifications)
    .innerJoin(findings, eq(findings.id, rectifications.findingId))
    .where(and(eq(findings.cycleId, c2026.id), eq(rectifications.status, "pending")))
    .get()!;
  const dept = db.select().from(users).where(and(eq(users.unitId, rect.unitId), eq(users.role, "department"))).get()!;
  const signed = db
    .select({ username: users.username, unitId: evaluatorAssignments.unitId })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .where(and(eq(evaluatorAssignments.cycleId, c2026.id), isNotNull(evaluatorAssignments.signedOffAt)))
    .get()!;
  pages = [
    ["admin", "/evaluation/divergences?cycle=2026", "评分分歧与仲裁 · 2026年度"],
    ["admin", "/spotchecks?cycle=2026", "抽查（双随机一公开） · 2026年度"],
    ["admin", `/spotchecks/${batch.id}`, `抽查批次#${batch.id} · 2026年度`],
    ["admin", "/rectifications", "未完成的整改事项"],
    ["admin", `/rectifications/${rect.id}`, "整改："],
    ["admin", "/appeals?cycle=2025", "复核申请 · 2025年度"],
    [dept.username, "/rectifications", "本单位整改事项"],
    [dept.username, `/rectifications/${rect.id}`, "整改："],
    ["dept-001", "/appeals?cycle=2025", "复核申请 · 2025年度"],
    [signed.username, `/review/${signed.unitId}?cycle=2026`, "2026年度评估"],
  ];
  closeDb();
}, 180_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

describe("third-party evaluation in the browser", () => {
  it("office: the assignment board shows the seed, the reproducibility check and the conflict of interest", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "评估分配", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "评估分配 · 2026年度" }).waitFor();
    await expect(page.locator("body").textContent()).resolves.toContain(ASSIGN_SEED_2026);
    await expect(page.getByText("可复现").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("tr", { hasText: "区教育局" }).textContent()).resolves.toContain("评估员 刘洋（eval-004） 须回避");
    expect(errors).toEqual([]);
  });

  it("evaluator: queue → unit → leaf; a differing score needs a reason; a stale save is refused with the exact message", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, evaluator);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "评估任务", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "评估任务" }).waitFor();
    await page.getByRole("link", { name: new RegExp(unitName) }).first().click();
    await page.getByRole("heading", { level: 1, name: new RegExp(`${unitName} · 2026年度评估`) }).waitFor();
    await page.locator("tbody tr", { hasText: "评分" }).last().getByRole("link").click();
    await page.getByRole("heading", { level: 2, name: "单位自评" }).waitFor();
    const leafUrl = page.url();

    // A second tab on the same leaf, loaded before the first one saves.
    const other = await context.newPage();
    await gotoHydrated(other, leafUrl);

    await page.getByLabel(/^评分（0–/).fill("0");
    await page.getByLabel("评估说明（与单位自评不一致时必填）").fill("");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByRole("alert").filter({ hasText: "评估结果与单位自评不一致，请说明理由" }).waitFor();
    await page.getByLabel("评估说明（与单位自评不一致时必填）").fill("栏目内容缺失，按实际情况评分");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByRole("status").filter({ hasText: "已保存。" }).waitFor();

    await other.getByLabel(/^评分（0–/).fill("1");
    await other.getByLabel("评估说明（与单位自评不一致时必填）").fill("另一窗口");
    await other.getByRole("button", { name: "保存草稿" }).click();
    await other.getByRole("alert").filter({ hasText: "该项已被他人修改，请刷新后再试" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("renders every evaluation page of the demo without errors, for the roles that use it", async () => {
    for (const [user, path, heading] of pages) {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await loginAs(page, server.url, user);
      const res = await page.goto(server.url + path);
      expect(res?.status(), `${user} ${path}`).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }).first().textContent(), `${user} ${path}`).resolves.toContain(heading);
      expect(errors, `${user} ${path}`).toEqual([]);
      await page.context().close();
    }
  }, 180_000);

  it("office: arbitrates the demo's open divergence with a reason; the table shows it resolved", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/evaluation/divergences?cycle=2026`);
    await page.getByText("有1项评分分歧尚未仲裁").waitFor();
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "记录仲裁" }) }).first();
    await form.getByRole("button", { name: "记录仲裁" }).click();
    await form.getByRole("alert").filter({ hasText: "请填写仲裁分值" }).waitFor();
    await form.getByLabel(/^仲裁分值/).fill("2");
    await form.getByLabel("仲裁理由").fill("经复核佐证材料取中间值");
    await form.getByRole("button", { name: "记录仲裁" }).click();
    // The confirmation appears together with the revalidated table (never beside stale data).
    await page.getByText("已记录仲裁结果。").waitFor();
    await expect(page.locator("body").textContent()).resolves.toContain("没有未仲裁的评分分歧。");
    await expect(page.locator("tbody").textContent()).resolves.toMatch(/已仲裁 2分\s*经复核佐证材料取中间值/);
    expect(errors).toEqual([]);
  });

  it("spot-check finding: the 扣分项 list holds only the faults of the chosen indicator", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}${spotcheckBatchPath}`);
    const details = page.locator("details").filter({ has: page.locator("summary", { hasText: "记录抽查发现" }) }).first();
    await details.locator("summary").click();
    const form = details.locator("form");
    const indicator = form.getByLabel("指标", { exact: true });
    const faultSelect = form.getByLabel("扣分项", { exact: true });
    const faultOptions = async () => (await faultSelect.locator("option").allTextContents()).filter((t) => !/^请/.test(t));
    expect(await faultOptions()).toEqual([]);
    const shown = new Map<number, string[]>();
    for (const option of await indicator.locator("option").all()) {
      const value = await option.getAttribute("value");
      if (!value) continue;
      await indicator.selectOption(value);
      shown.set(Number(value), await faultOptions());
    }
    // What each indicator's own rule lists, from the database.
    const expected = new Map<number, string[]>();
    for (const nodeId of shown.keys()) {
      const rule = getDb().select().from(indicatorNodes).where(eq(indicatorNodes.id, nodeId)).get()!.rule as { type: string; faults?: { label: string; points: number }[] };
      expected.set(nodeId, rule.type === "deduction" ? rule.faults!.map((f) => `${f.label}（每次扣${f.points}分）`) : []);
    }
    closeDb();
    expect([...expected.values()].filter((l) => l.length > 0).length).toBeGreaterThan(1);
    expect(shown).toEqual(expected);
    expect(errors).toEqual([]);
  });

  it("department: nothing of the evaluation before 初步结果", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "dept-008");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "复核申请", exact: true }).click();
    await page.getByText("初步结果公布前，评估结果、抽查发现和得分不向单位公开。").waitFor();
  });
});
