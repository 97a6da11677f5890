// The rule language of zwgk-assessment/2 (issue 13): per-fault caps and one-time faults, the
// penalty part outside the points, part vetoes, bonus gate variants and per-category settings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validatePackage } from "../../scoring";
import { pkgWith, run, unit, type Json } from "./helpers";

const V2 = { format: "zwgk-assessment/2" };

function errorsOf(input: unknown) {
  const v = validatePackage(input);
  return v.ok ? [] : v.errors;
}

describe("per-fault cap and one-time faults", () => {
  const tree = [
    {
      id: "L",
      name: "主动公开",
      points: 10,
      rule: {
        type: "deduction",
        faults: [
          { code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 },
          { code: "nodir", label: "未编制目录", points: 1, once: true },
          { code: "late", label: "超期公开", points: 0.5 },
        ],
      },
    },
    { id: "R", name: "其余", points: 90, rule: { type: "score" } },
  ];
  const score = (deductions: Json[]) => unit(run(pkgWith(tree, [{ id: "u", inputs: { L: { deductions }, R: { scores: [90] } } }], V2)), "u").leaves.L;

  it("a fault's cap applies to the sum over all its entries and sources (4 and 3 finds at 0.5, capped at 2, take 2)", () => {
    expect(score([{ fault: "miss", count: 4, source: "抽查#1" }, { fault: "miss", count: 3, source: "抽查#2" }])).toEqual({
      score: 8,
      max: 10,
      na: false,
      divergent: false,
      explain: "栏目内容缺失×4，扣2分（来源：抽查#1）；栏目内容缺失×3，扣1.5分（来源：抽查#2）；“栏目内容缺失”最多扣2分；合计扣2分，得8.00/10分",
    });
  });

  it("below its cap a fault deducts in full, and ad-hoc deductions count against no cap", () => {
    expect(score([{ fault: "miss", count: 3 }, { points: 1.5, reason: "酌情扣分" }]).explain).toBe("栏目内容缺失×3，扣1.5分；酌情扣分，扣1.5分；合计扣3分，得7.00/10分");
  });

  it("a one-time fault reported more than once deducts once", () => {
    expect(score([{ fault: "nodir", count: 2 }, { fault: "nodir", source: "抽查#3" }]).explain).toBe(
      "未编制目录×2，扣2分；未编制目录×1，扣1分（来源：抽查#3）；“未编制目录”为一次性扣分项，只扣1分；合计扣1分，得9.00/10分",
    );
    expect(score([{ fault: "nodir" }]).explain).toBe("未编制目录×1，扣1分，得9.00/10分");
  });

  it("property: a capped fault never takes more than its cap, and the leaf never goes below 0", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ fault: fc.constantFrom("miss", "nodir"), count: fc.integer({ min: 0, max: 30 }) }), { maxLength: 6 }), (ds) => {
        const l = score(ds);
        const miss = ds.filter((d) => d.fault === "miss").reduce((n, d) => n + d.count, 0);
        const nodir = ds.some((d) => d.fault === "nodir" && d.count > 0) ? 1 : 0;
        expect(l.score).toBe(10 - Math.min(2, miss * 0.5) - nodir);
        expect(l.score).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it("the new fault fields need zwgk-assessment/2, and are checked", () => {
    expect(errorsOf(pkgWith(tree, []))).toContainEqual({ path: "indicatorSets[0].indicators[0].rule.faults[0].max", message: "“max”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" });
    const bad = [{ id: "L", name: "x", points: 100, rule: { type: "deduction", faults: [{ code: "a", label: "a", points: 1, max: 0.5 }, { code: "b", label: "b", points: 1, once: true, max: 2 }] } }];
    expect(errorsOf(pkgWith(bad, [], V2))).toEqual([
      { path: "indicatorSets[0].indicators[0].rule.faults[0].max", message: "最多扣分0.5小于每次扣分1" },
      { path: "indicatorSets[0].indicators[0].rule.faults[1].max", message: "一次性扣分项（once）只扣一次，不能再设置最多扣分（max）" },
    ]);
  });
});

describe("penalty part (扣分项) outside the 100 points", () => {
  const tree = [
    { id: "A", name: "信息公开", points: 60, rule: { type: "score" } },
    { id: "B", name: "政策解读", points: 40, rule: { type: "score" } },
    { id: "J", name: "加分项", part: "bonus", points: 5, children: [{ id: "J1", name: "创新", points: 5, rule: { type: "score" } }] },
    {
      id: "P",
      name: "倒扣分",
      part: "penalty",
      points: 0,
      cap: 5,
      children: [
        { id: "P1", name: "通报批评", points: 0, rule: { type: "deduction", faults: [{ code: "notice", label: "被上级通报批评", points: 2 }] } },
        { id: "P2", name: "失泄密", points: 0, rule: { type: "deduction", faults: [{ code: "leak", label: "发生失泄密事件", points: 5 }] } },
      ],
    },
  ];
  const inputs = (a: number, b: number, j: number, notices: number, leak: boolean): Json => ({
    A: { scores: [a] },
    B: { scores: [b] },
    J1: { scores: [j] },
    P1: { deductions: notices > 0 ? [{ fault: "notice", count: notices }] : [] },
    P2: { deductions: leak ? [{ fault: "leak" }] : [] },
  });

  it("is subtracted after base and bonus, capped for the part, and explained", () => {
    const r = run(pkgWith(tree, [{ id: "u", inputs: inputs(50, 35, 4, 2, true) }], V2));
    const u = unit(r, "u");
    expect(r.format).toBe("zwgk-results/2");
    expect(u).toMatchObject({ total: 84, base: 85, bonus: 4, penalty: 5, grade: "良好", pass: true });
    expect(u.leaves.P1).toEqual({ score: -4, max: 0, na: false, divergent: false, explain: "被上级通报批评×2，扣4分，倒扣4.00分" });
    expect(u.explain).toBe(
      "基础部分得分85/100分，基础分85.00分；基础分高于80分，计入加分4.00分；扣分项扣5.00分（扣分项合计9分，超过上限的部分不扣）；总分84.00分，按5%权重折合年度绩效考核4.20分",
    );
    // The bonus gate looks at the base before the penalty: 81 − 5 is below 80, the bonus still counts.
    expect(unit(run(pkgWith(tree, [{ id: "u", inputs: inputs(50, 31, 2, 0, true) }], V2)), "u")).toMatchObject({ total: 78, bonus: 2, penalty: 5 });
  });

  it("the total stops at 0", () => {
    const u = unit(run(pkgWith(tree.map((n) => (n.id === "P" ? { ...n, cap: undefined } : n)), [{ id: "u", inputs: inputs(2, 1, 0, 3, true) }], V2)), "u");
    expect(u).toMatchObject({ total: 0, base: 3, penalty: 11 });
    expect(u.explain).toBe("基础部分得分3/100分，基础分3.00分；扣分项扣11.00分；总分不足0分，按0分计；总分0.00分，按5%权重折合年度绩效考核0.00分");
  });

  it("a /1 package's results have no penalty and keep their format", () => {
    const r = run(pkgWith([{ id: "A", name: "信息公开", points: 100, rule: { type: "score" } }], [{ id: "u", inputs: { A: { scores: [90] } } }]));
    expect(r.format).toBe("zwgk-results/1");
    expect(Object.keys(r.units[0])).not.toContain("penalty");
  });

  it("property: the penalty stays within its cap and the total is never negative", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 }), fc.boolean(), (a, b, n, leak) => {
        const u = unit(run(pkgWith(tree, [{ id: "u", inputs: inputs(a, b, 0, n, leak) }], V2)), "u");
        expect(u.penalty).toBe(Math.min(5, 2 * n + (leak ? 5 : 0)));
        expect(u.total).toBe(Math.max(0, a + b - (u.penalty ?? 0)));
        expect(u.total).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 100 },
    );
  });

  it("is checked: zero points, deduction rules only, cap on the part alone, no override", () => {
    const bad = [
      { id: "A", name: "信息公开", points: 100, rule: { type: "score" } },
      { id: "P", name: "倒扣分", part: "penalty", points: 3, children: [{ id: "P1", name: "x", points: 0, cap: 2, rule: { type: "score" } }] },
    ];
    expect(errorsOf(pkgWith(bad, [], V2))).toEqual(
      expect.arrayContaining([
        { path: "indicatorSets[0].indicators[1].points", message: "扣分项部分的分值必须为0（扣分项在总分之外扣减，上限用 cap 设置）" },
        { path: "indicatorSets[0].indicators[1].children[0].cap", message: "上限（cap）只能设置在扣分项部分的一级指标上" },
        { path: "indicatorSets[0].indicators[1].children[0].rule.type", message: "扣分项部分的指标必须使用 deduction（扣分）规则" },
      ]),
    );
    expect(errorsOf(pkgWith(tree, []))).toContainEqual({ path: "indicatorSets[0].indicators[3].part", message: "“penalty”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" });
    const withOverride = inputs(50, 35, 4, 1, false);
    withOverride.P1 = { deductions: [], override: { value: 0, reason: "复核", by: "appeal" } };
    expect(errorsOf(pkgWith(tree, [{ id: "u", inputs: withOverride }], V2))).toEqual([{ path: "units[0].inputs.P1.override", message: "扣分项指标不能进行分数调整" }]);
  });
});

describe("part veto", () => {
  const tree = [
    { id: "G1", name: "信息公开", dimension: "disclosure", points: 60, children: [{ id: "A", name: "主动公开", points: 40, rule: { type: "score" } }, { id: "A2", name: "依申请公开", points: 20, rule: { type: "score" } }] },
    { id: "G2", name: "政策解读", dimension: "interpretation", points: 40, children: [{ id: "B", name: "解读质量", points: 40, rule: { type: "score" } }] },
    { id: "J", name: "加分项", part: "bonus", points: 5, children: [{ id: "J1", name: "创新", points: 5, rule: { type: "score" } }] },
    {
      id: "V",
      name: "否决项",
      part: "veto",
      points: 0,
      children: [
        { id: "V1", name: "解读否决", points: 0, rule: { type: "veto", scope: "G2" } },
        { id: "V2", name: "失泄密", points: 0, rule: { type: "veto" } },
      ],
    },
  ];
  const inputs = (v1: boolean, a2: Json = { scores: [18] }): Json => ({
    A: { scores: [38] },
    A2: a2,
    B: { scores: [36] },
    J1: { scores: [3] },
    V1: v1 ? { triggered: true, reason: "解读材料与政策原文不符" } : { triggered: false },
    V2: { triggered: false },
  });

  it("zeroes its part only; the leaves keep their computed scores; grade and pass come from the total", () => {
    const u = unit(run(pkgWith(tree, [{ id: "u", inputs: inputs(true) }], V2)), "u");
    expect(u).toMatchObject({ total: 56, base: 56, bonus: 0, vetoed: false, vetoReasons: [], grade: "不合格", pass: false });
    expect(u.leaves.B.explain).toBe("评分：评估1 36分，得36.00/40分");
    expect(u.leaves.V1.explain).toBe("触发单项否决：解读材料与政策原文不符");
    expect(u.explain).toBe(
      "“政策解读”部分触发单项否决（解读材料与政策原文不符），该部分按0分计；基础部分得分56/100分，基础分56.00分；加分项得分3分，因基础分未高于80分，不计入；总分56.00分，按5%权重折合年度绩效考核2.80分",
    );
    const other = unit(run(pkgWith(tree, [{ id: "u", inputs: inputs(false) }], V2)), "u");
    expect(other).toMatchObject({ total: 95, base: 92, bonus: 3, vetoed: false });
  });

  it("a vetoed part's points stay in the denominator after N/A normalisation", () => {
    const u = unit(run(pkgWith(tree, [{ id: "u", inputs: inputs(true, { na: true, reason: "无依申请" }) }], V2)), "u");
    // (38 + 0) / (40 + 40) × 100
    expect(u.base).toBe(47.5);
  });

  it("property: a part veto leaves the other parts untouched", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 }), (a, a2, b) => {
        const with_ = (v1: boolean) => ({ ...inputs(v1), A: { scores: [a] }, A2: { scores: [a2] }, B: { scores: [b] } });
        const vetoed = unit(run(pkgWith(tree, [{ id: "u", inputs: with_(true) }], V2)), "u");
        const clean = unit(run(pkgWith(tree, [{ id: "u", inputs: with_(false) }], V2)), "u");
        expect(vetoed.base).toBe(a + a2);
        expect(vetoed.dimensions.disclosure).toBe(clean.dimensions.disclosure);
        expect(vetoed.dimensions.interpretation).toBe(0);
        for (const id of ["A", "A2", "B", "J1"]) expect(vetoed.leaves[id]).toEqual(clean.leaves[id]);
      }),
      { numRuns: 60 },
    );
  });

  it("its scope must name a top-level base part, in a /2 package", () => {
    const bad = tree.map((n) => (n.id === "V" ? { ...n, children: [{ id: "V1", name: "x", points: 0, rule: { type: "veto", scope: "J" } }] } : n));
    expect(errorsOf(pkgWith(bad, [], V2))).toEqual([{ path: "indicatorSets[0].indicators[3].children[0].rule.scope", message: "否决范围“J”应为本指标体系中基础部分的一级指标编号" }]);
    expect(errorsOf(pkgWith(tree, []))).toContainEqual({ path: "indicatorSets[0].indicators[3].children[0].rule.scope", message: "“scope”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" });
  });
});

describe("bonus gate variants", () => {
  const tree = [
    { id: "G1", name: "信息公开", points: 50, children: [{ id: "A", name: "主动公开", points: 50, rule: { type: "score" } }] },
    { id: "G2", name: "政策解读", points: 50, children: [{ id: "B", name: "解读质量", points: 50, rule: { type: "score" } }] },
    { id: "J", name: "加分项", part: "bonus", points: 5, children: [{ id: "J1", name: "创新", points: 5, rule: { type: "score" } }] },
  ];
  const scored = (a: number, b: number, bonusGate: Json) => {
    const p = pkgWith(tree, [{ id: "u", inputs: { A: { scores: [a] }, B: { scores: [b] }, J1: { scores: [2] } } }], V2);
    (p.indicatorSets as Json[])[0].bonusGate = bonusGate;
    return unit(run(p), "u");
  };

  it("at least (≥) the value", () => {
    expect(scored(40, 40, { value: 80, comparison: "gte" })).toMatchObject({ total: 82, bonus: 2 });
    expect(scored(40, 40, { value: 80, comparison: "gte" }).explain).toContain("基础分不低于80分，计入加分2.00分");
    expect(scored(40, 40, { value: 80 })).toMatchObject({ total: 80, bonus: 0 });
    expect(scored(40, 40, { value: 80 }).explain).toContain("加分项得分2分，因基础分未高于80分，不计入");
  });

  it("on one part's raw earned points, replacing the base gate", () => {
    expect(scored(44, 20, { value: 44, comparison: "gte", part: "G1" })).toMatchObject({ total: 66, bonus: 2 });
    expect(scored(44, 20, { value: 44, comparison: "gte", part: "G1" }).explain).toContain("“信息公开”部分得分不低于44分，计入加分2.00分");
    const closed = scored(43.5, 50, { value: 44, comparison: "gte", part: "G1" });
    expect(closed).toMatchObject({ total: 93.5, bonus: 0 });
    expect(closed.explain).toContain("加分项得分2分，因“信息公开”部分得分低于44分，不计入");
  });

  it("its part must be a top-level base part, in a /2 package", () => {
    const p = pkgWith(tree, [], V2);
    (p.indicatorSets as Json[])[0].bonusGate = { value: 1, part: "J" };
    expect(errorsOf(p)).toEqual([{ path: "indicatorSets[0].bonusGate.part", message: "加分门槛所依据的部分“J”应为本指标体系中基础部分的一级指标编号" }]);
    const v1 = pkgWith(tree, []);
    (v1.indicatorSets as Json[])[0].bonusGate = { value: 1 };
    expect(errorsOf(v1)).toEqual([{ path: "indicatorSets[0].bonusGate", message: "“bonusGate”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" }]);
  });
});

describe("per-category weight, grades and pass mark", () => {
  const indicators = [{ id: "A", name: "信息公开", points: 100, rule: { type: "score" } }];
  const p = {
    format: "zwgk-assessment/2",
    title: "分类别设置",
    opennessWeightPct: 5,
    indicatorSets: [
      { category: "区级部门", indicators },
      { category: "街道", indicators, opennessWeightPct: 4, grades: [{ name: "好", min: 85 }, { name: "一般", min: 0 }], passMark: 70 },
    ],
    units: [
      { id: "d1", name: "区教育局", category: "区级部门", inputs: { A: { scores: [86.25] } } },
      { id: "s1", name: "城关街道", category: "街道", inputs: { A: { scores: [86.25] } } },
      { id: "s2", name: "东城街道", category: "街道", inputs: { A: { scores: [65] } } },
    ],
  };

  it("contribution uses the unit's own category's weight; grade and pass its category's thresholds; ranks across and within", () => {
    const r = run(p);
    expect(unit(r, "d1")).toMatchObject({ total: 86.25, contribution: 4.31, grade: "良好", pass: true, rank: 1, categoryRank: 1 });
    expect(unit(r, "s1")).toMatchObject({ total: 86.25, contribution: 3.45, grade: "好", pass: true, rank: 1, categoryRank: 1 });
    expect(unit(r, "s2")).toMatchObject({ total: 65, contribution: 2.6, grade: "一般", pass: false, rank: 3, categoryRank: 2 });
    expect(unit(r, "s1").explain).toBe("基础部分得分86.25/100分，基础分86.25分；总分86.25分，按4%权重折合年度绩效考核3.45分");
  });

  it("a category's weight is never below 4%", () => {
    const bad = { ...p, indicatorSets: [p.indicatorSets[0], { ...p.indicatorSets[1], opennessWeightPct: 3 }] };
    expect(errorsOf(bad)).toEqual([{ path: "indicatorSets[1].opennessWeightPct", message: "政务公开工作分值权重不得低于4%" }]);
  });
});

describe("designated source", () => {
  const tree = [
    { id: "W", name: "政府网站建设", points: 10, rule: { type: "score", designated: "县外网办" } },
    { id: "R", name: "其余", points: 90, rule: { type: "score" } },
  ];
  const scores = (entries: Json[]) => pkgWith(tree, [{ id: "u", name: "城关镇", inputs: { W: { scores: entries }, R: { scores: [90] } } }], V2);

  it("the leaf takes that source's value alone; the other entries are shown and still flag divergence", () => {
    const l = unit(run(scores([{ value: 9, by: "王敏" }, { value: 6, by: "县外网办", source: "外网办年度测评" }])), "u").leaves.W;
    expect(l).toEqual({
      score: 6,
      max: 10,
      na: false,
      divergent: true,
      explain: "评分：王敏 9分、县外网办 6分（来源：外网办年度测评），以“县外网办”评分为准（最高分与最低分相差3分，超过允许差异2分，需复核），得6.00/10分",
    });
    expect(unit(run(scores([{ value: 7.5, by: "县外网办" }])), "u").leaves.W.explain).toBe("评分：县外网办 7.5分，以“县外网办”评分为准，得7.50/10分");
  });

  it("a missing designated value refuses the package, naming the unit and the leaf", () => {
    expect(errorsOf(scores([{ value: 9, by: "王敏" }]))).toEqual([
      { path: "units[0].inputs.W.scores", message: "单位“城关镇”的指标“W”缺少指定来源“县外网办”的评分（该指标以“县外网办”评分为准）" },
    ]);
  });
});

describe("designated source of another kind: an outside office's assessment, a spot check", () => {
  const tree = (designatedKind: string, designated: string) => [
    { id: "W", name: "政府网站建设", points: 10, rule: { type: "score", designated, designatedKind } },
    { id: "R", name: "其余", points: 90, rule: { type: "score" } },
  ];
  const pkg = (kind: string, name: string, entries: Json[], format = V2) =>
    pkgWith(tree(kind, name), [{ id: "u", name: "城关镇", inputs: { W: { scores: entries }, R: { scores: [90] } } }], format);

  it("以县外网办评价为准: the outside office's value alone, named first; the evaluators' entries are shown and flag divergence", () => {
    const entries = [{ value: 9, by: "王敏" }, { value: 6, by: "县外网办", kind: "outside", source: "2026年度网站测评" }];
    expect(unit(run(pkg("outside", "县外网办", entries)), "u").leaves.W).toEqual({
      score: 6,
      max: 10,
      na: false,
      divergent: true,
      explain: "以县外网办评价为准：评分：王敏 9分、县外网办 6分（来源：2026年度网站测评）（最高分与最低分相差3分，超过允许差异2分，需复核），得6.00/10分",
    });
  });

  it("以区级抽查结果为准: the spot check's score, whatever an evaluator of the same name entered", () => {
    const entries = [{ value: 9, by: "区级抽查" }, { value: 8.5, by: "区级抽查", kind: "spotcheck", source: "抽查发现#3" }];
    expect(unit(run(pkg("spotcheck", "区级抽查", entries)), "u").leaves.W).toMatchObject({
      score: 8.5,
      divergent: false,
      explain: "以区级抽查结果为准：评分：区级抽查 9分、区级抽查 8.5分（来源：抽查发现#3），得8.50/10分",
    });
  });

  it("an evaluator's entry of the same name does not stand in for the outside office: the package is refused, naming unit and leaf", () => {
    expect(errorsOf(pkg("outside", "县外网办", [{ value: 9, by: "县外网办" }]))).toEqual([
      { path: "units[0].inputs.W.scores", message: "单位“城关镇”的指标“W”缺少“县外网办”的评价（该指标以县外网办评价为准）" },
    ]);
    expect(errorsOf(pkg("spotcheck", "区级抽查", [{ value: 9, by: "王敏" }]))).toEqual([
      { path: "units[0].inputs.W.scores", message: "单位“城关镇”的指标“W”缺少“区级抽查”的抽查评分（该指标以区级抽查结果为准）" },
    ]);
  });

  it("is zwgk-assessment/2 only, and a kind needs a source name", () => {
    const v1 = { format: "zwgk-assessment/1" };
    const p1 = pkgWith([{ id: "W", name: "网站", points: 100, rule: { type: "score" } }], [{ id: "u", inputs: { W: { scores: [{ value: 9, by: "县外网办", kind: "outside" }] } } }], v1);
    expect(errorsOf(p1)).toEqual([{ path: "units[0].inputs.W.scores[0].kind", message: "“kind”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" }]);
    const noName = pkgWith([{ id: "W", name: "网站", points: 100, rule: { type: "score", designatedKind: "outside" } }], [{ id: "u", inputs: { W: { scores: [9] } } }], V2);
    expect(errorsOf(noName)).toEqual([{ path: "indicatorSets[0].indicators[0].rule.designatedKind", message: "指定评分来源的类型须与来源名称（designated）一同填写" }]);
  });
});

describe("discretion within a bound", () => {
  it("酌情给分: the leaf scores between 0 and a maximum below its points, with a reason", () => {
    const tree = [
      { id: "D", name: "工作创新", points: 5, rule: { type: "score", discretionMax: 2 } },
      { id: "R", name: "其余", points: 95, rule: { type: "score" } },
    ];
    const p = (input: Json) => pkgWith(tree, [{ id: "u", inputs: { D: input, R: { scores: [90] } } }], V2);
    expect(unit(run(p({ scores: [1.5], reason: "政务公开专栏改版" })), "u").leaves.D.explain).toBe("酌情给分（最多2分）：政务公开专栏改版；评分：评估1 1.5分，得1.50/5分");
    expect(errorsOf(p({ scores: [2.5] }))).toEqual([
      { path: "units[0].inputs.D.scores[0]", message: "酌情给分2.5超出范围[0, 2]" },
      { path: "units[0].inputs.D.reason", message: "酌情给分须说明理由（reason）" },
    ]);
  });

  it("酌情扣分: at most the maximum is deducted in all, each with its reason", () => {
    const tree = [
      { id: "D", name: "信息发布", points: 10, rule: { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 1 }], discretionMax: 2 } },
      { id: "R", name: "其余", points: 90, rule: { type: "score" } },
    ];
    const p = (deductions: Json[]) => pkgWith(tree, [{ id: "u", inputs: { D: { deductions }, R: { scores: [90] } } }], V2);
    expect(unit(run(p([{ fault: "late" }, { points: 1.5, reason: "内容不规范" }])), "u").leaves.D.explain).toBe(
      "超期公开×1，扣1分；内容不规范，扣1.5分；酌情扣分合计1.5分（最多2分）；合计扣2.5分，得7.50/10分",
    );
    expect(errorsOf(p([{ points: 1.5, reason: "内容不规范" }, { points: 1, reason: "格式错误" }]))).toEqual([
      { path: "units[0].inputs.D.deductions", message: "酌情扣分合计2.5分，超过上限2分" },
    ]);
  });
});
