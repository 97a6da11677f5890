// recomputeUnits: keeping the results of unchanged units (only what ranking and the warnings need
// of them) gives the ranks, new results and warnings of scoring the whole package; only the other
// units are scored.
import { describe, expect, it } from "vitest";
import { recomputeUnits, resultsText, scorePackage, withRanks, type KeptUnit, type Results, type UnitResult } from "../../scoring";
import { pkgWith, THREE_UNITS, TWO_LEAF_TREE } from "./helpers";

const tree = TWO_LEAF_TREE;
const units = [
  ...THREE_UNITS,
  { id: "u4", inputs: { a: { na: true, reason: "无此职能" }, b: { na: true, reason: "无此职能" } } },
];

function full(p: unknown): Results {
  const r = scorePackage(p);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.results;
}

const keptOf = (r: UnitResult, allNa: boolean): KeptUnit => ({ id: r.id, name: r.name, category: r.category, total: r.total, allNa });
const ALL_NA = new Set(["u2", "u4"]);

/** The results text an incremental run gives, the kept units' entries taken from `before` (as text) with their new ranks. */
function incrementalText(before: Results, out: Extract<ReturnType<typeof recomputeUnits>, { ok: true }>): string {
  const byId = new Map(before.units.map((u) => [u.id, JSON.stringify(u)]));
  const units = out.units.map((u) => (u.result ? JSON.stringify(u.result) : withRanks(byId.get(u.id)!, u.rank, u.categoryRank)));
  const frame = resultsText({ format: out.results.format, title: out.results.title, units: [], warnings: out.results.warnings });
  return frame.replace('"units":[]', `"units":[${units.join(",")}]`);
}

describe("recomputeUnits", () => {
  it("one changed unit: only it is scored, and the results equal a full run byte for byte", () => {
    const before = full(pkgWith(tree, units));
    const changed = units.map((u) => (u.id === "u3" ? { ...u, inputs: { ...u.inputs, a: { scores: [59] } } } : u));
    const p = pkgWith(tree, changed);
    const kept = new Map(before.units.filter((u) => u.id !== "u3").map((u) => [u.id, keptOf(u, ALL_NA.has(u.id))]));
    const r = recomputeUnits(p, kept);
    expect(r.ok && r.rescored).toEqual(["u3"]);
    expect(r.ok && incrementalText(before, r)).toBe(resultsText(full(p)));
    // The kept units whose base leaves are all N/A still get their warning, in package order.
    expect(r.ok && r.results.warnings).toEqual([
      "单位“单位u2”（u2）的基础指标全部不适用，基础分按0分计",
      "单位“单位u4”（u4）的基础指标全部不适用，基础分按0分计",
    ]);
    expect(r.ok && r.units.map((u) => [u.id, u.rank])).toEqual([["u1", 1], ["u3", 2], ["u2", 3], ["u4", 3]]);
  });

  it("moves the other units' ranks when a changed unit overtakes them, ties ranked 1, 2, 2, 4", () => {
    const before = full(pkgWith(tree, units));
    expect(before.units.map((u) => [u.id, u.rank])).toEqual([["u1", 1], ["u3", 2], ["u2", 3], ["u4", 3]]);
    // u2 now scores as u3 does: u1 first, u2 and u3 tied second, u4 fourth.
    const changed = units.map((u) => (u.id === "u2" ? { ...units[2], id: "u2" } : u));
    const p = pkgWith(tree, changed);
    const r = recomputeUnits(p, new Map(before.units.filter((u) => u.id !== "u2").map((u) => [u.id, keptOf(u, u.id === "u4")])));
    expect(r.ok && r.units.map((u) => [u.id, u.rank, u.categoryRank])).toEqual([
      ["u1", 1, 1],
      ["u2", 2, 2],
      ["u3", 2, 2],
      ["u4", 4, 4],
    ]);
    expect(r.ok && incrementalText(before, r)).toBe(resultsText(full(p)));
  });

  it("validates the units it scores and the header, with paths in the whole package", () => {
    const before = full(pkgWith(tree, units));
    const bad = units.map((u) => (u.id === "u3" ? { ...u, inputs: { ...u.inputs, a: { scores: [61] } } } : u));
    const r = recomputeUnits(pkgWith(tree, bad), new Map(before.units.filter((u) => u.id !== "u3").map((u) => [u.id, keptOf(u, ALL_NA.has(u.id))])));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([{ path: "units[2].inputs.a.scores[0]", message: "评分61超出范围[0, 60]" }]);
  });

  it("refuses a unit id given twice, kept or not", () => {
    const before = full(pkgWith(tree, units));
    const r = recomputeUnits(pkgWith(tree, [...units, units[0]]), new Map(before.units.map((u) => [u.id, keptOf(u, ALL_NA.has(u.id))])));
    expect(!r.ok && r.errors).toEqual([{ path: "units[4].id", message: "单位编号“u1”重复（与 units[0] 相同）" }]);
  });
});
