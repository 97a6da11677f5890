/**
 * A small in-process memo keyed by strings that hold everything the value depends on (ids and
 * content hashes), so entries never go stale — they only fall out, oldest first, once `size` is
 * exceeded.
 */
export function boundedMemo<T>(size: number): (key: string, compute: () => T) => T {
  const entries = new Map<string, T>();
  return (key, compute) => {
    if (entries.has(key)) return entries.get(key)!;
    const value = compute();
    if (entries.size >= size) entries.delete(entries.keys().next().value as string);
    entries.set(key, value);
    return value;
  };
}
