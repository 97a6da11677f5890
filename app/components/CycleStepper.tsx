import { STEP_STATE_LABELS, type ProgressStep, type StepState } from "../domain/cycle-progress";

/** The assessment year's progress (自查 → … → 定稿) as an ordered list a screen reader reads in order. */
export function CycleStepper({ steps }: { steps: { step: ProgressStep; state: StepState }[] }) {
  return (
    <ol className="stepper" aria-label="考核进度">
      {steps.map((s) => (
        <li key={s.step} className={`step step-${s.state}`} aria-current={s.state === "current" ? "step" : undefined}>
          <span className="step-name">{s.step}</span>
          <span className="step-state">{STEP_STATE_LABELS[s.state]}</span>
        </li>
      ))}
    </ol>
  );
}
