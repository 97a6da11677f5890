// Keeps one copy of each distinct explanation within one compute() call: results of many units
// repeat the same texts, and a flat string kept once costs less than a concatenation kept per unit.
export class Interner {
  private readonly map = new Map<string, string>();
  private readonly naTexts = new Map<string, string>();
  constructor(private readonly cap = 1 << 18) {}

  /** The explanation of a not-applicable input. */
  na(reason: string | undefined): string {
    const r = reason ?? "";
    let t = this.naTexts.get(r);
    if (t === undefined) {
      t = this.get(`不适用：${r}`);
      if (this.naTexts.size < this.cap) this.naTexts.set(r, t);
    }
    return t;
  }

  get(s: string): string {
    s.charCodeAt(0); // flatten a rope first: hashing and keeping a flat string is cheaper
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    if (this.map.size < this.cap) this.map.set(s, s);
    return s;
  }
}
