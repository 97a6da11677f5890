import { and, eq, isNull } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../db/client";
import { cycles, evaluatorAssignments, units, users } from "../../db/schema";
import { DEMO_UNITS } from "../../seeds/demo/district";
import {
  collectBrowserErrors,
  gotoHydrated,
  loginAs,
  REFUSED_OR_STALE_SAVE,
  useBrowser,
  waitForIdle,
} from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

// Issue 15 in a real browser over the built app, on the seeded demo (2026: self-inspection open, its
// deadline 2026-11-30): the notification centre, 催办, the extension request round trip and
// 采纳单位自评.

let server: TestServer;
const browser = useBrowser();
const deptOf = (code: string) =>
  `dept-${String(DEMO_UNITS.findIndex((u) => u.code === code) + 1).padStart(
    3,
    "0"
  )}`;
const nameOf = (code: string) => DEMO_UNITS.find((u) => u.code === code)!.name;
/** An evaluator with an unsigned 2026 assignment for 区发展和改革局 (BM001), and its unit id. */
let evaluator = "";
let evaluatedUnitId = 0;

const collectErrors = (page: Page) =>
  collectBrowserErrors(page, REFUSED_OR_STALE_SAVE);

/** The unread count the header announces (0 for none). */
async function unread(page: Page): Promise<number> {
  const label =
    (await page
      .locator('header a[href="/notifications"]')
      .getAttribute("aria-label")) ?? "";
  const m = /(\d+)条未读/.exec(label);
  return m ? Number(m[1]) : label === "消息，没有未读" ? 0 : -1;
}

beforeAll(async () => {
  server = await startServer();
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  const db = getDb();
  const c2026 = db.select().from(cycles).where(eq(cycles.year, 2026)).get()!;
  const row = db
    .select({ username: users.username, unitId: evaluatorAssignments.unitId })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .innerJoin(units, eq(units.id, evaluatorAssignments.unitId))
    .where(
      and(
        eq(evaluatorAssignments.cycleId, c2026.id),
        isNull(evaluatorAssignments.signedOffAt),
        eq(units.code, "BM001")
      )
    )
    .get()!;
  evaluator = row.username;
  evaluatedUnitId = row.unitId;
  closeDb();
}, 180_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

describe("the office's working year in the browser", () => {
  it("催办: the office sends a reminder to the selected units; the department sees it in 消息, unread, and marks it read", async () => {
    const office = await browser.newPage();
    const errors = collectErrors(office);
    await loginAs(office, server.url, "admin");
    await gotoHydrated(office, `${server.url}/submissions`);
    const remind = office.locator("section", {
      has: office.getByRole("heading", { name: "催办" }),
    });
    // Tick exactly one unit that has not submitted.
    for (const box of await remind.getByRole("checkbox").all())
      await box.uncheck();
    await remind
      .getByRole("checkbox", { name: new RegExp(`^${nameOf("JD003")}`) })
      .check();
    await remind.getByLabel("催办说明（可选）").fill("请于本周内提交");
    await remind.getByRole("button", { name: "发送催办" }).click();
    await office
      .getByRole("status")
      .filter({ hasText: "已向1个单位发送催办" })
      .waitFor();

    const dept = await browser.newPage();
    const deptErrors = collectErrors(dept);
    await loginAs(dept, server.url, deptOf("JD003"));
    const before = await unread(dept);
    expect(before).toBeGreaterThan(0);
    await dept.locator('header a[href="/notifications"]').click();
    await dept.getByRole("heading", { level: 1, name: "消息" }).waitFor();
    const item = dept.locator("li.notification", {
      hasText: "2026年度自查催办",
    });
    await expect(item.textContent()).resolves.toContain("说明：请于本周内提交");
    await expect(item.getByText("未读").count()).resolves.toBe(1);
    await item
      .getByRole("button", { name: "将“2026年度自查催办”标为已读" })
      .click();
    // The click starts a form submission a moment later: wait for its outcome, not for an idle router
    // (which it may still be when the click returns).
    await expect.poll(() => item.getByText("未读").count(), { timeout: 15_000 }).toBe(0);
    await waitForIdle(dept);
    expect(await unread(dept)).toBe(before - 1);
    if (before > 1) {
      await dept.getByRole("button", { name: "全部标为已读" }).click();
      await expect.poll(() => unread(dept), { timeout: 15_000 }).toBe(0);
    }
    expect(await unread(dept)).toBe(0);
    await expect(dept.locator("header").textContent()).resolves.not.toMatch(
      /消息\d/
    );
    expect([...errors, ...deptErrors]).toEqual([]);
  });

  it("extension request: the department asks, the office grants, the department's deadline is the granted date", async () => {
    const dept = await browser.newPage();
    const errors = collectErrors(dept);
    await loginAs(dept, server.url, deptOf("BM005"));
    await gotoHydrated(dept, `${server.url}/self`);
    await dept.getByRole("link", { name: "申请延期" }).click();
    await dept.getByRole("heading", { level: 1, name: "申请延期" }).waitFor();
    await waitForIdle(dept);
    const wanted = await dept.evaluate(() => {
      const d = new Date(Date.now() + 8 * 3_600_000 + 20 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      return d > "2026-12-20" ? d : "2026-12-20";
    });
    await dept.getByLabel("希望延期至").fill(wanted);
    await dept.getByLabel("申请理由").fill("局机构改革，材料需重新汇总");
    await dept.getByRole("button", { name: "提交延期申请" }).click();
    await dept
      .getByRole("status")
      .filter({ hasText: `已提交延期申请（希望延期至${wanted}）` })
      .waitFor();
    await expect(dept.locator("tbody").textContent()).resolves.toContain(
      "待审批"
    );

    const office = await browser.newPage();
    const officeErrors = collectErrors(office);
    await loginAs(office, server.url, "admin");
    await gotoHydrated(office, `${server.url}/submissions`);
    const requests = office.locator("section", {
      has: office.getByRole("heading", { name: /待审批的延期申请/ }),
    });
    await expect(requests.textContent()).resolves.toContain(
      "局机构改革，材料需重新汇总"
    );
    await requests
      .getByRole("button", {
        name: `批准${nameOf("BM005")}的延期申请`,
        exact: true,
      })
      .click();
    await office
      .getByRole("status")
      .filter({ hasText: `已批准${nameOf("BM005")}延期至${wanted}。` })
      .waitFor();

    await gotoHydrated(dept, `${server.url}/self`);
    await expect(
      dept
        .locator("section", {
          has: dept.getByRole("heading", { name: "截止时间" }),
        })
        .textContent()
    ).resolves.toContain(`${wanted} 24:00（北京时间）`);
    await gotoHydrated(dept, `${server.url}/self/extension`);
    await expect(dept.locator("tbody").textContent()).resolves.toContain(
      `已批准 延期至 ${wanted}`
    );
    await gotoHydrated(dept, `${server.url}/notifications`);
    await dept
      .locator("li.notification", {
        hasText: `2026年度自查截止时间已延至${wanted}`,
      })
      .waitFor();
    expect([...errors, ...officeErrors]).toEqual([]);
  });

  it("采纳单位自评: the evaluator ticks leaves, confirms the listed ones, and they are recorded", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, evaluator);
    await gotoHydrated(
      page,
      `${server.url}/review/${evaluatedUnitId}?cycle=2026`
    );
    const boxes = page.getByRole("checkbox", { name: /^选择/ });
    const names = [
      (await boxes.nth(0).getAttribute("aria-label"))!.replace(/^选择/, ""),
      (await boxes.nth(1).getAttribute("aria-label"))!.replace(/^选择/, ""),
    ];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page
      .getByRole("button", { name: "采纳单位自评（所选指标）…" })
      .click();
    await page.getByRole("heading", { name: "确认采纳单位自评" }).waitFor();
    await waitForIdle(page);
    const listed = page
      .getByRole("list", { name: "将采纳的指标" })
      .getByRole("listitem");
    await expect(listed.count()).resolves.toBe(2);
    for (const [i, n] of names.entries())
      await expect(listed.nth(i).textContent()).resolves.toContain(n);
    await page.getByRole("button", { name: "确认采纳（2项）" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "已采纳单位自评2项。" })
      .waitFor();
    for (const n of names)
      await expect(
        page.locator("tbody tr", { hasText: n }).textContent()
      ).resolves.not.toContain("未录入");
    expect(errors).toEqual([]);
  });

  it("一页评分: every leaf on one page; Tab moves along a row to its save button, then to the next row; a row saves on its own", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await loginAs(page, server.url, evaluator);
    await gotoHydrated(
      page,
      `${server.url}/review/${evaluatedUnitId}/all?cycle=2026`
    );
    await page.getByRole("heading", { level: 1, name: /一页评分/ }).waitFor();
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(2);
    const firstId = await rows.nth(0).getAttribute("id");
    const secondId = await rows.nth(1).getAttribute("id");
    await rows.nth(0).getByLabel("与自评不一致的理由").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "保存本行"
    );
    expect(
      await page.evaluate(() => document.activeElement?.closest("tr")?.id)
    ).toBe(firstId);
    await page.keyboard.press("Tab");
    expect(
      await page.evaluate(() => document.activeElement?.closest("tr")?.id)
    ).toBe(secondId);
    await rows.nth(0).getByRole("button", { name: /^保存/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "已保存该项。" })
      .waitFor();
    await expect(
      page.locator("tbody tr").nth(0).textContent()
    ).resolves.toContain("已录入");
    expect(errors).toEqual([]);
  });
});
