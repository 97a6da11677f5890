import { describe, expect, it } from "vitest";
import { parseFaults } from "../../app/domain/indicator-format";
import { parseNodeForm } from "../../app/domain/indicator-form";
import { ruleSentence } from "../../app/domain/rule-sentence";

// Issue 14 item 11: rules read as sentences, never as the stored `code:label:points` form; fault
// codes are generated when left empty, and Chinese codes are accepted.

describe("a rule as a sentence", () => {
  it("reads every rule type as an office would write it", () => {
    expect(
      ruleSentence(
        {
          type: "deduction",
          faults: [
            { code: "none", label: "未编制目录", points: 4 },
            { code: "stale", label: "目录未及时更新", points: 0.5 },
          ],
        },
        4,
      ),
    ).toBe("未编制目录每处扣4分；目录未及时更新每处扣0.5分；最多扣4分（扣完为止）");
    expect(ruleSentence({ type: "deduction", faults: [] }, 2)).toBe("按发现的问题扣分；最多扣2分（扣完为止）");
    expect(ruleSentence({ type: "score", reconcile: "median" }, 3)).toBe("评估员在0至3分之间打分，多名评估员的评分取中位数");
    expect(ruleSentence({ type: "score" }, 2.5)).toBe("评估员在0至2.5分之间打分，多名评估员的评分按考核年度的设置汇总");
    expect(ruleSentence({ type: "ratio", target: 0.95 }, 5)).toBe("比率达到95%得5分，未达到的按比率折算");
    expect(
      ruleSentence(
        {
          type: "tiers",
          tiers: [
            { min: 2, points: 4, label: "每年2次及以上" },
            { min: 1, points: 2, label: "每年1次" },
          ],
        },
        4,
      ),
    ).toBe("达到1（每年1次）得2分；达到2（每年2次及以上）得4分；取达到的最高档，未达到最低档得0分");
    expect(ruleSentence({ type: "timeliness", limit: { workingDays: 3 }, whenEmpty: "na" }, 2)).toBe(
      "在3个工作日内办结的事项占全部事项的比例计分；本年度没有此类事项时本项不适用",
    );
    expect(ruleSentence({ type: "timeliness", limit: { hours: 5 }, whenEmpty: "full" })).toBe("在5小时内办结的事项占全部事项的比例计分；本年度没有此类事项时得满分");
    expect(ruleSentence({ type: "veto" }, 0)).toBe("发生即单项否决，整体考核结果按否决处理");
    expect(ruleSentence(undefined)).toBe("");
  });

  it("never shows the stored form of faults", () => {
    const sentence = ruleSentence({ type: "deduction", faults: [{ code: "late", label: "逾期未更新", points: 1 }] }, 3);
    expect(sentence).not.toMatch(/late|:/);
  });
});

describe("fault codes", () => {
  const form = (codes: string[], labels: string[], points: string[]) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ code: "1.1", name: "目录", points: "4", ruleType: "deduction" })) fd.append(k, v);
    codes.forEach((c) => fd.append("faultCode", c));
    labels.forEach((l) => fd.append("faultLabel", l));
    points.forEach((p) => fd.append("faultPoints", p));
    return parseNodeForm(fd, { isLeaf: true });
  };

  it("are generated when the office leaves them empty, never clashing with typed ones", () => {
    const parsed = form(["", "F1", ""], ["未编制目录", "目录过期", "链接失效"], ["4", "0.5", "1"]);
    expect(parsed.ok && parsed.data.rule).toEqual({
      type: "deduction",
      faults: [
        { code: "F2", label: "未编制目录", points: 4 },
        { code: "F1", label: "目录过期", points: 0.5 },
        { code: "F3", label: "链接失效", points: 1 },
      ],
    });
  });

  it("accept Chinese codes and refuse punctuation with a Chinese message", () => {
    const chinese = form(["未编制"], ["未编制目录"], ["4"]);
    expect(chinese.ok && chinese.data.rule).toEqual({ type: "deduction", faults: [{ code: "未编制", label: "未编制目录", points: 4 }] });
    const bad = form(["未 编制"], ["未编制目录"], ["4"]);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.fieldErrors["faults.0.code"]).toBe("扣分项代码只能包含文字、字母、数字、下划线或短横线，不超过32个字符（可留空，由系统生成）");
  });

  it("in the workbook's 扣分项 column may be omitted or Chinese", () => {
    expect(parseFaults("未编制目录:4; 过期:目录未及时更新:0.5")).toEqual({
      ok: true,
      value: [
        { code: "F1", label: "未编制目录", points: 4 },
        { code: "过期", label: "目录未及时更新", points: 0.5 },
      ],
    });
  });
});
