import { useEffect, useRef, useState } from "react";
import { designatedPhrase, type CalendarInput, type LeafRule } from "../../scoring";
import { eventRowStatus, NARRATIVE_MAX, REASON_MAX, type AnswerFormState, type EventRow } from "../domain/answer-input";
import { FieldError, NumberField } from "./Field";
import { ChecklistTasks, DiscretionReason } from "./RuleInputParts";

interface Props {
  rule: LeafRule;
  points: number;
  part: string;
  state: AnswerFormState;
  errors: Record<string, string | undefined>;
  disabled: boolean;
  calendar: CalendarInput;
  eventLabels: { title: string; start: string; end: string };
  /** Called after edits that are not input events (rows added or removed). */
  onEdited?: () => void;
}

/** The rule-specific inputs of a leaf's answer form, plus N/A and the narrative. */
export function AnswerFields({ rule, points, part, state, errors, disabled, calendar, eventLabels, onEdited }: Props) {
  const v = state.values;
  const [na, setNa] = useState(v.na === "1");
  const [narrativeLength, setNarrativeLength] = useState(Array.from(v.narrative ?? "").length);
  const isVeto = rule.type === "veto" || part === "veto";

  return (
    <div className="stack" style={{ display: "grid", gap: ".8rem" }}>
      {!isVeto ? (
        <fieldset>
          <legend>是否适用</legend>
          <label>
            <input type="checkbox" name="na" value="1" defaultChecked={na} disabled={disabled} onChange={(e) => setNa(e.currentTarget.checked)} /> 本单位不适用此项指标
          </label>
          <FieldError id="f-na-error" message={errors.na} />
          {na ? (
            <div className="field">
              <label htmlFor="f-naReason">不适用理由（必填）</label>
              <textarea
                id="f-naReason"
                name="naReason"
                defaultValue={v.naReason ?? ""}
                maxLength={REASON_MAX}
                disabled={disabled}
                aria-invalid={errors.naReason ? true : undefined}
                aria-describedby={errors.naReason ? "f-naReason-error" : undefined}
              />
              <FieldError id="f-naReason-error" message={errors.naReason} />
            </div>
          ) : null}
        </fieldset>
      ) : null}

      {!na ? <RuleFields rule={rule} points={points} state={state} errors={errors} disabled={disabled} calendar={calendar} eventLabels={eventLabels} onEdited={onEdited} /> : null}

      <div className="field">
        <label htmlFor="f-narrative">说明</label>
        <textarea
          id="f-narrative"
          name="narrative"
          defaultValue={v.narrative ?? ""}
          disabled={disabled}
          rows={5}
          onInput={(e) => setNarrativeLength(Array.from(e.currentTarget.value).length)}
          aria-invalid={errors.narrative ? true : undefined}
          aria-describedby="f-narrative-count"
        />
        <span id="f-narrative-count" className={narrativeLength > NARRATIVE_MAX ? "field-error" : "muted"}>
          {narrativeLength} / {NARRATIVE_MAX} 字
        </span>
        <FieldError id="f-narrative-error" message={errors.narrative} />
      </div>
    </div>
  );
}

function RuleFields({ rule, points, state, errors, disabled, calendar, eventLabels, onEdited }: Omit<Props, "part">) {
  const v = state.values;
  switch (rule.type) {
    case "score":
      return (
        <>
          {rule.designated ? (
            <p className="notice" data-testid="designated-source">
              本项{designatedPhrase(rule.designated, rule.designatedKind)}，其他评分仅供参考。
            </p>
          ) : null}
          {rule.discretionMax !== undefined ? (
            <>
              <NumberField name="selfScore" label={`自评分（在${rule.discretionMax}分内酌情给分：0–${rule.discretionMax}分）`} value={v.selfScore} error={errors.selfScore} disabled={disabled} />
              <DiscretionReason value={v.discretionReason} error={errors.discretionReason} disabled={disabled} />
            </>
          ) : (
            <NumberField name="selfScore" label={`自评分（0–${points}分）`} value={v.selfScore} error={errors.selfScore} disabled={disabled} />
          )}
        </>
      );
    case "checklist":
      return <ChecklistTasks rule={rule} values={v} errors={errors} disabled={disabled} evidenceField />;
    case "deduction":
      if (rule.faults.length === 0) return <p className="muted">该指标未设置扣分项，由评估人员核查扣分。</p>;
      return (
        <fieldset style={{ minWidth: 0 }}>
          <legend>扣分情形自报（填写本年度发生次数）</legend>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">扣分情形</th>
                  <th scope="col" className="num">
                    每次扣分
                  </th>
                  <th scope="col">次数</th>
                </tr>
              </thead>
              <tbody>
                {rule.faults.map((f, i) => (
                  <tr key={f.code}>
                    <td>
                      <label htmlFor={`f-fault.${i}`}>{f.label}</label>
                    </td>
                    <td className="num">{f.points}</td>
                    <td>
                      <input
                        id={`f-fault.${i}`}
                        name={`fault.${i}`}
                        type="text"
                        inputMode="numeric"
                        defaultValue={v[`fault.${i}`] ?? ""}
                        placeholder="0"
                        disabled={disabled}
                        style={{ maxWidth: "7rem" }}
                        aria-invalid={errors[`fault.${i}`] ? true : undefined}
                      />
                      <FieldError id={`f-fault.${i}-error`} message={errors[`fault.${i}`]} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
      );
    case "ratio":
      return <RatioFields target={rule.target} state={state} errors={errors} disabled={disabled} />;
    case "tiers":
      return <NumberField name="count" label="数量" value={v.count} error={errors.count} disabled={disabled} inputMode="numeric" />;
    case "timeliness":
      return <EventRows rule={rule} rows={state.events} errors={errors} disabled={disabled} calendar={calendar} labels={eventLabels} onEdited={onEdited} />;
    case "veto":
      return (
        <fieldset>
          <legend>本年度是否存在单项否决情形</legend>
          <label>
            <input type="radio" name="vetoTriggered" value="no" defaultChecked={v.vetoTriggered === "no"} disabled={disabled} /> 不存在
          </label>{" "}
          <label>
            <input type="radio" name="vetoTriggered" value="yes" defaultChecked={v.vetoTriggered === "yes"} disabled={disabled} /> 存在
          </label>
          <FieldError id="f-vetoTriggered-error" message={errors.vetoTriggered} />
          <div className="field">
            <label htmlFor="f-vetoReason">存在时请说明具体情况</label>
            <textarea id="f-vetoReason" name="vetoReason" defaultValue={v.vetoReason ?? ""} maxLength={REASON_MAX} disabled={disabled} />
            <FieldError id="f-vetoReason-error" message={errors.vetoReason} />
          </div>
        </fieldset>
      );
  }
}

function RatioFields({ target, state, errors, disabled }: { target: number; state: AnswerFormState; errors: Record<string, string | undefined>; disabled: boolean }) {
  const v = state.values;
  const [mode, setMode] = useState(v.ratioMode === "fraction" ? "fraction" : "value");
  return (
    <fieldset>
      <legend>比率（目标值 {target}）</legend>
      <label>
        <input type="radio" name="ratioMode" value="fraction" checked={mode === "fraction"} disabled={disabled} onChange={() => setMode("fraction")} /> 填写分子和分母
      </label>{" "}
      <label>
        <input type="radio" name="ratioMode" value="value" checked={mode === "value"} disabled={disabled} onChange={() => setMode("value")} /> 直接填写比率
      </label>
      {mode === "fraction" ? (
        <div className="inline-form">
          <NumberField name="numerator" label="分子" value={v.numerator} error={errors.numerator} disabled={disabled} />
          <NumberField name="denominator" label="分母" value={v.denominator} error={errors.denominator} disabled={disabled} />
        </div>
      ) : (
        <NumberField name="value" label="比率" value={v.value} error={errors.value} disabled={disabled} hint="例如 0.98 表示98%" />
      )}
    </fieldset>
  );
}

const EMPTY_ROW: EventRow = { title: "", link: "", start: "", end: "" };

function EventRows(props: {
  rule: Extract<LeafRule, { type: "timeliness" }>;
  rows: EventRow[];
  errors: Record<string, string | undefined>;
  disabled: boolean;
  calendar: CalendarInput;
  labels: { title: string; start: string; end: string };
  onEdited?: () => void;
}) {
  const seq = useRef(0);
  const withKeys = (rows: EventRow[]) => rows.map((r) => ({ key: seq.current++, row: r }));
  const [rows, setRows] = useState(() => withKeys(props.disabled ? props.rows : [...props.rows, EMPTY_ROW]));
  const first = useRef(true);
  const { onEdited } = props;
  useEffect(() => {
    if (first.current) first.current = false;
    else onEdited?.();
  }, [rows.length, onEdited]);
  const update = (key: number, patch: Partial<EventRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, row: { ...r.row, ...patch } } : r)));
  const { labels, errors, disabled } = props;
  return (
    <fieldset style={{ minWidth: 0 }}>
      <legend>事项登记（每行一件，按考核年度工作日历判断是否按时）</legend>
      {errors.events ? <p className="field-error">{errors.events}</p> : null}
      <div className="table-wrap">
        <table className="event-table">
          <thead>
            <tr>
              <th scope="col">{labels.title}</th>
              <th scope="col">链接</th>
              <th scope="col">{labels.start}</th>
              <th scope="col">{labels.end}</th>
              <th scope="col">是否按时</th>
              {!disabled ? <th scope="col">操作</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, row }, i) => {
              const status = eventRowStatus(row, props.rule, props.calendar);
              const err = (f: string) => errors[`events.${i}.${f}`];
              return (
                <tr key={key}>
                  <td>
                    <input
                      name="eventTitle"
                      aria-label={`第${i + 1}行${labels.title}`}
                      value={row.title}
                      disabled={disabled}
                      onChange={(e) => update(key, { title: e.currentTarget.value })}
                    />
                    <FieldError id={`ev-${key}-title`} message={err("title")} />
                  </td>
                  <td>
                    <input
                      name="eventLink"
                      type="url"
                      aria-label={`第${i + 1}行链接`}
                      placeholder="https://"
                      value={row.link}
                      disabled={disabled}
                      onChange={(e) => update(key, { link: e.currentTarget.value })}
                    />
                    <FieldError id={`ev-${key}-link`} message={err("link")} />
                  </td>
                  <td>
                    <input
                      name="eventStart"
                      type="datetime-local"
                      aria-label={`第${i + 1}行${labels.start}`}
                      value={row.start}
                      disabled={disabled}
                      onChange={(e) => update(key, { start: e.currentTarget.value })}
                    />
                    <FieldError id={`ev-${key}-start`} message={err("start")} />
                  </td>
                  <td>
                    <input
                      name="eventEnd"
                      type="datetime-local"
                      aria-label={`第${i + 1}行${labels.end}`}
                      value={row.end}
                      disabled={disabled}
                      onChange={(e) => update(key, { end: e.currentTarget.value })}
                    />
                    <FieldError id={`ev-${key}-end`} message={err("end")} />
                  </td>
                  <td className="event-status">
                    {status ? (
                      <>
                        <span className={`badge ${status.onTime ? "ok" : "error"}`}>{status.onTime ? "按时" : "超时"}</span>
                        <br />
                        <span className="muted" style={{ fontSize: ".85rem" }}>
                          {status.detail}
                        </span>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  {!disabled ? (
                    <td>
                      <button type="button" className="secondary" onClick={() => setRows((rs) => rs.filter((r) => r.key !== key))} aria-label={`删除第${i + 1}行`}>
                        删除
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!disabled ? (
        <button type="button" className="secondary" onClick={() => setRows((rs) => [...rs, ...withKeys([EMPTY_ROW])])}>
          添加一行
        </button>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">{props.rule.whenEmpty === "na" ? "未登记事项：该指标按不适用处理。" : "未登记事项：本年度没有此类事项的，该指标按满分计。"}</p>
      ) : null}
    </fieldset>
  );
}
