import { describe, expect, it } from "vitest";
import { joinFramed, resultsFrame, framedTextPieces, serialiseResults } from "../../app/domain/deterministic-json";
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

const results = (units: ReturnType<typeof unit>[], title = "2026年度考核") =>
  ({ format: "zwgk-results/1", title, units, warnings: ["注意"] }) as unknown as Results;

/** The results in pieces as the results are stored: the frame, and each unit's entry. */
const pieces = (r: Results) => ({ frame: resultsFrame(r), units: r.units.map((u) => JSON.stringify(u)) });

describe("results text in pieces (frame + one entry per unit)", () => {
  it("is compact JSON in the engine's key order with one final newline", () => {
    const text = serialiseResults(results([unit("A", "得9.00/10分")]));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).not.toMatch(/\n./);
    expect(text.startsWith('{"format":"zwgk-results/1","title":"2026年度考核","units":[{"id":"A"')).toBe(true);
  });

  it("joins back to exactly the results text, even when strings look like the units key", () => {
    const r = results([unit("A", '扣1分："units":[]'), unit("B", "{}"), unit("C", "")], '标题 "units":[] ,"units":[');
    const split = pieces(r);
    expect(split.units.map((u) => JSON.parse(u) as unknown)).toEqual(r.units);
    expect(joinFramed(split.frame, split.units)).toBe(serialiseResults(r));
    expect([...framedTextPieces(split.frame, split.units)].join("")).toBe(serialiseResults(r));
  });

  it("handles no units, and refuses a frame without an empty units array", () => {
    const empty = results([]);
    const split = pieces(empty);
    expect(split.units).toEqual([]);
    expect(joinFramed(split.frame, [])).toBe(serialiseResults(empty));
    expect(() => joinFramed('{"format":"zwgk-results/1"}\n', [])).toThrow(/no empty units array/);
  });
});
