/** JSON with object keys sorted recursively: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The value with every object's keys in sorted order. Parts that are already in that order are
 * returned as they are (no copy): large documents built in key order — the assessment package —
 * are then serialised by one native JSON.stringify with only their unsorted leaves copied.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const s = sortKeys(v);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return out ?? value;
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    const proto = Object.getPrototypeOf(obj) as unknown;
    // Only plain objects may be kept as they are (JSON.stringify would honour another class's toJSON).
    let keep = proto === Object.prototype || proto === null;
    for (let i = 1; keep && i < keys.length; i++) if (keys[i - 1] > keys[i]) keep = false;
    if (!keep) return copySorted(obj, keys.sort());
    let changed: unknown[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]];
      if (v === undefined) continue;
      const s = sortKeys(v);
      if (s !== v) (changed ??= new Array<unknown>(keys.length))[i] = s;
    }
    if (changed === null) return obj;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]];
      if (v !== undefined) out[keys[i]] = changed[i] ?? v;
    }
    return out;
  }
  return value;
}

function copySorted(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = obj[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
