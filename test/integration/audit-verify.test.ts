import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { databaseFile, getDb } from "../../db/client";
import { auditLog } from "../../db/schema";
import { seedDemo } from "../../seeds/demo/index";
import { makeTempDir, useTempDataDir } from "../helpers/data-dir";
import { createUser, setUserActive } from "../../app/services/users.server";
import { hashAuditRow, type Actor } from "../../app/utils/audit.server";

const dataDir = useTempDataDir();
const exec = promisify(execFile);

/** `npm run audit:verify` as an operator runs it: a separate process reading DATA_DIR. */
function verifyCli(dir = dataDir.dir()) {
  return exec("npx", ["tsx", "app/cli/audit-verify.ts"], { cwd: process.cwd(), env: { ...process.env, DATA_DIR: dir, NODE_ENV: "test" } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** Someone with write access to the database file, going around the application. */
function tamper(fn: (db: Database.Database) => void): void {
  const db = new Database(databaseFile(dataDir.dir()));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

const OFFICE: Actor = { id: 1, name: "政务公开办 陈主任（admin）" };
let rows = 0;

beforeAll(async () => {
  await seedDemo();
  const id = await createUser(getDb(), OFFICE, {
    username: "audit-probe",
    displayName: "审计测试用户",
    role: "leader",
    unitId: null,
    orgId: null,
    password: "Probe#20261",
    passwordConfirm: "Probe#20261",
  });
  setUserActive(getDb(), OFFICE, id, false);
  rows = getDb().select().from(auditLog).all().length;
});

describe("npm run audit:verify", () => {
  it("passes on an untouched chain and says how many rows it checked", async () => {
    const res = await verifyCli();
    expect(res.stderr).not.toContain("失败");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`审计链校验通过：${rows} 条记录`);
  });

  it("exits non-zero naming the row that was edited directly in SQLite", async () => {
    const target = getDb().select().from(auditLog).all().find((r) => r.action === "user.deactivate")!;
    let original = "";
    tamper((db) => {
      // The append-only triggers stop the application, not someone holding the file.
      expect(() => db.prepare("UPDATE audit_log SET actor_name = 'x' WHERE id = ?").run(target.id)).toThrow(/append-only/);
      db.exec("DROP TRIGGER audit_log_no_update");
      original = (db.prepare("SELECT after FROM audit_log WHERE id = ?").get(target.id) as { after: string }).after;
      db.prepare("UPDATE audit_log SET after = replace(after, '\"active\":false', '\"active\":true') WHERE id = ?").run(target.id);
    });
    const res = await verifyCli();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`id=${target.id}`);
    expect(res.stderr).toContain("user.deactivate");
    expect(res.stderr).toContain("内容哈希不匹配");
    expect(res.stdout).not.toContain("校验通过");

    // Put the row back exactly as it was: the chain verifies again.
    tamper((db) => db.prepare("UPDATE audit_log SET after = ? WHERE id = ?").run(original, target.id));
    expect((await verifyCli()).code).toBe(0);
  });

  it("catches a rewritten row whose own hash was recomputed: the next row no longer links to it", async () => {
    const target = getDb().select().from(auditLog).all().find((r) => r.action === "user.create" && r.after?.includes("audit-probe"))!;
    tamper((db) => {
      const forged = { ...target, actorName: "某人" };
      db.prepare("UPDATE audit_log SET actor_name = ?, hash = ? WHERE id = ?").run(forged.actorName, hashAuditRow(forged), target.id);
    });
    const res = await verifyCli();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`id=${target.id + 1}`);
    expect(res.stderr).toContain("前一条哈希不匹配");
    tamper((db) => db.prepare("UPDATE audit_log SET actor_name = ?, hash = ? WHERE id = ?").run(target.actorName, target.hash, target.id));
  });

  it("catches a deleted row", async () => {
    tamper((db) => {
      db.exec("DROP TRIGGER audit_log_no_delete");
      db.prepare("DELETE FROM audit_log WHERE id = 5").run();
    });
    const res = await verifyCli();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("id=6");
    expect(res.stderr).toContain("编号不连续");
  });

  it("says so when there is no database in DATA_DIR", async () => {
    const empty = makeTempDir("zwgk-empty-");
    try {
      const res = await verifyCli(empty);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain("找不到数据库文件");
      expect(fs.existsSync(path.join(empty, "app.db"))).toBe(false);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
