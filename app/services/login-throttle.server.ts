import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { loginAttempts } from "../../db/schema";

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

function keys(username: string, ip: string): string[] {
  return [`user:${username.trim().toLowerCase()}`, `ip:${ip}`];
}

/** Minutes left on a lock for this account or client address, or 0 when login may be tried. */
export function lockedMinutesLeft(db: Db, username: string, ip: string, now = Date.now()): number {
  let left = 0;
  for (const key of keys(username, ip)) {
    const row = db.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
    if (row?.lockedUntil) {
      const ms = Date.parse(row.lockedUntil) - now;
      if (ms > 0) left = Math.max(left, Math.ceil(ms / 60_000));
    }
  }
  return left;
}

export function recordFailure(db: Db, username: string, ip: string, now = Date.now()): void {
  db.transaction(
    (tx) => {
      for (const key of keys(username, ip)) {
        const row = tx.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
        const expiredLock = row?.lockedUntil && Date.parse(row.lockedUntil) <= now;
        // A failure streak older than the lock window starts over.
        const stale = row && now - Date.parse(row.lastFailureAt) > LOCK_MINUTES * 60_000;
        const failures = !row || expiredLock || stale ? 1 : row.failures + 1;
        const lockedUntil = failures >= MAX_FAILURES ? new Date(now + LOCK_MINUTES * 60_000).toISOString() : null;
        const values = { key, failures, lastFailureAt: new Date(now).toISOString(), lockedUntil };
        tx.insert(loginAttempts).values(values).onConflictDoUpdate({ target: loginAttempts.key, set: values }).run();
      }
    },
    { behavior: "immediate" },
  );
}

export function clearFailures(db: Db, username: string): void {
  db.delete(loginAttempts).where(eq(loginAttempts.key, keys(username, "")[0])).run();
}
