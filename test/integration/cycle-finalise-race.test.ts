import { and, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as cyclePage from "../../app/routes/cycles.$cycleId";
import { serialisePackage } from "../../app/domain/deterministic-json";
import { buildCyclePackage } from "../../app/services/cycle-package.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { storedDocument } from "../../app/services/results.server";
import { mutate, writeAudit } from "../../app/utils/audit.server";
import { getDb } from "../../db/client";
import { cycleResults, cycles } from "../../db/schema";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, setCycleStatus } from "../helpers/evaluation-fixtures";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { evaluateUnits, setLeadEntry } from "../helpers/results-fixtures";

/**
 * 结果定稿 while someone else is still changing the data: the snapshot is prepared before the
 * step's transaction, so a change made meanwhile must not be lost from it. The preparation is
 * wrapped here to make such a change (an evaluator correcting a score, audited as the services do)
 * exactly while it runs.
 */

const changes = vi.hoisted(() => ({ remaining: 0, made: 0, prepared: 0, change: (() => {}) as () => void }));

// The route prepares in a worker where it can; in tests (source modules, no built worker entry) it
// runs on this thread through this same function.
vi.mock("../../app/services/results-compute.server", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../app/services/results-compute.server")>();
  return {
    ...original,
    prepareFinalSnapshot: (...args: Parameters<typeof original.prepareFinalSnapshot>) => {
      changes.prepared++;
      const snapshot = original.prepareFinalSnapshot(...args);
      if (changes.remaining > 0) {
        changes.remaining--;
        changes.made++;
        changes.change();
      }
      return snapshot;
    },
  };
});

useTempDataDir();

const CODES = DEMO_UNITS.map((u) => u.code);
const db = () => getDb();
let cycleId = 0;
let admin = "";

const finalise = () =>
  run(cyclePage.action, makeRequest(`/cycles/${cycleId}`, { cookie: admin, form: { intent: "transition", to: "final", comment: "定稿" } }), {
    cycleId: String(cycleId),
  });
const status = () => db().select().from(cycles).where(eq(cycles.id, cycleId)).get()!.status;
const finalRow = () => db().select().from(cycleResults).where(and(eq(cycleResults.cycleId, cycleId), eq(cycleResults.kind, "final"))).get();

let score = 14;
/** An evaluator corrects unit 1's leaf 1.1, audited like every change in the app. */
function correctScore() {
  score++;
  setLeadEntry(cycleId, CODES[0], "1.1", { scores: [{ value: score }] });
  mutate(db(), (tx) => writeAudit(tx, { id: null, name: "评估员" }, { action: "evaluation.entry.save", entityType: "cycle", entityId: cycleId, after: { score } }));
}

let year = 2026;

beforeAll(async () => {
  seedAccounts(db());
  admin = await sessionCookieFor("admin");
});

beforeEach(() => {
  cycleId = createCycle(year++, "evaluating").cycleId;
  evaluateUnits(cycleId, CODES);
  const pre = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!pre.ok) throw new Error(pre.message);
  setCycleStatus(cycleId, "preliminary", "2026-01-05T02:00:00.000Z");
  Object.assign(changes, { remaining: 0, made: 0, prepared: 0, change: correctScore });
});

describe("结果定稿 while the data is still changing", () => {
  it("prepares the snapshot again after a change made meanwhile, so the stored snapshot holds the change", async () => {
    changes.remaining = 1;
    const res = await finalise();
    expect(res.status).toBe(200);
    expect(changes).toMatchObject({ made: 1, prepared: 2 });
    expect(status()).toBe("final");
    // The stored package is the one the database holds now, correction included.
    const stored = storedDocument(getDb(), finalRow()!.id, "package");
    expect(stored).toBe(serialisePackage(buildCyclePackage(db(), cycleId).pkg).json);
    expect(stored).toContain(`"value":${score}`);
  });

  it("is refused with nothing stored when the data keeps changing, and the cycle stays in 初步结果", async () => {
    changes.remaining = 99;
    const res = await finalise();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.data.message).toContain("定稿过程中考核数据仍在变化，考核仍为“初步结果”");
    expect(changes.prepared).toBe(changes.made);
    expect(status()).toBe("preliminary");
    expect(finalRow()).toBeUndefined();
    // Once the changes stop, the step goes through.
    changes.remaining = 0;
    expect((await finalise()).status).toBe(200);
    expect(status()).toBe("final");
  });
});
