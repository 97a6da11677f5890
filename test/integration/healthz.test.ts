import fs from "node:fs";
import { reloadConfig } from "../../app/config.server";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeDb } from "../../db/client";
import { useTempDataDir } from "../helpers/data-dir";
import { makeRequest, run } from "../helpers/remix";
import * as healthz from "../../app/routes/healthz";

const data = useTempDataDir();

describe("GET /healthz", () => {
  it("answers 200 {ok:true} after a real database round-trip, never cached", async () => {
    const res = await run(healthz.loader as never, makeRequest("/healthz"));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true });
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answers 503 when the database cannot be opened, and 200 again once it can", async () => {
    const good = process.env.DATA_DIR!;
    // DATA_DIR pointing at a regular file: the database cannot be created or opened there.
    const blocker = path.join(data.dir(), "not-a-directory");
    fs.writeFileSync(blocker, "x");
    process.env.DATA_DIR = blocker;
    reloadConfig();
    closeDb();
    try {
      const res = await run(healthz.loader as never, makeRequest("/healthz"));
      expect(res.status).toBe(503);
      expect(res.data).toEqual({ ok: false });
    } finally {
      process.env.DATA_DIR = good;
      reloadConfig();
    }
    const back = await run(healthz.loader as never, makeRequest("/healthz"));
    expect(back.status).toBe(200);
  });
});
