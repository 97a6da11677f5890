import type { StoredIndicator } from "../../app/domain/indicator-spec";
import type { LeafInput } from "../../scoring";

/**
 * Deterministic, believable self-inspection inputs (the scoring engine's leaf input) for the
 * demo's finished 2025 cycle. Each unit has a steady "quality" (some units are diligent, some
 * slack) and every leaf draws from a generator seeded by unit and leaf code, so the results vary
 * across units and leaves and are the same on every run.
 */

/** mulberry32 seeded with a string hash (FNV-1a). */
export function rng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVALUATORS = ["评估员 王敏", "评估员 李强", "评估员 张丽"];

interface Ctx {
  r: () => number;
  /** 0.55 (slack) … 1 (diligent). */
  q: number;
  year: number;
  street: boolean;
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const roundHalf = (x: number) => Math.round(x * 2) / 2;

/** "2025-03-12T09:30:00+08:00" for a Beijing wall-clock time given as a UTC-based Date. */
function beijing(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

/** A weekday between March and mid-November, 09:00–17:00 Beijing time. */
function startTime(c: Ctx): Date {
  for (;;) {
    const day = int(c.r, 0, 250);
    const d = new Date(Date.UTC(c.year, 2, 1 + day, int(c.r, 9, 16), int(c.r, 0, 3) * 15));
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) return d;
  }
}

const addHours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);
const addDays = (d: Date, days: number) => addHours(d, days * 24);

type EventSpec = { label: string; late: () => number; onTime: () => number; unit: "h" | "d" };

function events(c: Ctx, n: number, spec: EventSpec, lateChance: number) {
  const out: { start: string; end: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const s = startTime(c);
    const late = c.r() < lateChance;
    const amount = late ? spec.late() : spec.onTime();
    const e = spec.unit === "h" ? addHours(s, amount) : addDays(s, amount);
    out.push({ start: beijing(s), end: beijing(e), label: `${spec.label}${i + 1}` });
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

function scores(c: Ctx, points: number): LeafInput {
  const base = points * (0.35 + 0.6 * c.q);
  const two = [0, 1].map((i) => {
    const v = Math.min(points, Math.max(0, roundHalf(base + (c.r() - 0.5) * points * 0.2)));
    return { value: v, by: EVALUATORS[(i + int(c.r, 0, 2)) % EVALUATORS.length] };
  });
  if (two[0].by === two[1].by) two[1].by = EVALUATORS[(EVALUATORS.indexOf(two[0].by) + 1) % EVALUATORS.length];
  return { scores: two };
}

function deductions(c: Ctx, leaf: StoredIndicator): LeafInput {
  if (leaf.rule?.type !== "deduction") return { deductions: [] };
  const out: { fault: string; count: number; source: string }[] = [];
  for (const f of leaf.rule.faults) {
    // A fault that costs the whole item (e.g. nothing done at all) stays rare.
    const chance = f.points >= leaf.points ? (1 - c.q) * 0.1 : (1 - c.q) * 1.1;
    if (c.r() < chance) out.push({ fault: f.code, count: f.points >= 1 ? 1 : int(c.r, 1, 3), source: `${c.year}年第${int(c.r, 2, 4)}季度政务公开检查` });
  }
  return { deductions: out };
}

type Gen = (c: Ctx, leaf: StoredIndicator) => LeafInput;

/** By template item name; anything else falls back to its rule type. */
const BY_NAME: Record<string, Gen> = {
  公文公开属性标注率: (c) => {
    const denominator = c.street ? int(c.r, 40, 90) : int(c.r, 80, 220);
    return { numerator: denominator - Math.floor((1 - c.q) * 0.12 * denominator * c.r() * 2), denominator };
  },
  政府网站每周至少更新1次: (c) => ({ numerator: 52 - Math.floor((1 - c.q) * 10 * c.r()), denominator: 52 }),
  "政务公开工作人员培训率不低于50%": (c) => {
    const denominator = int(c.r, 4, 14);
    const numerator = Math.max(0, Math.min(denominator, Math.round(denominator * (0.2 + 0.6 * c.q + (c.r() - 0.5) * 0.2))));
    return { numerator, denominator };
  },
  依申请公开按期答复: (c) => ({
    events: events(c, c.street ? int(c.r, 0, 3) : int(c.r, 1, 6), { label: "依申请公开", unit: "d", onTime: () => int(c.r, 3, 21), late: () => int(c.r, 35, 45) }, (1 - c.q) * 0.6),
  }),
  文件印发后3个工作日内发布解读: (c) => ({
    events: events(c, c.street ? int(c.r, 0, 2) : int(c.r, 2, 7), { label: "政策文件", unit: "d", onTime: () => int(c.r, 0, 1), late: () => int(c.r, 7, 12) }, (1 - c.q) * 0.8),
  }),
  重大舆情5小时内发布权威信息: (c) => ({
    events: c.r() < 0.35 ? events(c, 1, { label: "重大舆情", unit: "h", onTime: () => 1.5 + c.r() * 3, late: () => 6 + c.r() * 4 }, (1 - c.q) * 1.2) : [],
  }),
  重大舆情24小时内举行新闻发布会: (c) => ({
    events: c.r() < 0.3 ? events(c, 1, { label: "重大舆情发布会", unit: "h", onTime: () => 8 + c.r() * 14, late: () => 26 + c.r() * 20 }, (1 - c.q) * 1.2) : [],
  }),
  网民意见建议7个工作日内反馈: (c) => ({
    events: events(c, int(c.r, 2, 8), { label: "网民建议", unit: "d", onTime: () => int(c.r, 1, 8), late: () => int(c.r, 12, 20) }, (1 - c.q) * 0.7),
  }),
  重要政策信息转载链接不滞后1个工作日: (c) => ({
    events: events(c, int(c.r, 3, 8), { label: "转载", unit: "h", onTime: () => 0.5 + c.r() * 5, late: () => 75 + c.r() * 48 }, (1 - c.q) * 0.6),
  }),
  主要负责人带头解读: (c) => ({ value: Math.max(0, Math.round(c.q * 3.5 - 0.8 + c.r())) }),
  新闻发布会每年不少于2次: (c) => ({ value: Math.max(0, Math.round(c.q * (c.street ? 2.6 : 4) - 0.6 + c.r())) }),
  主要负责人每年至少出席1次新闻发布会: (c) => ({ value: c.r() < 0.3 + 0.6 * c.q ? int(c.r, 1, 2) : 0 }),
  主要负责人每年至少听取1次政务公开工作汇报: (c) => ({ value: c.r() < 0.45 + 0.6 * c.q ? int(c.r, 1, 2) : 0 }),
  经验做法被上级推广: (c) => ({ value: c.q > 0.85 && c.r() < 0.6 ? int(c.r, 1, 3) : 0 }),
  承担国家或省级试点: (c) => ({ value: c.q > 0.8 && c.r() < 0.35 ? int(c.r, 1, 2) : 0 }),
};

function byRule(c: Ctx, leaf: StoredIndicator): LeafInput {
  switch (leaf.rule?.type) {
    case "score":
      return scores(c, leaf.points);
    case "deduction":
      return deductions(c, leaf);
    case "ratio":
      return { value: Math.min(1, 0.7 + 0.3 * c.q) };
    case "tiers":
      return { value: int(c.r, 0, 2) };
    case "timeliness":
      return { events: [] };
    case "veto":
    default:
      return { triggered: false };
  }
}

/** A unit's steady diligence, 0.55 … 1. */
export function unitQuality(unitCode: string): number {
  return 0.55 + 0.45 * rng(`quality:${unitCode}`)();
}

export function demoInput(unitCode: string, leaf: StoredIndicator, year: number, street: boolean): LeafInput {
  const c: Ctx = { r: rng(`${year}:${unitCode}:${leaf.code}`), q: unitQuality(unitCode), year, street };
  const gen = leaf.rule?.type === "score" || leaf.rule?.type === "deduction" || leaf.rule?.type === "veto" ? undefined : BY_NAME[leaf.name];
  return gen ? gen(c, leaf) : byRule(c, leaf);
}

/**
 * The department's own answer (its self-assessment): one self score where the rule is scored by
 * people — the department's own judgement, never the evaluators' scores that demoInput also draws —
 * and its faults without the evaluation's sources. The evaluators' verified inputs start from
 * demoInput (the facts they find), so self and evaluated scores differ as in a real year.
 */
export function demoSelfAnswer(unitCode: string, leaf: StoredIndicator, year: number, street: boolean): LeafInput {
  const input = demoInput(unitCode, leaf, year, street);
  if (input.scores) {
    const first = input.scores[0];
    return { scores: [typeof first === "number" ? first : first.value] };
  }
  if (input.deductions) return { deductions: input.deductions.map((d) => ({ fault: d.fault, count: d.count })) };
  return input;
}

/** A short 说明 matching the input, as a department would write it. */
export function demoNarrative(input: LeafInput): string {
  if (input.events) return input.events.length === 0 ? "本年度无此类事项。" : `本年度共${input.events.length}件，已逐件登记办理时间，详见台账。`;
  if (input.deductions) return input.deductions.length === 0 ? "经自查，本项未发现问题。" : `自查发现问题${input.deductions.length}类，已于年底前完成整改。`;
  if (input.numerator !== undefined) return `本年度${input.numerator}/${input.denominator}，详见统计表。`;
  if (input.scores) return "相关工作开展情况详见佐证材料。";
  if (input.triggered === false) return "本单位未发生此类情形。";
  if (input.value !== undefined) return input.value === 0 ? "本年度无。" : `本年度${input.value}次（项），详见佐证材料。`;
  return "";
}
