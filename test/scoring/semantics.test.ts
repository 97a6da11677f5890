// The numbered semantics of the spec (normalisation, veto, bonus gate,
// rounding, ranking, grades, pass, contribution, dimensions, divergence).
import { describe, expect, it } from "vitest";
import { pkgWith, run, unit } from "./helpers";

const score = (id: string, points: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `指标${id}`,
  points,
  rule: { type: "score" },
  ...extra,
});

describe("1. normalisation", () => {
  // 国办秘函〔2019〕19号: a site without 办事服务 is scored out of 75 and multiplied by 4/3.
  const indicators = [
    score("信息发布", 30, { dimension: "disclosure" }),
    score("互动交流", 20, { dimension: "response" }),
    score("办事服务", 25, { dimension: "platform" }),
    score("功能设计", 25, { dimension: "platform" }),
  ];

  it("N/A leaves leave both the numerator and the maximum (×4/3)", () => {
    const r = run(
      pkgWith(indicators, [
        {
          id: "site",
          inputs: {
            信息发布: { scores: [27] },
            互动交流: { scores: [15] },
            办事服务: { na: true, reason: "网站不提供办事服务" },
            功能设计: { scores: [18] },
          },
        },
      ]),
    );
    const u = r.units[0];
    // (27 + 15 + 18) / 75 × 100 = 60 × 4/3 = 80
    expect(u.base).toBe(80);
    expect(u.total).toBe(80);
    expect(u.leaves["办事服务"].na).toBe(true);
    expect(u.explain).toContain("100×60÷75=80.00分");
  });

  it("without N/A and base points summing to the scale, base is the plain sum", () => {
    const r = run(
      pkgWith(indicators, [
        { id: "a", inputs: { 信息发布: { scores: [27] }, 互动交流: { scores: [15] }, 办事服务: { scores: [20.5] }, 功能设计: { scores: [18] } } },
      ]),
    );
    expect(r.units[0].base).toBe(80.5);
  });

  it("odd maxima are brought to the scale (e.g. 100.64 points)", () => {
    const r = run(
      pkgWith(
        [score("基本信息", 100), score("重点领域", 0.64)],
        [{ id: "a", inputs: { 基本信息: { scores: [81.22] }, 重点领域: { scores: [0.64] } } }],
      ),
    );
    // 81.86 / 100.64 × 100 = 81.339… → 81.34
    expect(r.units[0].base).toBe(81.34);
    expect(r.warnings[0]).toContain("100.64");
  });

  it("a unit with every base leaf N/A gets base 0 and a warning", () => {
    const r = run(pkgWith([score("a", 100)], [{ id: "x", inputs: { a: { na: true, reason: "无" } } }]));
    expect(r.units[0].base).toBe(0);
    expect(r.warnings.some((w) => w.includes("全部不适用"))).toBe(true);
  });
});

const withParts = [
  score("b", 100, { dimension: "disclosure" }),
  { id: "B", name: "加分项", part: "bonus", points: 5, children: [score("b1", 3), score("b2", 2)] },
  { id: "V", name: "否决项", part: "veto", points: 0, children: [{ id: "v1", name: "重大失泄密", points: 0, rule: { type: "veto" } }] },
];
const inputs = (base: number, b1: number, b2: number, veto: boolean | string = false) => ({
  b: { scores: [base] },
  b1: { scores: [b1] },
  b2: { scores: [b2] },
  v1: veto ? { triggered: true, reason: String(veto) } : { triggered: false },
});

describe("2. veto", () => {
  it("a triggered veto sets total = vetoScore, lowest grade, no pass, no bonus; leaves still scored", () => {
    const r = run(pkgWith(withParts, [{ id: "u", inputs: inputs(95, 3, 2, "发生重大失泄密事件") }]));
    const u = r.units[0];
    expect(u.vetoed).toBe(true);
    expect(u.vetoReasons).toEqual(["发生重大失泄密事件"]);
    expect(u.total).toBe(0);
    expect(u.base).toBe(95);
    expect(u.bonus).toBe(0);
    expect(u.grade).toBe("不合格");
    expect(u.pass).toBe(false);
    expect(u.contribution).toBe(0);
    expect(u.leaves.b.score).toBe(95);
    expect(u.leaves.b1.score).toBe(3);
    expect(u.leaves.v1.explain).toBe("触发单项否决：发生重大失泄密事件");
  });

  it("vetoScore is configurable", () => {
    const r = run(pkgWith(withParts, [{ id: "u", inputs: inputs(95, 3, 2, "x") }], { vetoScore: 30 }));
    expect(r.units[0].total).toBe(30);
    expect(r.units[0].pass).toBe(false);
  });

  it("an untriggered veto changes nothing", () => {
    const u = run(pkgWith(withParts, [{ id: "u", inputs: inputs(95, 3, 1) }])).units[0];
    expect(u.vetoed).toBe(false);
    expect(u.total).toBe(99);
  });
});

describe("3. bonus gate", () => {
  it("counts only when base is strictly greater than the gate", () => {
    const r = run(
      pkgWith(withParts, [
        { id: "at", inputs: inputs(80, 3, 2) },
        { id: "above", inputs: inputs(80.01, 3, 2) },
      ]),
    );
    expect(unit(r, "at").bonus).toBe(0);
    expect(unit(r, "at").total).toBe(80);
    expect(unit(r, "at").explain).toContain("因基础分未高于80分，不计入");
    expect(unit(r, "above").bonus).toBe(5);
    expect(unit(r, "above").total).toBe(85.01);
  });

  it("total may exceed the scale", () => {
    const u = run(pkgWith(withParts, [{ id: "u", inputs: inputs(99, 3, 2) }])).units[0];
    expect(u.total).toBe(104);
    expect(u.grade).toBe("优秀");
  });

  it("the gate compares the exact base: 80.004 is above 80 even though it shows as 80.00", () => {
    const r = run(pkgWith(withParts, [{ id: "u", inputs: inputs(80.004, 1, 0) }]));
    expect(r.units[0].base).toBe(80);
    expect(r.units[0].bonus).toBe(1);
    expect(r.units[0].total).toBe(81);
  });

  it("bonusGate is configurable", () => {
    const u = run(pkgWith(withParts, [{ id: "u", inputs: inputs(70, 3, 2) }], { bonusGate: 60 })).units[0];
    expect(u.total).toBe(75);
  });
});

describe("5. rounding and 8. contribution", () => {
  it("100.5 × 5 / 100 = 5.025 → 5.03 (not 5.02)", () => {
    const u = run(pkgWith(withParts, [{ id: "u", inputs: inputs(95.5, 3, 2) }])).units[0];
    expect(u.total).toBe(100.5);
    expect(u.contribution).toBe(5.03);
  });

  it("contribution uses opennessWeightPct", () => {
    const u = run(pkgWith([score("a", 100)], [{ id: "u", inputs: { a: { scores: [91.67] } } }], { opennessWeightPct: 4 })).units[0];
    expect(u.contribution).toBe(3.67); // 3.6668
  });

  it("rounds once: 1/3 + 1/3 + 1/3 stays exactly 1 (no binary drift)", () => {
    const third = (id: string) => ({ id, name: id, points: 1, rule: { type: "timeliness", limit: { hours: 1 } } });
    const ev = (ok: boolean) => ({ start: "2020-01-01T00:00:00Z", end: ok ? "2020-01-01T00:30:00Z" : "2020-01-01T02:00:00Z" });
    const events = { events: [ev(true), ev(false), ev(false)] };
    const u = run(
      pkgWith([third("a"), third("b"), third("c"), score("d", 97)], [
        { id: "u", inputs: { a: events, b: events, c: events, d: { scores: [79.005] } } },
      ]),
    ).units[0];
    // leaves show 0.33 each, but base = 1 + 79.005 = 80.005 → 80.01 (not 79.99 + 0.01 drift)
    expect(u.leaves.a.score).toBe(0.33);
    expect(u.base).toBe(80.01);
  });
});

describe("6. ranking", () => {
  const units = [
    { id: "d", category: "区级部门", total: 80 },
    { id: "b", category: "乡镇", total: 85 },
    { id: "a", category: "区级部门", total: 90 },
    { id: "c", category: "区级部门", total: 85 },
    { id: "e", category: "乡镇", total: 85 },
    { id: "f", category: "乡镇", total: 70 },
  ];
  const p = {
    ...pkgWith([score("x", 100)], []),
    indicatorSets: [
      { category: "区级部门", indicators: [score("x", 100)] },
      { category: "乡镇", indicators: [score("x", 100)] },
    ],
    units: units.map((u) => ({ id: u.id, name: u.id, category: u.category, inputs: { x: { scores: [u.total] } } })),
  };

  it("competition ranking 1, 2, 2, 4 with ties listed by id; categoryRank within the category", () => {
    const r = run(p);
    expect(r.units.map((u) => [u.id, u.total, u.rank, u.categoryRank])).toEqual([
      ["a", 90, 1, 1],
      ["b", 85, 2, 1],
      ["c", 85, 2, 2],
      ["e", 85, 2, 1],
      ["d", 80, 5, 3],
      ["f", 70, 6, 3],
    ]);
  });

  it("ranks on the rounded total: 84.996 and 85 tie", () => {
    const q = pkgWith([score("x", 100)], [
      { id: "p", inputs: { x: { scores: [84.996] } } },
      { id: "q", inputs: { x: { scores: [85] } } },
      { id: "r", inputs: { x: { scores: [84.994] } } },
    ]);
    const r = run(q);
    expect(r.units.map((u) => [u.id, u.total, u.rank])).toEqual([
      ["p", 85, 1],
      ["q", 85, 1],
      ["r", 84.99, 3],
    ]);
  });
});

describe("7. grades and pass", () => {
  const totals = [90, 89.99, 80, 79.99, 60, 59.99, 0];
  const r = run(pkgWith([score("x", 100)], totals.map((t, i) => ({ id: `u${i}`, inputs: { x: { scores: [t] } } }))));
  it.each([
    [90, "优秀", true],
    [89.99, "良好", true],
    [80, "良好", true],
    [79.99, "合格", true],
    [60, "合格", true],
    [59.99, "不合格", false],
    [0, "不合格", false],
  ])("total %s → %s, pass %s", (total, grade, pass) => {
    const u = r.units.find((x) => x.total === total);
    expect(u?.grade).toBe(grade);
    expect(u?.pass).toBe(pass);
  });

  it("custom grades and passMark", () => {
    const q = run(
      pkgWith([score("x", 100)], [{ id: "u", inputs: { x: { scores: [75] } } }], {
        grades: [
          { name: "好", min: 70 },
          { name: "差", min: 0 },
        ],
        passMark: 80,
      }),
    );
    expect(q.units[0].grade).toBe("好");
    expect(q.units[0].pass).toBe(false);
  });

  it("grade uses the rounded total: 89.996 shows and grades as 90.00 优秀", () => {
    const q = run(pkgWith([score("x", 100)], [{ id: "u", inputs: { x: { scores: [89.996] } } }]));
    expect(q.units[0].total).toBe(90);
    expect(q.units[0].grade).toBe("优秀");
  });
});

describe("9. dimension scores", () => {
  it("100 × earned / applicable maximum over base-part leaves, inherited from parents", () => {
    const r = run(
      pkgWith(
        [
          { id: "1", name: "公开", dimension: "disclosure", points: 60, children: [score("1.1", 40), score("1.2", 20, { dimension: "interpretation" })] },
          { id: "2", name: "回应", dimension: "response", points: 40, children: [score("2.1", 25), score("2.2", 15)] },
          { id: "B", name: "加分", part: "bonus", points: 5, dimension: "disclosure", rule: { type: "score" } },
        ],
        [
          {
            id: "u",
            inputs: {
              "1.1": { scores: [30] },
              "1.2": { scores: [15] },
              "2.1": { scores: [20] },
              "2.2": { na: true, reason: "本年度无舆情" },
              B: { scores: [5] },
            },
          },
        ],
      ),
    );
    expect(r.units[0].dimensions).toEqual({ disclosure: 75, interpretation: 75, response: 80 });
    // base = 100 × 65 / 85 = 76.47; bonus gated
    expect(r.units[0].base).toBe(76.47);
    expect(Object.keys(r.units[0].dimensions)).toEqual(["disclosure", "interpretation", "response"]);
  });
});

describe("10. divergence", () => {
  const one = (scores: number[], extra = {}) =>
    run(pkgWith([score("x", 10), score("y", 90)], [{ id: "u", inputs: { x: { scores }, y: { scores: [90] } } }], extra)).units[0].leaves.x;

  it("divergent when max − min exceeds divergence × points (strictly)", () => {
    expect(one([7, 9]).divergent).toBe(false); // 2 = 0.2 × 10
    const d = one([7, 9.5]);
    expect(d.divergent).toBe(true);
    expect(d.explain).toContain("最高分与最低分相差2.5分，超过允许差异2分，需复核");
  });

  it("is exact: 7 − 5.6 = 1.4 = 0.2 × 7 is not divergent (binary floats would say 1.4000000000000004 > 1.4000000000000001)", () => {
    expect(7 - 5.6 > 0.2 * 7).toBe(true); // the float trap
    const r = run(pkgWith([score("x", 7), score("y", 93)], [{ id: "u", inputs: { x: { scores: [5.6, 7] }, y: { scores: [1] } } }]));
    expect(r.units[0].leaves.x.divergent).toBe(false);
  });

  it("uses the package's divergence", () => {
    expect(one([7, 9], { divergence: 0.1 }).divergent).toBe(true);
  });

  it("a single evaluator is never divergent", () => {
    expect(one([0]).divergent).toBe(false);
  });
});

describe("output format", () => {
  it("zwgk-results/1 with stable key order", () => {
    const r = run(pkgWith([score("x", 100)], [{ id: "u", name: "区教育局", inputs: { x: { scores: [91.666] } } }]));
    expect(r.format).toBe("zwgk-results/1");
    expect(r.title).toBe("测试考核");
    expect(Object.keys(r.units[0])).toEqual([
      "id", "name", "category", "total", "base", "bonus", "vetoed", "vetoReasons", "grade", "pass",
      "rank", "categoryRank", "contribution", "dimensions", "leaves", "explain",
    ]);
    expect(Object.keys(r.units[0].leaves.x)).toEqual(["score", "max", "na", "divergent", "explain"]);
    expect(r.units[0].total).toBe(91.67);
  });
});
