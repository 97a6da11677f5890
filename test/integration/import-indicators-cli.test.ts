import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIndicatorWorkbook } from "../../app/services/indicator-xlsx.server";
import { templateSetFor } from "../../app/templates/default-indicators";
import { makeTempDir } from "../helpers/data-dir";

// Issue 13 item 10 — a fresh install imports its indicator workbook:
//   npm run import:indicators -- --cycle <year> --create-categories <file.xlsx>
// creates the unit categories its sheets name (audited); without the flag the error names each
// missing category and the flag, and nothing is written.

const exec = promisify(execFile);
let dataDir = "";
let work = "";
let file = "";

function importIndicators(...args: string[]) {
  return exec("npm", ["run", "--silent", "import:indicators", "--", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function query<T>(sql: string): T[] {
  const db = new Database(path.join(dataDir, "app.db"), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dataDir = makeTempDir("zwgk-fresh-");
  work = makeTempDir("zwgk-fresh-files-");
  file = path.join(work, "本区考核细则.xlsx");
  const sets = ["街道办事处", "区级部门"].map((category) => ({ category, specs: templateSetFor(category)!.indicators, coverageGap: null }));
  fs.writeFileSync(file, await buildIndicatorWorkbook(sets, "本区考核细则"));
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

describe("npm run import:indicators on a fresh install", () => {
  it("without --create-categories names each missing category and the flag, exits 1 and writes nothing", async () => {
    const r = await importIndicators("--cycle", "2026", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "导入失败：单位类别“街道办事处”、“区级部门”不存在（已有类别：暂无类别）。请先在“单位类别”页面添加，或在命令中加上 --create-categories 由导入新建这些类别。",
    );
    expect(query("SELECT id FROM categories")).toHaveLength(0);
    expect(query("SELECT id FROM cycles")).toHaveLength(0);
    expect(query("SELECT id FROM audit_log")).toHaveLength(0);
  });

  it("with --create-categories creates the categories (audited), a draft year and its sets", async () => {
    const r = await importIndicators("--cycle", "2026", "--create-categories", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2026年度考核不存在，已新建为草稿。");
    expect(r.stdout).toContain("已新建单位类别：街道办事处、区级部门");
    expect(r.stdout).toContain("导入成功：2 套指标体系已写入 2026年度考核");
    expect(query<{ name: string }>("SELECT name FROM categories ORDER BY sort_order")).toEqual([{ name: "街道办事处" }, { name: "区级部门" }]);
    expect(query<{ status: string }>("SELECT status FROM cycles")).toEqual([{ status: "draft" }]);
    const sets = query<{ name: string; nodes: number }>(
      "SELECT c.name AS name, (SELECT count(*) FROM indicator_nodes n WHERE n.set_id = s.id) AS nodes FROM indicator_sets s JOIN categories c ON c.id = s.category_id ORDER BY c.sort_order",
    );
    expect(sets.map((s) => s.name)).toEqual(["街道办事处", "区级部门"]);
    expect(sets.every((s) => s.nodes > 20)).toBe(true);
    const audit = query<{ action: string; actor_name: string }>("SELECT action, actor_name FROM audit_log ORDER BY id");
    expect(audit.filter((a) => a.action === "category.create")).toEqual([
      { action: "category.create", actor_name: "命令行导入" },
      { action: "category.create", actor_name: "命令行导入" },
    ]);
    expect(audit.filter((a) => a.action === "indicator_set.import")).toHaveLength(2);
  });

  it("with the categories in place, the flag creates nothing more", async () => {
    const r = await importIndicators("--cycle", "2026", "--create-categories", file);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("已新建单位类别");
    expect(query("SELECT id FROM categories")).toHaveLength(2);
  });

  it("refuses the flag on export", async () => {
    const r = await exec("npm", ["run", "--silent", "export:indicators", "--", "--cycle", "2026", "--create-categories", "--out", path.join(work, "x.xlsx")], {
      cwd: process.cwd(),
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: "test" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect("code" in r ? r.code : 0).toBe(1);
    expect(r.stderr).toContain("导出不使用 --create-categories");
  });
});
