// The one engine against a corpus: 208 packages (random ones using every rule and input variant,
// and edge cases beyond safe integers) with the SHA-256 of the results the engine gave before it
// was made one (when a specialised fast path and a generic path both existed and were tested equal).
// The engine must give exactly those results, every unit scored once through the rule modules.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { assessmentPackageSchema, compute, resultsText, validatePackage, type AssessmentPackage } from "../../scoring";
import { RULES } from "../../scoring/rules";
import { unitsArePlain } from "../../scoring/shape";

type Json = Record<string, unknown>;
const DIMS = ["disclosure", "interpretation", "response", "media", "participation", "platform", "mechanism", "other"];
const CALENDAR = { holidays: ["2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"], workdays: ["2019-09-29", "2019-10-12"] };

/** Numbers as packages write them: whole, one, two or three decimals. */
const decimal = (maxCents: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: Math.floor(maxCents / 100) }),
    fc.integer({ min: 0, max: maxCents }).map((c) => c / 100),
    fc.integer({ min: 0, max: maxCents * 10 }).map((m) => m / 1000),
  );

const ruleArb = (pointsCents: number): fc.Arbitrary<Json> =>
  fc.oneof(
    fc.constantFrom<Json>({ type: "score" }, { type: "score", reconcile: "median" }, { type: "score", reconcile: "mean" }),
    fc
      .array(fc.record({ points: decimal(pointsCents), label: fc.constantFrom("超期公开", "栏目空白", "链接失效") }), { minLength: 1, maxLength: 3 })
      .map((fs) => ({ type: "deduction", faults: fs.map((f, i) => ({ code: `f${i}`, label: f.label, points: f.points })) })),
    fc.constantFrom(1, 0.95, 0.8, 1.25, 3).map((target) => ({ type: "ratio", target })),
    fc
      .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 })
      .chain((mins) => fc.tuple(fc.constant(mins), fc.array(decimal(pointsCents), { minLength: mins.length, maxLength: mins.length }), fc.boolean()))
      .map(([mins, pts, labelled]) => ({
        type: "tiers",
        tiers: mins.map((min, i) => ({ min, points: pts[i], ...(labelled ? { label: `第${i + 1}档` } : {}) })),
      })),
    fc
      .record({ hours: fc.boolean(), n: fc.integer({ min: 1, max: 5 }), whenEmpty: fc.constantFrom("full", "na", undefined) })
      .map(({ hours, n, whenEmpty }) => ({
        type: "timeliness",
        limit: hours ? { hours: n * 12 } : { workingDays: n },
        ...(whenEmpty ? { whenEmpty } : {}),
      })),
  );

interface LeafDef {
  id: string;
  points: number;
  rule: Json;
  dimension?: string;
}

const leafArb = (id: string) =>
  fc.integer({ min: 50, max: 3000 }).chain((cents) =>
    fc.record({
      id: fc.constant(id),
      points: fc.constant(cents / 100),
      rule: ruleArb(cents),
      dimension: fc.option(fc.constantFrom(...DIMS), { nil: undefined }),
    }),
  );

const source = fc.option(fc.constantFrom("抽查发现#3", "抽查发现#12", "复核意见#1"), { nil: undefined });
const withSource = <T extends Json>(o: T, s: string | undefined): T => (s === undefined ? o : { ...o, source: s });

const event = fc
  .record({ day: fc.integer({ min: 0, max: 25 }), hour: fc.integer({ min: 0, max: 23 }), hours: fc.integer({ min: 0, max: 300 }), label: fc.option(fc.constantFrom("文件甲", "文件乙"), { nil: undefined }), s: source })
  .map(({ day, hour, hours, label, s }) => {
    const start = Date.UTC(2019, 8, 20 + day, hour, 0, 0);
    const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
    return withSource({ start: iso(start), end: iso(start + hours * 3_600_000), ...(label ? { label } : {}) }, s);
  });

function inputArb(leaf: LeafDef): fc.Arbitrary<Json> {
  const cents = Math.round(leaf.points * 100);
  const rule = leaf.rule as { type: string; faults?: unknown[] };
  let base: fc.Arbitrary<Json>;
  switch (rule.type) {
    case "score":
      base = fc
        .array(
          fc.oneof(
            decimal(cents),
            fc.record({ value: decimal(cents), by: fc.constantFrom("王敏", "李强", "张丽") }).chain((e) => source.map((s) => withSource(e, s))),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((scores) => ({ scores }));
      break;
    case "deduction":
      base = fc
        .array(
          fc.oneof(
            fc.record({ fault: fc.integer({ min: 0, max: (rule.faults?.length ?? 1) - 1 }).map((i) => `f${i}`), count: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), s: source }).map(({ fault, count, s }) =>
              withSource(count === undefined ? { fault } : { fault, count }, s),
            ),
            fc.record({ points: decimal(cents), s: source }).map(({ points, s }) => withSource({ points, reason: "抽查发现问题" }, s)),
          ),
          { maxLength: 4 },
        )
        .map((deductions) => ({ deductions }));
      break;
    case "ratio":
      base = fc.oneof(
        fc.integer({ min: 0, max: 1500 }).map((v) => ({ value: v / 1000 })),
        fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1, max: 1000 })).map(([numerator, denominator]) => ({ numerator, denominator })),
      );
      break;
    case "tiers":
      base = fc.integer({ min: 0, max: 8 }).map((value) => ({ value }));
      break;
    default:
      base = fc.array(event, { maxLength: 5 }).map((events) => ({ events }));
  }
  const override = fc.option(
    fc.record({ value: decimal(cents), by: fc.constantFrom("arbitration", "appeal") }).map((o) => ({ ...o, reason: "经复核调整" })),
    { nil: undefined, freq: 6 },
  );
  const applicable = fc.tuple(base, override, source).map(([b, o, s]) => withSource(o ? { ...b, override: o } : b, s));
  return fc.oneof({ weight: 1, arbitrary: fc.constant({ na: true, reason: "本单位无此职能" }) }, { weight: 6, arbitrary: applicable });
}

const packageArb = fc
  .record({
    base: fc.array(fc.constant(null), { minLength: 1, maxLength: 8 }).chain((xs) => fc.tuple(...xs.map((_, i) => leafArb(`L${i + 1}`)))),
    bonus: fc.array(fc.constant(null), { minLength: 0, maxLength: 2 }).chain((xs) => (xs.length ? fc.tuple(...xs.map((_, i) => leafArb(`B${i + 1}`))) : fc.constant([] as LeafDef[]))),
    groupDims: fc.tuple(fc.constantFrom(...DIMS), fc.option(fc.constantFrom(...DIMS), { nil: undefined })),
    settings: fc.record({
      reconcile: fc.constantFrom("mean", "median"),
      divergence: fc.constantFrom(0.1, 0.2, 0.35),
      bonusGate: fc.constantFrom(0, 50, 80),
      vetoScore: fc.constantFrom(0, 10),
      opennessWeightPct: fc.constantFrom(4, 5, 7.5),
    }),
  })
  .chain(({ base, bonus, groupDims, settings }) => {
    const groups = [base.filter((_, i) => i % 2 === 0), base.filter((_, i) => i % 2 === 1)].filter((g) => g.length > 0);
    const node = (l: LeafDef) => ({ id: l.id, name: `指标${l.id}`, points: l.points, rule: l.rule, ...(l.dimension ? { dimension: l.dimension } : {}) });
    const sum = (ls: LeafDef[]) => ls.reduce((a, l) => a + Math.round(l.points * 100), 0) / 100;
    const indicators: Json[] = groups.map((g, i) => ({
      id: `G${i + 1}`,
      name: `一级指标${i + 1}`,
      points: sum(g),
      ...(groupDims[i] ? { dimension: groupDims[i] } : {}),
      children: g.map(node),
    }));
    if (bonus.length) indicators.push({ id: "B", name: "加分项", part: "bonus", points: sum(bonus), children: bonus.map(node) });
    indicators.push({ id: "V", name: "单项否决", part: "veto", points: 0, children: [{ id: "V1", name: "失泄密", points: 0, rule: { type: "veto" } }] });
    const leaves = [...base, ...bonus];
    const unitInputs = fc.tuple(
      ...leaves.map(inputArb),
      fc.oneof({ weight: 8, arbitrary: fc.constant({ triggered: false }) }, { weight: 1, arbitrary: fc.constant({ triggered: true, reason: "发生失泄密事件" }) }),
    );
    return fc
      .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.constantFrom("区级部门", "乡镇街道"), unitInputs), { minLength: 1, maxLength: 6, selector: ([id]) => id })
      .map((units) => ({
        format: "zwgk-assessment/1",
        title: "快速路径对照",
        ...settings,
        calendar: CALENDAR,
        indicatorSets: [
          { category: "区级部门", indicators },
          { category: "乡镇街道", indicators },
        ],
        units: units.map(([id, category, inputs]) => ({
          id,
          name: `单位${id}`,
          category,
          inputs: Object.fromEntries([...leaves.map((l, i) => [l.id, inputs[i]]), ["V1", inputs[leaves.length]]]),
        })),
      }));
  });

function validOrNull(input: unknown): AssessmentPackage | null {
  const v = validatePackage(input);
  // Random fault/tier points and overrides may break validation rules (e.g. a tier worth more than
  // its leaf); such packages are not what this property is about.
  return v.ok ? v.pkg : null;
}

const CORPUS: Array<{ resultsSha256: string; package: Json }> = readFileSync(new URL("./fixtures/differential-corpus.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));

describe("the corpus", () => {
  it("gives byte-identical results to the engine before it was made one", () => {
    expect(CORPUS).toHaveLength(208);
    const differing: number[] = [];
    CORPUS.forEach((c, i) => {
      const pkg = validOrNull(c.package);
      expect(pkg, `corpus package ${i}`).not.toBeNull();
      const sha = createHash("sha256").update(resultsText(compute(pkg!))).digest("hex");
      if (sha !== c.resultsSha256) differing.push(i);
    });
    expect(differing).toEqual([]);
  });
});

describe("one path", () => {
  afterEach(() => vi.restoreAllMocks());
  const modules = Object.values(RULES);
  /** Rules of zwgk-assessment/2 alone, which the /1 corpus cannot hold; their planted errors are tested beside their rules (checklist.test.ts). */
  const v2Only = new Set(["checklist"]);

  it("every unit of the corpus is scored through the rule modules, each applicable leaf evaluated exactly once", () => {
    const evaluate = modules.map((m) => vi.spyOn(m, "evaluate"));
    for (const c of CORPUS) {
      const pkg = validOrNull(c.package)!;
      for (const unit of pkg.units) {
        for (const spy of evaluate) spy.mockClear();
        const r = compute({ ...pkg, units: [unit] });
        const applicable = Object.values(unit.inputs).filter((input) => input.na !== true).length;
        const calls = evaluate.reduce((n, spy) => n + spy.mock.calls.length, 0);
        expect(calls, `unit ${unit.id}`).toBe(applicable);
        expect(r.units).toHaveLength(1);
      }
    }
  });

  it.each(modules.filter((m) => !v2Only.has(m.type)).map((m) => [m.type, m] as const))("an error planted in the %s rule surfaces: no unit is quietly scored another way", (type, m) => {
    vi.spyOn(m, "evaluate").mockImplementation(() => {
      throw new TypeError(`planted in ${type}`);
    });
    let reached = 0;
    for (const c of CORPUS) {
      const pkg = validOrNull(c.package)!;
      const uses = pkg.units.some((u) => Object.entries(u.inputs).some(([id, input]) => input.na !== true && ruleOf(pkg, u.category, id) === type));
      if (!uses) {
        expect(() => compute(pkg)).not.toThrow();
        continue;
      }
      reached++;
      expect(() => compute(pkg)).toThrow(`planted in ${type}`);
    }
    expect(reached).toBeGreaterThan(10);
  });
});

function ruleOf(pkg: AssessmentPackage, category: string, leafId: string): string | undefined {
  const set = pkg.indicatorSets.find((s) => s.category === category)!;
  const find = (nodes: AssessmentPackage["indicatorSets"][number]["indicators"]): string | undefined => {
    for (const n of nodes) {
      if (n.id === leafId && n.rule) return n.rule.type;
      const hit = n.children ? find(n.children) : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  return find(set.indicators);
}

describe("explanations", () => {
  it("every lost point is explained: the leaf's explain names its cause and ends with the score", () => {
    fc.assert(
      fc.property(packageArb, (p) => {
        const pkg = validOrNull(p);
        fc.pre(pkg !== null);
        const rules = new Map<string, { type: string }>();
        const walk = (nodes: Json[]) => {
          for (const n of nodes) {
            if (n.rule) rules.set(n.id as string, n.rule as { type: string });
            if (n.children) walk(n.children as Json[]);
          }
        };
        walk(p.indicatorSets[0].indicators as Json[]);
        for (const u of compute(pkg!).units) {
          const inputs = p.units.find((x) => x.id === u.id)!.inputs as Record<string, Json>;
          for (const [id, leaf] of Object.entries(u.leaves)) {
            const rule = rules.get(id)!;
            if (rule.type === "veto") {
              expect(leaf.explain).toMatch(/否决/);
              continue;
            }
            if (leaf.na) {
              expect(leaf.explain).toMatch(/不适用/);
              continue;
            }
            expect(leaf.explain.endsWith(`得${leaf.score.toFixed(2)}/${leaf.max}分`), leaf.explain).toBe(true);
            if (leaf.score >= leaf.max) continue;
            if (inputs[id].override) {
              expect(leaf.explain).toMatch(/(仲裁|复核)调整：/);
              continue;
            }
            const cause: Record<string, RegExp> = {
              score: /^评分：.+分/,
              deduction: /扣[\d.]+分/,
              ratio: /完成[\d.]+%/,
              tiers: /档/,
              timeliness: /超时\d+件：/,
            };
            expect(leaf.explain, `${rule.type}: ${leaf.explain}`).toMatch(cause[rule.type]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

// validatePackage() skips zod for units that pass a fast structural check (scoring/shape.ts): the
// validated package must be exactly what zod alone would give, and anything unusual must go
// through zod.
describe("fast unit check = zod", () => {
  it("a valid random package validates to exactly zod's output", () => {
    fc.assert(
      fc.property(packageArb, (p) => {
        const zod = assessmentPackageSchema.safeParse(p);
        const v = validatePackage(p);
        if (!v.ok) return; // cross-field problems (see validOrNull); shapes are valid either way
        expect(unitsArePlain(p.units)).toBe(true);
        expect(zod.success).toBe(true);
        // Same content (zod would only reorder keys inside objects), hence the same results.
        expect(v.pkg).toEqual(zod.data);
        expect(JSON.stringify(compute(v.pkg))).toBe(JSON.stringify(compute(zod.data as AssessmentPackage)));
      }),
      { numRuns: 200 },
    );
  });

  const unitWith = (inputs: Json) => [{ id: "u", name: "u", category: "c", inputs }];
  it.each([
    ["an unknown key in an input (zod strips it)", unitWith({ a: { scores: [1], extra: 1 } })],
    ["an unknown key on a unit", [{ id: "u", name: "u", category: "c", inputs: { a: { scores: [1] } }, note: "x" }]],
    ["an undefined value", unitWith({ a: { scores: [1], reason: undefined } })],
    ["a string score", unitWith({ a: { scores: ["8"] } })],
    ["an empty fault code", unitWith({ a: { deductions: [{ fault: "" }] } })],
    ["an override without reason", unitWith({ a: { scores: [1], override: { value: 1, by: "appeal" } } })],
    ["an override by someone unknown", unitWith({ a: { scores: [1], override: { value: 1, reason: "x", by: "office" } } })],
    ["an event without end", unitWith({ a: { events: [{ start: "2019-01-01T00:00:00Z" }] } })],
    ["NaN", unitWith({ a: { value: Number.NaN } })],
    ["Infinity", unitWith({ a: { value: Number.POSITIVE_INFINITY } })],
    ["an empty unit id", [{ id: "", name: "u", category: "c", inputs: {} }]],
    ["inputs as an array", [{ id: "u", name: "u", category: "c", inputs: [] }]],
    ["a class instance", unitWith({ a: new (class Input { scores = [1]; })() })],
    ["units not an array", { u: { id: "u" } }],
  ])("%s is not taken as plain (zod decides)", (_name, units) => {
    expect(unitsArePlain(units)).toBe(false);
  });

  it("plain units are recognised: every input kind with every optional field", () => {
    expect(
      unitsArePlain(
        unitWith({
          s: { scores: [8, { value: 9, by: "王敏", source: "抽查#1" }], source: "x" },
          d: { deductions: [{ fault: "late", count: 2, source: "y" }, { points: 1.5, reason: "r" }] },
          r: { value: 0.9, override: { value: 3, reason: "仲裁", by: "arbitration" } },
          q: { numerator: 1, denominator: 2 },
          e: { events: [{ start: "a", end: "b", label: "l", source: "s" }] },
          v: { triggered: true, reason: "r" },
          n: { na: true, reason: "r" },
        }),
      ),
    ).toBe(true);
  });

  it("an unknown input key still validates to zod's output (stripped)", () => {
    const p = {
      format: "zwgk-assessment/1",
      opennessWeightPct: 5,
      indicatorSets: [{ category: "c", indicators: [{ id: "a", name: "a", points: 100, rule: { type: "score" } }] }],
      units: unitWith({ a: { scores: [90], note: "留言" } }),
    };
    const v = validatePackage(p);
    expect(v.ok && v.pkg.units[0].inputs.a).toEqual({ scores: [90] });
  });
});
