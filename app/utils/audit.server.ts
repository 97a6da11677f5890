import crypto from "node:crypto";
import { desc } from "drizzle-orm";
import type Database from "better-sqlite3";
import { auditLog } from "../../db/schema";
import type { Tx, Db } from "../../db/client";
import { canonicalJson } from "./canonical-json";

export const GENESIS_HASH = "0".repeat(64);

/** Who did it: a signed-in user, or a named system actor such as "命令行导入". */
export interface Actor {
  id: number | null;
  name: string;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRowContent {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  prevHash: string;
}

export function hashAuditRow(row: AuditRowContent): string {
  const content = canonicalJson([
    row.id,
    row.at,
    row.actorId,
    row.actorName,
    row.action,
    row.entityType,
    row.entityId,
    row.before,
    row.after,
    row.prevHash,
  ]);
  return crypto.createHash("sha256").update(content, "utf8").digest("hex");
}

/** Strip secrets before anything reaches the log. */
function redact(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = /password/i.test(k) ? "[已隐藏]" : redact(v);
    }
    return out;
  }
  return value;
}

/**
 * Append one audit row inside the caller's transaction (which must be the same one that makes
 * the change). Mutating callers use `db.transaction(fn, { behavior: "immediate" })` so the
 * chain head cannot move under us.
 */
export function writeAudit(tx: Tx | Db, actor: Actor, entry: AuditEntry): void {
  const last = tx.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
  const row: AuditRowContent = {
    id: (last?.id ?? 0) + 1,
    at: new Date().toISOString(),
    actorId: actor.id,
    actorName: actor.name,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    before: entry.before === undefined ? null : canonicalJson(redact(entry.before)),
    after: entry.after === undefined ? null : canonicalJson(redact(entry.after)),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  tx.insert(auditLog).values({ ...row, hash: hashAuditRow(row) }).run();
}

/** Run a mutation and its audit row(s) in one IMMEDIATE transaction. */
export function mutate<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: "immediate" });
}

export type VerifyResult =
  | { ok: true; rows: number }
  | { ok: false; rows: number; badId: number; badAt: string; badAction: string; reason: string };

/** Walk the chain from the first row; report the first row that does not verify. */
export function verifyAuditChain(sqlite: Database.Database): VerifyResult {
  const stmt = sqlite.prepare(
    "SELECT id, at, actor_id AS actorId, actor_name AS actorName, action, entity_type AS entityType, entity_id AS entityId, before, after, prev_hash AS prevHash, hash FROM audit_log ORDER BY id ASC",
  );
  let prev = GENESIS_HASH;
  let expectedId = 1;
  let rows = 0;
  for (const r of stmt.iterate() as Iterable<AuditRowContent & { hash: string }>) {
    rows++;
    const bad = (reason: string): VerifyResult => ({ ok: false, rows, badId: r.id, badAt: r.at, badAction: r.action, reason });
    if (r.id !== expectedId) return bad(`编号不连续：应为 ${expectedId}，实际为 ${r.id}（有记录被删除）`);
    if (r.prevHash !== prev) return bad("前一条哈希不匹配（链条断裂）");
    if (hashAuditRow(r) !== r.hash) return bad("内容哈希不匹配（记录被篡改）");
    prev = r.hash;
    expectedId++;
  }
  return { ok: true, rows };
}

