import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/data-dir";
import { daysAgo, startSiteFixture, type SiteFixture } from "../helpers/site-fixture";

// The one-shot check exactly as issue 17 names it:
//   npm run site:check -- --url <home page> [--column <kind>=<url> …] [--visits <n>] [--interval-ms <n>] [--allow-private] --out <report.json>

const exec = promisify(execFile);
let site: SiteFixture;
let work = "";

function siteCheck(...args: string[]) {
  return exec("npm", ["run", "--silent", "site:check", "--", ...args], { cwd: process.cwd(), env: { ...process.env, ISSUING_BODY: "明湖区人民政府办公室" } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  site = await startSiteFixture({ failingHomeRequests: [2] });
  work = makeTempDir("zwgk-site-check-cli-");
});
afterAll(async () => {
  await site.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("npm run site:check", () => {
  it("writes the report in the issue's shape and exits 0 when the check ran", async () => {
    const out = path.join(work, "report.json");
    const r = await siteCheck(
      "--url", site.home,
      "--column", `通知公告=${site.base}/notices/`,
      "--column", `政策文件=${site.base}/policies/`,
      "--column", `互动回应=${site.base}/messages/`,
      "--column", `动态要闻=${site.base}/news/`,
      "--visits", "3", "--interval-ms", "10", "--allow-private", "--out", out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(Object.keys(report)).toEqual(["url", "checkedAt", "availability", "columns", "brokenLinks", "conditions"]);
    expect(report.url).toBe(site.home);
    expect(report.availability).toEqual({ visits: 3, failures: 1, failureShare: 1 / 3 });
    expect(report.columns).toEqual([
      { url: `${site.base}/notices/`, kind: "通知公告", newest: daysAgo(200).iso, ageDays: 200, empty: false },
      { url: `${site.base}/policies/`, kind: "政策文件", newest: null, ageDays: null, empty: true },
      { url: `${site.base}/messages/`, kind: "互动回应", newest: daysAgo(10).iso, ageDays: 10, empty: false },
      { url: `${site.base}/news/`, kind: "动态要闻", newest: daysAgo(3).iso, ageDays: 3, empty: false },
    ]);
    expect(report.brokenLinks).toEqual([
      { url: `${site.base}/missing.html`, status: 404, from: site.home },
      { url: `${site.base}/news/deep-missing.html`, status: 404, from: `${site.base}/news/1.html` },
      { url: site.external, status: 404, from: site.home },
    ]);
    expect(report.conditions.map((c: { code: string }) => c.code)).toEqual([
      "unreachable",
      "column-stale",
      "column-empty",
      "unanswered",
      "unanswered",
      "broken-link",
      "broken-link",
      "broken-link",
    ]);
    for (const c of report.conditions) expect(Object.keys(c)).toEqual(["code", "message", "url"]);
    expect(decodeURIComponent(site.lastUserAgent())).toContain("office=明湖区人民政府办公室");
  });

  it("refuses a loopback address without --allow-private: non-zero, a Chinese message, nothing fetched or written", async () => {
    const out = path.join(work, "refused.json");
    const before = site.homeRequests();
    const r = await siteCheck("--url", site.home, "--out", out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("无法检查：拒绝访问内网、本机或保留地址 127.0.0.1");
    expect(fs.existsSync(out)).toBe(false);
    expect(site.homeRequests()).toBe(before);
  });

  it("refuses a host name resolving to loopback without --allow-private", async () => {
    const out = path.join(work, "refused-name.json");
    const r = await siteCheck("--url", `http://localhost:${new URL(site.home).port}/`, "--out", out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("域名“localhost”解析到的地址不允许访问");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses bad addresses and arguments with a Chinese message", async () => {
    const out = path.join(work, "bad.json");
    const bad = await siteCheck("--url", "www.example.gov.cn", "--out", out);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("网址格式不正确");
    const ftp = await siteCheck("--url", "ftp://example.gov.cn/", "--out", out);
    expect(ftp.stderr).toContain("只能检查 http 或 https 网址");
    const kind = await siteCheck("--url", site.home, "--column", `新闻=${site.base}/news/`, "--allow-private", "--out", out);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain("栏目类型为 动态要闻、通知公告、政策文件、政策解读、互动回应、其他 之一");
    const visits = await siteCheck("--url", site.home, "--visits", "0", "--allow-private", "--out", out);
    expect(visits.stderr).toContain("--visits 须为不小于 1 的整数");
    const noOut = await siteCheck("--url", site.home, "--allow-private");
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toContain("请用 --out 指定报告文件");
    expect(fs.existsSync(out)).toBe(false);
  });
});
