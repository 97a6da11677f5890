import AxeBuilder from "@axe-core/playwright";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { NAVIGATION } from "../../app/navigation";
import { gotoHydrated, loginAs, useBrowser, useServer } from "../helpers/browser";

// The UI shell of issue 2 in a real Chromium over the built app: every control labelled, tables
// with headers, visible keyboard focus, keyboard-only use, sufficient contrast, usable at 1280 px
// and on a tablet, Chinese 404 page, the header naming the user (and the department's unit).

const server = useServer();
const browser = useBrowser();


/** The foundation's pages (office); unit and user detail pages use the first demo rows. */
const OFFICE_PAGES = [
  "/",
  "/account/password",
  "/admin/units",
  "/admin/units/1",
  "/admin/units/import",
  "/admin/categories",
  "/admin/orgs",
  "/admin/users",
  "/admin/users/1",
  "/admin/users/import",
  "/admin/audit",
];

interface Problem {
  page: string;
  what: string;
}

/** Controls without an accessible name, and tables without header cells, on the current page. */
function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const text = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
    const visible = (el: Element) => {
      const s = getComputedStyle(el);
      return s.display !== "none" && s.visibility !== "hidden" && (el as HTMLElement).offsetParent !== null;
    };
    const describe = (el: Element) => `<${el.tagName.toLowerCase()} name="${el.getAttribute("name") ?? ""}" id="${el.id}">`;
    const named = (el: Element) => {
      const aria = el.getAttribute("aria-label");
      if (aria && aria.trim()) return true;
      const by = el.getAttribute("aria-labelledby");
      if (by && by.split(/\s+/).some((id) => text(document.getElementById(id)))) return true;
      if (el.getAttribute("title")?.trim()) return true;
      return false;
    };
    for (const el of Array.from(document.querySelectorAll("input, select, textarea"))) {
      const type = (el.getAttribute("type") ?? "").toLowerCase();
      if (type === "hidden" || !visible(el)) continue;
      if (type === "submit" || type === "button" || type === "reset") {
        if (!(el as HTMLInputElement).value.trim() && !named(el)) problems.push(`button without text ${describe(el)}`);
        continue;
      }
      const labels = Array.from((el as HTMLInputElement).labels ?? []);
      if (!labels.some((l) => text(l)) && !named(el)) problems.push(`control without label ${describe(el)}`);
    }
    for (const el of Array.from(document.querySelectorAll("button, a[href]"))) {
      if (!visible(el)) continue;
      if (!text(el) && !named(el)) problems.push(`${el.tagName.toLowerCase()} without text ${describe(el)}`);
    }
    for (const table of Array.from(document.querySelectorAll("table"))) {
      if (!visible(table)) continue;
      if (table.querySelectorAll("th").length === 0) problems.push(`table without header cells (${text(table).slice(0, 40)}…)`);
    }
    return problems;
  });
}

describe("every control labelled, every table with headers", () => {
  it("the login page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    expect(await unlabelled(page)).toEqual([]);
    // The fields are labelled exactly as issue 2 says.
    expect(await page.getByLabel("用户名", { exact: true }).count()).toBe(1);
    expect(await page.getByLabel("密码", { exact: true }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "登录", exact: true }).count()).toBe(1);
  });

  it("each office page of the foundation", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const problems: Problem[] = [];
    let tables = 0;
    for (const p of OFFICE_PAGES) {
      const res = await page.goto(server.url + p);
      expect(res?.status(), p).toBe(200);
      expect(await page.locator(".error-page").count(), p).toBe(0);
      for (const what of await unlabelled(page)) problems.push({ page: p, what });
      tables += await page.locator("table").count();
      // Every page has one h1 and the landmarks the skip link relies on.
      expect(await page.locator("h1").count(), p).toBe(1);
      expect(await page.locator("main#main").count(), p).toBe(1);
    }
    expect(problems).toEqual([]);
    expect(tables).toBeGreaterThan(0);
  });
});

describe("every navigation page of every role", () => {
  const accounts = { office: "admin", department: "dept-001", evaluator: "eval-001", leader: "leader" } as const;
  it("has every control labelled and every table with header cells", async () => {
    const problems: Problem[] = [];
    for (const [role, username] of Object.entries(accounts) as [keyof typeof accounts, string][]) {
      const page = await browser.newPage();
      await loginAs(page, server.url, username);
      for (const item of NAVIGATION[role]) {
        const res = await page.goto(server.url + item.to);
        expect(res?.status(), `${username} ${item.to}`).toBe(200);
        for (const what of await unlabelled(page)) problems.push({ page: `${username} ${item.to}`, what });
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("keyboard", () => {
  it("signs in with the keyboard alone, with a visible focus outline on each control", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    const focusOutline = () =>
      page.evaluate(() => {
        const s = getComputedStyle(document.activeElement as Element);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
    const focusedLabel = () => page.evaluate(() => (document.activeElement as HTMLInputElement).labels?.[0]?.textContent ?? document.activeElement?.textContent);

    // Tab on until the username field has focus (autofocus may already have put it there).
    for (let i = 0; i < 5 && (await focusedLabel()) !== "用户名"; i++) await page.keyboard.press("Tab");
    expect(await focusedLabel()).toBe("用户名");
    const outline = await focusOutline();
    expect(outline.style).not.toBe("none");
    expect(outline.width).toBeGreaterThanOrEqual(2);
    await page.keyboard.type("admin");
    await page.keyboard.press("Tab");
    expect(await focusedLabel()).toBe("密码");
    expect((await focusOutline()).style).not.toBe("none");
    await page.keyboard.type("Demo#2026");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("登录");
    expect((await focusOutline()).style).not.toBe("none");
    await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.keyboard.press("Enter")]);
    await page.locator(".user-box .user-name").waitFor();

    // On a freshly loaded page the first Tab reaches the skip link, which then becomes visible.
    await page.reload();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("跳到主要内容");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).getBoundingClientRect().left)).toBeGreaterThanOrEqual(0);
    expect((await focusOutline()).style).not.toBe("none");

    // The header navigation is reachable by Tab and follows with Enter.
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === "单位管理";
    }
    expect(reached).toBe(true);
    expect((await focusOutline()).style).not.toBe("none");
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/units"), page.keyboard.press("Enter")]);
    await page.getByRole("heading", { level: 1, name: "单位管理" }).waitFor();
  });
});

describe("contrast", () => {
  it("text, muted text, header links and buttons reach WCAG AA (4.5:1) against their background", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    await page.goto(`${server.url}/admin/units`);
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const background = (el: Element | null): string => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          const parts = rgb(c);
          if (parts.length >= 3 && (parts.length === 3 || parts[3] > 0)) return c;
        }
        return "rgb(255, 255, 255)";
      };
      const ratio = (el: Element) => {
        const a = lum(getComputedStyle(el).color);
        const b = lum(background(el));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      };
      const out: Record<string, number> = {};
      const pick: Record<string, string> = {
        heading: "main h1",
        body: "main td",
        tableHeader: "main th",
        label: "main label",
        navLink: ".main-nav a",
        activeNavLink: ".main-nav a.active",
        userRole: ".user-role",
        button: "main button",
        link: "main td a",
        muted: ".muted",
      };
      for (const [name, selector] of Object.entries(pick)) {
        const el = document.querySelector(selector);
        if (el) out[name] = Math.round(ratio(el) * 100) / 100;
      }
      return out;
    });
    for (const name of ["heading", "body", "tableHeader", "label", "navLink", "activeNavLink", "userRole", "button", "link"]) {
      expect(ratios[name], name).toBeGreaterThanOrEqual(4.5);
    }
    if (ratios.muted !== undefined) expect(ratios.muted).toBeGreaterThanOrEqual(4.5);
  });
});

describe("screen sizes", () => {
  for (const [name, viewport] of [
    ["1280 px desktop", { width: 1280, height: 800 }],
    ["tablet (768 px)", { width: 768, height: 1024 }],
  ] as const) {
    it(`${name}: no page scrolls sideways and the header navigation stays visible`, async () => {
      const page = await browser.newPage({ viewport });
      await loginAs(page, server.url, "admin");
      const overflowing: string[] = [];
      for (const p of OFFICE_PAGES) {
        await page.goto(server.url + p);
        const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        if (scroll > client) overflowing.push(`${p}: ${scroll} > ${client}`);
        expect(await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "单位管理", exact: true }).isVisible(), p).toBe(true);
      }
      expect(overflowing).toEqual([]);
    });
  }
});

describe("UI shell", () => {
  it("an unknown address gets the Chinese 404 page", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const res = await page.goto(`${server.url}/no-such-page`);
    expect(res?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("404 页面不存在");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.getByRole("link", { name: "返回首页" }).count()).toBe(1);
  });

  it("an unknown unit id gets the Chinese 404 page too", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const res = await page.goto(`${server.url}/admin/units/999999`);
    expect(res?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("404 页面不存在");
  });

  it("the header names the user, the role and, for a department user, the unit; each role has its own home page", async () => {
    const expected = [
      { username: "dept-001", name: "城关街道办事处填报员", role: "部门填报员 · 城关街道办事处", intro: "填报本单位年度政务公开自查情况" },
      { username: "eval-001", name: "评估员 王敏", role: "评估员 · 明湖政务公开第三方评估中心", intro: "对分配给您的单位进行评分" },
      { username: "leader", name: "区政府 赵副区长", role: "领导", intro: "查看考核排名" },
      { username: "admin", name: "政务公开办 陈主任", role: "政务公开办管理员", intro: "配置考核年度、指标体系" },
    ];
    for (const e of expected) {
      const page = await browser.newPage();
      await loginAs(page, server.url, e.username);
      expect(await page.locator(".user-box .user-name").textContent()).toBe(e.name);
      expect((await page.locator(".user-box .user-role").textContent())?.trim()).toBe(e.role);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(`${e.name}，您好`);
      expect(await page.locator("main").textContent()).toContain(e.intro);
    }
  });
});

/**
 * Every page a role can reach by following links from its home page (one page per route: ids
 * replaced, query left off), checked with axe-core against WCAG 2.x A/AA — the bar GB/T 37668 sets.
 * Serious and critical violations fail the test, listed by page.
 */
async function axeCrawl(page: Page, start: string[]): Promise<{ pages: string[]; problems: string[] }> {
  const queue = [...start];
  const seen = new Set<string>();
  const problems: string[] = [];
  while (queue.length > 0) {
    const url = queue.shift()!;
    const route = url.replace(/\?.*$/, "").replace(/\/\d+(?=\/|$)/g, "/:id");
    if (seen.has(route)) continue;
    seen.add(route);
    const res = await page.goto(server.url + url);
    if (!(res?.headers()["content-type"] ?? "").includes("text/html")) continue;
    expect(res?.status(), url).toBe(200);
    await page.waitForLoadState("networkidle");
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of result.violations) {
      if (v.impact !== "serious" && v.impact !== "critical") continue;
      problems.push(`${url}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
    const links = await page.$$eval("a[href]:not([download])", (as) => as.map((a) => a.getAttribute("href") ?? ""));
    // Pages only: downloads (exports, files, evidence) and signing out are not pages.
    queue.push(...links.filter((h) => h.startsWith("/") && !/\/export\/|\.(xlsx|json|pdf)(\?|$)|\/pdf\/|^\/evidence\/|^\/logout|^\/public\/results\/\d+\/(package|results)$/.test(h)));
  }
  return { pages: [...seen], problems };
}

describe("axe-core on every page of every role (GB/T 37668: WCAG 2.x A/AA)", () => {
  for (const [username, minPages] of [
    ["admin", 20],
    ["dept-001", 6],
    ["eval-001", 6],
    ["leader", 6],
  ] as const) {
    it(`${username}: no serious or critical violations`, { timeout: 400_000 }, async () => {
      const page = await browser.newPage();
      await loginAs(page, server.url, username);
      const { pages, problems } = await axeCrawl(page, ["/"]);
      expect(pages.length).toBeGreaterThanOrEqual(minPages);
      expect(problems).toEqual([]);
    });
  }

  it("visitors without an account: login, the public 通报 and its method page", { timeout: 200_000 }, async () => {
    const office = await browser.newPage();
    office.on("dialog", (d) => void d.accept());
    await loginAs(office, server.url, "admin");
    await gotoHydrated(office, `${server.url}/results?cycle=2025`);
    await office.getByRole("button", { name: "开启公开通报页面" }).click();
    await office.getByRole("status").filter({ hasText: "公开通报页面已开启" }).waitFor();

    const page = await browser.newPage();
    // The 通报 names its issuer and date, offers both files with their SHA-256 and explains checking in plain words.
    await page.goto(`${server.url}/public/results/2025`);
    expect(await page.getByTestId("issuer").textContent()).toBe("区政务公开办");
    expect(await page.getByTestId("published-on").textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(await page.getByRole("link", { name: "评估数据包（JSON）" }).getAttribute("href")).toBe("/public/results/2025/package");
    expect(await page.getByRole("link", { name: "考核结果数据（JSON）" }).getAttribute("href")).toBe("/public/results/2025/results");
    expect(await page.getByTestId("results-sha").textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator("main").textContent()).not.toMatch(/npm run|--cycle|--seed/);
    const download = await page.request.get(`${server.url}/public/results/2025/package`);
    expect(download.status()).toBe(200);
    const { pages, problems } = await axeCrawl(page, ["/login", "/public/results"]);
    expect(pages).toEqual(expect.arrayContaining(["/login", "/public/results", "/public/results/:id", "/public/results/method"]));
    expect(problems).toEqual([]);
  });
});
