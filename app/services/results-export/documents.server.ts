import { scorePackage, type AssessmentPackageInput } from "../../../scoring";
import { serialisePackage, serialiseResults, sortUnits } from "../../domain/deterministic-json";
import { sha256, storedDocument, storedResultsPieces } from "../results.server";
import type { ExportSource } from "./source.server";

/**
 * The published documents of a cycle: its `zwgk-assessment/1` package and `zwgk-results/1`
 * results, byte-exact as stored and hashed (deterministic: sorted keys and units, no timestamp).
 *
 * Anonymised (unit names → 单位001, 单位002 … in package order): the package is re-serialised the
 * same deterministic way and the results are the engine's run on it, so the anonymised pair still
 * recomputes identically with `npm run score`. Ranks do not move (ties are broken by unit id).
 */

export type DocumentKind = "package" | "results";

export function anonymousName(index: number): string {
  return `单位${String(index + 1).padStart(3, "0")}`;
}

export function anonymisePackage(pkg: AssessmentPackageInput): AssessmentPackageInput {
  const units = sortUnits(pkg.units).map((u, i) => ({ ...u, name: anonymousName(i) }));
  return { ...pkg, units };
}

export interface ExportedDocument {
  text: string;
  sha256: string;
}

export function exportDocument(source: ExportSource, kind: DocumentKind, opts: { anonymise?: boolean } = {}): ExportedDocument {
  if (!opts.anonymise) {
    const text = storedDocument(source.db, source.meta.id, kind);
    return { text, sha256: kind === "package" ? source.meta.packageSha256 : source.meta.resultsSha256 };
  }
  const pkg = anonymisePackage(JSON.parse(storedDocument(source.db, source.meta.id, "package")) as AssessmentPackageInput);
  let text: string;
  if (kind === "package") text = serialisePackage(pkg).json;
  else {
    const scored = scorePackage(pkg);
    if (!scored.ok) throw new Error(`stored package no longer validates: ${scored.errors[0]?.message}`);
    text = serialiseResults(scored.results);
  }
  return { text, sha256: sha256(text) };
}

/**
 * The document's text in pieces, for a streamed download: the stored results come a chunk of unit
 * entries at a time (never built whole; a recompute stored meanwhile ends the download with
 * ResultsChangedError rather than mixing two computations).
 */
export function documentPieces(source: ExportSource, kind: DocumentKind, opts: { anonymise?: boolean } = {}): Iterable<string> {
  if (kind === "results" && !opts.anonymise) return storedResultsPieces(source.db, source.meta);
  return [exportDocument(source, kind, opts).text];
}
