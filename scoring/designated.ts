// A score leaf's designated source (“以县外网办评价为准”): who the source is and how it is named.
// The one home of the matching rule (validation and the engine) and of the phrase people read.

/** The kinds of designated source besides an evaluator (whose entries carry no kind). */
export const DESIGNATED_KINDS = ["outside", "spotcheck"] as const;
export type DesignatedKind = (typeof DESIGNATED_KINDS)[number];

/** A score entry as the matching rule sees it. */
interface EntryLike {
  by?: unknown;
  kind?: unknown;
}

/** The entry comes from the designated source: same name and same kind (none = an evaluator). */
export function fromDesignated(entry: EntryLike, designated: string, kind: DesignatedKind | undefined): boolean {
  return entry.by === designated && entry.kind === kind;
}

/**
 * How the rule reads: “以“李强”的评分为准” (an evaluator), “以县外网办评价为准” (an outside office),
 * “以区级抽查结果为准” (a spot check).
 */
export function designatedPhrase(designated: string, kind: DesignatedKind | undefined): string {
  if (kind === "outside") return `以${designated}评价为准`;
  if (kind === "spotcheck") return `以${designated}结果为准`;
  return `以“${designated}”的评分为准`;
}

/** What is missing when a unit lacks the designated value (the package is refused). */
export function missingDesignatedMessage(who: string, leafId: string, designated: string, kind: DesignatedKind | undefined): string {
  if (kind === "outside") return `${who}的指标“${leafId}”缺少“${designated}”的评价（该指标${designatedPhrase(designated, kind)}）`;
  if (kind === "spotcheck") return `${who}的指标“${leafId}”缺少“${designated}”的抽查评分（该指标${designatedPhrase(designated, kind)}）`;
  return `${who}的指标“${leafId}”缺少指定来源“${designated}”的评分（该指标以“${designated}”评分为准）`;
}
