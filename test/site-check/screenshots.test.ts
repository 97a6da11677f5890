import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as unitPage from "../../app/routes/site-checks.units.$unitId";
import { reloadConfig } from "../../app/config.server";
import { runSiteCheckJobs } from "../../app/services/site-check/monitor-job.server";
import { addColumn, addWebsite } from "../../app/services/site-check/websites.server";
import { saveWindow, windowFormSchema } from "../../app/services/site-check/windows.server";
import { beijingDateTimeLocal } from "../../app/utils/beijing-time";
import { getDb } from "../../db/client";
import { siteCrawls, siteProposals, units, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { CHROMIUM_PATH } from "../helpers/browser";
import { useTempDataDir } from "../helpers/data-dir";
import { cookies, loginAll } from "../helpers/evaluation-actions";
import { createCycle, type FixtureCycle } from "../helpers/evaluation-fixtures";
import { makeRequest, run } from "../helpers/remix";
import { startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// Screenshots of the key pages at the window's end: without Chromium (CHROMIUM_PATH pointing to a
// missing file) the check completes with HTML snapshots only and the report says so; with Chromium
// the report lists a PNG of the home page and each column, content-addressed by its SHA-256.

useTempDataDir();
const db = () => getDb();
let site: SiteFixture;
let c: FixtureCycle;
let unitId = 0;
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const END = T0 + 3_600_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const reportUrl = (query = "") => `/site-checks/units/${unitId}?cycle=${c.year}${query}`;
const report = () => run(unitPage.loader, makeRequest(reportUrl(), { cookie: cookies.admin }), { unitId: String(unitId) });

beforeAll(async () => {
  seedAccounts(db());
  await loginAll(["admin"]);
  site = await startSiteFixture();
  c = createCycle(2042, "evaluating");
  const unit = db().select().from(units).where(eq(units.code, "JD001")).get()!;
  unitId = unit.id;
  const admin = db().select().from(users).where(eq(users.username, "admin")).get()!;
  const actor = { id: admin.id, name: admin.username };
  const websiteId = addWebsite(db(), actor, { unitId, name: "城关街道门户网站", url: site.home });
  addColumn(db(), actor, { websiteId, kind: "通知公告", name: "通知公告", url: `${site.base}/notices/` });
  const form = windowFormSchema.parse({
    startsAt: beijingDateTimeLocal(T0),
    endsAt: beijingDateTimeLocal(END),
    visitsPerDay: "24",
    timeoutSeconds: "10",
    depth: "1",
    pageBudget: "100",
    perHostPerSecond: "20",
    userAgent: "ZWGK-SiteCheck/1.0 (test)",
    replyDays: "90",
    allowPrivate: "on",
    ...Object.fromEntries(["动态要闻", "通知公告", "政策文件", "政策解读", "互动回应", "其他"].map((k) => [`fresh_${k}`, "183"])),
  });
  saveWindow(db(), actor, c.cycleId, form, null);
  await runSiteCheckJobs(db(), new Date(T0 + 60_000));
});
afterAll(async () => {
  delete process.env.CHROMIUM_PATH;
  reloadConfig();
  await site.close();
});

describe("website check screenshots", () => {
  it("with CHROMIUM_PATH pointing to a missing file, completes with HTML snapshots only and says so", async () => {
    process.env.CHROMIUM_PATH = path.join(os.tmpdir(), `no-chromium-${process.pid}`);
    reloadConfig();
    const run1 = await runSiteCheckJobs(db(), new Date(END + 60_000));
    expect(run1.proposals).toBe(db().select().from(siteProposals).all().length);
    expect(run1.proposals).toBeGreaterThan(0);
    expect(db().select().from(siteCrawls).get()!.proposedAt).not.toBeNull();
    const r = await report();
    expect(r.status).toBe(200);
    expect(r.data.report.screenshotsAvailable).toBe(false);
    const s = r.data.report.websites[0];
    expect(s.screenshots).toEqual([]);
    expect(s.snapshots.length).toBeGreaterThan(0);
  });

  it("with Chromium, lists a PNG of the home page and each column whose bytes hash to the SHA-256 shown", async () => {
    process.env.CHROMIUM_PATH = CHROMIUM_PATH;
    reloadConfig();
    await runSiteCheckJobs(db(), new Date(END + 2 * 60_000));
    const r = await report();
    expect(r.data.report.screenshotsAvailable).toBe(true);
    const shots = r.data.report.websites[0].screenshots as { id: number; url: string; outcome: string; sha256: string }[];
    expect(shots.map((o) => [o.url, o.outcome])).toEqual([
      [site.home, "HTTP 200"],
      [`${site.base}/notices/`, "HTTP 200"],
    ]);
    for (const shot of shots) {
      const response = (await unitPage.loader({
        request: makeRequest(reportUrl(`&screenshot=${shot.id}`), { cookie: cookies.admin }),
        params: { unitId: String(unitId) },
        context: { clientIp: "127.0.0.1" },
      })) as Response;
      expect(response.headers.get("Content-Type")).toBe("image/png");
      expect(response.headers.get("Content-Disposition")).toContain("attachment");
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(shot.sha256);
    }
    // Taken once: a later run adds none.
    await runSiteCheckJobs(db(), new Date(END + 3 * 60_000));
    expect((await report()).data.report.websites[0].screenshots).toHaveLength(2);
  }, 120_000);
});
