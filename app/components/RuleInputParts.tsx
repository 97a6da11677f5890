import type { LeafRule } from "../../scoring";
import { FieldError } from "./Field";

/**
 * Inputs of the /2 rules shared by the department's answer form and the evaluator's form: the
 * reason of a score given at discretion (酌情给分), and a checklist's tasks, each marked 已完成 or
 * 未完成 (with, for the department, how many evidence items support it).
 */

export function DiscretionReason({ value, error, disabled }: { value?: string; error?: string; disabled: boolean }) {
  return (
    <div className="field">
      <label htmlFor="f-discretionReason">酌情给分理由（必填）</label>
      <textarea
        id="f-discretionReason"
        name="discretionReason"
        rows={2}
        maxLength={500}
        defaultValue={value ?? ""}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "f-discretionReason-error" : undefined}
      />
      <FieldError id="f-discretionReason-error" message={error} />
    </div>
  );
}

export function ChecklistTasks({
  rule,
  values,
  errors,
  disabled,
  evidenceField = false,
  claimed,
}: {
  rule: Extract<LeafRule, { type: "checklist" }>;
  values: Record<string, string | undefined>;
  errors: Record<string, string | undefined>;
  disabled: boolean;
  /** The department states how many evidence items support each task done. */
  evidenceField?: boolean;
  /** The department's claim, shown to the evaluator. */
  claimed?: Record<string, { done: boolean; evidence: number }>;
}) {
  return (
    <fieldset style={{ minWidth: 0 }}>
      <legend>任务完成情况（已完成的任务须有佐证材料，无佐证材料的不得分）</legend>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">任务</th>
              <th scope="col" className="num">
                分值
              </th>
              {claimed ? <th scope="col">单位申报</th> : null}
              <th scope="col">完成情况</th>
              {evidenceField ? <th scope="col">佐证材料（份）</th> : null}
            </tr>
          </thead>
          <tbody>
            {rule.tasks.map((t, i) => {
              const c = claimed?.[t.code];
              return (
                <tr key={t.code}>
                  <td>{t.label}</td>
                  <td className="num">{t.points}</td>
                  {claimed ? <td>{c === undefined ? "未标明" : c.done ? `已完成（佐证${c.evidence}份）` : "未完成"}</td> : null}
                  <td>
                    <label>
                      <input type="radio" name={`task.${i}`} value="yes" defaultChecked={values[`task.${i}`] === "yes"} disabled={disabled} aria-label={`${t.label}已完成`} /> 已完成
                    </label>{" "}
                    <label>
                      <input type="radio" name={`task.${i}`} value="no" defaultChecked={values[`task.${i}`] === "no"} disabled={disabled} aria-label={`${t.label}未完成`} /> 未完成
                    </label>
                    <FieldError id={`f-task.${i}-error`} message={errors[`task.${i}`]} />
                  </td>
                  {evidenceField ? (
                    <td>
                      <input
                        name={`taskEvidence.${i}`}
                        aria-label={`${t.label}佐证材料份数`}
                        type="text"
                        inputMode="numeric"
                        placeholder="0"
                        defaultValue={values[`taskEvidence.${i}`] ?? ""}
                        disabled={disabled}
                        style={{ maxWidth: "6rem" }}
                      />
                      <FieldError id={`f-taskEvidence.${i}-error`} message={errors[`taskEvidence.${i}`]} />
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
