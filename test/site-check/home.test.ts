import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as home from "../../app/routes/_index";
import { dismissProposal } from "../../app/services/site-check/proposals.server";
import type { SessionUser } from "../../app/utils/auth.server";
import { runSiteCheckJobs } from "../../app/services/site-check/monitor-job.server";
import { addColumn, addWebsite } from "../../app/services/site-check/websites.server";
import { saveWindow, windowFormSchema } from "../../app/services/site-check/windows.server";
import { beijingDateTimeLocal } from "../../app/utils/beijing-time";
import { getDb } from "../../db/client";
import { siteProposals, units, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { useTempDataDir } from "../helpers/data-dir";
import { cookies, loginAll } from "../helpers/evaluation-actions";
import { createCycle, type FixtureCycle } from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";
import { startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// The office's home (首页) shows how far the cycle's website checks have come and how many of their
// proposed findings still wait for a decision, each linking to the 网站检查 page.

useTempDataDir();
const db = () => getDb();
let site: SiteFixture;
let c: FixtureCycle;
let unitName = "";
// The window starts ten minutes ago and lasts a day: 4 visits a day → 4 planned visits.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const MIN = 60_000;

const homeData = async () => {
  const r = await run(home.loader, makeRequest("/", { cookie: cookies.admin }));
  expect(r.status).toBe(200);
  return r.data.office as { siteCheck: { text: string; href: string } | null; todos: { key: string; count: number; href: string; names: string[] }[] };
};

beforeAll(async () => {
  seedAccounts(db());
  await loginAll(["admin"]);
  site = await startSiteFixture();
  c = createCycle(2042, "evaluating");
  const unit = db().select().from(units).where(eq(units.code, "JD001")).get()!;
  unitName = unit.name;
  const admin = db().select().from(users).where(eq(users.username, "admin")).get()!;
  const websiteId = addWebsite(db(), { id: admin.id, name: admin.username }, { unitId: unit.id, name: "城关街道门户网站", url: site.home });
  addColumn(db(), { id: admin.id, name: admin.username }, { websiteId, kind: "通知公告", name: "通知公告", url: `${site.base}/notices/` });
});
afterAll(() => site.close());

describe("office home: website checks", () => {
  it("without a monitoring window shows neither the progress nor the to-do", async () => {
    const h = await homeData();
    expect(h.siteCheck).toBeNull();
    expect(h.todos.map((t) => t.key)).not.toContain("siteCheckProposals");
  });

  it("shows the window's visits so far and the proposals waiting for a decision, with links", async () => {
    const admin = db().select().from(users).where(eq(users.username, "admin")).get()!;
    const form = windowFormSchema.parse({
      startsAt: beijingDateTimeLocal(T0),
      endsAt: beijingDateTimeLocal(T0 + 24 * 3_600_000),
      visitsPerDay: "4",
      timeoutSeconds: "2",
      depth: "1",
      pageBudget: "100",
      perHostPerSecond: "20",
      userAgent: "ZWGK-SiteCheck/1.0 (test)",
      replyDays: "90",
      allowPrivate: "on",
      ...Object.fromEntries(["动态要闻", "通知公告", "政策文件", "政策解读", "互动回应", "其他"].map((k) => [`fresh_${k}`, "183"])),
    });
    saveWindow(db(), { id: admin.id, name: admin.username }, c.cycleId, form, null);
    let h = await homeData();
    expect(h.siteCheck).toEqual({ text: "网站检查：监测中 0/4 次访问", href: "/site-checks?cycle=2042" });
    expect(h.todos.find((t) => t.key === "siteCheckProposals")).toEqual({
      key: "siteCheckProposals",
      label: "待确认的网站检查发现",
      count: 0,
      href: "/site-checks?cycle=2042#proposals-h",
      names: [],
    });

    await runSiteCheckJobs(db(), new Date(T0 + MIN));
    expect((await homeData()).siteCheck!.text).toBe("网站检查：监测中 1/4 次访问");

    // The window's end (as the job sees it): the conditions are proposed.
    await runSiteCheckJobs(db(), new Date(T0 + 24 * 3_600_000 + MIN));
    const proposed = db().select().from(siteProposals).all();
    expect(proposed.length).toBeGreaterThan(0);
    h = await homeData();
    const todo = h.todos.find((t) => t.key === "siteCheckProposals")!;
    expect(todo.count).toBe(proposed.length);
    expect(todo.names).toContain(`${unitName} · 栏目不更新`);

    // Dismissed proposals leave the to-do.
    const user: SessionUser = { id: admin.id, username: admin.username, displayName: admin.displayName, role: admin.role, unitId: null, unitName: null, orgId: null, orgName: null, sessionId: "test" };
    for (const p of proposed) dismissProposal(db(), { id: admin.id, name: admin.username }, user, p.id, "已核实，网站已更新");
    expect((await homeData()).todos.find((t) => t.key === "siteCheckProposals")!.count).toBe(0);
  });
});
