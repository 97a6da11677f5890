import { getDb } from "../../db/client";
import { seedAccounts } from "./accounts";
import { seedDemoCycles } from "./cycles";
import { DEMO_EVALUATION_HOOKS, seedDemoEvaluation2026 } from "./evaluation";
import { seedDemoSelfInspections2026 } from "./self-inspection-2026";
import { seedDemoNotice } from "./notice";
import { seedDemoResults } from "./results";
import { seedSubmittedEvidence } from "./submitted-evidence";

/** The whole demo (idempotent): each step adds only what is missing. */
export async function seedDemo(): Promise<void> {
  const db = getDb();
  seedAccounts(db);
  seedDemoCycles(db, DEMO_EVALUATION_HOOKS);
  await seedSubmittedEvidence(db, 2025);
  await seedDemoSelfInspections2026(db);
  seedDemoEvaluation2026(db);
  seedDemoResults(db);
  seedDemoNotice(db);
}
