import crypto from "node:crypto";
import type Database from "better-sqlite3";
import type { Db } from "../../db/client";
import { withRanks, type UnitResult } from "../../scoring";
import { framedTextPieces, joinFramed } from "../domain/deterministic-json";
import type { UnitSummary } from "../domain/results-view";
import { preparedStatement } from "../utils/prepared-statement.server";

/**
 * Reading the stored results of a cycle (考核结果; computed by results-compute.server.ts, stored by
 * results-storage.server.ts): which rows a cycle has, their byte-exact package and results texts,
 * every unit's headline figures and one unit's full entry, consistent chunks for exports, and the
 * documents' SHA-256. Both documents are stored once, in pieces: their frames in
 * `cycle_results.package_json` / `results_json` and each unit's entries in its `unit_results` row
 * (joined in `package_position` / `position` order they are the hashed texts; storedDocument).
 */

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

export interface ResultsMeta {
  id: number;
  cycleId: number;
  kind: "preliminary" | "final";
  /** Counts the recomputes stored in the row: (id, revision) names one computation (caches, consistent reads). */
  revision: number;
  /** Null until first asked for after a recompute (resultsHashes); a final snapshot's always set. */
  packageSha256: string | null;
  resultsSha256: string | null;
  computedAt: string;
  computedByName: string | null;
}

/** A results row's meta with both documents' SHA-256 (resultsHashes). */
export type HashedResultsMeta = ResultsMeta & { packageSha256: string; resultsSha256: string };

/**
 * Both results rows of a cycle (small columns only: the planner answers from the covering index
 * cycle_results_meta_idx and never walks the large JSON texts). A statement compiled once per
 * connection: every results page asks. It runs on the thread's one connection, so inside a
 * transaction it sees the transaction's writes.
 */
function metaRows(db: Db, cycleId: number): ResultsMeta[] {
  return preparedStatement(
    db.$client,
    `SELECT r.id, r.cycle_id AS cycleId, r.kind, r.revision, r.package_sha256 AS packageSha256, r.results_sha256 AS resultsSha256,
            r.computed_at AS computedAt, u.display_name AS computedByName
     FROM cycle_results r LEFT JOIN users u ON u.id = r.computed_by
     WHERE r.cycle_id = ?`,
  ).all(cycleId) as ResultsMeta[];
}

/** The results pages show: the final snapshot when there is one, else the preliminary results. */
export function currentResults(db: Db, cycleId: number): ResultsMeta | null {
  const rows = metaRows(db, cycleId);
  return rows.find((r) => r.kind === "final") ?? rows.find((r) => r.kind === "preliminary") ?? null;
}

export function resultsMeta(db: Db, cycleId: number, kind: "preliminary" | "final"): ResultsMeta | null {
  return metaRows(db, cycleId).find((r) => r.kind === kind) ?? null;
}

/**
 * The stored package or results text of a results row (byte-exact, as hashed): joined from its
 * frame and the unit rows' entries in document order.
 */
export function storedDocument(db: Db, cycleResultId: number, which: "package" | "results"): string {
  // One read transaction: the frame and the entries from the same snapshot.
  return db.$client.transaction(() => joinFramed(storedFrame(db, cycleResultId, which), storedEntries(db, cycleResultId, which)))();
}

/**
 * A stored results entry or summary text with the unit's ranks from its row's columns. A recompute
 * that only moves a unit (its ranks or place changed, its inputs did not) updates the columns and
 * leaves its texts as they were scored (results-storage.server.ts MOVE_UNIT): every reader of the
 * texts takes the ranks from here. The bytes are those of serialising the entry with these ranks.
 */
const rankedText = ([text, rank, categoryRank]: [string, number, number]): string => withRanks(text, rank, categoryRank);

/** A stored results entry or summary, parsed, with the unit's ranks from its row's columns (see rankedText). */
function ranked<T extends { rank: number; categoryRank: number }>(text: string, rank: number, categoryRank: number): T {
  const value = JSON.parse(text) as T;
  value.rank = rank;
  value.categoryRank = categoryRank;
  return value;
}

/** A document's unit entries in document order (results entries with their ranks: rankedText). */
function storedEntries(db: Db, cycleResultId: number, which: "package" | "results"): Iterable<string> {
  const sqlite = db.$client;
  if (which === "package") {
    return sqlite.prepare("SELECT package_entry FROM unit_results INDEXED BY unit_results_package_idx WHERE cycle_result_id = ? ORDER BY package_position").pluck().iterate(cycleResultId) as Iterable<string>;
  }
  const rows = sqlite.prepare("SELECT result, rank, category_rank FROM unit_results WHERE cycle_result_id = ? ORDER BY position").raw().iterate(cycleResultId) as Iterable<[string, number, number]>;
  return (function* () {
    for (const row of rows) yield rankedText(row);
  })();
}

/** A results row's stored package frame or results frame. */
function storedFrame(db: Db, cycleResultId: number, which: "package" | "results"): string {
  const col = which === "package" ? "package_json" : "results_json";
  const text = db.$client.prepare(`SELECT ${col} FROM cycle_results WHERE id = ?`).pluck().get(cycleResultId) as string | undefined;
  if (text === undefined) throw new Error(`no cycle_results row ${cycleResultId}`);
  return text;
}

/** SHA-256 of the concatenated pieces (the text itself is never built). */
export function sha256Of(pieces: Iterable<string>): string {
  const h = crypto.createHash("sha256");
  for (const p of pieces) h.update(p, "utf8");
  return h.digest("hex");
}

/**
 * A results row's meta with both documents' SHA-256: as stored, or — preliminary results after a
 * recompute — computed now from the stored documents (one read snapshot) and stored for the next
 * asker, unless another recompute was stored meanwhile (then the hashes answered are still those of
 * the computation `meta` names). Publishing, exporting and verifying ask; a recompute does not hash.
 * Filling the hashes changes no result (bookkeeping, not data: no audit row).
 */
export function resultsHashes(db: Db, meta: ResultsMeta): HashedResultsMeta {
  if (meta.packageSha256 !== null && meta.resultsSha256 !== null) return { ...meta, packageSha256: meta.packageSha256, resultsSha256: meta.resultsSha256 };
  const sqlite = db.$client;
  const hashes = readConsistent(db, meta, () => {
    const hash = (which: "package" | "results") => sha256Of(framedTextPieces(storedFrame(db, meta.id, which), storedEntries(db, meta.id, which)));
    return { packageSha256: hash("package"), resultsSha256: hash("results") };
  });
  sqlite
    .prepare("UPDATE cycle_results SET package_sha256 = ?, results_sha256 = ? WHERE id = ? AND revision = ? AND package_sha256 IS NULL")
    .run(hashes.packageSha256, hashes.resultsSha256, meta.id, meta.revision);
  return { ...meta, ...hashes };
}

export interface SummaryRow extends UnitSummary {
  unitId: number;
}

/**
 * Per connection (a reopened or another database never answers from another's), per results row:
 * the latest summaries read and the revision they are of. Bounded: the oldest row falls out.
 */
const summaryCache = new WeakMap<Database.Database, Map<number, { revision: number; rows: SummaryRow[] }>>();
const SUMMARY_ROWS_KEPT = 8;

const summaryOf = ([unitId, summary, rank, categoryRank]: [number, string, number, number]): SummaryRow => Object.assign(ranked<UnitSummary>(summary, rank, categoryRank), { unitId });
const byRanking = (a: SummaryRow, b: SummaryRow) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every unit's headline figures of a results row, in ranking order (rank, then package id), as
 * stored now (a recompute stored since `meta` was read included). Kept per row and revision; after
 * a recompute only the unit rows it wrote (unit_results_written) are read again, the others kept.
 */
export function unitSummaries(db: Db, meta: Pick<ResultsMeta, "id" | "revision">): SummaryRow[] {
  const sqlite = db.$client;
  let cache = summaryCache.get(sqlite);
  if (!cache) summaryCache.set(sqlite, (cache = new Map()));
  const held = cache.get(meta.id);
  if (held?.revision === meta.revision) return held.rows;
  // One read snapshot: the row's revision and the unit rows of that revision.
  const fresh = sqlite.transaction(() => {
    const revision = preparedStatement(sqlite, "SELECT revision FROM cycle_results WHERE id = ?").pluck().get(meta.id) as number | undefined;
    if (revision === undefined) return { revision: meta.revision, rows: [] };
    if (held?.revision === revision) return held;
    if (held && held.revision < revision) {
      const written = preparedStatement(
        sqlite,
        `SELECT r.unit_id, r.summary, r.rank, r.category_rank FROM unit_results_written w JOIN unit_results r ON r.cycle_result_id = w.cycle_result_id AND r.unit_id = w.unit_id
         WHERE w.cycle_result_id = ? AND w.revision > ?`,
      ).raw().all(meta.id, held.revision) as [number, string, number, number][];
      const count = preparedStatement(sqlite, "SELECT COUNT(*) FROM unit_results WHERE cycle_result_id = ?").pluck().get(meta.id) as number;
      const rows = new Map(held.rows.map((r) => [r.unitId, r]));
      for (const row of written) rows.set(row[0], summaryOf(row));
      // Every row written since is in `written` (each write is marked); a count that differs means units left (rows deleted): read them all.
      if (rows.size === count) return { revision, rows: [...rows.values()].sort(byRanking) };
    }
    const all = preparedStatement(sqlite, "SELECT unit_id, summary, rank, category_rank FROM unit_results WHERE cycle_result_id = ? ORDER BY position").raw().all(meta.id) as [number, string, number, number][];
    // Document order is ranking order already; the sort only confirms it.
    return { revision, rows: all.map(summaryOf).sort(byRanking) };
  })();
  if (!cache.has(meta.id) && cache.size >= SUMMARY_ROWS_KEPT) cache.delete(cache.keys().next().value as number);
  cache.set(meta.id, fresh);
  return fresh.rows;
}

/** One unit's full results entry (leaves and explanations), or null when it has none. */
export function unitResultOf(db: Db, cycleResultId: number, unitId: number): UnitResult | null {
  const row = db.$client.prepare("SELECT result, rank, category_rank FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?").raw().get(cycleResultId, unitId) as
    | [string, number, number]
    | undefined;
  return row ? ranked<UnitResult>(...row) : null;
}

/** The results changed while an export was reading them in chunks (a recompute stored meanwhile). */
export class ResultsChangedError extends Error {
  constructor() {
    super("导出期间考核结果被重新计算，请重新下载");
    this.name = "ResultsChangedError";
  }
}

/**
 * Run `read` in one read transaction that first checks the results row still holds the results
 * `meta` names: each chunk of an export then comes from one consistent snapshot, and an export
 * never mixes two computations (a recompute may commit between chunks, from the worker thread).
 */
function readConsistent<T>(db: Db, meta: ConsistentMeta, read: () => T): T {
  const sqlite = db.$client;
  return sqlite.transaction(() => {
    // From the covering index: the row's own page would walk the frames first.
    const now = preparedStatement(
      sqlite,
      "SELECT id, revision FROM cycle_results INDEXED BY cycle_results_meta_idx WHERE cycle_id = ? AND kind = ?",
    ).get(meta.cycleId, meta.kind) as { id: number; revision: number } | undefined;
    if (now?.id !== meta.id || now.revision !== meta.revision) throw new ResultsChangedError();
    return read();
  })();
}

/** What an export knows of the results it reads (a ResultsMeta). */
type ConsistentMeta = Pick<ResultsMeta, "id" | "cycleId" | "kind" | "revision">;

/**
 * Every unit's full results entry in document order (rank, then package id), in chunks (for
 * exports). The order is read once (unit ids only, from an index), then each chunk by primary key,
 * so no query sorts or skips the large `result` texts. Each chunk is read whole, in its own read
 * transaction checked against `meta` (readConsistent), so the caller may yield to the event loop
 * between chunks (an open better-sqlite3 iterator would keep the connection busy for everyone
 * else); a recompute stored meanwhile ends the export with ResultsChangedError. `only`: just these
 * units (still in document order).
 */
export function* unitResultChunks(db: Db, meta: ConsistentMeta, size = 250, only?: ReadonlySet<number>): Generator<{ unitId: number; result: UnitResult }[]> {
  const sqlite = db.$client;
  const all = readConsistent(
    db,
    meta,
    () =>
      sqlite
        .prepare("SELECT unit_id FROM unit_results WHERE cycle_result_id = ? ORDER BY position")
        .pluck()
        .all(meta.id) as number[],
  );
  const order = only ? all.filter((id) => only.has(id)) : all;
  const one = sqlite.prepare("SELECT result, rank, category_rank FROM unit_results WHERE cycle_result_id = ? AND unit_id = ?").raw();
  for (let i = 0; i < order.length; i += size) {
    yield readConsistent(db, meta, () => {
      const chunk: { unitId: number; result: UnitResult }[] = [];
      for (const unitId of order.slice(i, i + size)) {
        const row = one.get(meta.id, unitId) as [string, number, number] | undefined;
        if (row !== undefined) chunk.push({ unitId, result: ranked<UnitResult>(...row) });
      }
      return chunk;
    });
  }
}

/**
 * The stored results text of a results row in pieces (frame head, entries joined a chunk at a
 * time, frame tail), for streaming a download without building the whole text; checked against
 * `meta` like unitResultChunks. Joined, the pieces are storedDocument(db, id, "results").
 */
export function* storedResultsPieces(db: Db, meta: ConsistentMeta, size = 500): Generator<string> {
  const sqlite = db.$client;
  const stored = readConsistent(db, meta, () => ({
    frame: storedFrame(db, meta.id, "results"),
    count: sqlite.prepare("SELECT COUNT(*) FROM unit_results WHERE cycle_result_id = ?").pluck().get(meta.id) as number,
  }));
  const range = sqlite.prepare("SELECT result, rank, category_rank FROM unit_results WHERE cycle_result_id = ? AND position >= ? AND position < ? ORDER BY position").raw();
  function* entries(): Generator<string> {
    for (let from = 0; from < stored.count; from += size) {
      yield readConsistent(db, meta, () => (range.all(meta.id, from, from + size) as [string, number, number][]).map(rankedText).join(","));
    }
  }
  // The chunks are already comma-joined inside; framedTextPieces puts the commas between them.
  yield* framedTextPieces(stored.frame, entries());
}
