import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { auditLog, sessions, users } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import * as login from "../../app/routes/login";
import * as logout from "../../app/routes/logout";
import * as home from "../../app/routes/_index";
import * as password from "../../app/routes/account.password";
import { lockedMinutesLeft, LOCK_MINUTES } from "../../app/services/login-throttle.server";

useTempDataDir();

const PASSWORD = "Demo#2026";
const LOCKED = `登录失败次数过多，请${LOCK_MINUTES}分钟后再试`;

beforeAll(async () => {
  await seedDemo();
});

function attempt(username: string, pw: string, ip: string, cookie?: string) {
  return run(login.action, makeRequest("/login", { form: { username, password: pw, redirectTo: "/" }, cookie }), {}, { clientIp: ip });
}

async function signIn(username: string, pw = PASSWORD, ip = "10.0.0.1"): Promise<string> {
  const res = await attempt(username, pw, ip);
  expect(res.status).toBe(302);
  return res.headers.get("Set-Cookie")!.split(";")[0];
}

const sessionCount = (username: string) => {
  const user = getDb().select().from(users).where(eq(users.username, username)).get()!;
  return getDb().select().from(sessions).where(eq(sessions.userId, user.id)).all().length;
};

describe("login throttle", () => {
  it("refuses the 6th attempt on an account after 5 failures, even with the right password", async () => {
    // Each failure from a different address, so only the per-account counter trips.
    for (let i = 1; i <= 5; i++) {
      const res = await attempt("dept-001", "wrong-password", `10.1.0.${i}`);
      expect(res.status).toBe(400);
      expect(res.data.formError).toBe("用户名或密码错误");
    }
    const sixth = await attempt("dept-001", PASSWORD, "10.1.0.99");
    expect(sixth.status).toBe(400);
    expect(sixth.data.formError).toBe(LOCKED);
    expect(sixth.headers.get("Set-Cookie")).toBeNull();
    expect(sessionCount("dept-001")).toBe(0);
    // The lock lasts LOCK_MINUTES, then lifts.
    expect(lockedMinutesLeft(getDb(), "dept-001", "10.1.0.99")).toBe(LOCK_MINUTES);
    expect(lockedMinutesLeft(getDb(), "dept-001", "10.1.0.99", Date.now() + (LOCK_MINUTES + 1) * 60_000)).toBe(0);
  });

  it("locks the account whatever letter case the name is typed in", async () => {
    const res = await attempt("DEPT-001", PASSWORD, "10.1.0.100");
    expect(res.data.formError).toBe(LOCKED);
  });

  it("refuses a client address after 5 failures, whichever accounts it tried", async () => {
    const ip = "10.2.0.1";
    for (const name of ["dept-002", "dept-003", "nobody-1", "nobody-2", "leader"]) {
      expect((await attempt(name, "wrong-password", ip)).data.formError).toBe("用户名或密码错误");
    }
    const blocked = await attempt("dept-004", PASSWORD, ip);
    expect(blocked.status).toBe(400);
    expect(blocked.data.formError).toBe(LOCKED);
    // The accounts themselves are not locked: from another address the right password works.
    const elsewhere = await attempt("dept-004", PASSWORD, "10.2.0.2");
    expect(elsewhere.status).toBe(302);
    expect((await attempt("leader", PASSWORD, "10.2.0.3")).status).toBe(302);
  });

  it("a successful login clears the account's failure count", async () => {
    for (let i = 0; i < 4; i++) await attempt("dept-005", "wrong-password", `10.3.0.${i}`);
    expect((await attempt("dept-005", PASSWORD, "10.3.1.1")).status).toBe(302);
    for (let i = 0; i < 4; i++) await attempt("dept-005", "wrong-password", `10.3.2.${i}`);
    // 4 + 4 failures, but the success in between reset the count: not locked.
    expect((await attempt("dept-005", PASSWORD, "10.3.3.1")).status).toBe(302);
  });
});

describe("sessions", () => {
  it("issues a brand-new session id on every login, never reusing the one the browser sent", async () => {
    const first = await signIn("dept-006");
    const again = await attempt("dept-006", PASSWORD, "10.0.0.1", first);
    expect(again.status).toBe(302);
    const second = again.headers.get("Set-Cookie")!.split(";")[0];
    expect(second).not.toBe(first);
    // A value planted by an attacker before login is not adopted either.
    const planted = `zwgk_session=${"a".repeat(64)}`;
    const third = await attempt("dept-006", PASSWORD, "10.0.0.1", planted);
    expect(third.headers.get("Set-Cookie")!.split(";")[0]).not.toBe(planted);
    expect(getDb().select().from(sessions).where(eq(sessions.id, "a".repeat(64))).get()).toBeUndefined();
    expect((await run(home.loader, makeRequest("/", { cookie: planted }))).status).toBe(302);
    expect((await run(home.loader, makeRequest("/", { cookie: second }))).data.displayName).toBe("新华街道办事处填报员");
  });

  it("sets an httpOnly, SameSite=Lax cookie", async () => {
    const res = await attempt("dept-007", PASSWORD, "10.0.0.1");
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it("logout destroys the session on the server, so the old cookie no longer works", async () => {
    const cookie = await signIn("dept-008");
    expect((await run(home.loader, makeRequest("/", { cookie }))).status).toBe(200);
    const before = sessionCount("dept-008");
    const out = await run(logout.action, makeRequest("/logout", { method: "POST", cookie }));
    expect(out.status).toBe(302);
    expect(out.location).toBe("/login");
    expect(out.headers.get("Set-Cookie")).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(sessionCount("dept-008")).toBe(before - 1);
    const reuse = await run(home.loader, makeRequest("/", { cookie }));
    expect(reuse.status).toBe(302);
    expect(reuse.location).toMatch(/^\/login/);
  });
});

describe("change own password", () => {
  const post = (cookie: string, form: Record<string, string>) => run(password.action, makeRequest("/account/password", { cookie, form }));

  it("refuses a wrong current password, a too-short or unconfirmed new one, and changes nothing", async () => {
    const cookie = await signIn("dept-009");
    const hashBefore = getDb().select().from(users).where(eq(users.username, "dept-009")).get()!.passwordHash;
    const wrong = await post(cookie, { currentPassword: "not-my-password", newPassword: "NewPass#2026", confirmPassword: "NewPass#2026" });
    expect(wrong.status).toBe(400);
    expect(wrong.data.fieldErrors.currentPassword).toBe("当前密码不正确");
    const short = await post(cookie, { currentPassword: PASSWORD, newPassword: "Ab#1", confirmPassword: "Ab#1" });
    expect(short.status).toBe(400);
    expect(short.data.fieldErrors.newPassword).toBe("新密码至少8位");
    const mismatch = await post(cookie, { currentPassword: PASSWORD, newPassword: "NewPass#2026", confirmPassword: "NewPass#2027" });
    expect(mismatch.data.fieldErrors.confirmPassword).toBe("两次输入的新密码不一致");
    expect(getDb().select().from(users).where(eq(users.username, "dept-009")).get()!.passwordHash).toBe(hashBefore);
    expect((await attempt("dept-009", PASSWORD, "10.4.0.1")).status).toBe(302);
  });

  it("changes the password: the new one logs in, the old one no longer does, other sessions end", async () => {
    const other = await signIn("dept-010", PASSWORD, "10.5.0.1");
    const cookie = await signIn("dept-010", PASSWORD, "10.5.0.2");
    const res = await post(cookie, { currentPassword: PASSWORD, newPassword: "Changed#2026", confirmPassword: "Changed#2026" });
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(true);
    expect((await run(home.loader, makeRequest("/", { cookie }))).status).toBe(200);
    expect((await run(home.loader, makeRequest("/", { cookie: other }))).status).toBe(302);
    const old = await attempt("dept-010", PASSWORD, "10.5.0.3");
    expect(old.data.formError).toBe("用户名或密码错误");
    expect((await attempt("dept-010", "Changed#2026", "10.5.0.4")).status).toBe(302);
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "user.password.change")).all();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain("Changed#2026");
  });

  it("requires a signed-in user", async () => {
    const res = await run(password.action, makeRequest("/account/password", { form: { currentPassword: "x", newPassword: "y", confirmPassword: "y" } }));
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login\?redirectTo=/);
  });
});
