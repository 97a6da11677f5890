import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONFLICT_REASON, drawAssignments, type DrawEvaluator, type DrawUnit } from "../../app/domain/assignment-draw";
import { createPrng } from "../../app/domain/prng";
import { drawSpotCheck, parseSpotCheckSize, publishedDraw, type SpotInspector, type SpotUnit } from "../../app/domain/spotcheck-draw";

const UNITS: DrawUnit[] = Array.from({ length: 14 }, (_, i) => ({
  id: i + 1,
  code: i < 6 ? `JD00${i + 1}` : `BM00${i - 5}`,
  name: `单位${i + 1}`,
}));
const EVALUATORS: DrawEvaluator[] = [
  { id: 101, username: "eval-001", name: "王敏", boundUnitIds: [] },
  { id: 102, username: "eval-002", name: "李强", boundUnitIds: [] },
  { id: 103, username: "eval-003", name: "张丽", boundUnitIds: [] },
  { id: 104, username: "eval-004", name: "刘洋", boundUnitIds: [7] }, // bound to BM001
];

describe("seeded PRNG (zwgk-prng/1)", () => {
  it("follows its published specification: SHA-256 counter blocks, big-endian words", () => {
    const digest = createHash("sha256").update("zwgk-prng/1\nabc\npurpose\n0", "utf8").digest();
    const prng = createPrng("abc", "purpose");
    for (let i = 0; i < 8; i++) expect(prng.nextUint32()).toBe(digest.readUInt32BE(i * 4));
    const next = createHash("sha256").update("zwgk-prng/1\nabc\npurpose\n1", "utf8").digest();
    expect(prng.nextUint32()).toBe(next.readUInt32BE(0));
  });

  it("gives the same shuffle for the same seed and a different one for another seed", () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect(createPrng("种子2026").shuffle(items)).toEqual(createPrng("种子2026").shuffle(items));
    expect(createPrng("种子2026").shuffle(items)).not.toEqual(createPrng("种子2027").shuffle(items));
    expect(createPrng("x").shuffle(items).sort((a, b) => a - b)).toEqual(items);
  });

  it("draws integers in range without bias across many draws", () => {
    const prng = createPrng("uniform");
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[prng.nextInt(3)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(() => prng.nextInt(0)).toThrow();
  });
});

describe("random assignment of evaluators", () => {
  it("is a pure function of the seed: the same seed re-derives the same assignments", () => {
    const a = drawAssignments({ seed: "2026-评估分配", perUnit: 2, units: UNITS, evaluators: EVALUATORS });
    const b = drawAssignments({ seed: "2026-评估分配", perUnit: 2, units: [...UNITS].reverse(), evaluators: [...EVALUATORS].reverse() });
    expect(a.ok && b.ok).toBe(true);
    expect(a).toEqual(b);
    const c = drawAssignments({ seed: "另一个种子", perUnit: 2, units: UNITS, evaluators: EVALUATORS });
    expect(c).not.toEqual(a);
  });

  it("never assigns an evaluator bound to the unit, and lists the exclusion", () => {
    for (const seed of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      const r = drawAssignments({ seed, perUnit: 2, units: UNITS, evaluators: EVALUATORS });
      if (!r.ok) throw new Error(r.error);
      const bm001 = r.units.find((u) => u.unitCode === "BM001")!;
      expect(bm001.evaluatorIds).not.toContain(104);
      expect(bm001.excluded).toEqual([{ evaluatorId: 104, username: "eval-004", name: "刘洋", reason: CONFLICT_REASON }]);
      for (const u of r.units) {
        expect(u.evaluatorIds).toHaveLength(2);
        expect(new Set(u.evaluatorIds).size).toBe(2);
        if (u.unitCode !== "BM001") expect(u.excluded).toEqual([]);
      }
    }
  });

  it("balances the load across the pool (28 places over 4 evaluators → 7 each)", () => {
    const r = drawAssignments({ seed: "load", perUnit: 2, units: UNITS, evaluators: EVALUATORS });
    if (!r.ok) throw new Error(r.error);
    const load = new Map<number, number>();
    for (const u of r.units) for (const id of u.evaluatorIds) load.set(id, (load.get(id) ?? 0) + 1);
    expect([...load.values()].sort()).toEqual([7, 7, 7, 7]);
  });

  it("counts existing assignments and only tops units up", () => {
    const r = drawAssignments({
      seed: "top-up",
      perUnit: 2,
      units: UNITS.slice(0, 2),
      evaluators: EVALUATORS,
      existing: [{ unitId: 1, evaluatorId: 101 }],
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.units[0].evaluatorIds).toHaveLength(1);
    expect(r.units[0].evaluatorIds).not.toContain(101);
    expect(r.units[1].evaluatorIds).toHaveLength(2);
  });

  it("refuses a draw that cannot give a unit enough evaluators after exclusions", () => {
    const r = drawAssignments({ seed: "x", perUnit: 4, units: UNITS, evaluators: EVALUATORS });
    expect(r).toEqual({ ok: false, error: "单位“单位7”（BM001）回避后可分配的评估员只有3人，少于每个单位所需的4人" });
    expect(drawAssignments({ seed: " ", perUnit: 2, units: UNITS, evaluators: EVALUATORS })).toEqual({ ok: false, error: "请填写随机种子" });
  });
});

const SPOT_UNITS: SpotUnit[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ code: `JD00${i + 1}`, name: `街道${i + 1}`, category: "街道办事处" })),
  ...Array.from({ length: 8 }, (_, i) => ({ code: `BM00${i + 1}`, name: `部门${i + 1}`, category: "区级部门" })),
];
const INSPECTORS: SpotInspector[] = [
  { username: "eval-001", name: "王敏", boundUnitCodes: [] },
  { username: "eval-002", name: "李强", boundUnitCodes: [] },
  { username: "eval-003", name: "张丽", boundUnitCodes: [] },
  { username: "eval-004", name: "刘洋", boundUnitCodes: ["BM001"] },
];

describe("spot-check draw (双随机)", () => {
  it("is reproducible: same seed, population and size → same units and inspectors", () => {
    const a = drawSpotCheck({ seed: "2026抽查", size: "2", units: SPOT_UNITS, inspectors: INSPECTORS });
    const b = drawSpotCheck({ seed: "2026抽查", size: "2", units: [...SPOT_UNITS].reverse(), inspectors: [...INSPECTORS].reverse() });
    expect(a).toEqual(b);
    const c = drawSpotCheck({ seed: "别的种子", size: "2", units: SPOT_UNITS, inspectors: INSPECTORS });
    expect(c).not.toEqual(a);
  });

  it("respects the stratification by category (n per category, or a share rounded up)", () => {
    const n = drawSpotCheck({ seed: "s", size: "2", units: SPOT_UNITS, inspectors: INSPECTORS });
    if (!n.ok) throw new Error(n.error);
    expect(n.value.units.filter((u) => u.category === "街道办事处")).toHaveLength(2);
    expect(n.value.units.filter((u) => u.category === "区级部门")).toHaveLength(2);
    const pct = drawSpotCheck({ seed: "s", size: "30%", units: SPOT_UNITS, inspectors: INSPECTORS });
    if (!pct.ok) throw new Error(pct.error);
    expect(pct.value.units.filter((u) => u.category === "街道办事处")).toHaveLength(2); // ceil(1.8)
    expect(pct.value.units.filter((u) => u.category === "区级部门")).toHaveLength(3); // ceil(2.4)
    const one = drawSpotCheck({ seed: "s", size: "3", category: "区级部门", units: SPOT_UNITS, inspectors: INSPECTORS });
    if (!one.ok) throw new Error(one.error);
    expect(one.value.units.every((u) => u.category === "区级部门")).toBe(true);
    // A category's units do not depend on the other strata.
    expect(one.value.units.map((u) => u.code)).toEqual(
      (drawSpotCheck({ seed: "s", size: "3", units: SPOT_UNITS, inspectors: INSPECTORS }) as { ok: true; value: { units: SpotUnit[] } }).value.units
        .filter((u) => u.category === "区级部门")
        .map((u) => u.code),
    );
  });

  it("never sends an inspector bound to a drawn unit", () => {
    let sawBound = false;
    for (let i = 0; i < 30; i++) {
      const r = drawSpotCheck({ seed: `seed-${i}`, size: "50%", units: SPOT_UNITS, inspectors: INSPECTORS });
      if (!r.ok) throw new Error(r.error);
      const drawn = r.value.units.map((u) => u.code);
      if (drawn.includes("BM001")) {
        sawBound = true;
        expect(r.value.units.every((u) => u.inspector !== "eval-004")).toBe(true);
        expect(r.value.excludedInspectors).toEqual([{ username: "eval-004", name: "刘洋", reason: "与被抽中单位“部门1”存在关联，回避" }]);
      }
    }
    expect(sawBound).toBe(true);
  });

  it("deals inspectors round-robin so the load is balanced", () => {
    const r = drawSpotCheck({ seed: "balance", size: "4", units: SPOT_UNITS, inspectors: INSPECTORS.slice(0, 3) });
    if (!r.ok) throw new Error(r.error);
    const load = new Map<string, number>();
    for (const u of r.value.units) load.set(u.inspector, (load.get(u.inspector) ?? 0) + 1);
    expect([...load.values()].sort()).toEqual([2, 3, 3]);
  });

  it("refuses impossible sizes with a Chinese message", () => {
    const msg = (size: string, category?: string) => {
      const r = drawSpotCheck({ seed: "s", size, category, units: SPOT_UNITS, inspectors: INSPECTORS });
      return r.ok ? null : r.error;
    };
    expect(msg("0")).toBe("抽查数量必须大于0");
    expect(msg("-2")).toBe("抽查数量不能为负数");
    expect(msg("7")).toBe("抽查数量7超过“街道办事处”类别的单位数（6个）");
    expect(msg("9", "区级部门")).toBe("抽查数量9超过“区级部门”类别的单位数（8个）");
    expect(msg("0%")).toBe("抽查比例必须大于0");
    expect(msg("120%")).toBe("抽查比例不能超过100%");
    expect(msg("abc")).toBe("抽查数量格式不正确，应为正整数（如 3）或百分比（如 20%）");
    expect(msg("1.5")).toBe("抽查数量须为整数（按比例抽查请写成百分比，如 20%）");
    expect(msg("2", "不存在的类别")).toBe("没有类别为“不存在的类别”的被考核单位");
    expect(parseSpotCheckSize("12.5%")).toMatchObject({ ok: true, value: { kind: "percent", text: "12.5%" } });
  });

  it("publishes exactly seed and units with code, name, category and inspector", () => {
    const r = drawSpotCheck({ seed: "pub", size: "1", units: SPOT_UNITS, inspectors: INSPECTORS });
    if (!r.ok) throw new Error(r.error);
    const published = publishedDraw(r.value);
    expect(Object.keys(published)).toEqual(["seed", "units"]);
    expect(published.units).toHaveLength(2);
    for (const u of published.units) expect(Object.keys(u)).toEqual(["code", "name", "category", "inspector"]);
  });
});
