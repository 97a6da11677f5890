import type { Db } from "../../db/client";

/**
 * What an audit row is about, named as a person reads it ("2026年度", "城关街道办事处 · 1.1")
 * rather than by table and id. One query per object type for a page of rows.
 */

const NAME_SQL: Record<string, string> = {
  user: "SELECT id, display_name || '（' || username || '）' AS name FROM users",
  unit: "SELECT id, name FROM units",
  category: "SELECT id, name FROM categories",
  organization: "SELECT id, name FROM organizations",
  cycle: "SELECT id, year || '年度' AS name FROM cycles",
  assignment_draw: "SELECT d.id, c.year || '年度' AS name FROM assignment_draws d JOIN cycles c ON c.id = d.cycle_id",
  indicator_set:
    "SELECT s.id, c.year || '年度 · ' || g.name AS name FROM indicator_sets s JOIN cycles c ON c.id = s.cycle_id JOIN categories g ON g.id = s.category_id",
  indicator_node:
    "SELECT n.id, c.year || '年度 · ' || g.name || ' · ' || n.code || ' ' || n.name AS name FROM indicator_nodes n JOIN indicator_sets s ON s.id = n.set_id JOIN cycles c ON c.id = s.cycle_id JOIN categories g ON g.id = s.category_id",
  submission: "SELECT s.id, u.name || ' · ' || c.year || '年度' AS name FROM submissions s JOIN units u ON u.id = s.unit_id JOIN cycles c ON c.id = s.cycle_id",
  /** Not an object type of its own: the unit of a submission, for evidence_owner rows. */
  submission_unit: "SELECT s.id, u.name AS name FROM submissions s JOIN units u ON u.id = s.unit_id",
  submission_answer:
    "SELECT a.id, u.name || ' · ' || n.code AS name FROM submission_answers a JOIN submissions s ON s.id = a.submission_id JOIN units u ON u.id = s.unit_id JOIN indicator_nodes n ON n.id = a.node_id",
  deadline_extension: "SELECT e.id, u.name || ' · ' || c.year || '年度' AS name FROM deadline_extensions e JOIN units u ON u.id = e.unit_id JOIN cycles c ON c.id = e.cycle_id",
  evidence_file: "SELECT f.id, u.name || ' · ' || f.original_name AS name FROM evidence_files f JOIN units u ON u.id = f.unit_id",
  evidence_link: "SELECT l.id, u.name || ' · ' || l.title AS name FROM evidence_links l JOIN units u ON u.id = l.unit_id",
  evaluator_assignment:
    "SELECT a.id, u.name || ' · ' || e.display_name AS name FROM evaluator_assignments a JOIN units u ON u.id = a.unit_id JOIN users e ON e.id = a.evaluator_id",
  evaluator_entry:
    "SELECT x.id, u.name || ' · ' || n.code || ' · ' || e.display_name AS name FROM evaluator_entries x JOIN evaluator_assignments a ON a.id = x.assignment_id JOIN units u ON u.id = a.unit_id JOIN users e ON e.id = a.evaluator_id JOIN indicator_nodes n ON n.id = x.node_id",
  arbitration: "SELECT r.id, u.name || ' · ' || n.code AS name FROM arbitrations r JOIN units u ON u.id = r.unit_id JOIN indicator_nodes n ON n.id = r.node_id",
  spot_check_batch: "SELECT b.id, c.year || '年度 · 抽查批次 ' || b.id AS name FROM spot_check_batches b JOIN cycles c ON c.id = b.cycle_id",
  finding:
    "SELECT f.id, u.name || coalesce(' · ' || n.code, '') AS name FROM findings f JOIN units u ON u.id = f.unit_id LEFT JOIN indicator_nodes n ON n.id = f.node_id",
  outside_assessment:
    "SELECT o.id, u.name || ' · ' || n.code || ' · ' || o.source AS name FROM outside_assessments o JOIN units u ON u.id = o.unit_id JOIN indicator_nodes n ON n.id = o.node_id",
  rectification:
    "SELECT r.id, u.name || coalesce(' · ' || n.code, '') AS name FROM rectifications r JOIN findings f ON f.id = r.finding_id JOIN units u ON u.id = f.unit_id LEFT JOIN indicator_nodes n ON n.id = f.node_id",
  appeal: "SELECT p.id, u.name || coalesce(' · ' || n.code, '') AS name FROM appeals p JOIN units u ON u.id = p.unit_id LEFT JOIN indicator_nodes n ON n.id = p.node_id",
};

/** evidence.lock rows name "<ownerType>:<ownerId>,<ownerId>…"; a self-inspection leaf's owner id is "<submissionId>:<nodeId>". */
function evidenceOwnerName(entityId: string, submissionUnits: Map<string, string>): string | null {
  const [ownerType, ...rest] = entityId.split(":");
  const ids = rest.join(":").split(",").filter(Boolean);
  if (ownerType !== "submission_leaf" || ids.length === 0) return null;
  const unit = submissionUnits.get(ids[0].split(":")[0]);
  return unit ? `${unit} · ${ids.length}个指标的佐证材料` : null;
}

/** Names of the objects of these rows, keyed `${entityType}:${entityId}`; objects since removed stay unnamed. */
export function auditObjectNames(db: Db, rows: readonly { entityType: string; entityId: string | null }[]): Map<string, string> {
  const wanted = new Map<string, Set<string>>();
  const want = (type: string, id: string) => {
    if (!wanted.has(type)) wanted.set(type, new Set());
    wanted.get(type)!.add(id);
  };
  for (const r of rows) {
    if (r.entityId === null) continue;
    if (r.entityType === "evidence_owner") {
      const first = r.entityId.split(":")[1];
      if (r.entityId.startsWith("submission_leaf:") && first) want("submission_unit", first);
    } else if (r.entityType !== "submission_unit" && NAME_SQL[r.entityType] && /^\d+$/.test(r.entityId)) want(r.entityType, r.entityId);
  }
  const found = new Map<string, Map<string, string>>();
  for (const [type, ids] of wanted) {
    const stmt = db.$client.prepare(`SELECT id, name FROM (${NAME_SQL[type]}) WHERE id IN (SELECT value FROM json_each(?))`);
    const rowsOfType = stmt.all(JSON.stringify([...ids].map(Number))) as { id: number; name: string }[];
    found.set(type, new Map(rowsOfType.map((r) => [String(r.id), r.name])));
  }
  const names = new Map<string, string>();
  const submissionUnits = found.get("submission_unit") ?? new Map<string, string>();
  for (const r of rows) {
    if (r.entityId === null) continue;
    const name = r.entityType === "evidence_owner" ? evidenceOwnerName(r.entityId, submissionUnits) : (found.get(r.entityType)?.get(r.entityId) ?? null);
    if (name) names.set(`${r.entityType}:${r.entityId}`, name);
  }
  return names;
}
