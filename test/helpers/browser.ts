import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Response } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DEMO_PASSWORD } from "../../seeds/demo/district";
import { PROJECT_ROOT, startServer, type StartOptions, type TestServer } from "./server";

/**
 * Debian's Chromium driven by playwright-core. `.ci/run` installs the `chromium` package when
 * /usr/bin/chromium is missing; CHROMIUM_PATH overrides the location.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Screenshots of failed browser tests go here (gitignored). */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, "test-results");

/**
 * A fresh headless Chromium. playwright-core always starts it with a new temporary
 * --user-data-dir of its own (removed again on close), so no profile state leaks between runs.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (see .ci/run)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export interface BrowserFixture {
  browser(): Browser;
  /** A new isolated context (own cookies) for the current test; closed after the test. */
  newContext(opts?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new context; closed after the test. */
  newPage(opts?: BrowserContextOptions): Promise<Page>;
}

function safeName(s: string): string {
  return s.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 120);
}

/**
 * Register hooks for a test file: one browser for the file, fresh contexts per test, and a
 * full-page screenshot of every open page of a failed test saved to test-results/.
 */
export function useBrowser(defaults: BrowserContextOptions = {}): BrowserFixture {
  let browser: Browser | null = null;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async (ctx) => {
    const failed = ctx.task.result?.state === "fail";
    if (failed) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = safeName(path.basename(ctx.task.file?.name ?? "test"));
      let n = 0;
      for (const context of contexts) {
        for (const page of context.pages()) {
          n++;
          const target = path.join(SCREENSHOT_DIR, `${file}--${safeName(ctx.task.name)}--${n}.png`);
          try {
            await page.screenshot({ path: target, fullPage: true, timeout: 10_000 });
            console.error(`screenshot of failed test saved: ${path.relative(PROJECT_ROOT, target)} (${page.url()})`);
          } catch (error) {
            console.error(`could not take a screenshot of ${page.url()}: ${error}`);
          }
        }
      }
    }
    const closing = contexts;
    contexts = [];
    await Promise.all(closing.map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    browser = null;
  });

  const fixture: BrowserFixture = {
    browser: () => {
      if (!browser) throw new Error("browser not started (useBrowser() registers beforeAll)");
      return browser;
    },
    newContext: async (opts = {}) => {
      const context = await fixture.browser().newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", ...defaults, ...opts });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context;
    },
    newPage: async (opts = {}) => (await fixture.newContext(opts)).newPage(),
  };
  return fixture;
}

/**
 * Register hooks for a test file: one real server (startServer) for the whole file, stopped after
 * it. The answer reads through to that server once beforeAll has started it.
 */
export function useServer(opts: StartOptions = {}): TestServer {
  let current: TestServer | null = null;
  beforeAll(async () => {
    current = await startServer(opts);
  }, 120_000);
  afterAll(async () => {
    await current?.stop();
    current = null;
  });
  const started = (): TestServer => {
    if (!current) throw new Error("server not started (useServer() registers beforeAll)");
    return current;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get dataDir() {
      return started().dataDir;
    },
    get child() {
      return started().child;
    },
    output: () => started().output(),
    stop: () => started().stop(),
    kill: (signal) => started().kill(signal),
  };
}

/**
 * Go to a page and wait until React has hydrated it (its elements carry React's fiber keys), so a
 * click is handled by the app rather than lost while the server-rendered markup is replaced.
 * Answers page.goto's response.
 */
export async function gotoHydrated(page: Page, url: string): Promise<Response | null> {
  const res = await page.goto(url);
  await page.waitForFunction(() => {
    const el = document.querySelector("main button, main a, main input") ?? document.querySelector("button");
    return !!el && Object.keys(el).some((k) => k.startsWith("__reactFiber"));
  });
  return res;
}

/**
 * Wait until Remix has finished the current navigation / form submission and its revalidation.
 * Client-side navigation changes the URL before the new page has rendered, so read the DOM after a
 * click only once this resolves (page.waitForURL alone is not enough).
 */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string; fetchers: Map<string, { state: string }> } } }).__remixRouter;
    return !!router && router.state.navigation.state === "idle" && router.state.revalidation === "idle";
  });
}

/**
 * Log in through the real /login form (labels 用户名 / 密码, button 登录) and wait until the
 * signed-in page has rendered. Demo accounts share DEMO_PASSWORD.
 */
export async function loginAs(page: Page, baseUrl: string, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("用户名", { exact: true }).fill(username);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.getByRole("button", { name: "登录" }).click()]);
  // The header's user box appears once the signed-in page has rendered; then wait for hydration
  // (a full page load when the form was posted before the login page had hydrated).
  await page.locator(".user-box .user-name").waitFor();
  await waitForIdle(page);
}

/** Click 退出登录 in the header and wait until the login page has rendered. */
export async function logout(page: Page): Promise<void> {
  await Promise.all([page.waitForURL((u) => u.pathname === "/login"), page.getByRole("button", { name: "退出登录" }).click()]);
  await waitForIdle(page);
}

/** The console line of a refused (400) or stale (409) save: answered so on purpose, no error of the page. */
export const REFUSED_OR_STALE_SAVE = /^Failed to load resource: the server responded with a status of 4(00|09)/;

/**
 * Uncaught page errors and console errors, except those `expected` matches — by default the 400
 * answers of refused forms (expected where forms are refused on purpose).
 */
export function collectBrowserErrors(page: Page, expected: RegExp = /status of 400/): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error" || m.location().url.endsWith("/favicon.ico") || expected.test(m.text())) return;
    errors.push(`${page.url()}: ${m.text()}`);
  });
  return errors;
}
