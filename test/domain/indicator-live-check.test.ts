import { describe, expect, it } from "vitest";
import { liveCheck } from "../../app/domain/indicator-live-check";
import type { IndicatorSpec, StoredIndicator } from "../../app/domain/indicator-spec";
import { DEFAULT_TEMPLATE } from "../../app/templates/default-indicators";

/** The 区级部门 template with node ids 1, 2, 3 … in display order. */
function storedTemplate(): { tree: StoredIndicator[]; idOf: (code: string) => number } {
  const ids = new Map<string, number>();
  let next = 1;
  const withIds = (specs: readonly IndicatorSpec[]): StoredIndicator[] =>
    specs.map((s) => {
      const nodeId = next++;
      ids.set(s.code, nodeId);
      const node: StoredIndicator = { ...s, nodeId, children: undefined };
      if (s.children?.length) node.children = withIds(s.children);
      else delete node.children;
      return node;
    });
  const tree = withIds(DEFAULT_TEMPLATE.find((t) => t.category === "区级部门")!.indicators);
  return { tree, idOf: (code) => ids.get(code)! };
}

function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  return fd;
}

const leaf11 = { code: "1.1", name: "公文公开属性标注率", points: "5", ruleType: "ratio", target: "1" };

describe("the editor's live check", () => {
  it("is clean for the unchanged template", () => {
    const { tree, idOf } = storedTemplate();
    expect(liveCheck(tree, { kind: "edit", nodeId: idOf("1.1"), isLeaf: true }, form(leaf11), { scale: 100, amend: false })).toEqual({
      fieldErrors: {},
      errors: [],
      warnings: [],
      ruleSentence: "比率达到100%得5分，未达到的按比率折算",
    });
  });

  it("reports the bad sum a draft edit would leave, and the field problems of the form itself", () => {
    const { tree, idOf } = storedTemplate();
    const target = { kind: "edit", nodeId: idOf("1.1"), isLeaf: true } as const;
    expect(liveCheck(tree, target, form({ ...leaf11, points: "7" }), { scale: 100, amend: false }).errors).toEqual(["分值30与下级指标分值之和32不一致"]);
    expect(liveCheck(tree, target, form({ ...leaf11, target: "-1" }), { scale: 100, amend: false }).fieldErrors).toEqual({ target: "达标值必须大于0" });
    // The original tree is not touched.
    expect(tree[0].children![0].points).toBe(5);
  });

  it("in amend mode lets parents follow, leaving only the base-total warning", () => {
    const { tree, idOf } = storedTemplate();
    const report = liveCheck(tree, { kind: "edit", nodeId: idOf("1.1"), isLeaf: true }, form({ ...leaf11, points: "7" }), { scale: 100, amend: true });
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual(["基础指标分值合计为102分，不等于满分100分，得分将按比例折算"]);
  });

  it("checks a node being added, e.g. a duplicate code or a veto rule outside the veto part", () => {
    const { tree, idOf } = storedTemplate();
    const add = (fields: Record<string, string>) =>
      liveCheck(tree, { kind: "add", position: `child-${idOf("1")}` }, form({ name: "新指标", points: "2", ...fields }), { scale: 100, amend: false }).errors;
    expect(add({ code: "1.1", ruleType: "ratio", target: "1" })).toContain("指标编号“1.1”重复（已用于 indicators[0].children[0]）");
    expect(add({ code: "1.7", ruleType: "veto" })).toContain("veto（单项否决）规则只能用于 part 为 veto 的一级指标之下");
    expect(add({ code: "1.7", ruleType: "ratio", target: "1" })).toEqual(["分值30与下级指标分值之和32不一致"]);
  });
});
