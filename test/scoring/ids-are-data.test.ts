// Ids are data: any leaf, unit or category id scores like any other, or is refused by validation
// with a message; timestamps keep their microseconds in every year the format accepts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validatePackage } from "../../scoring";
import { leaf, pkgWith, run, unit } from "./helpers";

const FAULTS = { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 10 }] };

describe("ids that are names of JavaScript's own properties", () => {
  const tree = [
    { id: "constructor", name: "扣分指标", points: 40, rule: FAULTS },
    { id: "toString", name: "评分指标", points: 30, rule: { type: "score" } },
    { id: "valueOf", name: "比率指标", points: 20, rule: { type: "ratio" } },
    { id: "hasOwnProperty", name: "分档指标", points: 10, rule: { type: "tiers", tiers: [{ min: 1, points: 10 }] } },
  ];

  it("score like any other id: deductions, N/A and scores all count", () => {
    const r = run(
      pkgWith(
        tree,
        [
          {
            id: "constructor",
            category: "区级部门",
            inputs: {
              constructor: { deductions: [{ fault: "late", count: 3 }] },
              toString: { na: true, reason: "本单位无此职能" },
              valueOf: { value: 0.5 },
              hasOwnProperty: { value: 1 },
            },
          },
        ],
      ),
    );
    const u = unit(r, "constructor");
    expect(u.leaves.constructor).toEqual({ score: 10, max: 40, na: false, divergent: false, explain: "超期公开×3，扣30分，得10.00/40分" });
    expect(u.leaves.toString).toEqual({ score: 0, max: 30, na: true, divergent: false, explain: "不适用：本单位无此职能" });
    // (10 + 10 + 10) / 70 × 100
    expect(u.base).toBe(42.86);
    expect(Object.keys(u.leaves)).toEqual(["constructor", "toString", "valueOf", "hasOwnProperty"]);
  });

  it("a category named like a built-in property scores its units", () => {
    const p = pkgWith([{ id: "1", name: "主动公开", points: 100, rule: { type: "score" } }], [{ id: "u", category: "toString", inputs: { "1": { scores: [88] } } }]);
    (p.indicatorSets as Array<{ category: string }>)[0].category = "toString";
    expect(unit(run(p), "u")).toMatchObject({ total: 88, category: "toString", rank: 1, categoryRank: 1 });
  });

  it("a fault coded like a built-in property deducts", () => {
    const l = leaf({ type: "deduction", faults: [{ code: "constructor", label: "栏目空白", points: 2 }] }, 10, { deductions: [{ fault: "constructor", count: 2 }] });
    expect(l.explain).toBe("栏目空白×2，扣4分，得6.00/10分");
  });
});

describe("__proto__ is refused with a message wherever it would be an id", () => {
  it.each([
    ["a leaf", pkgWith([{ id: "__proto__", name: "主动公开", points: 100, rule: { type: "score" } }], []), "indicatorSets[0].indicators[0].id", "指标编号不能为“__proto__”（系统保留字，请改用其他编号）"],
    ["a unit", pkgWith([{ id: "1", name: "主动公开", points: 100, rule: { type: "score" } }], [{ id: "__proto__", inputs: { "1": { scores: [1] } } }]), "units[0].id", "单位编号不能为“__proto__”（系统保留字，请改用其他编号）"],
  ])("%s", (_what, p, path, message) => {
    const v = validatePackage(p);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors).toContainEqual({ path, message });
  });

  it("a category", () => {
    const p = pkgWith([{ id: "1", name: "主动公开", points: 100, rule: { type: "score" } }], []);
    (p.indicatorSets as Array<{ category: string }>)[0].category = "__proto__";
    const v = validatePackage(p);
    expect(!v.ok && v.errors).toContainEqual({ path: "indicatorSets[0].category", message: "考核对象类别不能为“__proto__”（系统保留字，请改用其他编号）" });
  });
});

describe("timestamps", () => {
  const hourLimit = { type: "timeliness", limit: { hours: 1 } };
  it.each(["1900", "2019", "2199"])("keep their microseconds in %s", (year) => {
    const at = (rest: string) => `${year}-06-01T${rest}Z`;
    const onTime = leaf(hourLimit, 10, { events: [{ start: at("00:00:00.000001"), end: at("01:00:00.000001") }] });
    expect(onTime.explain).toBe("时限1小时：1件中1件按时，得10.00/10分");
    const late = leaf(hourLimit, 10, { events: [{ start: at("00:00:00.000001"), end: at("01:00:00.000002") }] });
    expect(late.explain).toBe("时限1小时：1件中0件按时，超时1件：第1件（用时1小时），得0.00/10分");
  });

  it("of a year outside 1900–2199 are refused with a message", () => {
    const p = pkgWith([{ id: "1", name: "及时公开", points: 100, rule: hourLimit }], [{ id: "u", inputs: { "1": { events: [{ start: "2200-01-01T00:00:00Z", end: "2200-01-01T00:30:00Z" }] } } }]);
    const v = validatePackage(p);
    expect(!v.ok && v.errors).toContainEqual({
      path: "units[0].inputs.1.events[0].start",
      message: "时间“2200-01-01T00:00:00Z”格式不正确，应为带时区的 ISO 8601 格式（年份1900–2199），例如 2019-09-27T10:00:00+08:00",
    });
  });
});

describe("the CLI never ends in a stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "zwgk-ids-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a score leaf with id __proto__: exit 1 and {errors}", () => {
    const file = join(dir, "proto.json");
    // Written as text: a JSON document may well hold such a key.
    writeFileSync(
      file,
      '{"format":"zwgk-assessment/1","opennessWeightPct":5,"indicatorSets":[{"category":"c","indicators":[{"id":"__proto__","name":"主动公开","points":100,"rule":{"type":"score"}}]}],' +
        '"units":[{"id":"u","name":"单位","category":"c","inputs":{"__proto__":{"scores":[90]}}}]}',
    );
    const r = spawnSync("npm", ["run", "--silent", "score", "--", file], { cwd: process.cwd(), encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const parsed = JSON.parse(r.stderr) as { errors: Array<{ path: string; message: string }> };
    expect(parsed.errors).toContainEqual({ path: "indicatorSets[0].indicators[0].id", message: "指标编号不能为“__proto__”（系统保留字，请改用其他编号）" });
  });
});
