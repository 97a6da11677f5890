import crypto from "node:crypto";
import { createCookie } from "@remix-run/node";
import { eq, lt } from "drizzle-orm";
import { getDb, getSqlite } from "./db.server";
import { sessions } from "../../db/schema";
import { config, isProduction, sessionSecret } from "../config.server";
import { boundedMemo } from "./bounded-memo.server";
import { preparedStatement } from "./prepared-statement.server";

const COOKIE_NAME = "zwgk_session";

function sessionCookie() {
  return createCookie(COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    secure: isProduction(),
    path: "/",
    secrets: [sessionSecret()],
  });
}

/**
 * Cookie headers already checked → the session id they carry (or null). The signature check gives
 * the same answer for the same header and secret, and every page asks twice (root and route loader).
 */
const verifiedHeaders = boundedMemo<Promise<string | null>>(500);

export async function readSessionId(request: Request): Promise<string | null> {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  return verifiedHeaders(`${sessionSecret()}\n${header}`, async () => {
    const value = await sessionCookie().parse(header);
    return typeof value === "string" && /^[0-9a-f]{64}$/.test(value) ? value : null;
  });
}

/**
 * Create a brand-new session (new id on every login: no fixation) and return its Set-Cookie.
 * Sessions that expired meanwhile are cleared out at the same time.
 */
export async function createUserSession(userId: number, ip: string | null): Promise<string> {
  purgeExpiredSessions();
  const id = crypto.randomBytes(32).toString("hex");
  const now = new Date().toISOString();
  getDb().insert(sessions).values({ id, userId, createdAt: now, lastSeenAt: now, ip }).run();
  return sessionCookie().serialize(id);
}

/** Look up a live session, sliding its idle expiry; expired sessions are deleted. */
export function touchSession(id: string): { userId: number } | null {
  const db = getDb();
  const row = preparedStatement(getSqlite(), "SELECT user_id AS userId, last_seen_at AS lastSeenAt FROM sessions WHERE id = ?").get(id) as
    | { userId: number; lastSeenAt: string }
    | undefined;
  if (!row) return null;
  const now = Date.now();
  const idleMs = config().sessionIdleMinutes * 60_000;
  if (now - Date.parse(row.lastSeenAt) > idleMs) {
    db.delete(sessions).where(eq(sessions.id, id)).run();
    return null;
  }
  // Write at most once a minute to keep reads cheap.
  if (now - Date.parse(row.lastSeenAt) > 60_000) {
    db.update(sessions).set({ lastSeenAt: new Date(now).toISOString() }).where(eq(sessions.id, id)).run();
  }
  return { userId: row.userId };
}

export async function destroySession(request: Request): Promise<string> {
  const id = await readSessionId(request);
  if (id) getDb().delete(sessions).where(eq(sessions.id, id)).run();
  return sessionCookie().serialize("", { maxAge: 0 });
}

export function destroyUserSessions(userId: number, exceptId?: string | null): void {
  const db = getDb();
  const rows = db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId)).all();
  for (const r of rows) if (r.id !== exceptId) db.delete(sessions).where(eq(sessions.id, r.id)).run();
}

export function purgeExpiredSessions(): void {
  const cutoff = new Date(Date.now() - config().sessionIdleMinutes * 60_000).toISOString();
  getDb().delete(sessions).where(lt(sessions.lastSeenAt, cutoff)).run();
}
