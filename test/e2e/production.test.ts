import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild, freePort, postForm, PROJECT_ROOT, seedDemoInto, sessionCookieFrom, startServer, type TestServer } from "../helpers/server";

// NODE_ENV=production through the real server (node server.js over the build): no start without
// SESSION_SECRET, never any demo data, Secure session cookies. The first office account comes from
// `npm run import:users` (README: “Production”).

const exec = promisify(execFile);
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-prod-"));
  tempDirs.push(dir);
  return dir;
}

function productionEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The runner's own SESSION_SECRET/TRUST_PROXY never leak in; a test passes them in `extra`.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SESSION_SECRET;
  delete env.TRUST_PROXY;
  return { ...env, NODE_ENV: "production", DATA_DIR: dataDir, ...extra };
}

function userCount(dataDir: string): number {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function npmRun(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return exec("npm", ["run", "--silent", script, "--", ...args], { cwd: PROJECT_ROOT, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(() => {
  ensureBuild();
}, 600_000);

afterAll(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("production without SESSION_SECRET", () => {
  it("refuses to start: exits non-zero with a message naming SESSION_SECRET, never listens, writes no database", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const child = spawn(process.execPath, ["server.js"], {
      cwd: PROJECT_ROOT,
      env: productionEnv(dataDir, { PORT: String(port), HOST: "127.0.0.1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 30_000);
      child.once("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, out).toBe(1);
    expect(out).toContain("启动失败");
    expect(out).toContain("SESSION_SECRET");
    expect(out).not.toContain("已启动");
    expect(fs.existsSync(path.join(dataDir, "app.db"))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "session-secret"))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe("production with SESSION_SECRET", () => {
  let server: TestServer;
  const secret = "prod-test-secret-0123456789abcdef0123456789abcdef";

  beforeAll(async () => {
    server = await startServer({ env: { NODE_ENV: "production", SESSION_SECRET: secret } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("starts on an empty database but never seeds the demo district: demo accounts do not exist", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    expect(userCount(server.dataDir)).toBe(0);
    const res = await postForm(server, "/login", { username: "admin", password: "Demo#2026", redirectTo: "/" });
    expect(res.status).toBe(400);
    expect(sessionCookieFrom(res)).toBeNull();
    expect(await res.text()).toContain("用户名或密码错误");
  });

  it("npm run seed:demo refuses to run in production and writes nothing", async () => {
    const r = await npmRun("seed:demo", [], productionEnv(server.dataDir));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("生产环境（NODE_ENV=production）不写入演示数据");
    expect(userCount(server.dataDir)).toBe(0);
  });

  it("the first office account comes from npm run import:users, and its session cookie is Secure, httpOnly, SameSite=Lax", async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("数据");
    sheet.addRow(["用户名", "姓名", "角色", "所属单位编码", "评估机构", "初始密码"]);
    sheet.addRow(["gkb-admin", "政务公开办 管理员", "政务公开办管理员", "", "", "Strong#Pass2026"]);
    const file = path.join(tempDir(), "admins.xlsx");
    fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    const imported = await npmRun("import:users", [file], productionEnv(server.dataDir, { SESSION_SECRET: secret }));
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("导入成功：1 个用户");

    const res = await postForm(server, "/login", { username: "gkb-admin", password: "Strong#Pass2026", redirectTo: "/" });
    expect(res.status).toBe(302);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("zwgk_session="))!;
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    const home = await fetch(`${server.url}/`, { headers: { Cookie: setCookie.split(";")[0] }, redirect: "manual" });
    expect(home.status).toBe(200);
    expect((await home.text()).replace(/<!-- -->/g, "")).toContain("<h1>政务公开办 管理员，您好</h1>");
    // Passwords never reach any log.
    expect(imported.stdout + imported.stderr + server.output()).not.toContain("Strong#Pass2026");
  });
});

describe("development (NODE_ENV unset or test)", () => {
  it("generates a session secret once, keeps it under DATA_DIR, and sends cookies without Secure", async () => {
    const dataDir = tempDir();
    seedDemoInto(dataDir);
    const server = await startServer({ dataDir, env: { SESSION_SECRET: "" } });
    try {
      const file = path.join(dataDir, "session-secret");
      expect(fs.existsSync(file)).toBe(true);
      const secret = fs.readFileSync(file, "utf8");
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect((fs.statSync(file).mode & 0o077) === 0).toBe(true);
      const res = await postForm(server, "/login", { username: "admin", password: "Demo#2026", redirectTo: "/" });
      expect(res.status).toBe(302);
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("zwgk_session="))!;
      expect(setCookie).not.toMatch(/;\s*Secure/i);
      await postForm(server, "/login", { username: "admin", password: "Wrong#Secret99", redirectTo: "/" });
      expect(server.output()).not.toContain("Demo#2026");
      expect(server.output()).not.toContain("Wrong#Secret99");
      // A restart keeps the same secret, so the session survives.
      await server.kill("SIGTERM");
      const again = await startServer({ dataDir, env: { SESSION_SECRET: "" } });
      try {
        expect(fs.readFileSync(file, "utf8")).toBe(secret);
        const home = await fetch(`${again.url}/`, { headers: { Cookie: setCookie.split(";")[0] }, redirect: "manual" });
        expect(home.status).toBe(200);
      } finally {
        await again.stop();
      }
    } finally {
      await server.stop();
    }
  }, 180_000);
});
