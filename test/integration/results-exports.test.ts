import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSqlite } from "../../db/client";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { currentResults, sha256, storedDocument } from "../../app/services/results.server";
import { exportSource } from "../../app/services/results-export/source.server";
import { exportDocument } from "../../app/services/results-export/documents.server";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { makeTempDir, useTempDataDir } from "../helpers/data-dir";
import { createCycle } from "../helpers/evaluation-fixtures";
import { addFinding, evaluateUnits } from "../helpers/results-fixtures";
import { pdfText } from "../helpers/pdf-text";

const data = useTempDataDir();
const out = () => path.join(data.dir(), "out");

function cli(script: string, args: string[]) {
  return spawnSync(path.join("node_modules", ".bin", "tsx"), [script, ...args], { cwd: process.cwd(), encoding: "utf8", env: { ...process.env, DATA_DIR: data.dir() } });
}

const INJECTION_NAME = "=HYPERLINK(\"http://evil\",\"点我\")";

beforeAll(() => {
  seedAccounts(getDb());
  // A unit whose name would be a formula in a spreadsheet.
  getSqlite().prepare("UPDATE units SET name = ? WHERE code = 'BM008'").run(INJECTION_NAME);
  const { cycleId } = createCycle(2026, "evaluating");
  evaluateUnits(cycleId, DEMO_UNITS.map((u) => u.code));
  addFinding(cycleId, "JD003", "1.2", { kind: "deduction", points: 4, description: "+多个栏目长期未更新" });
  const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!r.ok) throw new Error(r.message);
  createCycle(2024, "evaluating"); // a cycle without results
  fs.mkdirSync(out(), { recursive: true });
});

describe("npm run export:results", () => {
  it("exports a package that recomputes with npm run score to byte-identical results", () => {
    const pkgFile = path.join(out(), "pkg.json");
    const resFile = path.join(out(), "res.json");
    const recomputed = path.join(out(), "recomputed.json");
    let r = cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "package", "--out", pkgFile]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    r = cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "results", "--out", resFile]);
    expect(r.status).toBe(0);
    r = cli("scoring/cli.ts", [pkgFile, "--out", recomputed]);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(recomputed)).toEqual(fs.readFileSync(resFile));
    const meta = currentResults(getDb(), 1)!;
    expect(sha256(fs.readFileSync(pkgFile, "utf8"))).toBe(meta.packageSha256);
    // Deterministic: exporting again gives the same bytes.
    const again = path.join(out(), "pkg2.json");
    cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "package", "--out", again]);
    expect(fs.readFileSync(again)).toEqual(fs.readFileSync(pkgFile));
  });

  it("exits non-zero with a message for a cycle without results", () => {
    const r = cli("app/cli/export-results.ts", ["--cycle", "2024", "--format", "xlsx", "--out", path.join(out(), "x.xlsx")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("2024年度尚未计算考核结果");
    expect(fs.existsSync(path.join(out(), "x.xlsx"))).toBe(false);
    const bad = cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "docx", "--out", path.join(out(), "x.docx")]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("--format 须为");
  });

  it("writes a workbook with the ranking first, every sheet, and formula-like text escaped", async () => {
    const file = path.join(out(), "r.xlsx");
    expect(cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "xlsx", "--out", file]).status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["排名", "分项得分-街道办事处", "分项得分-区级部门", "维度得分", "扣分明细", "失分分析", "说明"]);
    const rank = wb.getWorksheet("排名")!;
    expect(rank.getRow(1).values).toEqual([undefined, "排名", "类别内排名", "单位编码", "单位名称", "类别", "总分", "基础分", "加分", "等次", "是否合格", "绩效贡献（分）", "否决原因"]);
    expect(rank.rowCount).toBe(DEMO_UNITS.length + 1);
    const results = JSON.parse(storedDocument(getDb(), currentResults(getDb(), 1)!.id, "results")) as { units: { id: string; rank: number; total: number }[] };
    const byRow = [];
    for (let i = 2; i <= rank.rowCount; i++) byRow.push({ rank: rank.getCell(i, 1).value, id: rank.getCell(i, 3).value, total: rank.getCell(i, 6).value });
    expect(byRow).toEqual(results.units.map((u) => ({ rank: u.rank, id: u.id, total: u.total })));
    const injected = byRow.findIndex((r) => r.id === "BM008") + 2;
    expect(rank.getCell(injected, 4).value).toBe(`'${INJECTION_NAME}`);
    expect(rank.getCell(injected, 4).formula).toBeUndefined();
    expect(rank.autoFilter).toBeTruthy();
    expect(rank.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(rank.getCell(2, 6).numFmt).toBe("0.00");
    expect(rank.getColumn(4).width).toBeGreaterThan(20);

    const items = wb.getWorksheet("分项得分-街道办事处")!;
    expect(items.getCell(1, 5).value).toBe("1.1 主动公开");
    expect(items.getCell(2, 5).value).toBe(20);
    const lost = wb.getWorksheet("扣分明细")!;
    const reasons = lost.getColumn(9).values.map(String);
    expect(reasons.some((v) => v.includes("多个栏目长期未更新"))).toBe(true);
    const about = wb.getWorksheet("说明")!;
    expect(about.getColumn(2).values).toContain(currentResults(getDb(), 1)!.packageSha256);
  });

  it("writes a PDF ranking whose extracted text holds the Chinese unit names", async () => {
    const file = path.join(out(), "r.pdf");
    expect(cli("app/cli/export-results.ts", ["--cycle", "2026", "--format", "pdf", "--out", file]).status).toBe(0);
    const text = await pdfText(fs.readFileSync(file));
    for (const u of DEMO_UNITS.filter((x) => x.code !== "BM008")) expect(text).toContain(u.name);
    expect(text).toContain("2026年度政务公开绩效考核排名");
    expect(text).toContain("第 1 页 / 共");
    // The font is embedded as a subset, not the whole 8 MB font.
    expect(fs.statSync(file).size).toBeLessThan(400_000);
  });

  it("anonymises unit names in both documents, which still recompute identically", () => {
    const source = exportSource(getDb(), 1);
    const pkg = exportDocument(source, "package", { anonymise: true });
    const res = exportDocument(source, "results", { anonymise: true });
    for (const u of DEMO_UNITS) {
      expect(pkg.text).not.toContain(u.name);
      expect(res.text).not.toContain(u.name);
    }
    expect(pkg.text).toContain("单位001");
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, "p.json"), pkg.text);
    const r = cli("scoring/cli.ts", [path.join(dir, "p.json")]);
    expect(r.stdout).toBe(res.text);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
