import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/data-dir";

// `npm start` runs `tsx seeds/cli/seed-demo.ts --if-empty` before the server: the demo district
// goes into an empty database only, and a production installation is left alone (the server itself
// never imports seeds/).

const exec = promisify(execFile);
const dirs: string[] = [];

function seed(dataDir: string, env: Record<string, string>, ...args: string[]) {
  return exec(path.join("node_modules", ".bin", "tsx"), ["seeds/cli/seed-demo.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function users(dataDir: string): string[] {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true });
  try {
    return (db.prepare("SELECT username FROM users ORDER BY username").pluck().all() as string[]);
  } finally {
    db.close();
  }
}

describe("the app and the demo data", () => {
  it("no module of the app imports seeds/ (templates live in app/templates; demo data is seeded by npm start)", () => {
    const offenders = (fs.readdirSync("app", { recursive: true, encoding: "utf8" }) as string[])
      .filter((f) => /\.(ts|tsx)$/.test(f))
      .filter((f) => /from\s+["'](\.\.\/)+seeds\//.test(fs.readFileSync(path.join("app", f), "utf8")));
    expect(offenders).toEqual([]);
  });
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("seed-demo --if-empty (what npm start runs)", () => {
  it("seeds an empty database, then leaves a database with accounts untouched", async () => {
    const dataDir = makeTempDir("zwgk-seed-cli-");
    dirs.push(dataDir);
    const first = await seed(dataDir, { NODE_ENV: "test" }, "--if-empty");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("数据库为空：正在写入演示数据");
    const seeded = users(dataDir);
    expect(seeded).toContain("admin");
    expect(seeded).toContain("leader");

    // An office that deleted a demo account does not get it back on the next start.
    const db = new Database(path.join(dataDir, "app.db"));
    db.prepare("UPDATE users SET username = 'renamed-leader' WHERE username = 'leader'").run();
    db.close();
    const second = await seed(dataDir, { NODE_ENV: "test" }, "--if-empty");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain("演示数据");
    expect(users(dataDir)).toContain("renamed-leader");
    expect(users(dataDir)).not.toContain("leader");
  }, 120_000);

  it("does nothing in production: succeeds with --if-empty (npm start), refuses with a message without it", async () => {
    const dataDir = makeTempDir("zwgk-seed-cli-prod-");
    dirs.push(dataDir);
    const quiet = await seed(dataDir, { NODE_ENV: "production" }, "--if-empty");
    expect(quiet.code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "app.db"))).toBe(false);
    const refused = await seed(dataDir, { NODE_ENV: "production" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("生产环境（NODE_ENV=production）不写入演示数据");
    expect(fs.existsSync(path.join(dataDir, "app.db"))).toBe(false);
  }, 60_000);
});
