import fs from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { cycleByYear } from "../../app/services/evaluation-context.server";
import { categoryLeaves, exportSource, type HeaderLeaf } from "../../app/services/results-export/source.server";
import { itemSheetNames, writeResultsXlsx } from "../../app/services/results-export/xlsx.server";
import { currentResults, storedDocument } from "../../app/services/results.server";
import { DIMENSIONS, type Dimension, type Results, type UnitResult } from "../../scoring";
import { seedDemo } from "../../seeds/demo";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";

/**
 * The results workbook read back as an office reads it: every figure sits under the header of
 * its own indicator (categories have different indicator sets under the same codes), never above
 * that indicator's maximum. Demo 2025 (final): 区级部门 and 街道办事处 share codes 1.1… with other
 * names and maxima.
 */

const data = useTempDataDir();
let wb: ExcelJS.Workbook;
let units: UnitResult[];
let leavesOf: Map<string, HeaderLeaf[]>;

beforeAll(async () => {
  await seedDemo();
  const cycleId = cycleByYear(getDb(), 2025)!.id;
  const source = exportSource(getDb(), cycleId);
  const file = path.join(data.dir(), "results.xlsx");
  const out = fs.createWriteStream(file);
  await writeResultsXlsx(source, out);
  await finished(out);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  units = (JSON.parse(storedDocument(getDb(), currentResults(getDb(), cycleId)!.id, "results")) as Results).units;
  leavesOf = categoryLeaves(source.header);
}, 120_000);

const text = (v: ExcelJS.CellValue) => (v === null || v === undefined ? "" : String(v));

/** Column index by header text of row `row`. */
function headers(ws: ExcelJS.Worksheet, row = 1): Map<string, number> {
  const out = new Map<string, number>();
  ws.getRow(row).eachCell((cell, col) => {
    expect(out.has(text(cell.value)), `${ws.name}: header “${text(cell.value)}” twice`).toBe(false);
    out.set(text(cell.value), col);
  });
  return out;
}

describe("the results workbook's 分项得分", () => {
  it("gives each category its own sheet with its own codes, names and maxima", () => {
    const categories = [...leavesOf.keys()];
    const names = itemSheetNames(categories);
    expect([...names.values()].sort()).toEqual(["分项得分-区级部门", "分项得分-街道办事处"]);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["排名", ...categories.map((c) => names.get(c)), "维度得分", "扣分明细", "失分分析", "说明"]);
  });

  it("puts every unit's every leaf under the header of that very leaf, never above its maximum", () => {
    const seen = new Set<string>();
    for (const ws of wb.worksheets.filter((w) => w.name.startsWith("分项得分"))) {
      const cols = headers(ws);
      const maxRow = ws.getRow(2);
      for (let r = 3; r <= ws.rowCount; r++) {
        const code = text(ws.getCell(r, cols.get("单位编码")!).value);
        const unit = units.find((u) => u.id === code)!;
        expect(unit, `${ws.name} row ${r}`).toBeDefined();
        seen.add(code);
        const leaves = leavesOf.get(unit.category)!;
        // Exactly the unit's own leaves: four unit columns, then one column per leaf of its category.
        expect(cols.size, `${ws.name} ${code}`).toBe(4 + leaves.length);
        for (const leaf of leaves) {
          const col = [...cols].find(([h]) => h === `${leaf.id} ${leaf.name}` || h.startsWith(`${leaf.id} ${leaf.name}（`))?.[1];
          expect(col, `${code}: no column headed “${leaf.id} ${leaf.name}” in ${ws.name}`).toBeDefined();
          const max = maxRow.getCell(col!).value as number;
          expect(max, `${code} ${leaf.id}`).toBe(leaf.points);
          const result = unit.leaves[leaf.id];
          const cell = ws.getCell(r, col!).value;
          if (result.na) expect(cell).toBe("不适用");
          else {
            expect(cell, `${code} ${leaf.id} ${leaf.name}`).toBe(result.score);
            expect(cell as number).toBeLessThanOrEqual(max);
          }
        }
      }
    }
    expect(seen.size).toBe(DEMO_UNITS.length);
  });

  it("names every lost point in 扣分明细 by its own category's indicator, with that indicator's maximum", () => {
    const ws = wb.getWorksheet("扣分明细")!;
    const cols = headers(ws);
    let rows = 0;
    for (let r = 2; r <= ws.rowCount; r++) {
      const code = text(ws.getCell(r, cols.get("单位编码")!).value);
      const leafId = text(ws.getCell(r, cols.get("指标编码")!).value);
      if (!leafId) continue; // 单项否决 rows
      const unit = units.find((u) => u.id === code)!;
      const leaf = leavesOf.get(unit.category)!.find((l) => l.id === leafId)!;
      expect(text(ws.getCell(r, cols.get("指标名称")!).value), `${code} ${leafId}`).toBe(leaf.name);
      expect(ws.getCell(r, cols.get("满分")!).value).toBe(leaf.points);
      expect(ws.getCell(r, cols.get("得分")!).value).toBe(unit.leaves[leafId].score);
      expect(ws.getCell(r, cols.get("得分")!).value as number).toBeLessThan(leaf.points);
      rows++;
    }
    expect(rows).toBeGreaterThan(DEMO_UNITS.length);
  });

  it("puts every dimension score under its own dimension, within 0–100", () => {
    const ws = wb.getWorksheet("维度得分")!;
    const cols = headers(ws);
    const byLabel = new Map(Object.entries(DIMENSIONS).map(([k, label]) => [label, k as Dimension]));
    for (let r = 2; r <= ws.rowCount; r++) {
      const unit = units.find((u) => u.id === text(ws.getCell(r, cols.get("单位编码")!).value))!;
      for (const [label, col] of cols) {
        const key = byLabel.get(label);
        if (!key) continue;
        const cell = ws.getCell(r, col).value;
        expect(cell ?? undefined, `${unit.id} ${label}`).toBe(unit.dimensions[key]);
        if (typeof cell === "number") expect(cell).toBeLessThanOrEqual(100);
      }
      expect(ws.getCell(r, cols.get("总分")!).value).toBe(unit.total);
    }
  });
});
