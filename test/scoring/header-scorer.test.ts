// headerScorer: a header validated and compiled once scores units exactly as scorePackage scores
// the whole package — the same results byte for byte, the same refusals with the same paths.
import { describe, expect, it } from "vitest";
import { headerScorer, resultsText, scorePackage } from "../../scoring";
import { pkgWith, THREE_UNITS, TWO_LEAF_TREE } from "./helpers";

const tree = TWO_LEAF_TREE;
const units = THREE_UNITS;

function scorerOf(tree: unknown[]) {
  const s = headerScorer({ ...(pkgWith(tree, []) as object), units: [] });
  if (!s.ok) throw new Error(JSON.stringify(s.errors));
  return s;
}

describe("headerScorer", () => {
  it("scores units, run after run, to the same results as the whole package", () => {
    const s = scorerOf(tree);
    for (const list of [units, [units[2]], units.slice(0, 2)]) {
      const whole = scorePackage(pkgWith(tree, list));
      const r = s.score((pkgWith(tree, list) as { units: unknown[] }).units);
      expect(whole.ok).toBe(true);
      expect(r.ok && whole.ok && resultsText(r.results)).toBe(whole.ok && resultsText(whole.results));
    }
  });

  it("refuses a unit's bad input with the whole package's messages and paths", () => {
    const bad = [units[0], { id: "u3", inputs: { a: { scores: [61] }, b: { deductions: [] } } }, { id: "u1", inputs: { a: { scores: [1] } } }];
    const whole = scorePackage(pkgWith(tree, bad));
    const r = scorerOf(tree).score((pkgWith(tree, bad) as { units: unknown[] }).units);
    expect(whole.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual(!whole.ok && whole.errors);
    expect(!r.ok && r.errors.map((e) => e.path)).toContain("units[1].inputs.a.scores[0]");
  });

  it("refuses a bad header as validatePackage does", () => {
    const s = headerScorer({ ...(pkgWith([{ id: "a", name: "主动公开", points: 60, rule: { type: "nonsense" } }], []) as object), units: [] });
    expect(s.ok).toBe(false);
  });
});
