// The checklist rule of zwgk-assessment/2 (issue 13, item 8): “完成附件所列任务，每项X分”. Each task
// is marked done or not, with the number of evidence items; a task done without evidence scores 0.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { compute, validatePackage } from "../../scoring";
import { RULES } from "../../scoring/rules";
import { pkgWith, run, unit, valid, type Json } from "./helpers";

const V2 = { format: "zwgk-assessment/2" };

const rule = {
  type: "checklist",
  tasks: [
    { code: "ml", label: "编制政府信息公开目录", points: 2 },
    { code: "zn", label: "更新政府信息公开指南", points: 1.5 },
    { code: "nb", label: "按时发布年度报告", points: 2.5 },
  ],
};
const tree = (points = 5) => [
  { id: "C", name: "重点任务落实", dimension: "disclosure", points, rule },
  { id: "R", name: "其余", points: 100 - points, rule: { type: "score" } },
];
const pkgFor = (tasks: Json[], points = 5) => pkgWith(tree(points), [{ id: "u", name: "城关街道", inputs: { C: { tasks }, R: { scores: [100 - points] } } }], V2);
const leafOf = (tasks: Json[], points = 5) => unit(run(pkgFor(tasks, points)), "u").leaves.C;

function errorsOf(input: unknown) {
  const v = validatePackage(input);
  return v.ok ? [] : v.errors;
}

describe("checklist rule", () => {
  it("scores the points of the tasks done with evidence; a task done without evidence scores 0", () => {
    expect(
      leafOf([
        { task: "ml", done: true, evidence: 2 },
        { task: "zn", done: true },
        { task: "nb", done: false },
      ]),
    ).toEqual({
      score: 2,
      max: 5,
      na: false,
      divergent: false,
      explain: "“编制政府信息公开目录”已完成，得2分；“更新政府信息公开指南”已完成，无佐证材料，不得分；“按时发布年度报告”未完成，不得分；已完成任务合计2分，得2.00/5分",
    });
    // evidence: 0 is no evidence; the explanation follows the rule's order, whatever the input's.
    expect(
      leafOf([
        { task: "nb", done: true, evidence: 1 },
        { task: "zn", done: true, evidence: 0 },
        { task: "ml", done: true, evidence: 3 },
      ]).explain,
    ).toBe("“编制政府信息公开目录”已完成，得2分；“更新政府信息公开指南”已完成，无佐证材料，不得分；“按时发布年度报告”已完成，得2.5分；已完成任务合计4.5分，得4.50/5分");
  });

  it("the leaf scores at most its points", () => {
    const all = rule.tasks.map((t) => ({ task: t.code, done: true, evidence: 1 }));
    expect(leafOf(all, 4)).toMatchObject({
      score: 4,
      explain: "“编制政府信息公开目录”已完成，得2分；“更新政府信息公开指南”已完成，得1.5分；“按时发布年度报告”已完成，得2.5分；已完成任务合计6分，以4分为限，得4.00/4分",
    });
  });

  it("takes part in the unit like any leaf: base, dimension, N/A and override", () => {
    const u = unit(run(pkgFor([{ task: "ml", done: true, evidence: 1 }, { task: "zn", done: false }, { task: "nb", done: true, evidence: 1 }])), "u");
    expect(u).toMatchObject({ base: 99.5, total: 99.5, dimensions: { disclosure: 90 } });
    const na = pkgWith(tree(), [{ id: "u", inputs: { C: { na: true, reason: "本年度未部署" }, R: { scores: [95] } } }], V2);
    expect(unit(run(na), "u")).toMatchObject({ base: 100, leaves: { C: { explain: "不适用：本年度未部署" } } });
    const adjusted = pkgWith(tree(), [{ id: "u", inputs: { C: { tasks: [{ task: "ml", done: false }, { task: "zn", done: false }, { task: "nb", done: false }], override: { value: 2, reason: "补交目录佐证", by: "appeal" } }, R: { scores: [95] } } }], V2);
    expect(unit(run(adjusted), "u").leaves.C.explain).toBe(
      "“编制政府信息公开目录”未完成，不得分；“更新政府信息公开指南”未完成，不得分；“按时发布年度报告”未完成，不得分；已完成任务合计0分；复核调整：补交目录佐证，由0.00分调整为2分，得2.00/5分",
    );
  });

  it("every task must be marked done or not done: the message names the unit, the leaf and the task", () => {
    expect(errorsOf(pkgFor([{ task: "ml", done: true, evidence: 1 }]))).toEqual([
      { path: "units[0].inputs.C.tasks", message: "单位“城关街道”的指标“C”未标明任务“更新政府信息公开指南”是否完成（每项任务须标明已完成或未完成）" },
      { path: "units[0].inputs.C.tasks", message: "单位“城关街道”的指标“C”未标明任务“按时发布年度报告”是否完成（每项任务须标明已完成或未完成）" },
    ]);
    const none = pkgWith(tree(), [{ id: "u", name: "城关街道", inputs: { C: {}, R: { scores: [95] } } }], V2);
    expect(errorsOf(none)).toEqual([{ path: "units[0].inputs.C.tasks", message: "单位“城关街道”的指标“C”缺少任务完成情况（tasks），每项任务须标明已完成或未完成" }]);
  });

  it("refuses unknown and repeated tasks, a missing done, and evidence that is not a count", () => {
    expect(
      errorsOf(
        pkgFor([
          { task: "ml", done: true, evidence: -1 },
          { task: "ml", done: false },
          { task: "zn", done: true, evidence: 1.5 },
          { task: "nb" },
          { task: "xx", done: true },
        ]),
      ),
    ).toEqual([
      { path: "units[0].inputs.C.tasks[3].done", message: "缺少必填字段" },
      { path: "units[0].inputs.C.tasks[0].evidence", message: "佐证材料数量-1不能为负数" },
      { path: "units[0].inputs.C.tasks[1].task", message: "任务“编制政府信息公开目录”重复填报" },
      { path: "units[0].inputs.C.tasks[2].evidence", message: "佐证材料数量须为整数" },
      { path: "units[0].inputs.C.tasks[4].task", message: "任务代码“xx”未在该指标的规则中定义" },
    ]);
  });

  it("the rule needs zwgk-assessment/2 and is checked: tasks, unique codes, points within the leaf's", () => {
    const input = { tasks: rule.tasks.map((t) => ({ task: t.code, done: false })) };
    expect(errorsOf(pkgWith(tree(), [{ id: "u", inputs: { C: input, R: { scores: [95] } } }]))).toEqual([
      { path: "indicatorSets[0].indicators[0].rule.type", message: "“checklist”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" },
    ]);
    const bad = [
      { id: "C", name: "x", points: 2, rule: { type: "checklist", tasks: [{ code: "a", label: "甲", points: 3 }, { code: "a", label: "乙", points: 1 }] } },
      { id: "D", name: "y", points: 98, rule: { type: "checklist", tasks: [] } },
    ];
    expect(errorsOf(pkgWith(bad, [], V2))).toEqual([
      { path: "indicatorSets[0].indicators[1].rule.tasks", message: "至少需要1项" },
      { path: "indicatorSets[0].indicators[0].rule.tasks[0].points", message: "任务“甲”的分值3超过指标分值2" },
      { path: "indicatorSets[0].indicators[0].rule.tasks[1].code", message: "任务代码“a”重复（与第1项相同）" },
    ]);
  });

  it("property: the leaf is min(points, Σ points of tasks done with evidence), whatever the order of the entries", () => {
    const entry = fc.record({ done: fc.boolean(), evidence: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.tuple(entry, entry, entry), fc.constantFrom(3, 5, 7), fc.boolean(), (entries, points, reversed) => {
        const tasks = rule.tasks.map((t, i) => {
          const e = entries[i];
          return e.evidence === undefined ? { task: t.code, done: e.done } : { task: t.code, done: e.done, evidence: e.evidence };
        });
        const l = leafOf(reversed ? [...tasks].reverse() : tasks, points);
        const earned = rule.tasks.reduce((s, t, i) => s + (entries[i].done && (entries[i].evidence ?? 0) > 0 ? t.points * 10 : 0), 0) / 10;
        expect(l.score).toBe(Math.min(points, earned));
        const unsupported = entries.filter((e) => e.done && (e.evidence ?? 0) === 0).length;
        expect(l.explain.split("无佐证材料，不得分").length - 1).toBe(unsupported);
      }),
      { numRuns: 200 },
    );
  });

  it("many units with equal inputs share one evaluation and one explanation", () => {
    const tasks = [{ task: "ml", done: true, evidence: 1 }, { task: "zn", done: false }, { task: "nb", done: true }];
    const p = valid(pkgWith(tree(), ["a", "b", "c"].map((id) => ({ id, inputs: { C: { tasks }, R: { scores: [90] } } })), V2));
    const spy = vi.spyOn(RULES.checklist, "evaluate");
    const r = compute(p);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(new Set(r.units.map((u) => u.leaves.C.explain)).size).toBe(1);
    expect(r.units.map((u) => u.leaves.C.score)).toEqual([2, 2, 2]);
  });
});

describe("one path", () => {
  afterEach(() => vi.restoreAllMocks());
  it("an error planted in the checklist rule surfaces: no unit is quietly scored another way", () => {
    vi.spyOn(RULES.checklist, "evaluate").mockImplementation(() => {
      throw new TypeError("planted in checklist");
    });
    expect(() => compute(valid(pkgFor([{ task: "ml", done: true, evidence: 1 }, { task: "zn", done: false }, { task: "nb", done: false }])))).toThrow("planted in checklist");
  });
});
