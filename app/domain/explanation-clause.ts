/**
 * A reason the scoring engine continues in its explanation ("{reason}，由4.50分调整为7分"): kept
 * without its own closing punctuation, so the sentence never reads "…认定。，由…". Client-safe.
 */
export function asClause(reason: string): string {
  return reason.replace(/[\s。．.，,；;：:！!？?、]+$/u, "");
}
