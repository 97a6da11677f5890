import { describe, expect, it } from "vitest";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import { seedDemo } from "../../seeds/demo/index";
import * as login from "../../app/routes/login";
import * as home from "../../app/routes/_index";
import * as healthz from "../../app/routes/healthz";

useTempDataDir();

describe("login", () => {
  it("logs in with the demo password and lands on the role home page", async () => {
    await seedDemo();
    const res = await run(login.action, makeRequest("/login", { form: { username: "admin", password: "Demo#2026", redirectTo: "/" } }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/");
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0];
    const page = await run(home.loader, makeRequest("/", { cookie }));
    expect(page.data.role).toBe("office");
  });

  it("gives one generic Chinese message for a wrong password or unknown user", async () => {
    const wrong = await run(login.action, makeRequest("/login", { form: { username: "dept-001", password: "nope" } }));
    const unknown = await run(login.action, makeRequest("/login", { form: { username: "nobody", password: "nope" } }));
    expect(wrong.status).toBe(400);
    expect(wrong.data.formError).toBe("用户名或密码错误");
    expect(unknown.data.formError).toBe(wrong.data.formError);
  });
});

describe("healthz", () => {
  it("answers ok after a database round-trip", async () => {
    const res = await run(healthz.loader as never, makeRequest("/healthz"));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true });
  });
});
