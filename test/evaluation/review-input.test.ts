import { describe, expect, it } from "vitest";
import { inputsDiffer, parseReviewForm, type ReviewLeafSpec } from "../../app/domain/review-input";
import type { LeafInput } from "../../scoring";

/** A form as the browser posts it (repeated fields as arrays). */
function form(fields: Record<string, string | string[]>) {
  return {
    get: (k: string) => {
      const v = fields[k];
      return Array.isArray(v) ? v[0] : (v ?? null);
    },
    getAll: (k: string) => {
      const v = fields[k];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    },
  };
}

const deduction: ReviewLeafSpec = {
  code: "1.2",
  name: "公开差错",
  points: 10,
  part: "base",
  rule: { type: "deduction", faults: [{ code: "late", label: "更新不及时", points: 2 }] },
};
const ratio: ReviewLeafSpec = { code: "1.3", name: "标注率", points: 10, part: "base", rule: { type: "ratio", target: 1 } };
const timeliness: ReviewLeafSpec = { code: "2.1", name: "舆情回应", points: 20, part: "base", rule: { type: "timeliness", limit: { hours: 5 }, whenEmpty: "full" } };

describe("the evaluator's entry form (bad input → clear field messages, nothing parsed)", () => {
  it("deduction: counts must be whole numbers; an ad-hoc deduction needs points within the leaf and a reason", () => {
    const self: LeafInput = { deductions: [{ fault: "late", count: 1 }] };
    expect(parseReviewForm(deduction, self, form({ "fault.0": "1.5" }))).toEqual({ ok: false, fieldErrors: { "fault.0": "“更新不及时”的次数须为整数" } });
    expect(parseReviewForm(deduction, self, form({ "fault.0": "1", adhocPoints: ["12"], adhocReason: [""] }))).toEqual({
      ok: false,
      fieldErrors: { "adhoc.0.points": "第1条临时扣分：扣分分值不能超过指标分值10分", "adhoc.0.reason": "第1条临时扣分：请说明扣分理由" },
    });
    const ok = parseReviewForm(deduction, self, form({ "fault.0": "2", adhocPoints: ["1.5"], adhocReason: ["栏目链接失效"], reason: "核查发现2次" }));
    expect(ok).toMatchObject({ ok: true, differs: true, input: { deductions: [{ fault: "late", count: 2 }, { points: 1.5, reason: "栏目链接失效" }] } });
  });

  it("ratio: numerator no larger than the denominator, denominator above zero, no negatives", () => {
    expect(parseReviewForm(ratio, null, form({ ratioMode: "fraction", numerator: "101", denominator: "100" }))).toEqual({
      ok: false,
      fieldErrors: { numerator: "分子（101）不能大于分母（100）" },
    });
    expect(parseReviewForm(ratio, null, form({ ratioMode: "fraction", numerator: "0", denominator: "0" }))).toEqual({ ok: false, fieldErrors: { denominator: "分母须大于0" } });
    expect(parseReviewForm(ratio, null, form({ ratioMode: "value", value: "-0.5" }))).toEqual({ ok: false, fieldErrors: { value: "核实数值不能为负数" } });
  });

  it("timeliness: an end before its start is refused; an emptied claimed event is kept as a correction", () => {
    const self: LeafInput = { events: [{ start: "2026-03-02T09:00:00+08:00", end: "2026-03-02T12:00:00+08:00", label: "暴雨预警舆情" }] };
    expect(parseReviewForm(timeliness, self, form({ eventClaim: ["0"], eventLabel: ["暴雨预警舆情"], eventStart: ["2026-03-02T09:00"], eventEnd: ["2026-03-02T08:00"] }))).toEqual({
      ok: false,
      fieldErrors: { "events.0.end": "第1行：结束时间不能早于开始时间" },
    });
    const removed = parseReviewForm(timeliness, self, form({ eventClaim: ["0"], eventLabel: ["暴雨预警舆情"], eventStart: [""], eventEnd: [""], reason: "该舆情不属于本单位职责" }));
    expect(removed).toMatchObject({
      ok: true,
      input: { events: [] },
      corrections: { events: [{ claim: 0, label: "暴雨预警舆情", claimed: { start: "2026-03-02T09:00:00+08:00", end: "2026-03-02T12:00:00+08:00" }, removed: true }] },
    });
  });

  it("compares what inputs say, not how they are labelled", () => {
    expect(inputsDiffer(deduction.rule, { deductions: [{ fault: "late", count: 1, source: "x" }] }, { deductions: [{ fault: "late", count: 1 }] })).toBe(false);
    expect(inputsDiffer(ratio.rule, { numerator: 1, denominator: 2 }, { value: 0.5 })).toBe(false);
    expect(inputsDiffer(ratio.rule, { numerator: 1, denominator: 2 }, { value: 0.6 })).toBe(true);
  });
});
