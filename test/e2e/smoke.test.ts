import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { NAVIGATION } from "../../app/navigation";
import { gotoHydrated, loginAs, logout, useBrowser, useServer, waitForIdle } from "../helpers/browser";

// The real server (node server.js over the build) and Debian's Chromium.

const server = useServer();

/** Uncaught page errors and console errors (the browser's own favicon request aside). */
function collectBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error" || m.location().url.endsWith("/favicon.ico")) return;
    errors.push(`${page.url()}: ${m.text()}`);
  });
  return errors;
}
const browser = useBrowser();


describe("signing in through the real login form", () => {
  it("serves the login page in Chinese with <html lang=\"zh-CN\">", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect(page.title()).resolves.toBe("登录 - 政务公开绩效考核平台");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("政务公开绩效考核平台");
  });

  it("admin lands on the office home with the office navigation", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    expect(new URL(page.url()).pathname).toBe("/");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("政务公开办 陈主任，您好");
    const nav = page.getByRole("navigation", { name: "主导航" });
    for (const label of ["首页", "单位管理", "单位类别", "评估机构"]) {
      expect(await nav.getByRole("link", { name: label, exact: true }).count()).toBe(1);
    }
    await expect(page.locator(".user-role").textContent()).resolves.toContain("政务公开办管理员");

    // The navigation works client-side (hydrated, scripts allowed by the CSP nonce).
    const errors = collectBrowserErrors(page);
    await nav.getByRole("link", { name: "单位管理", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/admin/units");
    await page.getByRole("heading", { level: 1, name: "单位管理" }).waitFor();
    await expect(page.title()).resolves.toBe("单位管理 - 政务公开绩效考核平台");
    expect(errors).toEqual([]);
  });

  it("a wrong password shows the generic Chinese message and stays on the login page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("用户名", { exact: true }).fill("admin");
    await page.getByLabel("密码", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "登录" }).click();
    const alert = page.locator(".form-error[role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("用户名或密码错误");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByLabel("用户名", { exact: true }).inputValue()).toBe("admin");
    expect((await page.context().cookies()).filter((c) => c.name === "zwgk_session")).toEqual([]);
  });

  it("an unknown user gets the same message as a wrong password", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("用户名", { exact: true }).fill("no-such-user");
    await page.getByLabel("密码", { exact: true }).fill("Demo#2026");
    await page.getByRole("button", { name: "登录" }).click();
    const alert = page.locator(".form-error[role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("用户名或密码错误");
  });
});

describe("roles", () => {
  it("a department user visiting /admin/units gets the Chinese 403 page", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "dept-001");
    await expect(page.locator(".user-role").textContent()).resolves.toContain("城关街道办事处");
    const nav = page.getByRole("navigation", { name: "主导航" });
    expect(await nav.getByRole("link", { name: "单位管理" }).count()).toBe(0);

    const res = await page.goto(`${server.url}/admin/units`);
    expect(res?.status()).toBe(403);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("403 无权访问");
    expect(await page.locator("body").textContent()).toContain("您无权访问此页面或执行此操作。");
    // No unit data leaks into the refusal.
    expect(await page.content()).not.toContain("东湖街道办事处");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    // The refusal sits inside the app frame: the user, the navigation and the way on.
    await expect(page.locator(".user-role").textContent()).resolves.toContain("城关街道办事处");
    await nav.getByRole("link", { name: "年度自查" }).click();
    await page.waitForURL(`${server.url}/self`);
    await page.getByRole("heading", { level: 1, name: "403 无权访问" }).waitFor({ state: "detached" });
  });

  it("a signed-out visitor to an admin page is sent to the login page and back afterwards", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/units`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/admin/units");
    await page.getByLabel("用户名", { exact: true }).fill("admin");
    await page.getByLabel("密码", { exact: true }).fill("Demo#2026");
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/units"), page.getByRole("button", { name: "登录" }).click()]);
    await page.getByRole("heading", { level: 1, name: "单位管理" }).waitFor();
  });
});

describe("signing out", () => {
  it("退出登录 ends the session: the old cookie no longer opens any page", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const [before] = (await page.context().cookies()).filter((c) => c.name === "zwgk_session");
    expect(before?.value).toBeTruthy();

    await logout(page);
    expect(await page.getByRole("button", { name: "登录" }).count()).toBe(1);
    expect((await page.context().cookies()).filter((c) => c.name === "zwgk_session")).toEqual([]);

    await page.goto(`${server.url}/admin/units`);
    expect(new URL(page.url()).pathname).toBe("/login");

    // Replaying the old cookie does not bring the session back: it was deleted on the server.
    const res = await fetch(`${server.url}/admin/units`, { headers: { Cookie: `zwgk_session=${before.value}` }, redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("every navigation entry of every role", () => {
  const accounts = { office: "admin", department: "dept-001", evaluator: "eval-001", leader: "leader" } as const;
  for (const [role, username] of Object.entries(accounts) as [keyof typeof accounts, string][]) {
    it(`${role} (${username}): each page opens by full load and by client-side navigation without errors`, async () => {
      const page = await browser.newPage();
      const errors = collectBrowserErrors(page);
      await loginAs(page, server.url, username);
      for (const item of NAVIGATION[role]) {
        // Full document load (server render + hydration).
        const res = await gotoHydrated(page, server.url + item.to);
        expect(res?.status(), `${item.to}`).toBe(200);
        expect(await page.locator(".error-page").count(), `${item.to} renders without the error page; browser errors: ${errors.join(" | ")}`).toBe(0);
        expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
      }
      for (const item of NAVIGATION[role]) {
        // Client-side navigation through the header (the page component renders in the browser).
        await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: item.label, exact: true }).click();
        await page.waitForURL((u) => u.pathname === item.to);
        await waitForIdle(page);
        expect(await page.locator(".error-page").count(), `${item.to} after client-side navigation; browser errors: ${errors.join(" | ")}`).toBe(0);
      }
      expect(errors).toEqual([]);
    });
  }
});
