import { eq } from "drizzle-orm";
import { reloadConfig } from "../../app/config.server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import * as login from "../../app/routes/login";
import * as home from "../../app/routes/_index";

// Idle expiry: a session ends after SESSION_IDLE_MINUTES (default 60) without a request; every
// request slides the window.

useTempDataDir();

beforeAll(async () => {
  await seedDemo();
});

afterEach(() => {
  delete process.env.SESSION_IDLE_MINUTES;
  reloadConfig();
});

async function signIn(username: string): Promise<{ cookie: string; sessionId: string }> {
  const userId = getDb().select().from(users).where(eq(users.username, username)).get()!.id;
  const before = new Set(getDb().select().from(sessions).where(eq(sessions.userId, userId)).all().map((s) => s.id));
  const res = await run(login.action, makeRequest("/login", { form: { username, password: "Demo#2026", redirectTo: "/" } }));
  expect(res.status).toBe(302);
  const created = getDb().select().from(sessions).where(eq(sessions.userId, userId)).all().filter((s) => !before.has(s.id));
  expect(created).toHaveLength(1);
  return { cookie: res.headers.get("Set-Cookie")!.split(";")[0], sessionId: created[0].id };
}

/** Pretend the session's last request was `minutes` ago. */
function idleFor(sessionId: string, minutes: number): void {
  const at = new Date(Date.now() - minutes * 60_000).toISOString();
  getDb().update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, sessionId)).run();
}

const sessionRow = (id: string) => getDb().select().from(sessions).where(eq(sessions.id, id)).get();
const openHome = (cookie: string) => run(home.loader, makeRequest("/", { cookie }));

describe("idle session expiry", () => {
  it("keeps a session that was used within the last 60 minutes, and slides its window", async () => {
    const { cookie, sessionId } = await signIn("dept-001");
    idleFor(sessionId, 59);
    const res = await openHome(cookie);
    expect(res.status).toBe(200);
    expect(res.data.displayName).toBe("城关街道办事处填报员");
    // The request counted as activity: the session's last-seen time moved to now.
    expect(Date.now() - Date.parse(sessionRow(sessionId)!.lastSeenAt)).toBeLessThan(60_000);
    // So another 59 minutes later it is still alive.
    idleFor(sessionId, 59);
    expect((await openHome(cookie)).status).toBe(200);
  });

  it("ends a session idle for more than 60 minutes: the visitor is sent to the login page and the session is deleted", async () => {
    const { cookie, sessionId } = await signIn("dept-002");
    idleFor(sessionId, 61);
    const res = await openHome(cookie);
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?redirectTo=%2F");
    expect(sessionRow(sessionId)).toBeUndefined();
    // Coming back with the same cookie does not revive it.
    expect((await openHome(cookie)).status).toBe(302);
  });

  it("writes the sliding window at most once a minute: requests in between only read the session", async () => {
    const { cookie, sessionId } = await signIn("dept-007");
    const seenAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    getDb().update(sessions).set({ lastSeenAt: seenAt(0.5) }).where(eq(sessions.id, sessionId)).run();
    const halfMinuteAgo = sessionRow(sessionId)!.lastSeenAt;
    for (let i = 0; i < 3; i++) expect((await openHome(cookie)).status).toBe(200);
    expect(sessionRow(sessionId)!.lastSeenAt).toBe(halfMinuteAgo);
    // Once the last write is more than a minute old, the next request slides the window to now.
    getDb().update(sessions).set({ lastSeenAt: seenAt(1.5) }).where(eq(sessions.id, sessionId)).run();
    expect((await openHome(cookie)).status).toBe(200);
    expect(Date.now() - Date.parse(sessionRow(sessionId)!.lastSeenAt)).toBeLessThan(5_000);
  });

  it("honours SESSION_IDLE_MINUTES", async () => {
    process.env.SESSION_IDLE_MINUTES = "5";
    reloadConfig();
    const a = await signIn("dept-003");
    idleFor(a.sessionId, 4);
    expect((await openHome(a.cookie)).status).toBe(200);
    const b = await signIn("dept-004");
    idleFor(b.sessionId, 6);
    expect((await openHome(b.cookie)).status).toBe(302);
  });

  it("a new login clears out sessions that have expired meanwhile", async () => {
    const stale = await signIn("dept-005");
    idleFor(stale.sessionId, 24 * 60);
    await signIn("dept-006");
    expect(sessionRow(stale.sessionId)).toBeUndefined();
  });
});
