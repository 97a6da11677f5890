// Validation: every listed problem, each with a JSON path and a Chinese message, all at once.
import { describe, expect, it } from "vitest";
import { scorePackage, validateIndicatorTree, validatePackage, type ValidationError } from "../../scoring";
import { pkg, pkgWith, type Json } from "./helpers";

function errorsOf(input: unknown): ValidationError[] {
  const v = validatePackage(input);
  if (v.ok) throw new Error("expected the package to be invalid");
  return v.errors;
}

function expectError(input: unknown, path: string, message: string | RegExp): void {
  const errors = errorsOf(input);
  const hit = errors.find((e) => e.path === path && (typeof message === "string" ? e.message === message : message.test(e.message)));
  if (!hit) throw new Error(`no error at ${path} matching ${String(message)}; got ${JSON.stringify(errors, null, 2)}`);
}

const ind = [
  {
    id: "1",
    name: "信息公开",
    points: 60,
    children: [
      { id: "1.1", name: "主动公开", points: 30, rule: { type: "score" } },
      {
        id: "1.2",
        name: "规范公开",
        points: 30,
        rule: { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 5 }] },
      },
    ],
  },
  { id: "2", name: "比率", points: 20, rule: { type: "ratio" } },
  { id: "3", name: "时效", points: 20, rule: { type: "timeliness", limit: { workingDays: 3 } } },
];
const goodInputs = (): Json => ({
  "1.1": { scores: [25] },
  "1.2": { deductions: [] },
  "2": { value: 1 },
  "3": { events: [] },
});
const withInputs = (inputs: Json, extra: Json = {}) => pkgWith(ind, [{ id: "u1", inputs }], extra);

describe("a valid package", () => {
  it("is returned with defaults applied", () => {
    const v = validatePackage(withInputs(goodInputs()));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.pkg.scale).toBe(100);
    expect(v.pkg.bonusGate).toBe(80);
    expect(v.pkg.vetoScore).toBe(0);
    expect(v.pkg.passMark).toBe(60);
    expect(v.pkg.reconcile).toBe("mean");
    expect(v.pkg.divergence).toBe(0.2);
    expect(v.pkg.grades.map((g) => g.name)).toEqual(["优秀", "良好", "合格", "不合格"]);
    expect(v.pkg.calendar).toEqual({ holidays: [], workdays: [] });
    expect(v.warnings).toEqual([]);
  });

  it("warns when the base part does not sum to the scale", () => {
    const v = validatePackage(pkgWith([{ id: "a", name: "a", points: 75, rule: { type: "score" } }], []));
    expect(v.ok && v.warnings[0]).toMatch(/基础部分分值合计75分，与满分100分不一致/);
  });
});

describe("each listed problem", () => {
  it("opennessWeightPct below 4", () => {
    expectError(pkg({ opennessWeightPct: 3.9 }), "opennessWeightPct", "政务公开工作分值权重不得低于4%");
  });
  it("opennessWeightPct above 100", () => {
    expectError(pkg({ opennessWeightPct: 101 }), "opennessWeightPct", "政务公开工作分值权重不得高于100%");
  });
  it("opennessWeightPct missing", () => {
    const p = pkg();
    delete p.opennessWeightPct;
    expectError(p, "opennessWeightPct", "缺少必填字段");
  });
  it("unknown format", () => {
    expectError(pkg({ format: "zwgk-assessment/9" }), "format", /不支持的格式“zwgk-assessment\/9”/);
  });
  it("not an object", () => {
    expect(errorsOf("hello")).toEqual([{ path: "", message: "数据包应为 JSON 对象" }]);
  });
  it("parent points ≠ sum of children", () => {
    const bad = structuredClone(ind);
    bad[0].points = 61;
    expectError(pkgWith(bad, []), "indicatorSets[0].indicators[0].points", "分值61与下级指标分值之和60不一致");
  });
  it("parent points equal to the sum within 1e-9 are fine (0.1 + 0.2 = 0.3)", () => {
    const tree = [
      { id: "p", name: "p", points: 0.3, children: [{ id: "a", name: "a", points: 0.1, rule: { type: "score" } }, { id: "b", name: "b", points: 0.2, rule: { type: "score" } }] },
    ];
    expect(validateIndicatorTree(tree)).toEqual([]);
  });
  it("duplicate node ids within a set", () => {
    const bad = structuredClone(ind) as Json[];
    (bad[1] as Json).id = "1.1";
    expectError(pkgWith(bad, []), "indicatorSets[0].indicators[1].id", /指标编号“1.1”重复/);
  });
  it("duplicate unit ids", () => {
    const p = pkgWith(ind, [
      { id: "u1", inputs: goodInputs() },
      { id: "u1", inputs: goodInputs() },
    ]);
    expectError(p, "units[1].id", "单位编号“u1”重复（与 units[0] 相同）");
  });
  it("a unit whose category has no indicator set", () => {
    expectError(pkgWith(ind, [{ id: "u1", category: "乡镇街道", inputs: goodInputs() }]), "units[0].category", "单位类别“乡镇街道”没有对应的指标体系");
  });
  it("an input for an unknown leaf, and for a non-leaf", () => {
    expectError(withInputs({ ...goodInputs(), "9.9": { value: 1 } }), "units[0].inputs.9.9", "指标“9.9”不在“区级部门”指标体系中");
    expectError(withInputs({ ...goodInputs(), "1": { value: 1 } }), "units[0].inputs.1", "“1”不是末级指标，不能直接填报数据");
  });
  it("leaves with no input are listed per unit in one message", () => {
    const errors = errorsOf(withInputs({ "1.1": { scores: [1] } }));
    expect(errors).toEqual([{ path: "units[0].inputs", message: "单位“单位u1”缺少以下指标的数据：1.2、2、3" }]);
  });
  it("a score outside [0, points]", () => {
    expectError(withInputs({ ...goodInputs(), "1.1": { scores: [25, 31] } }), "units[0].inputs.1.1.scores[1]", "评分31超出范围[0, 30]");
    expectError(withInputs({ ...goodInputs(), "1.1": { scores: [-0.5] } }), "units[0].inputs.1.1.scores[0]", "评分-0.5超出范围[0, 30]");
    expectError(withInputs({ ...goodInputs(), "1.1": { scores: [{ value: 40, by: "张三" }] } }), "units[0].inputs.1.1.scores[0].value", "评分40超出范围[0, 30]");
  });
  it("an unknown fault code", () => {
    expectError(withInputs({ ...goodInputs(), "1.2": { deductions: [{ fault: "lat", count: 1 }] } }), "units[0].inputs.1.2.deductions[0].fault", "扣分项代码“lat”未在该指标的规则中定义");
  });
  it("a negative count", () => {
    expectError(withInputs({ ...goodInputs(), "1.2": { deductions: [{ fault: "late", count: -1 }] } }), "units[0].inputs.1.2.deductions[0].count", "次数-1不能为负数");
  });
  it("an ad-hoc deduction without a reason", () => {
    expectError(withInputs({ ...goodInputs(), "1.2": { deductions: [{ points: 2 }] } }), "units[0].inputs.1.2.deductions[0].reason", "临时扣分须说明理由（reason）");
  });
  it("denominator 0", () => {
    expectError(withInputs({ ...goodInputs(), "2": { numerator: 1, denominator: 0 } }), "units[0].inputs.2.denominator", "分母不能为0");
  });
  it("an end before its start", () => {
    const ev = { start: "2019-09-27T10:00:00+08:00", end: "2019-09-27T09:59:59+08:00" };
    expectError(withInputs({ ...goodInputs(), "3": { events: [ev] } }), "units[0].inputs.3.events[0].end", /早于开始时间/);
  });
  it("a malformed date", () => {
    const ev = { start: "2019-09-27 10:00", end: "2019-09-31T10:00:00+08:00" };
    expectError(withInputs({ ...goodInputs(), "3": { events: [ev] } }), "units[0].inputs.3.events[0].start", /格式不正确/);
    expectError(withInputs({ ...goodInputs(), "3": { events: [ev] } }), "units[0].inputs.3.events[0].end", /格式不正确/);
    expectError(withInputs(goodInputs(), { calendar: { holidays: ["2019-02-30"], workdays: [] } }), "calendar.holidays[0]", /日期格式不正确/);
  });
  it("tiers without points", () => {
    const t = (tiers: unknown) => pkgWith([{ id: "t", name: "t", points: 100, rule: { type: "tiers", tiers } }], []);
    expectError(t([]), "indicatorSets[0].indicators[0].rule.tiers", /至少需要一个档位/);
    expectError(t([{ min: 1 }]), "indicatorSets[0].indicators[0].rule.tiers[0].points", "第1档缺少分值（points）");
  });
  it("veto part nodes must have points 0 and veto rules", () => {
    const p = pkgWith(
      [
        ...ind,
        { id: "V", name: "否决", part: "veto", points: 1, children: [{ id: "V1", name: "x", points: 1, rule: { type: "score" } }] },
      ],
      [],
    );
    expectError(p, "indicatorSets[0].indicators[3].points", "单项否决部分的分值必须为0");
    expectError(p, "indicatorSets[0].indicators[3].children[0].rule.type", "单项否决部分的指标必须使用 veto 规则");
  });
  it("veto rules only in the veto part", () => {
    const p = pkgWith([...ind.slice(0, 2), { id: "3", name: "x", points: 20, rule: { type: "veto" } }], []);
    expectError(p, "indicatorSets[0].indicators[2].rule.type", /只能用于 part 为 veto/);
  });
  it("part only on top-level nodes", () => {
    const bad = structuredClone(ind) as Array<Json & { children?: Json[] }>;
    (bad[0].children as Json[])[0].part = "bonus";
    expectError(pkgWith(bad, []), "indicatorSets[0].indicators[0].children[0].part", /只能设置在一级指标上/);
  });
  it("a node has either children or a rule", () => {
    const both = [{ id: "a", name: "a", points: 100, rule: { type: "score" }, children: [{ id: "b", name: "b", points: 100, rule: { type: "score" } }] }];
    const neither = [{ id: "a", name: "a", points: 100 }];
    expectError(pkgWith(both, []), "indicatorSets[0].indicators[0]", /不能同时包含/);
    expectError(pkgWith(neither, []), "indicatorSets[0].indicators[0]", /须包含下级指标（children）或评分规则（rule）之一/);
  });
  it("unknown rule type", () => {
    expectError(pkgWith([{ id: "a", name: "a", points: 100, rule: { type: "magic" } }], []), "indicatorSets[0].indicators[0].rule.type", /规则类型无效/);
  });
  it("N/A needs a reason; a triggered veto needs a reason", () => {
    expectError(withInputs({ ...goodInputs(), "2": { na: true } }), "units[0].inputs.2.reason", "不适用的指标须说明理由（reason）");
    const p = pkgWith(
      [...ind, { id: "V", name: "否决", part: "veto", points: 0, children: [{ id: "V1", name: "x", points: 0, rule: { type: "veto" } }] }],
      [{ id: "u1", inputs: { ...goodInputs(), V1: { triggered: true } } }],
    );
    expectError(p, "units[0].inputs.V1.reason", "触发单项否决须说明理由（reason）");
  });
  it("an override outside [0, points]", () => {
    expectError(
      withInputs({ ...goodInputs(), "2": { value: 1, override: { value: 21, reason: "仲裁", by: "arbitration" } } }),
      "units[0].inputs.2.override.value",
      "调整后分数21超出范围[0, 20]",
    );
  });
  it("wrong types get Chinese messages", () => {
    expectError(withInputs({ ...goodInputs(), "1.1": { scores: ["八"] } }), "units[0].inputs.1.1.scores[0]", /格式不正确/);
    expectError(pkg({ scale: "100" }), "scale", "类型错误：应为数字，实际为字符串");
  });
});

describe("every problem at once", () => {
  it("reports all errors across the package, not just the first", () => {
    const bad = structuredClone(ind) as Json[];
    bad[0].points = 70;
    const p = pkgWith(
      bad,
      [
        { id: "u1", inputs: { "1.1": { scores: [99] }, "1.2": { deductions: [{ fault: "nope", count: -3 }] }, "2": { numerator: 1, denominator: 0 }, "3": { events: [{ start: "x", end: "2019-01-01T00:00:00Z" }] } } },
        { id: "u1", inputs: {} },
        { id: "u3", category: "无此类别", inputs: {} },
      ],
      { opennessWeightPct: 2, format: "zwgk/0" },
    );
    const errors = errorsOf(p);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "format",
        "opennessWeightPct",
        "indicatorSets[0].indicators[0].points",
        "units[0].inputs.1.1.scores[0]",
        "units[0].inputs.1.2.deductions[0].fault",
        "units[0].inputs.1.2.deductions[0].count",
        "units[0].inputs.2.denominator",
        "units[0].inputs.3.events[0].start",
        "units[1].id",
        "units[1].inputs",
        "units[2].category",
      ]),
    );
    expect(errors.length).toBeGreaterThanOrEqual(11);
    for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it("scorePackage returns the errors instead of results", () => {
    const r = scorePackage(pkg({ opennessWeightPct: 1 }));
    expect(r).toEqual({ ok: false, errors: [{ path: "opennessWeightPct", message: "政务公开工作分值权重不得低于4%" }] });
  });
});

describe("validateIndicatorTree (indicator editor)", () => {
  it("validates a tree alone, reporting every problem", () => {
    const errors = validateIndicatorTree([
      { id: "1", name: "a", points: 10, children: [{ id: "1.1", name: "b", points: 4, rule: { type: "score" } }] },
      { id: "1.1", name: "c", points: 5, rule: { type: "ratio", target: 0 } },
      { id: "3", name: "", points: 5, rule: { type: "tiers", tiers: [{ min: 1, points: 6 }] } },
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "indicators[0].points", message: "分值10与下级指标分值之和4不一致" },
        { path: "indicators[1].id", message: "指标编号“1.1”重复（已用于 indicators[0].children[0]）" },
        { path: "indicators[1].rule.target", message: "必须大于0" },
        { path: "indicators[2].name", message: "不能为空" },
        { path: "indicators[2].rule.tiers[0].points", message: "第1档分值6超过指标分值5" },
      ]),
    );
  });
  it("accepts a custom path prefix", () => {
    const errors = validateIndicatorTree([{ id: "a", name: "a", points: 1 }], { path: "indicatorSets[2].indicators" });
    expect(errors[0].path).toBe("indicatorSets[2].indicators[0]");
  });
  it("an empty tree is an error", () => {
    expect(validateIndicatorTree([])).toEqual([{ path: "indicators", message: "至少需要1项" }]);
  });
});
