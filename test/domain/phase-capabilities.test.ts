import { describe, expect, it } from "vitest";
import { APPEAL_TRANSITIONS, appealAllows, appealTakesEvidence } from "../../app/domain/appeal-status";
import { CYCLE_CAPABILITIES, CYCLE_STATUS_CAPABILITIES, cycleAllows, editModeOf, statusesAllowing } from "../../app/domain/cycle-capabilities";
import { CYCLE_TRANSITIONS } from "../../app/domain/cycle-status";
import { RECTIFICATION_TRANSITIONS, rectificationAllows, rectificationTakesEvidence } from "../../app/domain/rectification-status";
import { CYCLE_STATUSES } from "../../db/schema/cycles";
import { APPEAL_STATUSES, RECTIFICATION_STATUSES } from "../../db/schema/evaluation";

/** The phase tables: what each status of a cycle, rectification and appeal lets happen. */

describe("cycle capabilities", () => {
  it("answer for every status, in status order", () => {
    expect(Object.keys(CYCLE_STATUS_CAPABILITIES)).toEqual([...CYCLE_STATUSES]);
    for (const caps of Object.values(CYCLE_STATUS_CAPABILITIES)) for (const c of caps) expect(CYCLE_CAPABILITIES).toContain(c);
  });

  it("open each kind of work in its phase only", () => {
    expect(statusesAllowing("editSets")).toEqual(["draft"]);
    expect(statusesAllowing("amendIndicators")).toEqual(["published", "evaluating"]);
    expect(statusesAllowing("editCategorySettings")).toEqual(["draft", "published", "evaluating", "preliminary"]);
    expect(statusesAllowing("selfInspect")).toEqual(["published"]);
    expect(statusesAllowing("selfInspectionShown")).toEqual(["published", "evaluating", "preliminary", "final"]);
    expect(statusesAllowing("evaluate")).toEqual(["published", "evaluating"]);
    expect(statusesAllowing("computeResults")).toEqual(["published", "evaluating", "preliminary"]);
    expect(statusesAllowing("appeal")).toEqual(["preliminary"]);
    expect(statusesAllowing("publicPage")).toEqual(["final", "archived"]);
    expect(statusesAllowing("issueNotice")).toEqual(["final"]);
    expect(statusesAllowing("visible")).toEqual(["published", "evaluating", "preliminary", "final", "archived"]);
  });

  it("never recompute results that are final, and show final results only once they are out", () => {
    for (const status of CYCLE_STATUSES) {
      if (cycleAllows(status, "resultsFinal")) expect(cycleAllows(status, "computeResults"), status).toBe(false);
      // A category's weight or grades change only while its results can still be recomputed.
      if (cycleAllows(status, "editCategorySettings") && status !== "draft") expect(cycleAllows(status, "computeResults"), status).toBe(true);
      if (cycleAllows(status, "resultsFinal") || cycleAllows(status, "appeal")) expect(cycleAllows(status, "resultsOut"), status).toBe(true);
    }
  });

  it("once results are out (or final) along the transitions, they stay so", () => {
    for (const t of CYCLE_TRANSITIONS) {
      for (const cap of ["resultsOut", "resultsFinal", "visible"] as const) {
        if (cycleAllows(t.from, cap)) expect(cycleAllows(t.to, cap), `${t.from}→${t.to} ${cap}`).toBe(true);
      }
    }
  });

  it("give the indicator editor's mode: free in a draft, amendments while published or evaluating, frozen later", () => {
    expect(CYCLE_STATUSES.map(editModeOf)).toEqual(["draft", "amend", "amend", "frozen", "frozen", "frozen"]);
  });
});

describe("rectification workflow", () => {
  it("the unit responds to a pending or failed rectification; the verifier judges a response", () => {
    expect(RECTIFICATION_STATUSES.filter((s) => rectificationAllows(s, "respond"))).toEqual(["pending", "failed"]);
    expect(RECTIFICATION_STATUSES.filter((s) => rectificationAllows(s, "verify"))).toEqual(["responded"]);
    expect(RECTIFICATION_STATUSES.filter(rectificationTakesEvidence)).toEqual(["pending", "failed"]);
  });

  it("its steps lead to statuses that exist, and a passed rectification is final", () => {
    for (const t of Object.values(RECTIFICATION_TRANSITIONS)) for (const s of [...t.from, ...t.to]) expect(RECTIFICATION_STATUSES).toContain(s);
    expect(RECTIFICATION_TRANSITIONS.respond.to).toEqual(["responded"]);
    expect(RECTIFICATION_TRANSITIONS.verify.to).toEqual(["passed", "failed"]);
    expect(Object.values(RECTIFICATION_TRANSITIONS).some((t) => t.from.includes("passed"))).toBe(false);
  });
});

describe("appeal workflow", () => {
  it("only a pending appeal is decided (维持 or 调整) or takes evidence; a decision is final", () => {
    expect(APPEAL_STATUSES.filter((s) => appealAllows(s, "decide"))).toEqual(["pending"]);
    expect(APPEAL_STATUSES.filter(appealTakesEvidence)).toEqual(["pending"]);
    expect(APPEAL_TRANSITIONS.decide.to).toEqual(["upheld", "adjusted"]);
  });
});
