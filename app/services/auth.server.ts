import { eq } from "drizzle-orm";
import { type Db } from "../../db/client";
import { users } from "../../db/schema";
import { writeAudit, mutate } from "../utils/audit.server";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../utils/password.server";
import { clearFailures, lockedMinutesLeft, recordFailure } from "./login-throttle.server";
import { DomainError } from "../domain/domain-error";

export const LOGIN_FAILED_MESSAGE = "用户名或密码错误";

/** The id of the user these credentials log in; refused (invalid, about the whole form) when throttled or wrong. */
export async function authenticate(db: Db, username: string, password: string, ip: string): Promise<number> {
  const locked = lockedMinutesLeft(db, username, ip);
  if (locked > 0) throw new DomainError("invalid", `登录失败次数过多，请${locked}分钟后再试`);
  const user = db.select().from(users).where(eq(users.username, username.trim())).get();
  // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid || !user.active) {
    recordFailure(db, username, ip);
    throw new DomainError("invalid", LOGIN_FAILED_MESSAGE);
  }
  clearFailures(db, username);
  return user.id;
}

/** Refused (invalid, on the field concerned) when the current password is wrong or the new one the same. */
export async function changeOwnPassword(db: Db, userId: number, actorName: string, currentPassword: string, newPassword: string): Promise<void> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new DomainError("invalid", "当前密码不正确", "currentPassword");
  }
  if (currentPassword === newPassword) {
    throw new DomainError("invalid", "新密码不能与当前密码相同", "newPassword");
  }
  const passwordHash = await hashPassword(newPassword);
  mutate(db, (tx) => {
    const now = new Date().toISOString();
    tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, userId)).run();
    writeAudit(tx, { id: userId, name: actorName }, { action: "user.password.change", entityType: "user", entityId: userId });
  });
}
