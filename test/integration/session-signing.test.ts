import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "../../app/config.server";
import { seedDemo } from "../../seeds/demo/index";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import * as login from "../../app/routes/login";
import * as home from "../../app/routes/_index";

// The session cookie is signed with SESSION_SECRET: a cookie signed with another secret, or with
// its id swapped, opens nothing.

useTempDataDir();

const original = process.env.SESSION_SECRET;

beforeAll(async () => {
  await seedDemo();
});

afterEach(() => {
  if (original === undefined) delete process.env.SESSION_SECRET;
  else process.env.SESSION_SECRET = original;
  reloadConfig();
});

async function signIn(username: string): Promise<string> {
  const res = await run(login.action, makeRequest("/login", { form: { username, password: "Demo#2026", redirectTo: "/" } }));
  expect(res.status).toBe(302);
  return res.headers.get("Set-Cookie")!.split(";")[0];
}

describe("signed session cookie", () => {
  it("a cookie signed with another SESSION_SECRET is not accepted", async () => {
    process.env.SESSION_SECRET = "secret-one-0123456789abcdef0123456789abcdef";
    reloadConfig();
    const cookie = await signIn("dept-001");
    expect((await run(home.loader, makeRequest("/", { cookie }))).status).toBe(200);
    process.env.SESSION_SECRET = "secret-two-0123456789abcdef0123456789abcdef";
    reloadConfig();
    const res = await run(home.loader, makeRequest("/", { cookie }));
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
  });

  it("swapping the signed value for another session's id is not accepted", async () => {
    process.env.SESSION_SECRET = "secret-three-0123456789abcdef0123456789abcdef";
    reloadConfig();
    const a = await signIn("dept-002");
    const b = await signIn("dept-003");
    const [nameA, valueA] = a.split("=");
    const valueB = b.split("=")[1];
    // Cookie values are "<base64 payload>.<signature>": keep A's signature, take B's payload.
    const forged = `${nameA}=${valueB.split(".")[0]}.${valueA.split(".").slice(1).join(".")}`;
    expect(forged).not.toBe(a);
    expect(forged).not.toBe(b);
    const res = await run(home.loader, makeRequest("/", { cookie: forged }));
    expect(res.status).toBe(302);
    expect((await run(home.loader, makeRequest("/", { cookie: b }))).data.displayName).toBe("西山街道办事处填报员");
  });
});
