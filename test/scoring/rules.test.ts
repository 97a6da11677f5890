// Every rule type, with hand-computed expectations.
import { describe, expect, it } from "vitest";
import { leaf } from "./helpers";

describe("score rule", () => {
  it("takes the mean of the evaluators' scores", () => {
    const l = leaf({ type: "score" }, 10, { scores: [8, 9.5] });
    expect(l.score).toBe(8.75);
    expect(l.max).toBe(10);
    expect(l.explain).toBe("评分：评估1 8分、评估2 9.5分，取平均值，得8.75/10分");
  });

  it("takes the median when the package says so", () => {
    const l = leaf({ type: "score" }, 10, { scores: [2, 9, 8] }, { reconcile: "median" });
    expect(l.score).toBe(8);
    expect(l.explain).toContain("取中位数");
    expect(leaf({ type: "score" }, 10, { scores: [2, 9, 8, 7] }, { reconcile: "median" }).score).toBe(7.5);
  });

  it("a leaf may override the reconcile method", () => {
    expect(leaf({ type: "score", reconcile: "median" }, 10, { scores: [1, 9, 8] }).score).toBe(8);
  });

  it("mean of three is exact and rounded half up once: (8+8+8.01)/3 = 8.0033… → 8.00; (1+1+1.015)/3 → 1.005 → 1.01", () => {
    expect(leaf({ type: "score" }, 10, { scores: [8, 8, 8.01] }).score).toBe(8);
    expect(leaf({ type: "score" }, 10, { scores: [1, 1, 1.015] }).score).toBe(1.01);
  });

  it("names evaluators and sources in the explanation", () => {
    const l = leaf({ type: "score" }, 10, {
      scores: [
        { value: 8, by: "张三" },
        { value: 9, by: "李四", source: "抽查发现#12" },
      ],
    });
    expect(l.score).toBe(8.5);
    expect(l.explain).toBe("评分：张三 8分、李四 9分（来源：抽查发现#12），取平均值，得8.50/10分");
  });
});

describe("deduction rule", () => {
  const rule = {
    type: "deduction",
    faults: [
      { code: "late", label: "超期公开", points: 5 },
      { code: "blank", label: "栏目空白", points: 0.5 },
    ],
  };

  it("subtracts fault × count and ad-hoc deductions", () => {
    const l = leaf(rule, 20, {
      deductions: [
        { fault: "late", count: 2 },
        { fault: "blank", count: 3, source: "抽查发现#7" },
        { points: 1.5, reason: "解读材料未关联原文", source: "抽查发现#12" },
      ],
    });
    // 20 − 10 − 1.5 − 1.5 = 7
    expect(l.score).toBe(7);
    expect(l.explain).toBe(
      "超期公开×2，扣10分；栏目空白×3，扣1.5分（来源：抽查发现#7）；解读材料未关联原文，扣1.5分（来源：抽查发现#12）；合计扣13分，得7.00/20分",
    );
  });

  it("count defaults to 1", () => {
    expect(leaf(rule, 10, { deductions: [{ fault: "late" }] }).score).toBe(5);
  });

  it("never goes below 0 (扣完为止)", () => {
    const l = leaf(rule, 6, { deductions: [{ fault: "late", count: 2 }] });
    expect(l.score).toBe(0);
    expect(l.explain).toBe("超期公开×2，扣10分（扣完为止），得0.00/6分");
  });

  it("no deductions → full points", () => {
    const l = leaf(rule, 6, { deductions: [] });
    expect(l.score).toBe(6);
    expect(l.explain).toBe("无扣分，得6.00/6分");
  });

  it("is exact: 0.3 − 0.1 − 0.1 − 0.1 = 0", () => {
    const r = { type: "deduction", faults: [{ code: "x", label: "x", points: 0.1 }] };
    expect(leaf(r, 0.3, { deductions: [{ fault: "x", count: 3 }] }).score).toBe(0);
  });
});

describe("ratio rule", () => {
  it("points × value / target", () => {
    const l = leaf({ type: "ratio", target: 1 }, 6, { value: 0.982 });
    expect(l.score).toBe(5.89); // 5.892
    expect(l.explain).toBe("实际值0.982，目标值1，完成98.2%，得5.89/6分");
  });

  it("numerator / denominator", () => {
    expect(leaf({ type: "ratio" }, 10, { numerator: 982, denominator: 1000 }).score).toBe(9.82);
  });

  it("caps at the target", () => {
    const l = leaf({ type: "ratio", target: 0.95 }, 4, { value: 0.99 });
    expect(l.score).toBe(4);
    expect(l.explain).toContain("已达标");
  });

  it("target below 1: 4 × 0.9 / 0.95 = 3.789… → 3.79", () => {
    expect(leaf({ type: "ratio", target: 0.95 }, 4, { value: 0.9 }).score).toBe(3.79);
  });

  it("half up on an exact boundary: 2 × 0.9825 = 1.965 → 1.97", () => {
    expect(leaf({ type: "ratio" }, 2, { value: 0.9825 }).score).toBe(1.97);
  });
});

describe("tiers rule", () => {
  const rule = {
    type: "tiers",
    tiers: [
      { min: 2, points: 5, label: "两次及以上" },
      { min: 1, points: 3 },
    ],
  };
  it("best tier whose min ≤ value", () => {
    expect(leaf(rule, 5, { value: 1 }).score).toBe(3);
    const l = leaf(rule, 5, { value: 4 });
    expect(l.score).toBe(5);
    expect(l.explain).toBe("数值4，达到“两次及以上”档（5分），得5.00/5分");
  });
  it("no tier reached → 0", () => {
    const l = leaf(rule, 5, { value: 0 });
    expect(l.score).toBe(0);
    expect(l.explain).toBe("数值0，未达到任何档位（最低档要求不少于1），得0.00/5分");
  });
  it("min is inclusive", () => {
    expect(leaf(rule, 5, { value: 2 }).score).toBe(5);
  });
});

describe("timeliness rule", () => {
  const cal = {
    calendar: {
      holidays: ["2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"],
      workdays: ["2019-09-29", "2019-10-12"],
    },
  };

  it("points × on time / events, naming the late ones", () => {
    const ev = (end: string, label: string) => ({ start: "2019-09-27T10:00:00+08:00", end, label });
    const l = leaf(
      { type: "timeliness", limit: { workingDays: 3 } },
      6,
      {
        events: [
          ev("2019-09-29T09:00:00+08:00", "甲"),
          ev("2019-10-08T23:59:59+08:00", "乙"),
          ev("2019-10-09T00:00:00+08:00", "丙"),
          ev("2019-09-30T17:00:00+08:00", "丁"),
        ],
      },
      cal,
    );
    // deadline: Sep 29 (make-up) = 1, Sep 30 = 2, Oct 8 = 3 → 3 of 4 on time
    expect(l.score).toBe(4.5);
    expect(l.explain).toBe(
      "时限3个工作日：4件中3件按时，超时1件：“丙”（应于2019-10-08前完成，实际2019-10-09完成），得4.50/6分",
    );
  });

  it("hours: end − start ≤ N hours", () => {
    const l = leaf({ type: "timeliness", limit: { hours: 5 } }, 4, {
      events: [
        { start: "2019-09-27T10:00:00+08:00", end: "2019-09-27T15:00:00+08:00", label: "准点" },
        { start: "2019-09-27T10:00:00+08:00", end: "2019-09-27T15:00:01+08:00", label: "晚一秒" },
        { start: "2019-09-27T10:00:00+08:00", end: "2019-09-27T06:30:00Z" },
      ],
    });
    // 2 of 3 → 4 × 2/3 = 2.666… → 2.67 (third event: 14:30+08:00, 4.5 h)
    expect(l.score).toBe(2.67);
    expect(l.explain).toContain("“晚一秒”（用时5小时）");
  });

  it("no events → full points, or not applicable", () => {
    const full = leaf({ type: "timeliness", limit: { hours: 24 } }, 4, { events: [] });
    expect(full.score).toBe(4);
    expect(full.na).toBe(false);
    const na = leaf({ type: "timeliness", limit: { hours: 24 }, whenEmpty: "na" }, 4, { events: [] });
    expect(na.na).toBe(true);
    expect(na.score).toBe(0);
    expect(na.explain).toContain("不适用");
  });

  it("an odd share is exact: 6 × 5/8 = 3.75; 5 × 3/8 = 1.875 → 1.88", () => {
    const evs = (n: number, ok: number) =>
      Array.from({ length: n }, (_, i) => ({
        start: "2019-03-01T09:00:00+08:00",
        end: i < ok ? "2019-03-01T10:00:00+08:00" : "2019-03-02T10:00:00+08:00",
      }));
    expect(leaf({ type: "timeliness", limit: { hours: 2 } }, 6, { events: evs(8, 5) }).score).toBe(3.75);
    expect(leaf({ type: "timeliness", limit: { hours: 2 } }, 5, { events: evs(8, 3) }).score).toBe(1.88);
  });
});

describe("N/A and overrides", () => {
  it("N/A explains the reason", () => {
    const l = leaf({ type: "score" }, 10, { na: true, reason: "本单位无行政审批职能" });
    expect(l).toEqual({ score: 0, max: 10, na: true, divergent: false, explain: "不适用：本单位无行政审批职能" });
  });

  it("an arbitration override replaces the computed score and is explained", () => {
    const l = leaf({ type: "score" }, 10, {
      scores: [4, 5],
      override: { value: 7, reason: "仲裁认定栏目已按期更新", by: "arbitration" },
    });
    expect(l.score).toBe(7);
    expect(l.explain).toBe(
      "评分：评估1 4分、评估2 5分，取平均值；仲裁调整：仲裁认定栏目已按期更新，由4.50分调整为7分，得7.00/10分",
    );
  });

  it("an appeal override is labelled 复核调整", () => {
    const l = leaf({ type: "deduction", faults: [{ code: "late", label: "超期公开", points: 2 }] }, 10, {
      deductions: [{ fault: "late", count: 1, source: "抽查发现#3" }],
      override: { value: 10, reason: "申诉成立，该信息按期公开", by: "appeal" },
    });
    expect(l.score).toBe(10);
    expect(l.explain).toContain("复核调整：申诉成立，该信息按期公开，由8.00分调整为10分");
  });
});
