// The CLI: npm run score -- <package.json> [--out <results.json>]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scorePackage } from "../../scoring";
import { pkgWith } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "zwgk-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exactly as documented: `npm run score -- <package.json> [--out <results.json>]` (--silent: no npm banner on stdout). */
function cli(...args: string[]) {
  return spawnSync("npm", ["run", "--silent", "score", "--", ...args], { cwd: process.cwd(), encoding: "utf8" });
}

const good = pkgWith(
  [
    { id: "1", name: "主动公开", points: 60, rule: { type: "score" } },
    { id: "2", name: "政策解读", points: 40, rule: { type: "ratio" } },
  ],
  [
    { id: "u1", name: "区教育局", inputs: { "1": { scores: [50, 52] }, "2": { value: 0.9 } } },
    { id: "u2", name: "区卫健委", inputs: { "1": { scores: [58] }, "2": { numerator: 39, denominator: 40 } } },
  ],
);

describe("scoring CLI", () => {
  it("writes the results file and exits 0", () => {
    const input = join(dir, "package.json");
    const out = join(dir, "results.json");
    writeFileSync(input, JSON.stringify(good));
    const r = cli(input, "--out", out);
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(out, "utf8"));
    expect(results.format).toBe("zwgk-results/1");
    expect(results.units.map((u: { id: string; total: number }) => [u.id, u.total])).toEqual([
      ["u2", 97],
      ["u1", 87],
    ]);
    // Same code path as the app.
    const direct = scorePackage(good);
    expect(direct.ok && direct.results).toEqual(results);
  });

  it("writes to stdout without --out", () => {
    const input = join(dir, "package2.json");
    writeFileSync(input, JSON.stringify(good));
    const r = cli(input);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).units[0].id).toBe("u2");
  });

  it("an invalid package: exit 1 and {errors:[…]} on stderr", () => {
    const input = join(dir, "bad.json");
    writeFileSync(input, JSON.stringify({ ...good, opennessWeightPct: 3 }));
    const out = join(dir, "never.json");
    const r = cli(input, "--out", out);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    // stderr holds exactly one JSON object.
    expect(JSON.parse(r.stderr)).toEqual({ errors: [{ path: "opennessWeightPct", message: "政务公开工作分值权重不得低于4%" }] });
    expect(() => readFileSync(out)).toThrow();
  });

  it("an invalid package reports every problem at once, each with a path and a Chinese message", () => {
    const input = join(dir, "bad-many.json");
    const bad = structuredClone(good) as { opennessWeightPct: number; units: Array<{ inputs: Record<string, unknown> }> };
    bad.opennessWeightPct = 101;
    bad.units[0].inputs["1"] = { scores: [61] };
    bad.units[1].inputs["2"] = { numerator: 1, denominator: 0 };
    writeFileSync(input, JSON.stringify(bad));
    const r = cli(input);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stderr).errors).toEqual([
      { path: "opennessWeightPct", message: "政务公开工作分值权重不得高于100%" },
      { path: "units[0].inputs.1.scores[0]", message: "评分61超出范围[0, 60]" },
      { path: "units[1].inputs.2.denominator", message: "分母不能为0" },
    ]);
  });

  it("a missing package file or an unwritable --out: exit 1 with a Chinese error as JSON", () => {
    const missing = cli(join(dir, "no-such-package.json"));
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stderr).errors[0].message).toMatch(/^无法读取文件 /);
    const input = join(dir, "package3.json");
    writeFileSync(input, JSON.stringify(good));
    const unwritable = cli(input, "--out", join(dir, "no-such-dir", "results.json"));
    expect(unwritable.status).toBe(1);
    expect(JSON.parse(unwritable.stderr).errors[0].message).toMatch(/^无法写入文件 /);
  });

  it("without a package file: {errors} naming the usage on stderr, exit 1", () => {
    const r = cli();
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({ errors: [{ path: "", message: "未指定数据包文件。用法：npm run score -- <数据包.json> [--out <结果.json>]" }] });
  });

  it("a file that is not JSON: exit 1 with a Chinese error", () => {
    const input = join(dir, "broken.json");
    writeFileSync(input, "{ not json");
    const r = cli(input);
    expect(r.status).toBe(1);
    const parsed = JSON.parse(r.stderr);
    expect(parsed.errors[0].message).toMatch(/^JSON 解析失败/);
  });
});
