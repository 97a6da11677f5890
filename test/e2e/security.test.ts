import { eq } from "drizzle-orm";
import PDFDocument from "pdfkit";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveUploadedEvidence } from "../../app/services/evidence.server";
import { closeDb, getDb } from "../../db/client";
import { auditLog, categories, loginAttempts, sessions, users } from "../../db/schema";
import { DEMO_PASSWORD } from "../../seeds/demo/district";
import { loginAs, useBrowser } from "../helpers/browser";
import { chunksOf, leafOwnerOf, PNG_BYTES } from "../helpers/evidence-fixtures";
import { loginViaHttp, postForm, sessionCookieFrom, startForeignSite, startServer, type TestServer } from "../helpers/server";

// Security properties of the real server (server.js + build) seen from outside: headers, CSRF,
// framing, session fixation, login throttling.

let server: TestServer;
const browser = useBrowser();
let pdfId = 0;
let pngId = 0;

function pdfkitBytes(text: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
    doc.text(text);
    doc.end();
  });
}

const db = () => getDb();
const counts = () => ({
  sessions: db().select().from(sessions).all().length,
  loginAttempts: db().select().from(loginAttempts).all().length,
  audit: db().select().from(auditLog).all().length,
  categories: db().select().from(categories).all().map((c) => c.name),
});

beforeAll(async () => {
  server = await startServer();
  // The test process opens the same database (WAL) to set up evidence and inspect the results.
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  const dept = db().select().from(users).where(eq(users.username, "dept-001")).get()!;
  const actor = { id: dept.id, name: dept.displayName };
  const owner = { ownerType: "submission_leaf" as const, ownerId: leafOwnerOf(dept.unitId!) };
  const pdf = await pdfkitBytes("Evidence preview");
  pdfId = (await saveUploadedEvidence(getDb(), { actor, unitId: dept.unitId!, ...owner, part: { filename: "公开目录.pdf", data: chunksOf(pdf) } })).id;
  pngId = (await saveUploadedEvidence(getDb(), { actor, unitId: dept.unitId!, ...owner, part: { filename: "截图.png", data: chunksOf(PNG_BYTES) } })).id;
}, 120_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

function csp(res: Response): string {
  return res.headers.get("content-security-policy") ?? "";
}

describe("security headers", () => {
  it("pages carry CSP (no framing at all), nosniff, a referrer policy and X-Frame-Options DENY", async () => {
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    for (const [pathname, headers] of [
      ["/login", {}],
      ["/", { Cookie: cookie }],
      ["/admin/units", { Cookie: cookie }],
      ["/no-such-page", { Cookie: cookie }],
      ["/healthz", {}],
    ] as const) {
      const res = await fetch(server.url + pathname, { headers, redirect: "manual" });
      const policy = csp(res);
      expect(policy, pathname).toContain("frame-ancestors 'none'");
      expect(policy, pathname).toContain("default-src 'self'");
      expect(policy, pathname).toContain("object-src 'none'");
      expect(policy, pathname).toContain("base-uri 'self'");
      expect(policy, pathname).toContain("form-action 'self'");
      expect(policy, pathname).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(policy, pathname).not.toContain("unsafe-eval");
      expect(res.headers.get("x-content-type-options"), pathname).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), pathname).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-frame-options"), pathname).toBe("DENY");
      expect(res.headers.get("x-powered-by"), pathname).toBeNull();
    }
  });

  it("every page gets a fresh script nonce, and the page's scripts carry exactly that nonce", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/login`);
      const nonce = /'nonce-([^']+)'/.exec(csp(res))![1];
      nonces.add(nonce);
      const html = await res.text();
      const scriptNonces = [...html.matchAll(/<script\b[^>]*\bnonce="([^"]*)"/g)].map((m) => m[1]);
      expect(scriptNonces.length).toBeGreaterThan(0);
      expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
      expect(html).not.toMatch(/<script(?![^>]*\bnonce=)[^>]*>/);
    }
    expect(nonces.size).toBe(3);
  });

  it("evidence files may be framed by this origin only (CSP frame-ancestors 'self', X-Frame-Options SAMEORIGIN)", async () => {
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    for (const id of [pdfId, pngId]) {
      const res = await fetch(`${server.url}/evidence/${id}`, { headers: { Cookie: cookie } });
      expect(res.status).toBe(200);
      expect(csp(res)).toContain("frame-ancestors 'self'");
      expect(csp(res)).not.toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("x-content-type-options")).toContain("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });
});

/** Add an iframe to the current page and wait until it has navigated. */
async function addFrame(page: Page, src: string): Promise<Frame> {
  const name = `f${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ src, name }) =>
      new Promise<void>((resolve) => {
        const f = document.createElement("iframe");
        f.name = name;
        f.src = src;
        f.width = "500";
        f.height = "300";
        f.onload = () => resolve();
        document.body.appendChild(f);
      }),
    { src, name },
  );
  const frame = page.frame({ name });
  if (!frame) throw new Error(`no frame ${name}`);
  return frame;
}

describe("framing in the browser", () => {
  it("a PDF and an image preview load in an in-app iframe; an app page does not", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|X-Frame-Options/.test(m.text())) violations.push(m.text());
    });
    await loginAs(page, server.url, "admin");

    const pdf = await addFrame(page, `/evidence/${pdfId}`);
    expect(pdf.url()).toBe(`${server.url}/evidence/${pdfId}`);
    // Chromium's PDF viewer starts inside the frame (it is blocked, and never starts, when the
    // response may not be framed).
    await expect.poll(() => pdf.childFrames().length, { timeout: 10_000 }).toBeGreaterThan(0);

    const png = await addFrame(page, `/evidence/${pngId}`);
    expect(png.url()).toBe(`${server.url}/evidence/${pngId}`);
    expect(await png.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(violations).toEqual([]);

    // An ordinary page refuses to be framed, even by the app itself.
    const home = await addFrame(page, "/");
    expect(home.url()).toMatch(/^chrome-error:/);
    expect(violations.some((v) => v.includes("frame-ancestors 'none'"))).toBe(true);
  });

  it("another origin cannot frame an evidence file", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const evil = await startForeignSite({ "/": `<!doctype html><title>evil</title><iframe name="x" src="${server.url}/evidence/${pngId}"></iframe>` });
    try {
      await page.goto(evil.url);
      const frame = page.frame({ name: "x" })!;
      await expect.poll(() => frame.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);
    } finally {
      await evil.close();
    }
  });
});

describe("CSRF: cross-origin form posts are refused and change nothing", () => {
  it("POST /login from another origin: 403, no session, no throttle counter; the same post from this origin signs in", async () => {
    const before = counts();
    const fields = { username: "admin", password: DEMO_PASSWORD, redirectTo: "/" };
    for (const headers of [{ Origin: "http://evil.example" }, { Origin: "null" }]) {
      const res = await postForm(server, "/login", fields, { origin: headers.Origin });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe("跨站请求已被拒绝。");
      expect(sessionCookieFrom(res)).toBeNull();
    }
    // No Origin but a foreign Referer, and a browser's Sec-Fetch-Site: cross-site without either.
    const viaReferer = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Referer: "http://evil.example/page" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    expect(viaReferer.status).toBe(403);
    const viaFetchSite = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    expect(viaFetchSite.status).toBe(403);
    expect(counts()).toEqual(before);

    const ok = await postForm(server, "/login", fields);
    expect(ok.status).toBe(302);
    expect(sessionCookieFrom(ok)).not.toBeNull();
    expect(counts().sessions).toBe(before.sessions + 1);
  });

  it("an admin action posted with the admin's cookie from another origin is refused; from this origin it works", async () => {
    const cookie = await loginViaHttp(server, "admin", DEMO_PASSWORD);
    const before = counts();
    const res = await postForm(server, "/admin/categories", { intent: "create", name: "跨站添加的类别" }, { cookie, origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect(counts()).toEqual(before);

    const ok = await postForm(server, "/admin/categories", { intent: "create", name: "本站添加的类别" }, { cookie });
    expect(ok.status).toBe(200);
    const after = counts();
    expect(after.categories).toContain("本站添加的类别");
    expect(after.categories).not.toContain("跨站添加的类别");
    expect(after.audit).toBe(before.audit + 1);
  });

  it("a real browser: a form on another site auto-posting to an admin action (cookies are sent: same site) is refused", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const before = counts();
    const evil = await startForeignSite({
      "/": `<!doctype html><title>抽奖</title>
        <form id="f" method="post" action="${server.url}/admin/categories">
          <input name="intent" value="create"><input name="name" value="浏览器跨站类别">
        </form>
        <script>document.getElementById("f").submit()</script>`,
    });
    try {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${server.url}/admin/categories` && r.request().method() === "POST"),
        page.goto(evil.url),
      ]);
      expect(response.status()).toBe(403);
      // The cookie did travel with it, so only the origin check stopped it.
      expect(await response.request().headerValue("cookie")).toMatch(/zwgk_session=/);
      await page.waitForURL(`${server.url}/admin/categories`);
      expect(await page.locator("body").textContent()).toContain("跨站请求已被拒绝。");
    } finally {
      await evil.close();
    }
    expect(counts()).toEqual(before);
  });
});

describe("session fixation", () => {
  it("a session cookie planted before login is replaced by a new one at login and is never valid afterwards", async () => {
    // A properly signed cookie whose session the attacker ended (logged out), and a forged id.
    const attacker = await loginViaHttp(server, "dept-002", DEMO_PASSWORD);
    const out = await postForm(server, "/logout", {}, { cookie: attacker });
    expect(out.status).toBe(302);
    const signed = decodeURIComponent(attacker.split("=")[1]);
    for (const value of [signed, "a".repeat(64)]) {
      const page = await browser.newPage();
      await page.context().addCookies([{ name: "zwgk_session", value, url: server.url }]);
      await loginAs(page, server.url, "admin");
      const [after] = (await page.context().cookies()).filter((c) => c.name === "zwgk_session");
      expect(after.value).not.toBe(value);
      expect(after.httpOnly).toBe(true);
      expect(after.sameSite).toBe("Lax");
      await page.goto(`${server.url}/admin/units`);
      await page.getByRole("heading", { level: 1, name: "单位管理" }).waitFor();
      // The planted cookie still opens nothing.
      const res = await fetch(`${server.url}/admin/units`, { headers: { Cookie: `zwgk_session=${encodeURIComponent(value)}` }, redirect: "manual" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toMatch(/^\/login/);
    }
  });

  it("each login gets a new session id, even for the same user in the same browser", async () => {
    const page = await browser.newPage();
    await loginAs(page, server.url, "admin");
    const first = (await page.context().cookies()).find((c) => c.name === "zwgk_session")!.value;
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await loginAs(page, server.url, "admin");
    const second = (await page.context().cookies()).find((c) => c.name === "zwgk_session")!.value;
    expect(second).not.toBe(first);
  });
});

describe("login throttling through the real server", () => {
  let fresh: TestServer;
  beforeAll(async () => {
    // Its own server: the lock also covers the client address, which every test here shares.
    fresh = await startServer();
  }, 120_000);
  afterAll(async () => {
    await fresh?.stop();
  });

  it("after 5 failures even the right password is refused with the lock message, and no session is issued", async () => {
    const page = await browser.newPage();
    await page.goto(`${fresh.url}/login`);
    const alert = page.locator(".form-error[role=alert]");
    for (let i = 1; i <= 5; i++) {
      await page.getByLabel("用户名", { exact: true }).fill("admin");
      await page.getByLabel("密码", { exact: true }).fill(`wrong-${i}`);
      const response = page.waitForResponse((r) => r.request().method() === "POST");
      await page.getByRole("button", { name: "登录" }).click();
      await response;
      await expect.poll(() => alert.textContent()).toBe("用户名或密码错误");
    }
    await page.getByLabel("密码", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await expect.poll(() => alert.textContent()).toBe("登录失败次数过多，请15分钟后再试");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect((await page.context().cookies()).filter((c) => c.name === "zwgk_session")).toEqual([]);

    // The same through a plain form post (no JavaScript): 400 with the message, no cookie.
    const res = await postForm(fresh, "/login", { username: "admin", password: DEMO_PASSWORD });
    expect(res.status).toBe(400);
    expect(sessionCookieFrom(res)).toBeNull();
    expect(await res.text()).toContain("登录失败次数过多，请15分钟后再试");
  });
});
