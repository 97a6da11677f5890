// The deadline-day data of bench:load, written into a fresh DATA_DIR before the server starts: a
// synthetic cycle (seeds/synthetic) turned into the last day of self-inspection — the cycle is
// 已发布 (departments still edit, evaluators already score), the first `departments` units are
// back in draft with a department user each, `evaluators` new evaluators each hold unsigned
// assignments of `unitsPerEvaluator` other units, and `leaders` leaders read the dashboard of the
// preliminary results computed from the signed-off units.
import { and, eq } from "drizzle-orm";
import { getDb, getSqlite } from "../db/client";
import { cycles, organizations, units } from "../db/schema";
import { computeCycleResults } from "../app/services/results-compute.server";
import { hashPassword } from "../app/utils/password.server";
import { seedSynthetic, SYNTHETIC_ACTOR } from "../seeds/synthetic/generate";

export interface LoadFixtureOptions {
  units: number;
  departments: number;
  evaluators: number;
  unitsPerEvaluator: number;
  leaders: number;
  password: string;
}

export interface LeafRef {
  nodeId: number;
  points: number;
}

export interface LoadFixture {
  cycleId: number;
  year: number;
  /** username → the unit's `score` leaves (department users: their own unit's). */
  departments: { username: string; unitId: number; leaves: LeafRef[] }[];
  evaluators: { username: string; work: { unitId: number; leaves: LeafRef[] }[] }[];
  leaders: string[];
}

/** The `score` leaves of a unit's indicator set (node id and points). */
function scoreLeaves(cycleId: number, unitId: number): LeafRef[] {
  return getSqlite()
    .prepare(
      `SELECT n.id AS nodeId, n.points AS points FROM indicator_nodes n
       JOIN indicator_sets s ON s.id = n.set_id JOIN units u ON u.category_id = s.category_id
       WHERE s.cycle_id = ? AND u.id = ? AND json_extract(n.rule, '$.type') = 'score' ORDER BY n.sort_order, n.id`,
    )
    .all(cycleId, unitId) as LeafRef[];
}

export async function writeLoadFixture(opts: LoadFixtureOptions): Promise<LoadFixture> {
  const db = getDb();
  const sqlite = getSqlite();
  const year = new Date().getUTCFullYear() + 1; // its self-inspection is due on 30 November: still open
  const seeded = await seedSynthetic(db, { units: opts.units, leaves: 100, year, seed: "bench-load" });
  const cycleId = seeded.cycleId;
  const unitIds = db
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.active, true)))
    .all()
    .map((u) => u.id)
    .sort((a, b) => a - b)
    .slice(0, opts.units);
  if (unitIds.length < opts.departments + opts.evaluators * opts.unitsPerEvaluator) throw new Error("not enough units for the load fixture");
  const passwordHash = await hashPassword(opts.password);
  const at = new Date().toISOString();
  const org = db.select().from(organizations).where(eq(organizations.name, "合成数据评估机构")).get()!;

  const fixture: LoadFixture = { cycleId, year, departments: [], evaluators: [], leaders: [] };
  sqlite.transaction(() => {
    db.update(cycles).set({ status: "published", updatedAt: at }).where(eq(cycles.id, cycleId)).run();
    const insUser = sqlite.prepare("INSERT INTO users (username, display_name, role, unit_id, org_id, password_hash) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    const draft = sqlite.prepare("UPDATE submissions SET status = 'draft', submitted_at = NULL WHERE cycle_id = ? AND unit_id = ?");
    for (let i = 0; i < opts.departments; i++) {
      const unitId = unitIds[i];
      const username = `load-dept-${String(i + 1).padStart(3, "0")}`;
      insUser.get(username, `压测填报员${i + 1}`, "department", unitId, null, passwordHash);
      draft.run(cycleId, unitId);
      fixture.departments.push({ username, unitId, leaves: scoreLeaves(cycleId, unitId) });
    }
    const assign = sqlite.prepare("INSERT INTO evaluator_assignments (cycle_id, unit_id, evaluator_id, method, assigned_at, lead) VALUES (?, ?, ?, 'manual', ?, 0)");
    let next = opts.departments;
    for (let e = 0; e < opts.evaluators; e++) {
      const username = `load-eval-${String(e + 1).padStart(2, "0")}`;
      const { id } = insUser.get(username, `压测评估员${e + 1}`, "evaluator", null, org.id, passwordHash) as { id: number };
      const work: LoadFixture["evaluators"][number]["work"] = [];
      for (let k = 0; k < opts.unitsPerEvaluator; k++, next++) {
        assign.run(cycleId, unitIds[next], id, at);
        work.push({ unitId: unitIds[next], leaves: scoreLeaves(cycleId, unitIds[next]) });
      }
      fixture.evaluators.push({ username, work });
    }
    for (let l = 0; l < opts.leaders; l++) {
      const username = `load-leader-${l + 1}`;
      insUser.get(username, `压测领导${l + 1}`, "leader", null, null, passwordHash);
      fixture.leaders.push(username);
    }
  })();
  const results = computeCycleResults(getDb(), cycleId, SYNTHETIC_ACTOR);
  if (!results.ok) throw new Error(results.message);
  return fixture;
}
