import { describe, expect, it } from "vitest";
import { checkIndicatorSet, MANDATED_DIMENSIONS } from "../app/domain/indicator-policy";
import { leavesOf, type IndicatorSpec } from "../app/domain/indicator-spec";
import { DEMO_CATEGORIES } from "../seeds/demo/district";
import { DEFAULT_TEMPLATE, templateSetFor } from "../app/templates/default-indicators";
import { POLICY_DOCS } from "../app/templates/policy-sources";
import type { LeafRule } from "../scoring";

const setFor = (category: string) => DEFAULT_TEMPLATE.find((t) => t.category === category)!;

function allNodes(specs: readonly IndicatorSpec[], depth = 1): { node: IndicatorSpec; depth: number }[] {
  return specs.flatMap((n) => [{ node: n, depth }, ...allNodes(n.children ?? [], depth + 1)]);
}

/** Every item the issue requires, with the rule it must use (and its key parameter). */
const REQUIRED: { name: string; check: (rule: LeafRule) => boolean; part?: "veto" | "bonus" }[] = [
  { name: "公文公开属性标注率", check: (r) => r.type === "ratio" && r.target === 1 },
  { name: "主动公开基本目录编制与更新", check: (r) => r.type === "deduction" },
  { name: "重点领域信息公开", check: (r) => r.type === "deduction" && r.faults.length > 0 },
  { name: "依申请公开按期答复", check: (r) => r.type === "timeliness" && r.limit.workingDays === 20 },
  { name: "每年11月不予公开信息自查整改", check: (r) => r.type === "deduction" },
  { name: "政府网站每周至少更新1次", check: (r) => r.type === "ratio" },
  { name: "政策解读“三同步”", check: (r) => r.type === "deduction" },
  { name: "文件印发后3个工作日内发布解读", check: (r) => r.type === "timeliness" && r.limit.workingDays === 3 },
  { name: "主要负责人带头解读", check: (r) => r.type === "tiers" },
  { name: "重大舆情5小时内发布权威信息", check: (r) => r.type === "timeliness" && r.limit.hours === 5 },
  { name: "24小时内举行新闻发布会", check: (r) => r.type === "timeliness" && r.limit.hours === 24 },
  { name: "网民意见建议7个工作日内反馈", check: (r) => r.type === "timeliness" && r.limit.workingDays === 7 },
  { name: "新闻发布会每年不少于2次", check: (r) => r.type === "tiers" && r.tiers.some((t) => t.min === 2) },
  { name: "主要负责人每年至少出席1次", check: (r) => r.type === "tiers" && r.tiers.some((t) => t.min === 1) },
  { name: "政务新媒体管理", check: (r) => r.type === "deduction" },
  { name: "重大决策公开征求意见与采纳反馈", check: () => true },
  { name: "主要负责人每年至少听取1次政务公开工作汇报", check: (r) => r.type === "tiers" && r.tiers.some((t) => t.min === 1) },
  { name: "培训率不低于50%", check: (r) => r.type === "ratio" && r.target === 0.5 },
  { name: "弄虚作假、隐瞒实情", check: (r) => r.type === "veto", part: "veto" },
  { name: "泄露国家秘密", check: (r) => r.type === "veto", part: "veto" },
  { name: "重大舆情不回应造成严重影响", check: (r) => r.type === "veto", part: "veto" },
  { name: "经验做法被上级推广", check: () => true, part: "bonus" },
  { name: "承担国家或省级试点", check: () => true, part: "bonus" },
];

describe("default indicator template", () => {
  it("has one set for each demo category, with different points", () => {
    expect(DEFAULT_TEMPLATE.map((t) => t.category)).toEqual([...DEMO_CATEGORIES]);
    const points = (c: string) => leavesOf(setFor(c).indicators).map((l) => `${l.name}:${l.points}`);
    expect(points("街道办事处")).not.toEqual(points("区级部门"));
  });

  for (const category of DEMO_CATEGORIES) {
    describe(category, () => {
      const specs = setFor(category).indicators;
      const leaves = leavesOf(specs);

      it("passes the publishing check with no errors and no warnings", () => {
        expect(checkIndicatorSet(specs)).toEqual({ errors: [], warnings: [] });
      });

      it("has base points summing to 100, a veto part and a 5-point bonus part, at most three levels", () => {
        const base = specs.filter((s) => (s.part ?? "base") === "base").reduce((sum, s) => sum + s.points, 0);
        expect(base).toBe(100);
        expect(specs.filter((s) => s.part === "veto")).toHaveLength(1);
        expect(specs.find((s) => s.part === "bonus")?.points).toBe(5);
        const depths = allNodes(specs).map((n) => n.depth);
        expect(Math.max(...depths)).toBe(3);
      });

      it("covers the four mandated dimensions with scored base leaves", () => {
        const covered = new Set(leaves.filter((l) => l.effectivePart === "base" && l.points > 0).map((l) => l.effectiveDimension));
        for (const d of MANDATED_DIMENSIONS) expect(covered).toContain(d);
      });

      it("uses every rule type, timeliness both in hours and in working days", () => {
        const types = new Set(leaves.map((l) => l.rule!.type));
        expect([...types].sort()).toEqual(["deduction", "ratio", "score", "tiers", "timeliness", "veto"]);
        const limits = leaves.flatMap((l) => (l.rule!.type === "timeliness" ? [l.rule!.limit] : []));
        expect(limits.some((l) => l.hours !== undefined)).toBe(true);
        expect(limits.some((l) => l.workingDays !== undefined)).toBe(true);
      });

      it("contains every required item with its rule type", () => {
        for (const req of REQUIRED) {
          const matches = leaves.filter((l) => l.name.includes(req.name) || allNodes(specs).some((n) => n.node.name === req.name && n.node.children?.some((c) => c.code === l.code)));
          expect(matches.length, `缺少指标：${req.name}`).toBeGreaterThan(0);
          for (const m of matches) {
            expect(req.check(m.rule!), `${req.name} 的评分规则不符：${JSON.stringify(m.rule)}`).toBe(true);
            expect(m.effectivePart).toBe(req.part ?? "base");
          }
        }
        expect(leaves.find((l) => l.name.includes("重大决策公开征求意见"))!.effectiveDimension).toBe("participation");
      });

      it("gives every leaf its source clause (a named policy document and article), guidance and criteria", () => {
        const docs = Object.values(POLICY_DOCS);
        for (const leaf of leaves) {
          expect(leaf.basis, leaf.name).toBeTruthy();
          expect(docs.some((d) => leaf.basis!.startsWith(d)), `${leaf.name}：${leaf.basis}`).toBe(true);
          // document followed by an article number such as 一（四） or 三（三）1
          expect(leaf.basis).toMatch(/》[一二三四五六七八九十]/);
          expect(leaf.guidance, leaf.name).toBeTruthy();
          expect(leaf.criteria, leaf.name).toBeTruthy();
          if (leaf.rule!.type !== "veto") expect(leaf.evidenceKinds?.length ?? 0, leaf.name).toBeGreaterThan(0);
        }
        // Every one of the five source documents is cited somewhere.
        const cited = leaves.map((l) => l.basis).join("\n");
        for (const key of ["guandu", "qinghai", "anhui", "tinghu", "dehong"] as const) expect(cited).toContain(POLICY_DOCS[key]);
      });
    });
  }

  it("matches categories by exact name first, then by words such as 街道/乡镇 and 部门", () => {
    expect(templateSetFor("街道办事处")?.category).toBe("街道办事处");
    expect(templateSetFor("乡镇（街道）")?.category).toBe("街道办事处");
    expect(templateSetFor("市直部门")?.category).toBe("区级部门");
    expect(templateSetFor("国有企业")).toBeNull();
  });
});
