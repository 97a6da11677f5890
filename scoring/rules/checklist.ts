// {"type":"checklist"} (zwgk-assessment/2): “完成附件所列任务，每项X分”. The input marks every task
// of the rule done or not, with the number of evidence items (佐证材料) for it; the leaf scores
// min(points, Σ points of the tasks done with evidence). A task marked done without evidence scores 0.
import { numStr } from "../decimal";
import { add, cmp, min, num, str, ZERO, type Rat } from "../rational";
import { setOut, type RuleModule } from "./types";

interface CompiledTask {
  /** Position in the rule (explanations follow the rule's order, whatever the input's). */
  idx: number;
  points: Rat;
  /** “…”已完成，得x分 */
  doneText: string;
  /** “…”已完成，无佐证材料，不得分 */
  noEvidenceText: string;
  /** “…”未完成，不得分 */
  notDoneText: string;
}

interface Compiled {
  points: Rat;
  pointsStr: string;
  tasks: Map<string, CompiledTask>;
  count: number;
}

/** A task's state in an input: 0 not done, 1 done without evidence, 2 done with evidence. */
const NOT_DONE = 0;
const NO_EVIDENCE = 1;
const DONE = 2;

/** Outcome keys are base-3 numbers over the tasks: exact in a double up to 3^33 < 2^53. */
const MAX_KEYED_TASKS = 33;

function taskState(done: boolean, evidence: number | undefined): number {
  if (!done) return NOT_DONE;
  return evidence !== undefined && evidence > 0 ? DONE : NO_EVIDENCE;
}

export const checklistRule: RuleModule<Compiled> = {
  type: "checklist",
  compile(leaf) {
    const tasks = new Map<string, CompiledTask>();
    if (leaf.rule.type === "checklist") {
      for (const t of leaf.rule.tasks) {
        tasks.set(t.code, {
          idx: tasks.size,
          points: num(t.points),
          doneText: `“${t.label}”已完成，得${numStr(t.points)}分`,
          noEvidenceText: `“${t.label}”已完成，无佐证材料，不得分`,
          notDoneText: `“${t.label}”未完成，不得分`,
        });
      }
    }
    return { points: num(leaf.points), pointsStr: numStr(leaf.points), tasks, count: tasks.size };
  },
  evaluate(c, input, _ctx, out) {
    const states: number[] = new Array(c.count).fill(NOT_DONE);
    for (const e of input.tasks ?? []) {
      const t = c.tasks.get(e.task);
      if (t === undefined) throw new Error(`task ${e.task} is not defined by its rule (package not validated?)`);
      states[t.idx] = taskState(e.done, e.evidence);
    }
    let text = "";
    let sum = ZERO;
    for (const t of c.tasks.values()) {
      const s = states[t.idx];
      let item: string;
      if (s === DONE) {
        sum = add(sum, t.points);
        item = t.doneText;
      } else item = s === NO_EVIDENCE ? t.noEvidenceText : t.notDoneText;
      text = t.idx === 0 ? item : `${text}；${item}`;
    }
    const score = min(sum, c.points);
    text += cmp(sum, c.points) > 0 ? `；已完成任务合计${str(sum)}分，以${c.pointsStr}分为限` : `；已完成任务合计${str(sum)}分`;
    setOut(out, score);
    return text;
  },
  key(c, input) {
    const entries = input.tasks;
    if (entries === undefined || c.count > MAX_KEYED_TASKS || entries.length !== c.count) return -1;
    let key = 0;
    for (const e of entries) {
      const t = c.tasks.get(e.task);
      if (t === undefined) return -1;
      key += taskState(e.done, e.evidence) * 3 ** t.idx;
    }
    return key;
  },
};
