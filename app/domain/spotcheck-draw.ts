import { codeOrder, createPrng } from "./prng";

/**
 * The spot-check draw (抽查，双随机一公开): a pure function of (seed, population, size, category),
 * shared by the app (saved batches) and `npm run spotcheck:draw` (anyone re-deriving a draw).
 *
 * Size: "n" draws n units from every category (stratum); "p%" draws ceil(p% × units of the
 * category) from every category (so never fewer than p%). With a category, only that stratum.
 *
 * Units: strata in code-unit order of the category name; within a stratum the units are ordered
 * by code and createPrng(seed, "units:" + category).sample(units, k) draws them (so one
 * category's draw does not depend on the others). Output: stratum by stratum, in draw order.
 *
 * Inspectors: every inspector bound to any drawn unit is left out of the batch (listed with the
 * reason); the others, ordered by username, are shuffled with createPrng(seed, "inspectors") and
 * dealt round-robin: the i-th drawn unit gets inspector i mod pool size (balanced load).
 */

export interface SpotUnit {
  code: string;
  name: string;
  category: string;
  id?: number;
}

export interface SpotInspector {
  username: string;
  name: string;
  /** Codes of units the inspector is bound to (conflict of interest). */
  boundUnitCodes: readonly string[];
  id?: number;
}

export type SpotCheckSize = { kind: "count"; n: number; text: string } | { kind: "percent"; units: bigint; scale: bigint; text: string };

export interface DrawnUnit extends SpotUnit {
  inspector: string;
  inspectorName: string;
  inspectorId?: number;
}

export interface SpotCheckDraw {
  seed: string;
  size: string;
  category: string | null;
  units: DrawnUnit[];
  excludedInspectors: { username: string; name: string; reason: string }[];
}

export interface SpotCheckDrawInput {
  seed: string;
  size: string;
  category?: string | null;
  units: readonly SpotUnit[];
  inspectors: readonly SpotInspector[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const FORMAT_ERROR = "抽查数量格式不正确，应为正整数（如 3）或百分比（如 20%）";

/** "3" → 3 units per category; "20%" / "12.5%" → that share of each category (rounded up). */
export function parseSpotCheckSize(raw: string): Parsed<SpotCheckSize> {
  const s = raw.trim().replace(/％/g, "%");
  if (s === "") return { ok: false, error: "请填写抽查数量（如 3）或比例（如 20%）" };
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(%?)$/.exec(s);
  if (!m) return { ok: false, error: FORMAT_ERROR };
  const [, sign, whole, frac = "", pct] = m;
  const isZero = /^0*$/.test(whole) && /^0*$/.test(frac);
  if (sign === "-" && !isZero) return { ok: false, error: pct ? "抽查比例不能为负数" : "抽查数量不能为负数" };
  if (isZero) return { ok: false, error: pct ? "抽查比例必须大于0" : "抽查数量必须大于0" };
  if (!pct) {
    if (frac && !/^0*$/.test(frac)) return { ok: false, error: "抽查数量须为整数（按比例抽查请写成百分比，如 20%）" };
    const n = Number(whole);
    if (!Number.isSafeInteger(n)) return { ok: false, error: FORMAT_ERROR };
    return { ok: true, value: { kind: "count", n, text: String(n) } };
  }
  if (frac.length > 2) return { ok: false, error: "抽查比例最多保留2位小数" };
  const scale = 10n ** BigInt(frac.length);
  const units = BigInt(whole) * scale + BigInt(frac || "0");
  if (units > 100n * scale) return { ok: false, error: "抽查比例不能超过100%" };
  const text = `${BigInt(whole).toString()}${frac && !/^0*$/.test(frac) ? `.${frac.replace(/0+$/, "")}` : ""}%`;
  return { ok: true, value: { kind: "percent", units, scale, text } };
}

/** How many units a size draws from a stratum of `population` units. */
export function stratumCount(size: SpotCheckSize, population: number): number {
  if (size.kind === "count") return size.n;
  const num = size.units * BigInt(population);
  const den = 100n * size.scale;
  return Number((num + den - 1n) / den);
}

export function drawSpotCheck(input: SpotCheckDrawInput): Parsed<SpotCheckDraw> {
  const seed = input.seed;
  if (!seed.trim()) return { ok: false, error: "请填写随机种子" };
  const parsed = parseSpotCheckSize(input.size);
  if (!parsed.ok) return parsed;
  const size = parsed.value;
  const category = input.category?.trim() || null;

  const strata = new Map<string, SpotUnit[]>();
  for (const u of input.units) {
    if (category !== null && u.category !== category) continue;
    const list = strata.get(u.category) ?? [];
    list.push(u);
    strata.set(u.category, list);
  }
  if (strata.size === 0) {
    return { ok: false, error: category !== null ? `没有类别为“${category}”的被考核单位` : "没有可抽查的被考核单位" };
  }

  const drawn: SpotUnit[] = [];
  for (const cat of [...strata.keys()].sort(codeOrder)) {
    const units = strata.get(cat)!.slice().sort((a, b) => codeOrder(a.code, b.code));
    const k = stratumCount(size, units.length);
    if (k > units.length) {
      return { ok: false, error: `抽查数量${k}超过“${cat}”类别的单位数（${units.length}个）` };
    }
    drawn.push(...createPrng(seed, `units:${cat}`).sample(units, k));
  }

  const drawnCodes = new Set(drawn.map((u) => u.code));
  const excludedInspectors: SpotCheckDraw["excludedInspectors"] = [];
  const pool: SpotInspector[] = [];
  for (const insp of input.inspectors.slice().sort((a, b) => codeOrder(a.username, b.username))) {
    const bound = insp.boundUnitCodes.filter((c) => drawnCodes.has(c));
    if (bound.length > 0) {
      const names = bound.map((c) => drawn.find((u) => u.code === c)!.name).join("、");
      excludedInspectors.push({ username: insp.username, name: insp.name, reason: `与被抽中单位“${names}”存在关联，回避` });
    } else pool.push(insp);
  }
  if (pool.length === 0) return { ok: false, error: "回避后没有可派出的检查人员" };
  const dealt = createPrng(seed, "inspectors").shuffle(pool);

  const units: DrawnUnit[] = drawn.map((u, i) => {
    const insp = dealt[i % dealt.length];
    const out: DrawnUnit = { ...u, inspector: insp.username, inspectorName: insp.name };
    if (insp.id !== undefined) out.inspectorId = insp.id;
    return out;
  });
  return { ok: true, value: { seed, size: size.text, category, units, excludedInspectors } };
}

/** The CLI's published form: {"seed","units":[{"code","name","category","inspector"}]}. */
export function publishedDraw(draw: SpotCheckDraw): { seed: string; units: { code: string; name: string; category: string; inspector: string }[] } {
  return {
    seed: draw.seed,
    units: draw.units.map((u) => ({ code: u.code, name: u.name, category: u.category, inspector: u.inspector })),
  };
}
