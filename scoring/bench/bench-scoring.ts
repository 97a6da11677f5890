// npm run bench:scoring — deterministic 10 000 units × 100 leaves; measures compute() in-process.
// The last line is one JSON object: {"units":10000,"leaves":100,"computeMs":…,"peakRssMb":…}
import { performance } from "node:perf_hooks";
import { compute } from "../compute";
import type { AssessmentPackage, IndicatorNode, LeafInput, UnitInput } from "../schema";
import { validatePackage } from "../validate";

const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const WITH_VALIDATE = process.argv.includes("--validate");

/** mulberry32: small seeded PRNG (the bench's own; the engine never uses randomness). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = "score" | "deduction" | "ratio" | "tiers" | "timeliness";
const DIMS = ["disclosure", "interpretation", "response", "media", "participation", "platform", "mechanism", "other"] as const;
// 95 base leaves + 3 bonus + 2 veto = 100 leaves
const BASE_KINDS: Kind[] = [
  ...Array<Kind>(38).fill("score"),
  ...Array<Kind>(20).fill("deduction"),
  ...Array<Kind>(15).fill("ratio"),
  ...Array<Kind>(11).fill("tiers"),
  ...Array<Kind>(11).fill("timeliness"),
];

function rule(kind: Kind, i: number): IndicatorNode["rule"] {
  switch (kind) {
    case "score":
      return { type: "score" };
    case "deduction":
      return { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 0.5 }, { code: "miss", label: "应公开未公开", points: 1 }] };
    case "ratio":
      return { type: "ratio", target: i % 2 === 0 ? 1 : 0.95 };
    case "tiers":
      return { type: "tiers", tiers: [{ min: 4, points: 1 }, { min: 2, points: 0.6 }, { min: 1, points: 0.3 }] };
    case "timeliness":
      return i % 2 === 0
        ? { type: "timeliness", limit: { workingDays: 3 }, whenEmpty: "full" }
        : { type: "timeliness", limit: { hours: 24 }, whenEmpty: "na" };
  }
}

function buildPackage(units: number): AssessmentPackage {
  const rnd = prng(20191001);
  // 8 dimension groups; base leaves 1 point each except tiers (1) → 95 base points.
  const groups: IndicatorNode[] = DIMS.map((d, g) => ({ id: `G${g + 1}`, name: `一级指标${g + 1}`, dimension: d, points: 0, children: [] }));
  BASE_KINDS.forEach((kind, i) => {
    const g = groups[i % groups.length];
    g.children?.push({ id: `L${i + 1}`, name: `指标${i + 1}`, points: 1, rule: rule(kind, i) });
    g.points += 1;
  });
  const bonus: IndicatorNode = {
    id: "B",
    name: "加分项",
    part: "bonus",
    points: 3,
    children: [1, 2, 3].map((k) => ({ id: `B${k}`, name: `加分${k}`, points: 1, rule: { type: "score" } })),
  };
  const veto: IndicatorNode = {
    id: "V",
    name: "单项否决",
    part: "veto",
    points: 0,
    children: [1, 2].map((k) => ({ id: `V${k}`, name: `否决${k}`, points: 0, rule: { type: "veto" } })),
  };
  const indicators = [...groups, bonus, veto];
  const leafIds: Array<[string, Kind | "bonus" | "veto"]> = [
    ...BASE_KINDS.map((k, i): [string, Kind] => [`L${i + 1}`, k]),
    ["B1", "bonus"], ["B2", "bonus"], ["B3", "bonus"],
    ["V1", "veto"], ["V2", "veto"],
  ];
  const tenth = (max: number) => Math.round(rnd() * max * 10) / 10;
  const iso = (day: number, hour: number) =>
    `2019-${day < 30 ? "09" : "10"}-${String(day < 30 ? day + 1 : day - 29).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00+08:00`;

  const list: UnitInput[] = [];
  for (let u = 0; u < units; u++) {
    const inputs: Record<string, LeafInput> = {};
    for (const [id, kind] of leafIds) {
      if (kind !== "veto" && rnd() < 0.03) {
        inputs[id] = { na: true, reason: "本单位无此项职能" };
        continue;
      }
      switch (kind) {
        case "score":
        case "bonus":
          inputs[id] = { scores: [tenth(1), tenth(1)] };
          break;
        case "deduction": {
          const n = Math.floor(rnd() * 3);
          inputs[id] = {
            deductions: Array.from({ length: n }, (_, k) =>
              k === 2 ? { points: 0.2, reason: "抽查发现问题", source: `抽查#${u}` } : { fault: rnd() < 0.5 ? "late" : "miss", count: 1 + Math.floor(rnd() * 2) },
            ),
          };
          break;
        }
        case "ratio":
          inputs[id] = rnd() < 0.5 ? { value: Math.round(800 + rnd() * 200) / 1000 } : { numerator: Math.floor(rnd() * 50), denominator: 50 };
          break;
        case "tiers":
          inputs[id] = { value: Math.floor(rnd() * 6) };
          break;
        case "timeliness": {
          const n = Math.floor(rnd() * 4);
          inputs[id] = {
            events: Array.from({ length: n }, (_, k) => {
              const day = Math.floor(rnd() * 30);
              return { start: iso(day, 9), end: iso(Math.min(day + Math.floor(rnd() * 8), 42), 10 + (k % 8)), label: `事项${k + 1}` };
            }),
          };
          break;
        }
        case "veto":
          inputs[id] = rnd() < 0.005 ? { triggered: true, reason: "发生失泄密事件" } : { triggered: false };
          break;
      }
    }
    list.push({ id: `U${String(u).padStart(5, "0")}`, name: `单位${u}`, category: u % 3 === 0 ? "乡镇街道" : "区级部门", inputs });
  }
  return {
    format: "zwgk-assessment/1",
    title: "性能基准",
    opennessWeightPct: 5,
    scale: 100,
    bonusGate: 80,
    vetoScore: 0,
    passMark: 60,
    grades: [{ name: "优秀", min: 90 }, { name: "良好", min: 80 }, { name: "合格", min: 60 }, { name: "不合格", min: 0 }],
    reconcile: "mean",
    divergence: 0.2,
    calendar: {
      holidays: ["2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"],
      workdays: ["2019-09-29", "2019-10-12"],
    },
    indicatorSets: [
      { category: "区级部门", indicators },
      { category: "乡镇街道", indicators },
    ],
    units: list,
  };
}

function main(): void {
  const pkg = buildPackage(UNITS);
  const leaves = 100;
  console.log(`package built: heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
  if (WITH_VALIDATE) {
    const t0 = performance.now();
    const v = validatePackage(pkg);
    const ms = performance.now() - t0;
    if (!v.ok) throw new Error(JSON.stringify(v.errors.slice(0, 5)));
    console.log(`validate: ${ms.toFixed(0)} ms`);
  }
  // Warm-up on a slice, then measure the full package.
  const warm = { ...pkg, units: pkg.units.slice(0, 500) };
  for (let i = 0; i < 3; i++) compute(warm);
  if (process.env.BENCH_HEAP) {
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`before compute: heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB`);
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = compute(pkg);
  const computeMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (process.env.BENCH_HEAP) {
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`after compute: heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB`);
  }
  const vetoed = results.units.filter((u) => u.vetoed).length;
  const na = results.units.reduce((n, u) => n + Object.values(u.leaves).filter((l) => l.na).length, 0);
  console.log(`units ${results.units.length}, vetoed ${vetoed}, N/A leaves ${na}, top ${results.units[0].id} ${results.units[0].total}`);
  // CPU time of this process during compute (user + system, all threads incl. GC): on a busy machine the
  // wall-clock computeMs below also counts time spent waiting for a core.
  console.log(`compute CPU time: ${Math.round((cpu.user + cpu.system) / 1000)} ms`);
  const peakRssMb = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
  console.log(JSON.stringify({ units: UNITS, leaves, computeMs: Math.round(computeMs), peakRssMb }));
}

main();
