// Child process of bench:report: seeds a synthetic cycle (without self-assessments) into DATA_DIR
// and prints {"cycleId":…,"entries":…,"leaves":…}. Seeding 2 000 000 entries leaves hundreds of MB
// of garbage in the heap that made it; the bench measures in a process whose heap holds only what
// the measured work makes, as the results worker's does.
// argv: <units> <leaves> <year>
import { closeDb, getDb } from "../db/client";
import { seedSynthetic } from "../seeds/synthetic/generate";

const [units, leaves, year] = process.argv.slice(2).map(Number);
seedSynthetic(getDb(), { units, leaves, year, selfAssessment: false })
  .then((s) => {
    closeDb();
    process.stdout.write(`${JSON.stringify({ cycleId: s.cycleId, entries: s.entries, leaves: s.leaves })}\n`);
  })
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
