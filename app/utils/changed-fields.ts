/**
 * Whether an edit changes anything: some of `keys` holds another value (===) in `next` than in
 * `before`. An edit that changes nothing writes nothing, not even an audit row.
 */
export function anyChanged<A, B, K extends keyof A & keyof B>(before: A, next: B, keys: readonly K[]): boolean {
  return keys.some((k) => (before[k] as unknown) !== (next[k] as unknown));
}
