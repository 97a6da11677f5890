import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { users } from "../../db/schema";
import { writeAudit, mutate } from "../utils/audit.server";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../utils/password.server";
import { clearFailures, lockedMinutesLeft, recordFailure } from "./login-throttle.server";

export const LOGIN_FAILED_MESSAGE = "用户名或密码错误";

export type LoginResult = { ok: true; userId: number } | { ok: false; message: string };

export async function authenticate(db: Db, username: string, password: string, ip: string): Promise<LoginResult> {
  const locked = lockedMinutesLeft(db, username, ip);
  if (locked > 0) return { ok: false, message: `登录失败次数过多，请${locked}分钟后再试` };
  const user = db.select().from(users).where(eq(users.username, username.trim())).get();
  // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid || !user.active) {
    recordFailure(db, username, ip);
    return { ok: false, message: LOGIN_FAILED_MESSAGE };
  }
  clearFailures(db, username);
  return { ok: true, userId: user.id };
}

export type PasswordChangeResult = { ok: true } | { ok: false; field: "currentPassword" | "newPassword"; message: string };

export async function changeOwnPassword(db: Db, userId: number, actorName: string, currentPassword: string, newPassword: string): Promise<PasswordChangeResult> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
    return { ok: false, field: "currentPassword", message: "当前密码不正确" };
  }
  if (currentPassword === newPassword) {
    return { ok: false, field: "newPassword", message: "新密码不能与当前密码相同" };
  }
  const passwordHash = await hashPassword(newPassword);
  mutate(db, (tx) => {
    const now = new Date().toISOString();
    tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, userId)).run();
    writeAudit(tx, { id: userId, name: actorName }, { action: "user.password.change", entityType: "user", entityId: userId });
  });
  return { ok: true };
}
