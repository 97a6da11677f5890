import { validatePackage, type IndicatorNode, type LeafRule, type NodePart } from "../../scoring";
import { packageFormatFor } from "./package-format";

/**
 * Problems (Chinese) of one stored leaf input against a leaf, as the scoring engine sees them:
 * the leaf is wrapped in a one-leaf package with one unit and validated. Empty = the input fits.
 */
export function inputProblems(leaf: { code: string; points: number; rule: LeafRule; part: NodePart }, input: Record<string, unknown>): string[] {
  const node: Record<string, unknown> = { id: leaf.code, name: leaf.code, points: leaf.points, rule: leaf.rule };
  if (leaf.part !== "base") node.part = leaf.part;
  const result = validatePackage({
    format: packageFormatFor([{ indicators: [node as unknown as IndicatorNode] }]),
    opennessWeightPct: 5,
    indicatorSets: [{ category: "c", indicators: [node] }],
    units: [{ id: "u", name: "u", category: "c", inputs: { [leaf.code]: input } }],
  });
  if (result.ok) return [];
  return result.errors.filter((e) => e.path.startsWith("units")).map((e) => e.message);
}
