import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DomainError } from "../../app/domain/domain-error";
import { authenticate } from "../../app/services/auth.server";
import { hashPassword, verifyPassword } from "../../app/utils/password.server";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { seedAccounts } from "../../seeds/demo/accounts";
import { DEMO_PASSWORD, DEMO_PASSWORD_HASH } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";

useTempDataDir();

/**
 * scrypt is deliberately slow (tens of milliseconds): checked on the server's own thread it would
 * stop every other user's request at each login. The event loop must keep turning while a password
 * is hashed or checked — a callback queued after the call runs before the answer arrives.
 */
async function loopTurnsDuring<T>(start: () => Promise<T>): Promise<{ value: T; turned: boolean }> {
  let turned = false;
  const pending = start();
  setImmediate(() => {
    turned = true;
  });
  const value = await pending;
  return { value, turned };
}

describe("passwords are hashed and checked off the server's thread", () => {
  it("login (authenticate) lets other work run while the password is checked, and still logs in", async () => {
    seedAccounts(getDb());
    const ok = await loopTurnsDuring(() => authenticate(getDb(), "admin", DEMO_PASSWORD, "127.0.0.1"));
    expect(ok.turned).toBe(true);
    expect(ok.value).toBe(getDb().select().from(users).where(eq(users.username, "admin")).get()!.id);
    const refusal = (run: () => Promise<number>) => () => run().then(() => null, (error: unknown) => error);
    const wrong = await loopTurnsDuring(refusal(() => authenticate(getDb(), "admin", "wrong-password", "127.0.0.1")));
    expect(wrong.turned).toBe(true);
    expect(wrong.value).toEqual(new DomainError("invalid", "用户名或密码错误"));
    // An unknown user costs a (dummy) check too, off the thread as well.
    const unknown = await loopTurnsDuring(refusal(() => authenticate(getDb(), "nobody", "wrong-password", "127.0.0.1")));
    expect(unknown.turned).toBe(true);
    expect(unknown.value).toBeInstanceOf(DomainError);
  });

  it("hashing a new password lets other work run too; the hash verifies", async () => {
    const hashed = await loopTurnsDuring(() => hashPassword("New#Password2026"));
    expect(hashed.turned).toBe(true);
    expect(await verifyPassword("New#Password2026", hashed.value)).toBe(true);
    expect(await verifyPassword("New#Password2027", hashed.value)).toBe(false);
  });

  it("the demo accounts' stored hash is the hash of the demo password", async () => {
    expect(await verifyPassword(DEMO_PASSWORD, DEMO_PASSWORD_HASH)).toBe(true);
  });
});
