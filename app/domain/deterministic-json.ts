import type { AssessmentPackageInput, Results } from "../../scoring";
import { canonicalJson } from "../utils/canonical-json";

/**
 * Deterministic serialisation of the assessment package and its results, so the same data always
 * gives byte-identical files whose SHA-256 can be published.
 *
 * - Package (`zwgk-assessment/1`): object keys sorted recursively (canonicalJson), units sorted by
 *   id, arrays otherwise in their given order (indicator trees, scores, events), no whitespace and
 *   no timestamp. The text is built from one string per unit so a recompute can tell which units
 *   changed without serialising twice.
 * - Results (`zwgk-results/1`): exactly what `npm run score -- package.json --out results.json`
 *   writes (the engine's key order, two-space indentation, final newline), so anyone recomputing
 *   the published package gets a byte-identical file.
 */

export interface SerialisedPackage {
  /** The package text. */
  json: string;
  /** The package without its units (settings, calendar, indicator sets), same serialisation. */
  headerJson: string;
  /** Units in package order (sorted by id): id and canonical text. */
  units: { id: string; json: string }[];
}

type UnitLike = { id: string };

function byId(a: UnitLike, b: UnitLike): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The package's units in the order the serialised package lists them. */
export function sortUnits<U extends UnitLike>(units: readonly U[]): U[] {
  return units.slice().sort(byId);
}

export function serialisePackage(pkg: AssessmentPackageInput): SerialisedPackage {
  const units = sortUnits(pkg.units).map((u) => ({ id: u.id, json: canonicalJson(u) }));
  const parts: string[] = [];
  const header: string[] = [];
  const record = pkg as unknown as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value === undefined) continue;
    if (key === "units") {
      parts.push(`${JSON.stringify(key)}:[${units.map((u) => u.json).join(",")}]`);
      continue;
    }
    const text = `${JSON.stringify(key)}:${canonicalJson(value)}`;
    parts.push(text);
    header.push(text);
  }
  return { json: `{${parts.join(",")}}`, headerJson: `{${header.join(",")}}`, units };
}

/** The results text as `npm run score` writes it. */
export function serialiseResults(results: Results): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/**
 * Each unit's entry exactly as it stands in the results text (serialiseResults), in order: slices
 * of that text (indented as there, valid JSON of the entry), so the per-unit rows need no second
 * serialisation. Relies on JSON.stringify's layout: with two-space indentation a unit entry is the
 * only text that opens with a newline and four spaces then "{" and closes with a newline and four
 * spaces then "}" (string values never hold a raw newline).
 */
export function unitEntryTexts(resultsJson: string, count: number): string[] {
  const out: string[] = [];
  const anchor = '\n  "units": [';
  let pos = resultsJson.indexOf(anchor);
  if (pos < 0) throw new Error("results text has no units array");
  pos += anchor.length;
  for (let i = 0; i < count; i++) {
    const open = resultsJson.indexOf("\n    {", pos);
    const close = open < 0 ? -1 : resultsJson.indexOf("\n    }", open);
    if (open < 0 || close < 0) throw new Error(`results text has fewer than ${count} unit entries`);
    out.push(resultsJson.slice(open + 5, close + 6));
    pos = close + 6;
  }
  if (!resultsJson.startsWith(count === 0 ? "]" : "\n  ]", pos)) throw new Error(`results text has more than ${count} unit entries`);
  return out;
}
