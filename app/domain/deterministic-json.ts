import { resultsText, type AssessmentPackageInput, type Results } from "../../scoring";
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
 *   writes (scoring's resultsText: compact, the engine's key order, final newline), so anyone
 *   recomputing the published package gets a byte-identical file. It is stored in pieces (the
 *   frame and one entry per unit row) and joined on export.
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
  return { ...joinPackage(pkg, units.map((u) => u.json)), units };
}

/**
 * The package text from its header (every key of `pkg` but `units`) and its units' canonical
 * texts, already in package order; with the header's own text (as serialisePackage).
 */
export function joinPackage(pkg: object, unitTexts: readonly string[]): { json: string; headerJson: string } {
  const parts: string[] = [];
  const header: string[] = [];
  const record = pkg as Record<string, unknown>;
  for (const key of [...Object.keys(record).filter((k) => k !== "units"), "units"].sort()) {
    if (key === "units") {
      parts.push(`"units":[${unitTexts.join(",")}]`);
      continue;
    }
    const value = record[key];
    if (value === undefined) continue;
    const text = `${JSON.stringify(key)}:${canonicalJson(value)}`;
    parts.push(text);
    header.push(text);
  }
  return { json: `{${parts.join(",")}}`, headerJson: `{${header.join(",")}}` };
}

/** The results text as `npm run score` writes it (compact JSON, engine key order, final newline). */
export function serialiseResults(results: Results): string {
  return resultsText(results);
}

// Both documents in pieces, so neither need be built (or stored) as one string: the document
// around its units array (the frame: the text with `"units":[]`) and each unit's entry as it stands
// there (the results: JSON.stringify of the entry; the package: its canonical text).
// joinFramed(resultsFrame(r), entries) === serialiseResults(r), and
// joinFramed(joinPackage(header, []).json, entries) === joinPackage(header, entries).json.

/** The results text with an empty units array: the frame of the results text in pieces. */
export function resultsFrame(results: Results): string {
  return serialiseResults({ ...results, units: [] });
}

/** The first `units` key and its array's opening bracket (compact, or as a two-space indented document writes it). */
const UNITS_OPEN = /"units":\s*\[/;

/**
 * Where the unit entries go in a frame: right after the opening bracket of its `units` array. A
 * string value cannot hold `"units":` (its quotes would be escaped), and no key before the
 * top-level `units` holds a `units` array, so the first match is the key itself. A final snapshot
 * stored before the split layout keeps its indented document this way (migration 0017): its frame
 * holds `"units": [` and the line break before `]`, each unit row the line break before its entry.
 */
function unitsAt(frame: string): number {
  const m = UNITS_OPEN.exec(frame);
  if (!m) throw new Error("frame has no empty units array");
  return m.index + m[0].length;
}

/** The pieces of a document in order (frame head, entries with their commas, frame tail). */
export function* framedTextPieces(frame: string, units: Iterable<string>): Generator<string> {
  const at = unitsAt(frame);
  yield frame.slice(0, at);
  let first = true;
  for (const u of units) {
    yield first ? u : `,${u}`;
    first = false;
  }
  yield frame.slice(at);
}

export function joinFramed(frame: string, units: Iterable<string>): string {
  return [...framedTextPieces(frame, units)].join("");
}
