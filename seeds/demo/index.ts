import { getDb } from "../../db/client";
import { seedAccounts } from "./accounts";
import { seedDemoCycles } from "./cycles";

/** The whole demo (idempotent): each step adds only what is missing. */
export async function seedDemo(): Promise<void> {
  const db = getDb();
  seedAccounts(db);
  seedDemoCycles(db);
}
