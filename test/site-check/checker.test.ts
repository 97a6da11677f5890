import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteCheckRefused } from "../../app/services/site-check/address-guard.server";
import { DEFAULT_SETTINGS, guardPlan, runCheck, siteCheckUserAgent, type CheckSettings, type Observation } from "../../app/services/site-check/checker.server";
import { fetchPage, HostPacer } from "../../app/services/site-check/http-fetch.server";
import { daysAgo, startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// The checker against a fixture government website on loopback (the allowance for private
// addresses on): what it reports is what the fixture was built to show.

let site: SiteFixture;
const settings: CheckSettings = { ...DEFAULT_SETTINGS, timeoutMs: 1000, perHostPerSecond: 100, userAgent: siteCheckUserAgent("明湖区政务公开办"), allowPrivate: true };

beforeAll(async () => {
  // Visit 2 of the home page answers after 3 s: no answer within the timeout; visit 4 answers 503.
  site = await startSiteFixture({ slowHomeRequests: { requests: [2], delayMs: 3000 }, failingHomeRequests: [4] });
});
afterAll(() => site.close());

describe("website checker", () => {
  it("reports availability, freshness, empty columns, broken links and late messages as the fixture shows them", async () => {
    const observations: Observation[] = [];
    const columns = [
      { kind: "动态要闻" as const, url: `${site.base}/news/`, freshnessDays: 14 },
      { kind: "通知公告" as const, url: `${site.base}/notices/`, freshnessDays: 183 },
      { kind: "政策文件" as const, url: `${site.base}/policies/`, freshnessDays: 183 },
      { kind: "政策解读" as const, url: `${site.base}/interpretations/`, freshnessDays: 183 },
      { kind: "互动回应" as const, url: `${site.base}/messages/`, freshnessDays: 183 },
    ];
    const report = await runCheck({ url: site.home, columns, visits: 5, intervalMs: 0, settings, observe: (o) => observations.push(o) });

    expect(report.url).toBe(site.home);
    expect(report.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(report.availability).toEqual({ visits: 5, failures: 2, failureShare: 0.4 });
    expect(report.columns).toEqual([
      { url: `${site.base}/news/`, kind: "动态要闻", newest: daysAgo(3).iso, ageDays: 3, empty: false },
      { url: `${site.base}/notices/`, kind: "通知公告", newest: daysAgo(200).iso, ageDays: 200, empty: false },
      { url: `${site.base}/policies/`, kind: "政策文件", newest: null, ageDays: null, empty: true },
      { url: `${site.base}/interpretations/`, kind: "政策解读", newest: null, ageDays: null, empty: true },
      { url: `${site.base}/messages/`, kind: "互动回应", newest: daysAgo(10).iso, ageDays: 10, empty: false },
    ]);
    expect(report.brokenLinks).toEqual([
      { url: `${site.base}/missing.html`, status: 404, from: site.home },
      { url: `${site.base}/news/deep-missing.html`, status: 404, from: `${site.base}/news/1.html` },
      { url: site.external, status: 404, from: site.home },
    ]);
    expect(report.conditions.map((c) => [c.code, c.url])).toEqual([
      ["unreachable", site.home],
      ["column-stale", `${site.base}/notices/`],
      ["column-empty", `${site.base}/policies/`],
      ["column-empty", `${site.base}/interpretations/`],
      ["unanswered", `${site.base}/messages/`],
      ["unanswered", `${site.base}/messages/`],
      ["broken-link", `${site.base}/missing.html`],
      ["broken-link", `${site.base}/news/deep-missing.html`],
      ["broken-link", site.external],
    ]);
    const messages = report.conditions.map((c) => c.message);
    expect(messages[0]).toBe("首页在5次访问中有2次无法访问（40.00%），达到5%的“站点无法访问”标准");
    expect(messages[1]).toBe(`栏目“通知公告”最新信息日期为${daysAgo(200).iso}，已200天未更新（超过183天）`);
    expect(messages[2]).toBe("栏目“政策文件”为空白栏目（没有信息条目）");
    expect(messages[3]).toBe("栏目“政策解读”的2条信息均未标注时间");
    expect(messages[4]).toContain(`留言（${daysAgo(200).iso}）于${daysAgo(100).iso}才回复，超过90天：反映小区停车难`);
    expect(messages[5]).toContain(`留言（${daysAgo(120).iso}）超过90天未回复：建议增设公交站点`);
    expect(messages[6]).toBe(`站内链接不可用（HTTP 404），所在页面：${site.home}`);
    expect(messages[8]).toBe(`外部链接不可用（HTTP 404），所在页面：${site.home}`);

    // Evidence: every visit with its outcome; pages read for content keep their HTML.
    const visits = observations.filter((o) => o.role === "visit");
    expect(visits.map((v) => v.status ?? v.error)).toEqual([200, "timeout", 200, 503, 200]);
    const notices = observations.find((o) => o.role === "column" && o.url === `${site.base}/notices/`)!;
    expect(notices.status).toBe(200);
    expect(notices.snapshot!.toString("utf8")).toContain("关于开展安全检查的通知");
    expect(site.lastUserAgent()).toBe(settings.userAgent);
    expect(decodeURIComponent(settings.userAgent)).toContain("政务公开绩效考核平台; office=明湖区政务公开办");
  });

  it("stays within the page budget", async () => {
    const before = site.homeRequests();
    const report = await runCheck({ url: site.home, columns: [], visits: 1, intervalMs: 0, settings: { ...settings, pageBudget: 3 } });
    expect(site.homeRequests() - before).toBe(2); // one visit, then the crawl's home page
    // The budget (home page + 2 links) ends the crawl before /missing.html is reached.
    expect(report.brokenLinks).toEqual([]);
  });

  it("finds a stale home page", async () => {
    const stale = await startSiteFixture();
    try {
      const report = await runCheck({ url: `${stale.base}/notices/`, columns: [], visits: 1, intervalMs: 0, settings });
      expect(report.conditions[0]).toEqual({ code: "home-stale", url: `${stale.base}/notices/`, message: `首页最新信息日期为${daysAgo(200).iso}，已200天未更新（超过14天）` });
    } finally {
      await stale.close();
    }
  });
});

describe("per-host pace", () => {
  it("a request waiting for its host's pace is not counted as a timeout", async () => {
    // One request a second to the host and a 500 ms timeout: the second waits about a second before it is sent.
    const pacer = new HostPacer(1);
    const slowPaced = { ...settings, timeoutMs: 500 };
    const [first, second] = await Promise.all([fetchPage(`${site.base}/news/`, slowPaced, pacer), fetchPage(`${site.base}/notices/`, slowPaced, pacer)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.error, second.error]).toEqual([null, null]);
  });
});

describe("address guard", () => {
  it("refuses a private or loopback address when the allowance is off, before anything is fetched", () => {
    const before = site.homeRequests();
    expect(() => guardPlan(site.home, [], false)).toThrow(SiteCheckRefused);
    expect(() => guardPlan("http://10.0.0.8/", [], false)).toThrow(/拒绝访问内网、本机或保留地址 10\.0\.0\.8/);
    expect(() => guardPlan("http://169.254.169.254/latest/", [], false)).toThrow(/169\.254\.169\.254（linkLocal）/);
    expect(() => guardPlan("http://[::1]/", [], false)).toThrow(/拒绝访问/);
    expect(() => guardPlan("ftp://example.gov.cn/", [], false)).toThrow("只能检查 http 或 https 网址");
    expect(() => guardPlan("http://example.gov.cn/", [{ url: "file:///etc/passwd" }], false)).toThrow("只能检查 http 或 https 网址");
    expect(site.homeRequests()).toBe(before);
  });

  it("refuses a host name that resolves to a loopback address", async () => {
    const before = site.homeRequests();
    const port = new URL(site.home).port;
    const o = await fetchPage(`http://localhost:${port}/`, { ...settings, allowPrivate: false }, new HostPacer(100));
    expect(o.error).toBe("address-refused");
    expect(o.status).toBeNull();
    expect(site.homeRequests()).toBe(before);
  });
});
