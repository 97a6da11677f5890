import { describe, expect, it } from "vitest";
import { parseNodeForm } from "../../app/domain/indicator-form";
import { penaltyPartSentence, ruleSentence } from "../../app/domain/rule-sentence";
import { bonusGateSentence, categoryRulesSentences, parseCategoryRules } from "../../app/domain/category-rules";
import { packageFormatFor } from "../../app/domain/package-format";
import { liveCheck } from "../../app/domain/indicator-live-check";
import type { StoredIndicator } from "../../app/domain/indicator-spec";

// Issue 13, rules 1–8 as the office types them in the tree editor: what the form accepts, what it
// refuses (in Chinese, nothing kept), and the sentence the live preview shows.

const form = (fields: Record<string, string | string[]>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ code: "1.1", name: "目录", points: "10", ...fields })) {
    for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  }
  return fd;
};
const leaf = (fields: Record<string, string | string[]>) => parseNodeForm(form(fields), { isLeaf: true });

describe("rule 1: a fault's maximum and one-time faults", () => {
  it("reads 每处扣0.5分，最多扣2分 and 一次性扣1分", () => {
    const parsed = leaf({
      ruleType: "deduction",
      faultCode: ["miss", "nodir"],
      faultLabel: ["栏目内容缺失", "未编制目录"],
      faultPoints: ["0.5", "1"],
      faultMode: ["each", "once"],
      faultMax: ["2", ""],
    });
    expect(parsed.ok && parsed.data.rule).toEqual({
      type: "deduction",
      faults: [
        { code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 },
        { code: "nodir", label: "未编制目录", points: 1, once: true },
      ],
    });
    expect(ruleSentence(parsed.ok ? parsed.data.rule : null, 10)).toBe("栏目内容缺失每处扣0.5分，最多扣2分；未编制目录一次性扣1分；最多扣10分（扣完为止）");
  });

  it("refuses a maximum below the fault's points and a maximum on a one-time fault", () => {
    const below = leaf({ ruleType: "deduction", faultLabel: "缺失", faultPoints: "1", faultMode: "each", faultMax: "0.5" });
    expect(!below.ok && below.fieldErrors["faults.0.max"]).toBe("最多扣分0.5不能小于每次扣分1");
    const once = leaf({ ruleType: "deduction", faultLabel: "缺失", faultPoints: "1", faultMode: "once", faultMax: "3" });
    expect(!once.ok && once.fieldErrors["faults.0.max"]).toBe("一次性扣分只扣一次，不能再设最多扣分；请清空“最多扣”");
  });
});

describe("rule 2: discretion within a bound", () => {
  it("reads 在2分内酌情扣分 and 在2分内酌情给分, each with the reason required", () => {
    const ded = leaf({ ruleType: "deduction", deductionDiscretionMax: "2" });
    expect(ded.ok && ded.data.rule).toEqual({ type: "deduction", faults: [], discretionMax: 2 });
    expect(ruleSentence(ded.ok ? ded.data.rule : null, 10)).toBe("在2分内酌情扣分，须说明理由；最多扣10分（扣完为止）");
    const score = leaf({ ruleType: "score", scoreDiscretionMax: "2" });
    expect(score.ok && score.data.rule).toEqual({ type: "score", discretionMax: 2 });
    expect(ruleSentence(score.ok ? score.data.rule : null, 10)).toBe("在2分内酌情给分，须说明理由");
  });

  it("refuses a bound above the leaf's points", () => {
    const r = leaf({ ruleType: "score", scoreDiscretionMax: "12" });
    expect(!r.ok && r.fieldErrors.scoreDiscretionMax).toBe("酌情给分上限12不能超过指标分值10");
  });
});

describe("rule 3: a penalty part with its cap", () => {
  it("reads the part and its cap; a penalty leaf subtracts outside the points", () => {
    const top = parseNodeForm(form({ code: "P", name: "倒扣分", points: "0", part: "penalty", cap: "5" }), { isLeaf: false });
    expect(top.ok && [top.data.part, top.data.cap]).toEqual(["penalty", 5]);
    expect(penaltyPartSentence(5)).toBe("在总分之外倒扣，合计最多扣5分（总分不低于0分）");
    const notice = { type: "deduction" as const, faults: [{ code: "notice", label: "被上级通报批评", points: 2 }] };
    expect(ruleSentence(notice, 0, { part: "penalty" })).toBe("被上级通报批评每处扣2分；在总分之外倒扣");
    const bad = parseNodeForm(form({ code: "P", name: "倒扣分", points: "0", part: "penalty", cap: "-1" }), { isLeaf: false });
    expect(!bad.ok && bad.fieldErrors.cap).toBe("扣分项上限必须是大于0的数字，如 5；不设上限请留空");
  });
});

describe("rule 4: a part veto", () => {
  it("names the part it zeroes", () => {
    const r = leaf({ points: "0", ruleType: "veto", vetoScope: "2" });
    expect(r.ok && r.data.rule).toEqual({ type: "veto", scope: "2" });
    expect(ruleSentence({ type: "veto", scope: "2" }, 0, { partName: () => "政策解读" })).toBe("发生即“2 政策解读”部分按0分计，不影响其他部分，也不因此整体否决");
  });
});

describe("rules 5 and 6: a category's bonus gate, weight, grades and pass mark", () => {
  it("reads them, refuses a weight below 4% and a gate on an unknown part", () => {
    const ok = parseCategoryRules(
      { weight: "4", passMark: "70", gradeName: ["优秀", "合格", "不合格"], gradeMin: ["90", "70", "0"], gateValue: "44", gateComparison: "gte", gatePart: "1" },
      { scale: 100, baseParts: ["1", "2"] },
    );
    expect(ok).toEqual({
      ok: true,
      rules: {
        opennessWeightPct: 4,
        passMark: 70,
        grades: [
          { name: "优秀", min: 90 },
          { name: "合格", min: 70 },
          { name: "不合格", min: 0 },
        ],
        bonusGate: { value: 44, comparison: "gte", part: "1" },
      },
    });
    expect(categoryRulesSentences(ok.ok ? ok.rules : undefined, () => "信息公开")).toEqual([
      "本类别政务公开工作分值权重为4%，绩效贡献按此折算",
      "本类别等次：优秀90分及以上，合格70分及以上，不合格0分及以上",
      "本类别合格线为70分",
      "加分仅在“1 信息公开”部分得分不低于44分时计入",
    ]);
    expect(bonusGateSentence({ value: 80, comparison: "gt" })).toBe("基础分高于80分，加分项方可计入");
    const low = parseCategoryRules({ weight: "3", gateValue: "44", gatePart: "9", gateComparison: "gt" }, { scale: 100, baseParts: ["1"] });
    expect(low).toEqual({
      ok: false,
      fieldErrors: { weight: "政务公开工作分值权重不得低于4%", gatePart: "加分门槛所依据的部分须为本指标体系中基础部分的一级指标" },
    });
  });
});

describe("rule 7: a designated source", () => {
  it("says whose value counts", () => {
    const r = leaf({ ruleType: "score", designated: "县外网办" });
    expect(r.ok && r.data.rule).toEqual({ type: "score", designated: "县外网办" });
    expect(ruleSentence({ type: "score", designated: "县外网办" }, 10)).toBe("评估员在0至10分之间打分，以“县外网办”的评分为准（其他评估员的评分仅供参考）");
  });

  it("takes an outside office's assessment or a spot check as the source, and reads “以县外网办评价为准”", () => {
    const outside = leaf({ ruleType: "score", designatedKind: "outside", designated: "县外网办" });
    expect(outside.ok && outside.data.rule).toEqual({ type: "score", designated: "县外网办", designatedKind: "outside" });
    const spot = leaf({ ruleType: "score", designatedKind: "spotcheck", designated: "区级抽查", scoreDiscretionMax: "4" });
    expect(spot.ok && spot.data.rule).toEqual({ type: "score", designated: "区级抽查", designatedKind: "spotcheck", discretionMax: 4 });
    expect(ruleSentence({ type: "score", designated: "县外网办", designatedKind: "outside" }, 10)).toBe("以县外网办评价为准，计0至10分；评估员的评分仅供参考");
    expect(ruleSentence({ type: "score", designated: "区级抽查", designatedKind: "spotcheck", discretionMax: 4 }, 10)).toBe("在4分内酌情给分，须说明理由；以区级抽查结果为准");
    expect(packageFormatFor([{ indicators: [{ id: "1", name: "网站", points: 10, rule: { type: "score", designated: "县外网办", designatedKind: "outside" } }] }])).toBe("zwgk-assessment/2");
  });

  it("refuses an outside office or spot check without its name, and an unknown kind, keeping nothing", () => {
    const r = leaf({ ruleType: "score", designatedKind: "outside", designated: "" });
    expect(r.ok ? null : r.fieldErrors).toEqual({ designated: "请填写外部单位评价的来源名称，如“县外网办”" });
    const k = leaf({ ruleType: "score", designatedKind: "市里", designated: "县外网办" });
    expect(k.ok ? null : k.fieldErrors).toEqual({ designatedKind: "请选择指定评分来源的类型（评估人员、外部单位评价或抽查结果）" });
  });
});

describe("rule 8: checklist tasks", () => {
  it("reads the tasks with generated codes and refuses a task without points", () => {
    const r = leaf({ points: "4", ruleType: "checklist", taskCode: ["", ""], taskLabel: ["编制目录", "更新指南"], taskPoints: ["2", "2"] });
    expect(r.ok && r.data.rule).toEqual({
      type: "checklist",
      tasks: [
        { code: "F1", label: "编制目录", points: 2 },
        { code: "F2", label: "更新指南", points: 2 },
      ],
    });
    const bad = leaf({ points: "4", ruleType: "checklist", taskLabel: ["编制目录"], taskPoints: [""] });
    expect(!bad.ok && bad.fieldErrors["tasks.0.points"]).toBe("请填写该任务的分值");
  });
});

describe("the package format follows the rules used", () => {
  const base = { id: "1", name: "信息公开", points: 100, rule: { type: "score" as const } };
  it("stays /1 without them and is /2 with any of them", () => {
    expect(packageFormatFor([{ indicators: [base] }])).toBe("zwgk-assessment/1");
    expect(packageFormatFor([{ indicators: [base], opennessWeightPct: 4 }])).toBe("zwgk-assessment/2");
    expect(packageFormatFor([{ indicators: [{ ...base, rule: { type: "score", designated: "县外网办" } }] }])).toBe("zwgk-assessment/2");
    expect(packageFormatFor([{ indicators: [base, { id: "P", name: "倒扣分", points: 0, part: "penalty", rule: { type: "deduction", faults: [] } }] }])).toBe("zwgk-assessment/2");
  });
});

describe("the live check", () => {
  const tree: StoredIndicator[] = [
    { nodeId: 1, code: "1", name: "信息公开", dimension: "disclosure", points: 100, rule: { type: "score" } },
    { nodeId: 2, code: "V", name: "否决", part: "veto", points: 0, children: [{ nodeId: 3, code: "V1", name: "失泄密", points: 0, rule: { type: "veto" } }] },
  ];
  it("shows the sentence of the rule as typed, a part veto naming its part", () => {
    const report = liveCheck(tree, { kind: "edit", nodeId: 3, isLeaf: true }, form({ code: "V1", name: "失泄密", points: "0", ruleType: "veto", vetoScope: "1" }), { scale: 100, amend: false });
    expect(report.ruleSentence).toBe("发生即“1 信息公开”部分按0分计，不影响其他部分，也不因此整体否决");
    const unknown = liveCheck(tree, { kind: "edit", nodeId: 3, isLeaf: true }, form({ code: "V1", name: "失泄密", points: "0", ruleType: "veto", vetoScope: "9" }), { scale: 100, amend: false });
    expect(unknown.errors).toContain("否决范围“9”应为本指标体系中基础部分的一级指标编号");
  });
});
