import type { CycleStatus } from "../../db/schema/cycles";

/**
 * The assessment year as the office follows it (首页 stepper): 自查 → 评估 → 抽查 → 初步结果 → 复核 →
 * 定稿. Each step is done, current or ahead, from the cycle's status and whether spot checks have begun.
 */
export const PROGRESS_STEPS = ["自查", "评估", "抽查", "初步结果", "复核", "定稿"] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];
export type StepState = "done" | "current" | "ahead";

const ORDER: Record<CycleStatus, number> = { draft: 0, published: 1, evaluating: 2, preliminary: 3, final: 4, archived: 5 };

export function cycleProgress(status: CycleStatus, spotChecksBegun: boolean): { step: ProgressStep; state: StepState }[] {
  const at = ORDER[status];
  const state = (done: boolean, current: boolean): StepState => (done ? "done" : current ? "current" : "ahead");
  return [
    { step: "自查", state: state(at >= 2, at === 1) },
    { step: "评估", state: state(at >= 3, at === 2) },
    { step: "抽查", state: state(at >= 3, at === 2 && spotChecksBegun) },
    { step: "初步结果", state: state(at >= 3, false) },
    { step: "复核", state: state(at >= 4, at === 3) },
    { step: "定稿", state: state(at >= 4, false) },
  ];
}

export const STEP_STATE_LABELS: Record<StepState, string> = { done: "已完成", current: "进行中", ahead: "未开始" };
