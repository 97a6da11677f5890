import { useState } from "react";
import { designatedPhrase, type LeafRule } from "../../scoring";
import type { ReviewFormState } from "../domain/review-input";
import { FieldError, NumberField } from "./Field";
import { ChecklistTasks, DiscretionReason } from "./RuleInputParts";

/**
 * The evaluator's inputs for one leaf, by rule type (field names as app/domain/review-input.ts
 * parses them): N/A decision, score, faults with counts + ad-hoc deductions, verified value or
 * numerator/denominator, verified events (corrections kept beside the claim), veto with reason, and
 * the reason where the value differs from the self-assessment.
 */

interface Props {
  rule: LeafRule;
  points: number;
  claimsNa: boolean;
  /** The evaluator is the leaf's designated source (以…评价为准). */
  designatedIsMe?: boolean;
  /** The department's claim per checklist task (code → done, evidence count). */
  claimedTasks?: Record<string, { done: boolean; evidence: number }>;
  state: ReviewFormState;
  errors: Record<string, string | undefined>;
  disabled: boolean;
}

export function ReviewFields({ rule, points, claimsNa, designatedIsMe = false, claimedTasks, state, errors, disabled }: Props) {
  const v = state.values;
  const [na, setNa] = useState(v.naDecision ?? "");
  const [adhoc, setAdhoc] = useState(state.adhoc.length > 0 ? state.adhoc : []);
  const [events, setEvents] = useState(state.events);
  const [ratioMode, setRatioMode] = useState(v.ratioMode ?? "value");
  const showRule = !claimsNa || na === "reject";
  return (
    <>
      {claimsNa ? (
        <fieldset>
          <legend>单位申报本项“不适用”</legend>
          <label>
            <input type="radio" name="naDecision" value="accept" defaultChecked={v.naDecision === "accept"} disabled={disabled} onChange={() => setNa("accept")} /> 认可不适用
          </label>{" "}
          <label>
            <input type="radio" name="naDecision" value="reject" defaultChecked={v.naDecision === "reject"} disabled={disabled} onChange={() => setNa("reject")} /> 不认可，按实际情况评估
          </label>
          <FieldError id="f-naDecision-error" message={errors.naDecision} />
        </fieldset>
      ) : null}
      {showRule ? (
        <>
          {rule.type === "score" ? (
            <>
              {rule.designated ? (
                <p className="notice" data-testid="designated-source">
                  本项{designatedPhrase(rule.designated, rule.designatedKind)}{designatedIsMe ? "：您的评分即为本项得分" : "，您的评分仅供参考（仍会用于判断评分分歧）"}。
                </p>
              ) : null}
              {rule.discretionMax !== undefined ? (
                <>
                  <NumberField name="score" label={`评分（在${rule.discretionMax}分内酌情给分：0–${rule.discretionMax}分）`} value={v.score} error={errors.score} disabled={disabled} />
                  <DiscretionReason value={v.discretionReason} error={errors.discretionReason} disabled={disabled} />
                </>
              ) : (
                <NumberField name="score" label={`评分（0–${points}分）`} value={v.score} error={errors.score} disabled={disabled} />
              )}
            </>
          ) : null}
          {rule.type === "checklist" ? <ChecklistTasks rule={rule} values={v} errors={errors} disabled={disabled} claimed={claimedTasks} /> : null}
          {rule.type === "deduction" ? (
            <fieldset>
              <legend>扣分情形（次数）</legend>
              {rule.faults.map((f, i) => (
                <NumberField key={f.code} name={`fault.${i}`} label={`${f.label}（每次扣${f.points}分）`} value={v[`fault.${i}`]} error={errors[`fault.${i}`]} disabled={disabled} />
              ))}
              <h4>{rule.discretionMax !== undefined ? `酌情扣分（合计不超过${rule.discretionMax}分，须逐项说明理由）` : "临时扣分"}</h4>
              <FieldError id="f-adhoc-error" message={errors.adhoc} />
              {adhoc.map((row, i) => (
                <div key={i} className="inline-form">
                  <label htmlFor={`adhoc-p-${i}`}>扣分分值</label>
                  <input id={`adhoc-p-${i}`} name="adhocPoints" defaultValue={row.points} disabled={disabled} inputMode="decimal" />
                  <label htmlFor={`adhoc-r-${i}`}>扣分理由</label>
                  <input id={`adhoc-r-${i}`} name="adhocReason" defaultValue={row.reason} disabled={disabled} maxLength={200} />
                  <FieldError id={`adhoc-${i}-error`} message={errors[`adhoc.${i}.points`] ?? errors[`adhoc.${i}.reason`]} />
                </div>
              ))}
              {!disabled ? (
                <button type="button" className="secondary" onClick={() => setAdhoc([...adhoc, { points: "", reason: "" }])}>
                  添加临时扣分
                </button>
              ) : null}
            </fieldset>
          ) : null}
          {rule.type === "ratio" ? (
            <fieldset>
              <legend>核实数值</legend>
              <label>
                <input type="radio" name="ratioMode" value="value" checked={ratioMode === "value"} disabled={disabled} onChange={() => setRatioMode("value")} /> 直接填写比率
              </label>{" "}
              <label>
                <input type="radio" name="ratioMode" value="fraction" checked={ratioMode === "fraction"} disabled={disabled} onChange={() => setRatioMode("fraction")} /> 分子/分母
              </label>
              {ratioMode === "fraction" ? (
                <>
                  <NumberField name="numerator" label="分子" value={v.numerator} error={errors.numerator} disabled={disabled} />
                  <NumberField name="denominator" label="分母" value={v.denominator} error={errors.denominator} disabled={disabled} />
                </>
              ) : (
                <NumberField name="value" label="核实比率（如 0.98）" value={v.value} error={errors.value} disabled={disabled} />
              )}
            </fieldset>
          ) : null}
          {rule.type === "tiers" ? <NumberField name="value" label="核实数量" value={v.value} error={errors.value} disabled={disabled} /> : null}
          {rule.type === "timeliness" ? (
            <fieldset>
              <legend>核实事项（可更正日期；清空时间表示不予认定）</legend>
              {events.map((e, i) => (
                <div key={i} className="inline-form">
                  <input type="hidden" name="eventClaim" value={e.claim} />
                  <label htmlFor={`ev-l-${i}`}>事项</label>
                  <input id={`ev-l-${i}`} name="eventLabel" defaultValue={e.label} disabled={disabled} maxLength={200} />
                  <label htmlFor={`ev-s-${i}`}>开始</label>
                  <input id={`ev-s-${i}`} name="eventStart" type="datetime-local" defaultValue={e.start} disabled={disabled} />
                  <label htmlFor={`ev-e-${i}`}>结束</label>
                  <input id={`ev-e-${i}`} name="eventEnd" type="datetime-local" defaultValue={e.end} disabled={disabled} />
                  {e.claim !== "" ? <span className="muted">（核实单位申报的第{Number(e.claim) + 1}件）</span> : <span className="muted">（评估员补充）</span>}
                  <FieldError id={`ev-${i}-error`} message={errors[`events.${i}.start`] ?? errors[`events.${i}.end`] ?? errors[`events.${i}.label`]} />
                </div>
              ))}
              {!disabled ? (
                <button type="button" className="secondary" onClick={() => setEvents([...events, { claim: "", label: "", start: "", end: "" }])}>
                  补充事项
                </button>
              ) : null}
            </fieldset>
          ) : null}
          {rule.type === "veto" ? (
            <fieldset>
              <legend>单项否决</legend>
              <label>
                <input type="radio" name="vetoTriggered" value="no" defaultChecked={v.vetoTriggered === "no"} disabled={disabled} /> 不存在否决情形
              </label>{" "}
              <label>
                <input type="radio" name="vetoTriggered" value="yes" defaultChecked={v.vetoTriggered === "yes"} disabled={disabled} /> 存在否决情形
              </label>
              <FieldError id="f-vetoTriggered-error" message={errors.vetoTriggered} />
              <div className="field">
                <label htmlFor="f-vetoReason">否决理由</label>
                <textarea id="f-vetoReason" name="vetoReason" rows={2} maxLength={500} defaultValue={v.vetoReason ?? ""} disabled={disabled} aria-invalid={errors.vetoReason ? true : undefined} />
                <FieldError id="f-vetoReason-error" message={errors.vetoReason} />
              </div>
            </fieldset>
          ) : null}
        </>
      ) : null}
      <div className="field">
        <label htmlFor="f-reason">评估说明（与单位自评不一致时必填）</label>
        <textarea id="f-reason" name="reason" rows={3} maxLength={1000} defaultValue={v.reason ?? ""} disabled={disabled} aria-invalid={errors.reason ? true : undefined} />
        <FieldError id="f-reason-error" message={errors.reason} />
      </div>
    </>
  );
}
