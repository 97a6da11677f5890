import { describe, expect, it } from "vitest";
import { serialiseResults, unitEntryTexts } from "../../app/domain/deterministic-json";
import type { Results } from "../../scoring";

const unit = (id: string, explain: string) => ({
  id,
  name: `单位${id}`,
  category: "街道",
  total: 90.5,
  base: 90.5,
  bonus: 0,
  vetoed: false,
  vetoReasons: [],
  grade: "优秀",
  pass: true,
  rank: 1,
  categoryRank: 1,
  contribution: 3.62,
  dimensions: { disclosure: 40 },
  leaves: { "1.1": { score: 9, max: 10, na: false, divergent: false, explain } },
  explain: "总分90.5分",
});

describe("unitEntryTexts", () => {
  it("gives each unit's entry as it stands in the results text, even when strings look like layout", () => {
    const results = {
      format: "zwgk-results/1",
      title: '标题 "units": [ \n    {',
      units: [unit("A", "扣1分：\n    }\n  ]"), unit("B", "{}"), unit("C", "")],
      warnings: ["  ]", "\n    {"],
    } as unknown as Results;
    const text = serialiseResults(results);
    const entries = unitEntryTexts(text, 3);
    expect(entries.map((e) => JSON.parse(e) as unknown)).toEqual(results.units);
    for (const e of entries) expect(text).toContain(e);
  });

  it("handles no units and refuses a count that does not match", () => {
    const empty = serialiseResults({ format: "zwgk-results/1", title: "", units: [], warnings: [] } as unknown as Results);
    expect(unitEntryTexts(empty, 0)).toEqual([]);
    const two = serialiseResults({ format: "zwgk-results/1", title: "", units: [unit("A", ""), unit("B", "")], warnings: [] } as unknown as Results);
    expect(() => unitEntryTexts(two, 1)).toThrow(/more than 1/);
    expect(() => unitEntryTexts(two, 3)).toThrow(/fewer than 3/);
  });
});
