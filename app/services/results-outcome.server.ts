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
      packageSha256: string;
      resultsSha256: string;
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

export type Refusal = Extract<ComputeOutcome, { ok: false }>;

export const refuse = (status: Refusal["status"], message: string, errors: ValidationError[] = []): Refusal => ({ ok: false, status, message, errors });

/** The stored preliminary row a recompute's diff was made against. */
export interface BasedOn {
  id: number;
  packageSha256: string;
  /** Null: the row's units may lack their package entries, or came from a given package (no incremental build from it). */
  headerSha256: string | null;
}

/** One unit_results row's values after its unit id (see UPSERT_UNIT in results-storage.server.ts). */
export interface UnitRowValues {
  unitId: number;
  values: [result: string, total: string, rank: number, categoryRank: number, inputSha256: string, summary: string, position: number, packageEntry: string];
}

/** What the write transaction needs: plain data (crosses a worker boundary cheaply). */
export interface PreparedWrite {
  packageJson: string;
  packageSha256: string;
  /** Stored for the next recompute's incremental build; null when the package was given (not built from the database). */
  headerSha256: string | null;
  resultsFrame: string;
  resultsSha256: string;
  basedOn: BasedOn | null;
  /** results_stale_units rows this recompute has taken into account (deleted with its write). */
  staleIds: number[];
  /** Unit rows to upsert (every unit when there is no previous row). */
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
  p: Pick<PreparedWrite, "packageSha256" | "resultsSha256" | "units" | "rescored" | "incomplete" | "warnings">,
  written: number,
  unchanged: boolean,
): ComputeOutcome {
  return {
    ok: true,
    kind,
    cycleResultId: id,
    packageSha256: p.packageSha256,
    resultsSha256: p.resultsSha256,
    units: p.units,
    rescored: unchanged ? 0 : p.rescored,
    rowsWritten: written,
    unchanged,
    incomplete: p.incomplete,
    warnings: p.warnings,
  };
}
