import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoreCycle } from "../../app/services/cycle-package.server";
import { runSiteCheckJobs, windowProgress } from "../../app/services/site-check/monitor-job.server";
import { confirmProposal, dismissProposal, listProposals } from "../../app/services/site-check/proposals.server";
import { readSnapshot } from "../../app/services/site-check/snapshots.server";
import { addColumn, addWebsite } from "../../app/services/site-check/websites.server";
import { saveWindow, windowFormSchema, windowOf } from "../../app/services/site-check/windows.server";
import { createBatch } from "../../app/services/spot-checks.server";
import type { SessionUser } from "../../app/utils/auth.server";
import { beijingDateTimeLocal } from "../../app/utils/beijing-time";
import { closeDb, getDb } from "../../db/client";
import { auditLog, evidenceLinks, findings, siteCrawls, siteObservations, siteProposals, spotCheckUnits, units, users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { assign, cookies, enterAll, loginAll } from "../helpers/evaluation-actions";
import { makeRequest, run } from "../helpers/remix";
import { pdfText } from "../helpers/pdf-text";
import * as sitePage from "../../app/routes/site-checks._index";
import * as unitPage from "../../app/routes/site-checks.units.$unitId";
import { createCycle, type FixtureCycle } from "../helpers/evaluation-fixtures";
import { startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// The monitoring job over a fixture website on loopback: visits per slot (a restart never counts
// one twice), one crawl, proposals at the window's end; the guard with the allowance off; and a
// confirmed proposal changing the unit's score with its evidence named.

useTempDataDir();
const db = () => getDb();
let site: SiteFixture;
let c: FixtureCycle;
let unit: { unitId: number; code: string; inspector: SessionUser };
let office: SessionUser;
let outsider: SessionUser;
// The window starts ten minutes ago (the fixture's dates count back from today).
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;

const sessionUser = (username: string): SessionUser => {
  const u = db().select().from(users).where(eq(users.username, username)).get()!;
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, unitName: null, orgId: null, orgName: null, sessionId: "test" };
};
const actor = (u: SessionUser) => ({ id: u.id, name: u.username });

function windowForm(extra: Record<string, string> = {}) {
  const parsed = windowFormSchema.safeParse({
    startsAt: beijingDateTimeLocal(T0),
    endsAt: beijingDateTimeLocal(T0 + 24 * 3_600_000),
    visitsPerDay: "4",
    timeoutSeconds: "2",
    depth: "1",
    pageBudget: "100",
    perHostPerSecond: "20",
    userAgent: "ZWGK-SiteCheck/1.0 (test)",
    replyDays: "90",
    batchId: "",
    fresh_动态要闻: "14",
    fresh_通知公告: "183",
    fresh_政策文件: "183",
    fresh_政策解读: "183",
    fresh_互动回应: "183",
    fresh_其他: "183",
    "node_column-stale": "1.2",
    "fault_column-stale": "late",
    ...extra,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data;
}

const visitCount = () => db().select().from(siteObservations).where(isNotNull(siteObservations.slot)).all().length;
const observationCount = () => db().select().from(siteObservations).all().length;

beforeAll(async () => {
  seedAccounts(db());
  await loginAll(["admin", "eval-001", "eval-002", "eval-003", "eval-004", "dept-001"]);
  site = await startSiteFixture({ failingHomeRequests: [3] });
  c = createCycle(2042, "evaluating", { submittedUnitCodes: DEMO_UNITS.map((u) => u.code) });
  office = sessionUser("admin");
  createBatch(db(), actor(office), c.cycleId, { seed: "2042-网站检查", size: "1", categoryId: null, nodeCodes: [] });
  const drawn = db().select().from(spotCheckUnits).all();
  const jd = drawn.find((d) => db().select().from(units).where(eq(units.id, d.unitId)).get()!.code.startsWith("JD"))!;
  const code = db().select().from(units).where(eq(units.id, jd.unitId)).get()!.code;
  const inspector = db().select().from(users).where(eq(users.id, jd.inspectorId)).get()!;
  unit = { unitId: jd.unitId, code, inspector: sessionUser(inspector.username) };
  outsider = sessionUser(["eval-001", "eval-002", "eval-003", "eval-004"].find((e) => !drawn.some((d) => d.inspectorId === sessionUser(e).id))!);
  const websiteId = addWebsite(db(), actor(office), { unitId: unit.unitId, name: "城关街道门户网站", url: site.home });
  for (const [kind, path] of [
    ["通知公告", "/notices/"],
    ["政策文件", "/policies/"],
    ["互动回应", "/messages/"],
  ] as const) {
    addColumn(db(), actor(office), { websiteId, kind, name: kind, url: `${site.base}${path}` });
  }
});
afterAll(() => site.close());

describe("website monitoring job", () => {
  it("with the allowance off, refuses the loopback site: nothing fetched, the refusal shown in the progress", async () => {
    saveWindow(db(), actor(office), c.cycleId, windowForm(), null);
    const run = await runSiteCheckJobs(db(), at(MIN));
    expect(run).toEqual({ visits: 0, crawls: 0, proposals: 0 });
    expect(site.homeRequests()).toBe(0);
    const progress = windowProgress(db(), windowOf(db(), c.cycleId)!, at(MIN));
    expect(progress.refused).toHaveLength(1);
    expect(progress.refused[0].reason).toContain("拒绝访问内网、本机或保留地址 127.0.0.1");
  });

  it("visits once per slot and crawls once; a restart mid-window resumes without double counting", async () => {
    const w = windowOf(db(), c.cycleId)!;
    saveWindow(db(), actor(office), c.cycleId, windowForm({ allowPrivate: "on", batchId: "" }), w.version);
    expect(await runSiteCheckJobs(db(), at(MIN))).toEqual({ visits: 1, crawls: 1, proposals: 0 });
    const afterFirst = observationCount();
    expect(await runSiteCheckJobs(db(), at(30 * MIN))).toEqual({ visits: 0, crawls: 0, proposals: 0 });
    // The server restarts (the database is closed and opened again) within the same slot.
    closeDb();
    expect(await runSiteCheckJobs(getDb(), at(31 * MIN))).toEqual({ visits: 0, crawls: 0, proposals: 0 });
    expect(visitCount()).toBe(1);
    expect(observationCount()).toBe(afterFirst);
    // The next slot (6 hours later) gets its visit; slots missed while down are not made up.
    expect(await runSiteCheckJobs(db(), at(6 * HOUR + MIN))).toEqual({ visits: 1, crawls: 0, proposals: 0 });
    expect(await runSiteCheckJobs(db(), at(18 * HOUR + 5 * MIN))).toEqual({ visits: 1, crawls: 0, proposals: 0 });
    expect(visitCount()).toBe(3);
    const progress = windowProgress(db(), windowOf(db(), c.cycleId)!, at(18 * HOUR + 6 * MIN));
    expect(progress).toMatchObject({ state: "running", websites: 1, refused: [], plannedVisits: 4, visitsDone: 3, crawlsDone: 1, proposed: 0 });
    // Evidence: each crawled page with its time, status and a stored HTML snapshot.
    const notices = db().select().from(siteObservations).where(and(eq(siteObservations.role, "column"), eq(siteObservations.url, `${site.base}/notices/`))).get()!;
    expect(notices.status).toBe(200);
    expect(readSnapshot(notices.snapshotSha!)!.toString("utf8")).toContain("关于开展安全检查的通知");
  });

  it("at the window's end proposes the conditions once", async () => {
    const run = await runSiteCheckJobs(db(), at(24 * HOUR + MIN));
    expect(run.visits).toBe(0);
    const proposals = db().select().from(siteProposals).all();
    expect(run.proposals).toBe(proposals.length);
    // Visits: 200, 503 (the fixture's third home request), 200 → 1 of 3 failed.
    expect(proposals.map((p) => p.code)).toEqual(["unreachable", "column-stale", "column-empty", "unanswered", "unanswered", "broken-link", "broken-link", "broken-link"]);
    expect(proposals[0].message).toBe("首页在3次访问中有1次无法访问（33.33%），达到5%的“站点无法访问”标准");
    expect(await runSiteCheckJobs(db(), at(25 * HOUR))).toEqual({ visits: 0, crawls: 0, proposals: 0 });
    expect(db().select().from(siteCrawls).get()!.proposedAt).not.toBeNull();
  });
});

describe("deciding proposals", () => {
  const stale = () => db().select().from(siteProposals).where(eq(siteProposals.code, "column-stale")).get()!;

  it("shows them to the office and the unit's drawn inspector only", () => {
    expect(listProposals(db(), office, c.cycleId)).toHaveLength(8);
    // Without a spot-check batch on the window, no inspector sees them.
    expect(listProposals(db(), unit.inspector, c.cycleId)).toEqual([]);
    const w = windowOf(db(), c.cycleId)!;
    saveWindow(db(), actor(office), c.cycleId, windowForm({ allowPrivate: "on", batchId: String(w.batchId ?? db().select().from(spotCheckUnits).get()!.batchId) }), w.version);
    expect(listProposals(db(), unit.inspector, c.cycleId)).toHaveLength(8);
    expect(listProposals(db(), outsider, c.cycleId)).toEqual([]);
    expect(() => confirmProposal(db(), actor(outsider), outsider, stale().id)).toThrow("只有抽中该单位的检查人员或政务公开办可以处理网站检查发现");
  });

  it("refuses to confirm a condition the office has not mapped to an indicator", () => {
    const empty = db().select().from(siteProposals).where(eq(siteProposals.code, "column-empty")).get()!;
    expect(() => confirmProposal(db(), actor(unit.inspector), unit.inspector, empty.id)).toThrow("政务公开办尚未把“空白栏目或未标注时间”对应到指标和扣分项，暂不能确认");
    expect(db().select().from(findings).all()).toEqual([]);
  });

  it("confirming makes a spot-check finding with the evidence attached; the unit's score drops with it in the explanation", async () => {
    await assign(c, unit.code, "eval-001");
    await enterAll("eval-001", unit.code, c);
    const before = scoreCycle(db(), c.cycleId).results.units.find((u) => u.id === unit.code)!.leaves["1.2"];

    const findingId = confirmProposal(db(), actor(unit.inspector), unit.inspector, stale().id);
    const finding = db().select().from(findings).where(eq(findings.id, findingId)).get()!;
    const observation = db().select().from(siteObservations).where(eq(siteObservations.id, stale().observationId!)).get()!;
    expect(finding).toMatchObject({ unitId: unit.unitId, kind: "fault", faultCode: "late", count: 1, inspectorId: unit.inspector.id });
    expect(finding.description).toContain("网站检查：栏目“通知公告”最新信息日期为");
    expect(finding.description).toContain(`证据：${site.base}/notices/，`);
    expect(finding.description).toContain(`HTTP 200，HTML快照 SHA-256 ${observation.snapshotSha}`);
    expect(db().select().from(evidenceLinks).where(eq(evidenceLinks.findingId, findingId)).get()).toMatchObject({ url: `${site.base}/notices/`, unitId: unit.unitId });
    expect(stale()).toMatchObject({ status: "confirmed", findingId, decidedBy: unit.inspector.id });

    const after = scoreCycle(db(), c.cycleId).results.units.find((u) => u.id === unit.code)!.leaves["1.2"];
    expect(Number(after.score)).toBe(Number(before.score) - 2);
    expect(after.explain).toContain(`更新不及时×1，扣2分（来源：抽查发现#${findingId}）`);
    expect(() => confirmProposal(db(), actor(unit.inspector), unit.inspector, stale().id)).toThrow("该检查发现已处理");
  });

  it("dismissing records the reason and changes no score", () => {
    const broken = db().select().from(siteProposals).where(eq(siteProposals.code, "broken-link")).all()[2];
    const findingsBefore = db().select().from(findings).all().length;
    dismissProposal(db(), actor(unit.inspector), unit.inspector, broken.id, "外部链接由上级网站维护，不属于本单位");
    expect(db().select().from(siteProposals).where(eq(siteProposals.id, broken.id)).get()).toMatchObject({ status: "dismissed", reason: "外部链接由上级网站维护，不属于本单位" });
    expect(db().select().from(findings).all().length).toBe(findingsBefore);
    expect(db().select().from(auditLog).where(eq(auditLog.action, "sitecheck.proposal.dismiss")).all()).toHaveLength(1);
  });
});

describe("网站检查 pages", () => {
  const get = (user: string) => run(sitePage.loader, makeRequest(`/site-checks?cycle=${c.year}`, { cookie: cookies[user] }));
  const post = (user: string, form: Record<string, string>) => run(sitePage.action, makeRequest(`/site-checks?cycle=${c.year}`, { cookie: cookies[user], form }));
  const report = (user: string, query = "") =>
    run(unitPage.loader, makeRequest(`/site-checks/units/${unit.unitId}?cycle=${c.year}${query}`, { cookie: cookies[user] }), { unitId: String(unit.unitId) });

  it("shows the office the progress and every proposal; an inspector only their units'; a department is refused", async () => {
    const office = await get("admin");
    expect(office.status).toBe(200);
    expect(office.data.page.progress).toMatchObject({ state: "running", visitsDone: 3, crawlsDone: 1, proposed: 8 });
    expect(office.data.page.proposals).toHaveLength(8);
    expect((await get(unit.inspector.username)).data.page.proposals).toHaveLength(8);
    expect((await get(outsider.username)).data.page.proposals).toEqual([]);
    expect((await get("dept-001")).status).toBe(403);
    expect((await post(outsider.username, { intent: "window" })).status).toBe(403);
  });

  it("refuses a website address that is not http(s), and a dismissal without a reason", async () => {
    const bad = await post("admin", { intent: "website", unitId: String(unit.unitId), name: "错误网站", url: "ftp://example.gov.cn/" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors.url).toContain("只能检查 http 或 https 网址");
    const open = db().select().from(siteProposals).where(eq(siteProposals.status, "proposed")).all()[0];
    const noReason = await post(unit.inspector.username, { intent: "dismiss", proposalId: String(open.id), reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors.reason).toBe("请填写不予采纳的理由");
    expect(db().select().from(siteProposals).where(eq(siteProposals.id, open.id)).get()!.status).toBe("proposed");
  });

  it("the office maps broken links to a fault in the settings form; the inspector confirms one on the page", async () => {
    const w = windowOf(db(), c.cycleId)!;
    const form: Record<string, string> = { intent: "window", cycleId: String(c.cycleId), version: String(w.version), allowPrivate: "on", batchId: String(w.batchId) };
    const settings = windowForm();
    Object.assign(form, {
      startsAt: beijingDateTimeLocal(T0),
      endsAt: beijingDateTimeLocal(T0 + 24 * HOUR),
      visitsPerDay: "4",
      timeoutSeconds: "2",
      depth: "1",
      pageBudget: "100",
      perHostPerSecond: "20",
      userAgent: settings.userAgent,
      replyDays: "90",
      "node_column-stale": "1.2",
      "fault_column-stale": "late",
      "node_broken-link": "1.2",
      "fault_broken-link": "error",
    });
    for (const [k, v] of Object.entries(settings.freshnessDays)) form[`fresh_${k}`] = String(v);
    const saved = await post("admin", form);
    expect(saved.data).toMatchObject({ ok: true, notice: "监测设置已保存。" });
    const broken = db().select().from(siteProposals).where(and(eq(siteProposals.code, "broken-link"), eq(siteProposals.status, "proposed"))).all()[0];
    const confirmed = await post(unit.inspector.username, { intent: "confirm", proposalId: String(broken.id) });
    expect(confirmed.data).toMatchObject({ ok: true, notice: "已确认，检查发现已转为抽查发现。" });
    const finding = db().select().from(findings).where(eq(findings.id, db().select().from(siteProposals).where(eq(siteProposals.id, broken.id)).get()!.findingId!)).get()!;
    expect(finding).toMatchObject({ faultCode: "error", count: 1 });
    expect(finding.description).toContain(`站内链接不可用（HTTP 404），所在页面：${site.home}`);
  });

  it("shows the unit's report to the office and its inspector (not to others), with snapshots to download as plain text", async () => {
    expect((await report(outsider.username)).status).toBe(403);
    expect((await report("dept-001")).status).toBe(403);
    const r = await report(unit.inspector.username);
    expect(r.status).toBe(200);
    const s = r.data.report.websites[0];
    expect(s.availability).toEqual({ visits: 3, failures: 1, failureShare: 1 / 3 });
    expect(s.columns.map((col: { kind: string; empty: boolean }) => [col.kind, col.empty])).toEqual([
      ["通知公告", false],
      ["政策文件", true],
      ["互动回应", false],
    ]);
    expect(s.brokenInternal.map((l: { url: string; statusText: string }) => [l.url, l.statusText])).toEqual([
      [`${site.base}/missing.html`, "HTTP 404"],
      [`${site.base}/news/deep-missing.html`, "HTTP 404"],
    ]);
    expect(s.brokenExternal.map((l: { url: string }) => l.url)).toEqual([site.external]);
    expect(r.data.report.proposals.map((p: { status: string }) => p.status).sort()).toEqual(["confirmed", "confirmed", "dismissed", "proposed", "proposed", "proposed", "proposed", "proposed"]);
    const notices = s.snapshots.find((o: { url: string }) => o.url === `${site.base}/notices/`);
    const file = await report("admin", `&snapshot=${notices.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(file.headers.get("Content-Disposition")).toContain("attachment");
    expect(file.data).toContain("关于开展安全检查的通知");
    expect((await report(outsider.username, `&snapshot=${notices.id}`)).status).toBe(403);
  });

  it("gives the unit's report as PDF with the same content", async () => {
    const res = (await unitPage.loader({ request: makeRequest(`/site-checks/units/${unit.unitId}?cycle=${c.year}&format=pdf`, { cookie: cookies.admin }), params: { unitId: String(unit.unitId) }, context: {} })) as Response;
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/\s+/g, "");
    expect(text).toContain("网站检查报告");
    expect(text).toContain("访问3次，失败1次（33.33%）");
    expect(text).toContain("栏目不更新");
    expect(text).toContain("外部链接由上级网站维护，不属于本单位");
    expect((await report(outsider.username, "&format=pdf")).status).toBe(403);
  });
});
