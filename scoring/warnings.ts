// Non-fatal observations about a valid package.
import Decimal from "decimal.js";
import type { AssessmentPackage, IndicatorNode } from "./schema";

function basePointsSum(nodes: IndicatorNode[]): Decimal {
  let sum = new Decimal(0);
  for (const top of nodes) if ((top.part ?? "base") === "base") sum = sum.plus(top.points);
  return sum;
}

export function packageWarnings(pkg: AssessmentPackage): string[] {
  const out: string[] = [];
  for (const set of pkg.indicatorSets) {
    const sum = basePointsSum(set.indicators);
    if (!sum.equals(pkg.scale)) {
      out.push(
        `“${set.category}”指标体系基础部分分值合计${sum.toString()}分，与满分${pkg.scale}分不一致，` +
          `基础分将按“${pkg.scale}×得分÷适用分值”折算`,
      );
    }
  }
  const lowest = Math.min(...pkg.grades.map((g) => g.min));
  if (lowest > 0) {
    out.push(`等次设置的最低下限为${lowest}分，低于该分数的单位将归入最低等次`);
  }
  return out;
}
