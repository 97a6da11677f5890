import fs from "node:fs";
import { chromium } from "playwright-core";
import { config } from "../../config.server";
import { checkHostResolves, checkUrl, SiteCheckRefused } from "./address-guard.server";

/**
 * Screenshots (PNG) of a website's key pages — the home page and each configured column — taken
 * with Chromium when it is installed (CHROMIUM_PATH, optional: without it the checks keep HTML
 * snapshots only). JavaScript runs only inside that headless browser; every request it makes, the
 * page's own included, passes the checker's address guard first.
 */

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

/** The Chromium to use, or null when none is installed at CHROMIUM_PATH. */
export function screenshotChromium(): string | null {
  const file = config().chromiumPath;
  return fs.existsSync(file) ? file : null;
}

export interface Screenshot {
  url: string;
  at: Date;
  status: number | null;
  error: "timeout" | "connection-error" | null;
  png: Buffer | null;
}

/** May the browser load `raw`? (http/https, an address the guard allows.) */
async function allowed(raw: string, allowPrivate: boolean): Promise<boolean> {
  try {
    await checkHostResolves(checkUrl(raw, allowPrivate), allowPrivate);
    return true;
  } catch (error) {
    if (error instanceof SiteCheckRefused) return false;
    throw error;
  }
}

/** A PNG of each page in `urls` (viewport 1280×800), in order; a page that fails to load is recorded without one. */
export async function takeScreenshots(
  executablePath: string,
  urls: string[],
  settings: { timeoutMs: number; userAgent: string; allowPrivate: boolean },
): Promise<Screenshot[]> {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  try {
    const context = await browser.newContext({ userAgent: settings.userAgent, viewport: { width: 1280, height: 800 }, javaScriptEnabled: true, serviceWorkers: "block" });
    await context.route("**/*", async (route) => {
      if (await allowed(route.request().url(), settings.allowPrivate)) await route.continue();
      else await route.abort("blockedbyclient");
    });
    const shots: Screenshot[] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const at = new Date();
      try {
        const response = await page.goto(url, { timeout: settings.timeoutMs, waitUntil: "load" });
        shots.push({ url, at, status: response?.status() ?? null, error: null, png: await page.screenshot({ type: "png" }) });
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        shots.push({ url, at, status: null, error: error.name === "TimeoutError" ? "timeout" : "connection-error", png: null });
      } finally {
        await page.close();
      }
    }
    return shots;
  } finally {
    await browser.close();
  }
}
