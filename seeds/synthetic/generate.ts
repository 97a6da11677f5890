import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { getSqlite } from "../../db/client";
import { categories, cycles, indicatorSets, organizations, users } from "../../db/schema";
import { defaultCycleSettings } from "../../app/domain/cycle-defaults";
import { defaultCalendar } from "../../app/services/holiday-arrangements.server";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { replaceTree } from "../../app/services/indicator-tree.server";
import { mutate, writeAudit, type Actor } from "../../app/utils/audit.server";
import { hashPassword } from "../../app/utils/password.server";
import { DIMENSION_KEYS, type LeafInput } from "../../scoring";

/**
 * A realistic synthetic cycle for load tests and benchmarks (`npm run seed:synthetic`, `npm run
 * bench:report`): units across three categories, one indicator set per category with `leaves`
 * leaves of every rule type, a submitted self-assessment per unit, two signed-off evaluators per
 * unit (lead first) with entries for every leaf, and a spot-check batch whose findings land on
 * deduction leaves. Written with prepared statements in one transaction (millions of rows), with
 * one audit row recording what was generated. Deterministic for a given seed.
 */

export interface SyntheticOptions {
  units: number;
  /** Leaves per indicator set, the single veto leaf included (default 100). */
  leaves?: number;
  /** Default: the year after the newest cycle (or the current year). */
  year?: number;
  seed?: string;
  /** Also write self-assessments (default true). */
  selfAssessment?: boolean;
}

export interface SyntheticResult {
  cycleId: number;
  year: number;
  units: number;
  leaves: number;
  entries: number;
}

export const SYNTHETIC_ACTOR: Actor = { id: null, name: "合成数据" };
/** Own categories, so synthetic units never join the population of other cycles (e.g. the demo's). */
const CATEGORIES = ["街道（合成）", "部门（合成）", "乡镇（合成）"] as const;
const PLACES = ["东湖", "西山", "南苑", "北城", "新华", "城关", "青石", "白云", "金桥", "临江", "望海", "长乐", "和平", "永安", "兴隆", "丰收", "凤凰", "龙泉", "桃源", "梅林"];
const DEPARTMENTS = ["教育局", "卫生健康局", "交通运输局", "住房和城乡建设局", "市场监督管理局", "人力资源和社会保障局", "民政局", "生态环境分局", "财政局", "审计局", "应急管理局", "文化和旅游局", "农业农村局", "水务局", "商务局"];

/** mulberry32: a fast seeded generator for bulk data (not for draws that must be verifiable). */
function fastRandom(seed: string): () => number {
  let a = crypto.createHash("sha256").update(seed).digest().readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitName(category: string, i: number): string {
  const n = Math.floor(i / (category === "部门（合成）" ? DEPARTMENTS.length : PLACES.length));
  const suffix = n > 0 ? `（${n + 1}）` : "";
  if (category === "部门（合成）") return `合成区${DEPARTMENTS[i % DEPARTMENTS.length]}${suffix}`;
  if (category === "街道（合成）") return `${PLACES[i % PLACES.length]}街道办事处${suffix}`;
  return `${PLACES[i % PLACES.length]}镇人民政府${suffix}`;
}

type Kind = "score" | "deduction" | "ratio" | "tiers" | "timeliness";
const KINDS: Kind[] = ["score", "deduction", "ratio", "tiers", "timeliness"];

/** An indicator tree of `leaves` leaves: base leaves grouped by dimension, points summing to 100, and one veto leaf. */
export function syntheticTree(leaves: number): IndicatorSpec[] {
  const base = Math.max(1, leaves - 1);
  const groups = Math.min(8, base);
  const per = Math.floor(100 / base);
  const extra = 100 - per * base;
  const out: IndicatorSpec[] = [];
  let j = 0;
  for (let g = 0; g < groups; g++) {
    const count = Math.floor(base / groups) + (g < base % groups ? 1 : 0);
    const children: IndicatorSpec[] = [];
    for (let k = 0; k < count; k++, j++) {
      const points = per + (j < extra ? 1 : 0);
      const code = `${g + 1}.${k + 1}`;
      const kind = KINDS[j % KINDS.length];
      const rule =
        kind === "score"
          ? { type: "score" as const }
          : kind === "deduction"
            ? { type: "deduction" as const, faults: [{ code: "late", label: "更新不及时", points: Math.min(points, 0.5) }, { code: "error", label: "内容差错", points: Math.min(points, 1) }] }
            : kind === "ratio"
              ? { type: "ratio" as const, target: 1 }
              : kind === "tiers"
                ? { type: "tiers" as const, tiers: [{ min: 1, points: points / 2 }, { min: 3, points }] }
                : { type: "timeliness" as const, limit: { workingDays: 5 }, whenEmpty: "full" as const };
      children.push({ code, name: `${kind === "score" ? "工作评价" : kind === "deduction" ? "差错检查" : kind === "ratio" ? "完成比例" : kind === "tiers" ? "工作次数" : "办理时效"}${code}`, points, rule });
    }
    out.push({ code: String(g + 1), name: `考核维度${g + 1}`, dimension: DIMENSION_KEYS[g % DIMENSION_KEYS.length], points: children.reduce((s, c) => s + c.points, 0), children });
  }
  out.push({ code: String(groups + 1), name: "单项否决", part: "veto", points: 0, children: [{ code: `${groups + 1}.1`, name: "重大失泄密", points: 0, rule: { type: "veto" } }] });
  return out;
}

interface LeafPlan {
  code: string;
  kind: Kind | "veto";
  points: number;
}

function planLeaves(tree: IndicatorSpec[]): LeafPlan[] {
  const out: LeafPlan[] = [];
  const walk = (nodes: IndicatorSpec[]) => {
    for (const n of nodes) {
      if (n.children?.length) walk(n.children);
      else if (n.rule) out.push({ code: n.code, kind: n.rule.type as Kind | "veto", points: n.points });
    }
  };
  walk(tree);
  return out;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function evaluatorInput(leaf: LeafPlan, quality: number, rnd: () => number, year: number): LeafInput {
  switch (leaf.kind) {
    case "score":
      return { scores: [{ value: r1(leaf.points * Math.min(1, quality + (rnd() - 0.5) * 0.2)) }] };
    case "deduction":
      return { deductions: rnd() < quality ? [] : [{ fault: rnd() < 0.5 ? "late" : "error", count: 1 + Math.floor(rnd() * 2) }] };
    case "ratio":
      return { numerator: Math.round(100 * Math.min(1, quality + rnd() * 0.15)), denominator: 100 };
    case "tiers":
      return { value: Math.floor(quality * 4 + rnd() * 1.5) };
    case "timeliness": {
      if (rnd() < 0.6) return { events: [] };
      const day = 10 + Math.floor(rnd() * 15);
      const late = rnd() > quality;
      return { events: [{ start: `${year}-06-${day}T09:00:00+08:00`, end: `${year}-${late ? "07" : "06"}-${day + 1}T17:00:00+08:00`, label: "依申请公开办理" }] };
    }
    case "veto":
      return { triggered: false };
  }
}

export async function seedSynthetic(db: Db, opts: SyntheticOptions): Promise<SyntheticResult> {
  const leaves = opts.leaves ?? 100;
  const seed = opts.seed ?? "synthetic";
  const rnd = fastRandom(seed);
  const sqlite = getSqlite();
  const newest = sqlite.prepare("SELECT MAX(year) AS y FROM cycles").get() as { y: number | null };
  const year = opts.year ?? (newest.y ? newest.y + 1 : new Date().getFullYear());
  if (db.select().from(cycles).where(eq(cycles.year, year)).get()) throw new Error(`${year}年度考核已存在`);
  const tree = syntheticTree(leaves);
  const plan = planLeaves(tree);
  const passwordHash = await hashPassword(crypto.randomBytes(18).toString("base64url"));
  const at = new Date().toISOString();

  const result = mutate(db, (tx) => {
    // Categories (reused by name) and the evaluation organisation.
    const categoryIds = CATEGORIES.map((name, i) => {
      const row = tx.select().from(categories).where(eq(categories.name, name)).get();
      return row ? row.id : tx.insert(categories).values({ name, sortOrder: 10 + i }).returning().get().id;
    });
    const orgName = "合成数据评估机构";
    const org = tx.select().from(organizations).where(eq(organizations.name, orgName)).get() ?? tx.insert(organizations).values({ name: orgName, kind: "第三方评估机构" }).returning().get();
    const evaluatorIds: number[] = [];
    for (let e = 1; e <= 10; e++) {
      const username = `syn-eval-${String(e).padStart(2, "0")}`;
      const row =
        tx.select().from(users).where(eq(users.username, username)).get() ??
        tx.insert(users).values({ username, displayName: `合成评估员${e}`, role: "evaluator", orgId: org.id, passwordHash }).returning().get();
      evaluatorIds.push(row.id);
    }

    const cycle = tx
      .insert(cycles)
      .values({ year, title: `${year}年度政务公开工作绩效考核（合成数据）`, settings: defaultCycleSettings(), calendar: defaultCalendar(year), selfInspectionDue: `${year}-11-30`, status: "evaluating", createdAt: at, updatedAt: at })
      .returning()
      .get();
    // One set per category; leaf code → node id per category.
    const nodeIds = categoryIds.map((categoryId) => {
      const set = tx.insert(indicatorSets).values({ cycleId: cycle.id, categoryId, createdAt: at, updatedAt: at }).returning().get();
      replaceTree(tx, set.id, tree);
      const rows = sqlite.prepare("SELECT id, code FROM indicator_nodes WHERE set_id = ?").all(set.id) as { id: number; code: string }[];
      return new Map(rows.map((r) => [r.code, r.id]));
    });

    // Units are reused by code, so a second synthetic year assesses the same units (trends).
    const insUnit = sqlite.prepare(
      "INSERT INTO units (code, name, category_id, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET active = 1 RETURNING id",
    );
    const insSub = sqlite.prepare("INSERT INTO submissions (cycle_id, unit_id, status, submitted_at, last_activity_at, created_at) VALUES (?, ?, 'submitted', ?, ?, ?)");
    const insAnswer = sqlite.prepare("INSERT INTO submission_answers (submission_id, node_id, input, narrative, updated_at) VALUES (?, ?, ?, '', ?)");
    const insAssign = sqlite.prepare("INSERT INTO evaluator_assignments (cycle_id, unit_id, evaluator_id, method, assigned_at, signed_off_at, lead) VALUES (?, ?, ?, 'manual', ?, ?, ?)");
    const insEntry = sqlite.prepare("INSERT INTO evaluator_entries (assignment_id, node_id, input, updated_at) VALUES (?, ?, ?, ?)");
    const batch = sqlite.prepare("INSERT INTO spot_check_batches (cycle_id, seed, size, published, created_at) VALUES (?, ?, ?, 1, ?)").run(cycle.id, `${seed}-${year}`, "5%", at);
    const insFinding = sqlite.prepare(
      "INSERT INTO findings (batch_id, cycle_id, unit_id, node_id, inspector_id, description, found_on, kind, fault_code, count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'fault', ?, 1, ?, ?)",
    );
    const insSpotUnit = sqlite.prepare("INSERT INTO spot_check_units (batch_id, unit_id, inspector_id) VALUES (?, ?, ?)");

    let entries = 0;
    const deductionLeaves = plan.filter((l) => l.kind === "deduction");
    for (let i = 0; i < opts.units; i++) {
      const c = i % CATEGORIES.length;
      const unitId = (insUnit.get(`SYN-${String(i + 1).padStart(5, "0")}`, unitName(CATEGORIES[c], Math.floor(i / CATEGORIES.length)), categoryIds[c], i + 1, at, at) as { id: number }).id;
      const nodes = nodeIds[c];
      const quality = 0.55 + rnd() * 0.45;
      if (opts.selfAssessment ?? true) {
        const sub = Number(insSub.run(cycle.id, unitId, at, at, at).lastInsertRowid);
        const optimism = rnd() * 0.25; // departments tend to rate themselves higher
        for (const leaf of plan) insAnswer.run(sub, nodes.get(leaf.code)!, JSON.stringify(evaluatorInput(leaf, Math.min(1, quality + optimism), rnd, year)), at);
      }
      const first = evaluatorIds[i % evaluatorIds.length];
      const second = evaluatorIds[(i + 1 + (i % 3)) % evaluatorIds.length];
      for (const [k, evaluatorId] of [first, second === first ? evaluatorIds[(i + 5) % 10] : second].entries()) {
        const assignmentId = Number(insAssign.run(cycle.id, unitId, evaluatorId, at, at, k === 0 ? 1 : 0).lastInsertRowid);
        for (const leaf of plan) {
          insEntry.run(assignmentId, nodes.get(leaf.code)!, JSON.stringify(evaluatorInput(leaf, quality, rnd, year)), at);
          entries++;
        }
      }
      // The spot check: about one unit in twenty, one or two faults found.
      if (deductionLeaves.length > 0 && rnd() < 0.05) {
        const inspector = evaluatorIds[(i + 3) % evaluatorIds.length];
        insSpotUnit.run(batch.lastInsertRowid, unitId, inspector);
        const n = 1 + Math.floor(rnd() * 2);
        for (let f = 0; f < n; f++) {
          const leaf = deductionLeaves[Math.floor(rnd() * deductionLeaves.length)];
          insFinding.run(batch.lastInsertRowid, cycle.id, unitId, nodes.get(leaf.code)!, inspector, "抽查发现栏目内容未按时更新", `${year}-11-15`, "late", at, at);
        }
      }
    }
    writeAudit(tx, SYNTHETIC_ACTOR, { action: "synthetic.seed", entityType: "cycle", entityId: cycle.id, after: { year, units: opts.units, leaves: plan.length, entries, seed } });
    return { cycleId: cycle.id, year, units: opts.units, leaves: plan.length, entries };
  });
  return result;
}
