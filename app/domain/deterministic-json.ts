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

/**
 * The results text in pieces, so it need not be built (or stored) as one string: the document
 * around its units array (the frame: the results text with `"units":[]`) and each unit's entry as
 * it stands there (JSON.stringify of the entry). joinResults(frame, entries) === serialiseResults(results).
 */
const UNITS_KEY = '"units":[';

/** The results text with an empty units array: the frame of the results text in pieces. */
export function resultsFrame(results: Results): string {
  return serialiseResults({ ...results, units: [] });
}

/**
 * Where the unit entries go in a frame. A string value in the frame cannot hold `"units":[` (its
 * quotes would be escaped), so the first match is the key itself.
 */
function unitsAt(frame: string): number {
  const at = frame.indexOf(`${UNITS_KEY}]`);
  if (at < 0) throw new Error("results frame has no empty units array");
  return at + UNITS_KEY.length;
}

/** The pieces of the results text in order (frame head, entries with their commas, frame tail). */
export function* resultsTextPieces(frame: string, units: Iterable<string>): Generator<string> {
  const at = unitsAt(frame);
  yield frame.slice(0, at);
  let first = true;
  for (const u of units) {
    yield first ? u : `,${u}`;
    first = false;
  }
  yield frame.slice(at);
}

export function joinResults(frame: string, units: Iterable<string>): string {
  return [...resultsTextPieces(frame, units)].join("");
}
