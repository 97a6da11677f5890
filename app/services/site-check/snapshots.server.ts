import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Tx } from "../../../db/client";
import { siteSnapshots } from "../../../db/schema";
import { uploadsDir } from "../../config.server";

/**
 * HTML snapshots (and PNG screenshots) of observed pages, content-addressed by SHA-256 like the evidence store: the
 * bytes under DATA_DIR/uploads/site-snapshots/<sha[0..2]>/<sha> (inside the backed-up uploads),
 * one row per distinct content. Served only as plain text for download, never as a page.
 */

const SHA_RE = /^[0-9a-f]{64}$/;

export function snapshotPath(sha256: string): string {
  if (!SHA_RE.test(sha256)) throw new Error(`invalid sha256 ${sha256}`);
  return path.join(uploadsDir(), "site-snapshots", sha256.slice(0, 2), sha256);
}

/** Store `bytes` (written under a temporary name, then renamed) and record it; its SHA-256. */
export function storeSnapshot(tx: Tx, bytes: Buffer, at: string): string {
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  const file = snapshotPath(sha);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.part`;
    fs.writeFileSync(tmp, bytes, { mode: 0o440 });
    fs.renameSync(tmp, file);
  }
  tx.insert(siteSnapshots).values({ sha256: sha, size: bytes.length, createdAt: at }).onConflictDoNothing().run();
  return sha;
}

export function readSnapshot(sha256: string): Buffer | null {
  const file = snapshotPath(sha256);
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}
