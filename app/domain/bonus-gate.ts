/**
 * The one wording of the bonus gate (加分门槛), as the engine applies it: bonus points count only
 * when the base score is strictly above the gate (scoring/unit.ts: “基础分高于…分，计入加分”).
 * Used by the cycle settings form, the PDF ranking report and the results workbook. Client-safe.
 */
export function bonusGateRule(gate: number | null): string {
  return `基础分高于${gate === null ? "此分数" : `${gate}分`}，加分项方可计入`;
}
