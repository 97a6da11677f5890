import type { ValidationError } from "../../scoring";
import type { CyclePackage } from "./cycle-package.server";

/**
 * What a recompute or a final snapshot answers, and the plain data that crosses from its heavy,
 * read-only part (results-compute.server.ts, possibly in the worker thread) to its short write
 * transaction (results-storage.server.ts).
 */

export type ComputeOutcome =
  | {
      ok: true;
      kind: "preliminary" | "final";
      cycleResultId: number;
      /** The documents' SHA-256: a final snapshot's; null for preliminary results (computed when first asked for). */
      packageSha256: string | null;
      resultsSha256: string | null;
      /** Units in the results. */
      units: number;
      /** Units the engine scored in this run (the others were unchanged and kept). */
      rescored: number;
      /** unit_results rows written or deleted. */
      rowsWritten: number;
      /** Nothing changed since the last computation (nothing was written). */
      unchanged: boolean;
      /** Units left out because some leaf has no signed-off evaluator entry yet. */
      incomplete: CyclePackage["incomplete"];
      warnings: string[];
    }
  | { ok: false; status: 400 | 404 | 409; message: string; errors: ValidationError[] };

/**
 * A recompute or snapshot refused: stays a result, not a DomainError — it lists every validation
 * error of the engine as data (the page shows them), and it crosses the worker thread as a message.
 */
export type Refusal = Extract<ComputeOutcome, { ok: false }>;

/** A stored final snapshot: its hashes are computed when it is taken. */
export type FinalOutcome = Extract<ComputeOutcome, { ok: true }> & { packageSha256: string; resultsSha256: string };

export const refuse = (status: Refusal["status"], message: string, errors: ValidationError[] = []): Refusal => ({ ok: false, status, message, errors });

/** The stored preliminary row a recompute's diff was made against. */
export interface BasedOn {
  id: number;
  /** The recompute stored in it (a later one makes the diff stale). */
  revision: number;
  /** Null: the row's units may lack their package entries, or came from a given package (no incremental build from it). */
  headerSha256: string | null;
}

/**
 * A unit_results row to write: a re-scored or new unit whole (its values after its unit id, see
 * UPSERT_UNIT in results-storage.server.ts), or a kept unit whose ranks or places moved (only its
 * rank and place columns: its entry and summary texts keep the ranks they were scored with, and
 * readers take the ranks from the columns — results.server.ts).
 */
export type UnitRowValues =
  | {
      kind: "whole";
      unitId: number;
      values: [
        result: string,
        total: string,
        rank: number,
        categoryRank: number,
        inputSha256: string,
        summary: string,
        position: number,
        packageEntry: string,
        packagePosition: number,
        allNa: 0 | 1,
      ];
    }
  | { kind: "moved"; unitId: number; rank: number; categoryRank: number; position: number; packagePosition: number };

/** What the write transaction needs: plain data (crosses a worker boundary cheaply). */
export interface PreparedWrite {
  /** The package text with an empty units array. */
  packageFrame: string;
  /** Stored for the next recompute's incremental build; null when the package was given (not built from the database). */
  headerSha256: string | null;
  /** The results text with an empty units array. */
  resultsFrame: string;
  /** Both documents' SHA-256 (a final snapshot); null: computed when first asked for. */
  hashes: { packageSha256: string; resultsSha256: string } | null;
  basedOn: BasedOn | null;
  /** results_stale_units rows this recompute has taken into account (deleted with its write). */
  staleIds: number[];
  /** Unit rows to write (every unit when there is no previous row). */
  rows: UnitRowValues[];
  /** Unit ids to delete (left the package). */
  removed: number[];
  units: number;
  rescored: number;
  warnings: string[];
  incomplete: CyclePackage["incomplete"];
  unchanged: boolean;
}

/** The heavy part of a final snapshot, prepared outside the write transaction (plain data). */
export type FinalSnapshot = PreparedWrite;

export function outcome(
  kind: "preliminary" | "final",
  id: number,
  p: Pick<PreparedWrite, "hashes" | "units" | "rescored" | "incomplete" | "warnings">,
  written: number,
  unchanged: boolean,
): Extract<ComputeOutcome, { ok: true }> {
  return {
    ok: true,
    kind,
    cycleResultId: id,
    packageSha256: p.hashes?.packageSha256 ?? null,
    resultsSha256: p.hashes?.resultsSha256 ?? null,
    units: p.units,
    rescored: unchanged ? 0 : p.rescored,
    rowsWritten: written,
    unchanged,
    incomplete: p.incomplete,
    warnings: p.warnings,
  };
}
