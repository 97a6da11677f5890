import type { findings, outsideAssessments } from "../../db/schema";
import type { LeafInput, ScoreEntry } from "../../scoring";
import type { ScoredLeaf } from "../domain/indicator-spec";

/**
 * The designated source's value of a score leaf (以…为准) as the package carries it: a score entry
 * {value, by: the source's name, kind} after the evaluators' entries, which stay (shown, and still
 * flag divergence). The engine takes the designated entry alone (scoring/designated.ts).
 *
 * - An outside office (designatedKind "outside"): the value the office recorded for the unit from
 *   that source (外部单位评价, outside-assessments.server.ts); its note is the entry's source.
 * - A spot check (designatedKind "spotcheck"): the score an inspector recorded as a finding of kind
 *   "score" (抽查评分: `points` holds the score given, in [0, the leaf's points]) on that leaf of the
 *   unit. When several spot checks scored it, the latest (by date found, then by record) counts: its
 *   entry comes first, the earlier ones after it, each with source “抽查发现#id”.
 * - An evaluator (no kind): the evaluators' entries already carry their names.
 * A leaf taken as N/A stays N/A. A unit without the value is refused by the engine, naming the unit
 * and the leaf; evaluation-completeness.server.ts shows the cycle as not ready for it.
 */
export function applyDesignated(
  leaf: ScoredLeaf,
  input: LeafInput,
  outside: readonly (typeof outsideAssessments.$inferSelect)[],
  unitFindings: readonly (typeof findings.$inferSelect)[],
  findingSource: (id: number) => string,
): LeafInput {
  const rule = leaf.rule;
  if (rule.type !== "score" || rule.designated === undefined || rule.designatedKind === undefined || input.na === true) return input;
  const added: ScoreEntry[] = [];
  if (rule.designatedKind === "outside") {
    for (const r of outside) {
      if (r.nodeId === leaf.nodeId && r.source === rule.designated) added.push({ value: r.value, by: rule.designated, kind: "outside", ...(r.note ? { source: r.note } : {}) });
    }
  } else {
    const scored = unitFindings
      .filter((f) => f.nodeId === leaf.nodeId && f.kind === "score" && f.points !== null)
      .sort((a, b) => (a.foundOn === b.foundOn ? b.id - a.id : a.foundOn < b.foundOn ? 1 : -1));
    for (const f of scored) added.push({ value: f.points!, by: rule.designated, kind: "spotcheck", source: findingSource(f.id) });
  }
  if (added.length === 0) return input;
  return { ...input, scores: [...(input.scores ?? []), ...added] };
}
