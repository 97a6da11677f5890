import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { gotoHydrated, loginAs, useBrowser, useServer } from "../helpers/browser";

// Layout at the widths people use: an office desktop (1366×768) and a leader's phone (390 px, 政务微信/钉钉).
// Pages never scroll sideways; a wide table scrolls inside its own box; headers, grades and
// category names are never broken mid-word; the self-inspection event table shows every column.

const server = useServer();
const browser = useBrowser();

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** How far the page scrolls sideways (0 when it fits). */
const pageOverflow = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - innerWidth);

interface TableFit {
  caption: string;
  /** The table is wider than the box it sits in. */
  overflows: boolean;
  /** Its box scrolls sideways (overflow-x auto/scroll) so nothing is cut off. */
  boxScrolls: boolean;
  /** Texts that break over more than one line, by selector. */
  broken: string[];
}

/** Every visible table of the page: whether it fits, and which header / grade / category cells wrap. */
function tableFits(page: Page, oneLine: string): Promise<TableFit[]> {
  return page.evaluate((oneLineSelector) => {
    const lines = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    };
    return Array.from(document.querySelectorAll("main table"))
      .filter((t) => (t as HTMLElement).offsetParent !== null)
      .map((t) => {
        let box = t.parentElement!;
        while (box !== document.body && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) box = box.parentElement!;
        return {
          caption: (t.querySelector("caption")?.textContent ?? t.querySelector("th")?.textContent ?? "").trim().slice(0, 30),
          overflows: t.getBoundingClientRect().width > (box === document.body ? innerWidth : box.clientWidth) + 1,
          boxScrolls: box !== document.body,
          broken: Array.from(t.querySelectorAll(oneLineSelector))
            .filter((el) => lines(el) > 1)
            .map((el) => (el.textContent ?? "").trim()),
        };
      });
  }, oneLine);
}

/** The first unit's score card link on the ranking page of 2025. */
async function scoreCardUrl(page: Page): Promise<string> {
  await page.goto(`${server.url}/results?cycle=2025`);
  return server.url + (await page.locator("main table tbody a").first().getAttribute("href"))!;
}

const ONE_LINE = "th, td.num, .badge, td.nowrap";

describe("at 1366×768", () => {
  it("the ranking and the score card fit: headers on one line, grades and categories unbroken, no sideways scrolling", async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await loginAs(page, server.url, "leader");
    const card = await scoreCardUrl(page);
    for (const url of [`${server.url}/results?cycle=2025`, card]) {
      await page.goto(url);
      expect(await pageOverflow(page), url).toBe(0);
      const tables = await tableFits(page, ONE_LINE);
      expect(tables.length, url).toBeGreaterThan(0);
      for (const t of tables) {
        expect(t.broken, `${url} ${t.caption}`).toEqual([]);
        expect(t.overflows, `${url} ${t.caption}`).toBe(false);
      }
    }
    // The dimension names of the ranking are whole words on one line.
    await page.goto(`${server.url}/results?cycle=2025`);
    const heads = await page.locator("main table thead th").allTextContents();
    expect(heads).toEqual(expect.arrayContaining(["排名", "类别内", "等次", "信息公开", "政策解读", "绩效贡献"]));
  });

  it("the self-inspection event table shows every column, 是否按时 and 删除 included, and names the accepted file types once", async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await loginAs(page, server.url, "dept-005");
    await gotoHydrated(page, `${server.url}/self`);
    await Promise.all([page.waitForURL((u) => /^\/self\/\d+$/.test(u.pathname)), page.getByRole("link", { name: /^填报 2\.2 / }).click()]);
    await page.getByRole("columnheader", { name: "是否按时" }).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    const [events] = (await tableFits(page, "th")).filter((t) => t.caption.includes("政策文件"));
    expect(events).toMatchObject({ overflows: false, broken: [] });
    // Both columns lie inside the visible part of the table's box.
    const visible = await page.evaluate(() => {
      const table = document.querySelector("table.event-table")!;
      const box = table.closest(".table-wrap")!.getBoundingClientRect();
      const cells = [table.querySelector("th:nth-last-child(2)")!, table.querySelector("tbody button")!];
      return cells.map((c) => ({ text: c.textContent, inside: c.getBoundingClientRect().right <= box.right + 1 }));
    });
    expect(visible).toEqual([
      { text: "是否按时", inside: true },
      { text: "删除", inside: true },
    ]);

    // The accepted types are stated once, by the uploader, and are what its file input accepts.
    const main = (await page.locator("main").textContent())!;
    expect(main.split("可上传的文件类型：").length - 1).toBe(1);
    expect(main).not.toContain("接受：");
    const hint = (await page.locator(".evidence-uploader .field .muted").textContent())!;
    const accept = (await page.locator(".evidence-uploader input[type=file]").getAttribute("accept"))!.split(",");
    const stated = hint.match(/（([^）]+)）/g)!.flatMap((m) => m.slice(1, -1).split("/"));
    expect(stated.sort()).toEqual([...accept].sort());
    expect(accept.length).toBeGreaterThan(0);
  });
});

describe("on a 390 px phone", () => {
  it("dashboard, ranking and score card fit the screen; wide tables scroll inside their own box; charts are whole", async () => {
    const page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await loginAs(page, server.url, "leader");
    const card = await scoreCardUrl(page);
    for (const url of [`${server.url}/dashboard`, `${server.url}/results?cycle=2025`, card]) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      expect(await pageOverflow(page), url).toBe(0);
      for (const t of await tableFits(page, ".badge")) {
        if (t.overflows) expect(t.boxScrolls, `${url} ${t.caption}`).toBe(true);
        expect(t.broken, `${url} ${t.caption}`).toEqual([]);
      }
    }
    // Every chart of the dashboard lies within its card: no axis cut off.
    await page.goto(`${server.url}/dashboard`);
    await page.locator(".chart svg.recharts-surface").first().waitFor();
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".chart-figure")).map((fig) => {
        const f = fig.getBoundingClientRect();
        const svg = fig.querySelector("svg.recharts-surface");
        const s = svg?.getBoundingClientRect();
        return { id: fig.getAttribute("data-testid"), fits: !!s && s.left >= f.left - 1 && s.right <= f.right + 1, width: s ? Math.round(s.width) : 0 };
      }),
    );
    expect(charts.length).toBeGreaterThan(3);
    for (const c of charts) {
      expect(c.fits, c.id!).toBe(true);
      expect(c.width, c.id!).toBeGreaterThan(250);
    }
    // Charts are laid out for the phone, not shrunk: every axis label is drawn at a readable size.
    const labelHeights = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".chart .recharts-cartesian-axis-tick-value, .chart .recharts-polar-angle-axis-tick-value")).map((t) => ({
        text: t.textContent ?? "",
        height: Math.round(t.getBoundingClientRect().height * 10) / 10,
      })),
    );
    expect(labelHeights.length).toBeGreaterThan(20);
    for (const l of labelHeights) expect(l.height, l.text).toBeGreaterThanOrEqual(10);
    const scales = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".chart svg.recharts-surface")).map((svg) => svg.getBoundingClientRect().width / Number(svg.getAttribute("width"))),
    );
    for (const scale of scales) expect(scale).toBeCloseTo(1, 2);
  });

  it("leaders see plain names for the downloads, never format codes", async () => {
    const page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await loginAs(page, server.url, "leader");
    await page.goto(`${server.url}/results?cycle=2025`);
    const links = await page.getByRole("navigation", { name: "下载" }).getByRole("link").allTextContents();
    expect(links.length).toBeGreaterThan(3);
    for (const l of links) expect(l).not.toMatch(/zwgk|[a-z]+-[a-z]+\/\d/);
  });
});

