import { DESIGNATED_KINDS, type DesignatedKind, type LeafRule, type ScoreEntry } from "../../scoring";

/**
 * A score leaf's designated source (以…为准) as people choose and write it: one evaluator, an
 * outside office's assessment (以县外网办评价为准) or a spot check (以区级抽查结果为准). The engine's
 * side (matching, phrase, refusal) is scoring/designated.ts. Client-safe.
 */

export const DESIGNATED_SOURCE_KINDS = ["evaluator", ...DESIGNATED_KINDS] as const;
export type DesignatedSourceKind = (typeof DESIGNATED_SOURCE_KINDS)[number];

export const DESIGNATED_SOURCE_LABELS: Record<DesignatedSourceKind, string> = {
  evaluator: "评估人员",
  outside: "外部单位评价",
  spotcheck: "抽查结果",
};

export const DESIGNATED_NAME_MAX = 50;

type ScoreRule = Extract<LeafRule, { type: "score" }>;

/** The kind of a rule's designated source, as the editor's choice (an evaluator when none is given). */
export function designatedSourceKind(rule: ScoreRule): DesignatedSourceKind {
  return rule.designatedKind ?? "evaluator";
}

/** The engine's field for a chosen kind: an evaluator carries none. */
export function engineKind(kind: DesignatedSourceKind): DesignatedKind | undefined {
  return kind === "evaluator" ? undefined : kind;
}

/**
 * The 指定评分来源 cell of the indicator workbook: an evaluator's name alone (as workbooks always
 * wrote it), else “外部单位评价：县外网办” / “抽查结果：区级抽查”.
 */
export function designatedCell(rule: ScoreRule): string {
  if (rule.designated === undefined) return "";
  return rule.designatedKind === undefined ? rule.designated : `${DESIGNATED_SOURCE_LABELS[rule.designatedKind]}：${rule.designated}`;
}

/** Read a 指定评分来源 cell: “外部单位评价：县外网办”, “抽查结果：区级抽查”, “评估人员：王敏” or a bare name (an evaluator). */
export function parseDesignatedCell(text: string): { kind: DesignatedSourceKind; name: string } {
  const m = /^(评估人员|外部单位评价|抽查结果)\s*[:：]\s*(.*)$/.exec(text.trim());
  if (!m) return { kind: "evaluator", name: text.trim() };
  const kind = DESIGNATED_SOURCE_KINDS.find((k) => DESIGNATED_SOURCE_LABELS[k] === m[1])!;
  return { kind, name: m[2].trim() };
}

/** A score entry standing for the designated source (a unit's own estimate, the preview's sample). */
export function designatedEntry(designated: string, kind: DesignatedKind | undefined, value: number): ScoreEntry {
  return kind === undefined ? { value, by: designated } : { value, by: designated, kind };
}

/**
 * The rule one person's stored input (a self-inspection answer, one evaluator's entry) is checked
 * against: without the designated source, whose entry is added only when the package is built.
 */
export function storedInputRule(rule: LeafRule): LeafRule {
  if (rule.type !== "score" || rule.designated === undefined) return rule;
  const { designated: _designated, designatedKind: _kind, ...rest } = rule;
  return rest;
}
