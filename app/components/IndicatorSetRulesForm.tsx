import { Form } from "@remix-run/react";
import { useState } from "react";
import { categoryRulesSentences, parseCategoryRules, type CategoryRulesState } from "../domain/category-rules";
import { Field, FieldError } from "./Field";

interface Props {
  state: CategoryRulesState;
  errors: Record<string, string | undefined>;
  /** What the category follows when a field is left blank (the cycle's settings), as sentences. */
  cycleDefaults: string;
  baseParts: { code: string; name: string }[];
  scale: number;
  canEdit: boolean;
  /** After publishing a change needs a reason (修改原因). */
  needsReason: boolean;
  /** The reason typed in a refused save. */
  reason: string;
  /** Changes made after publishing, newest first (time already in Beijing time). */
  changes: { at: string; actorName: string | null; reason: string; changes: string[] }[];
  busy: boolean;
}

/**
 * 本类别考核设置: the category's own 政务公开 weight, grade thresholds, pass mark and bonus gate
 * (each blank: the cycle's), with the settings as sentences updated as the office types; after
 * publishing, a change asks for its reason and every change made since is listed.
 */
export function IndicatorSetRulesForm({ state, errors, cycleDefaults, baseParts, scale, canEdit, needsReason, reason, changes, busy }: Props) {
  const partName = (code: string) => baseParts.find((p) => p.code === code)?.name;
  const sentencesOf = (raw: Record<string, unknown>) => {
    const parsed = parseCategoryRules(raw, { scale, baseParts: baseParts.map((p) => p.code) });
    return parsed.ok ? { sentences: categoryRulesSentences(parsed.rules, partName), problems: [] } : { sentences: [], problems: Object.values(parsed.fieldErrors) };
  };
  const [live, setLive] = useState(() =>
    sentencesOf({
      weight: state.weight,
      passMark: state.passMark,
      gradeName: state.grades.map((g) => g.name),
      gradeMin: state.grades.map((g) => g.min),
      gateValue: state.gateValue,
      gateComparison: state.gateComparison,
      gatePart: state.gatePart,
    }),
  );
  const [gradeRows] = useState(() => [...state.grades, ...Array.from({ length: Math.max(0, 4 - state.grades.length) }, () => ({ name: "", min: "" }))]);
  const onChange = (form: HTMLFormElement) => {
    const fd = new FormData(form);
    const raw: Record<string, unknown> = {};
    for (const key of new Set(fd.keys())) raw[key] = fd.getAll(key).map(String);
    setLive(sentencesOf(raw));
  };
  const disabled = !canEdit;
  return (
    <section className="card" aria-labelledby="category-rules-h">
      <h2 id="category-rules-h">本类别考核设置</h2>
      <p className="muted">留空的项目沿用考核年度的设置（{cycleDefaults}）。</p>
      {changes.length > 0 ? (
        <div data-testid="category-rules-changes">
          <p>本类别考核设置在发布后修改过 {changes.length} 次：</p>
          <ul>
            {changes.map((c, i) => (
              <li key={i}>
                {c.at}，{c.actorName ?? "系统"}修改：{c.changes.join("；")}。修改原因：{c.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div data-testid="category-rules-sentence" aria-live="polite" className={live.problems.length ? "form-error" : "notice"}>
        {live.problems.length ? (
          <ul>
            {live.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        ) : live.sentences.length ? (
          <ul>
            {live.sentences.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
        ) : (
          "本类别沿用考核年度的设置。"
        )}
      </div>
      <Form method="post" className="stack" noValidate onChange={(e) => onChange(e.currentTarget)}>
        <input type="hidden" name="intent" value="categoryRules" />
        <div className="grid">
          <Field name="weight" label="政务公开工作分值权重（%）" inputMode="decimal" defaultValue={state.weight} error={errors.weight} disabled={disabled} hint="不得低于4%，如街道4、部门5" />
          <Field name="passMark" label="合格线（分）" inputMode="decimal" defaultValue={state.passMark} error={errors.passMark} disabled={disabled} />
        </div>
        <fieldset className="field">
          <legend>等次（分数下限从高到低，最低等次下限为0；全部留空沿用考核年度的等次）</legend>
          <table>
            <thead>
              <tr>
                <th scope="col">等次名称</th>
                <th scope="col">分数下限</th>
              </tr>
            </thead>
            <tbody>
              {gradeRows.map((g, i) => (
                <tr key={i}>
                  <td>
                    <input name="gradeName" aria-label={`等次${i + 1}名称`} defaultValue={g.name} disabled={disabled} size={8} />
                    <FieldError id={`f-grade-${i}-name-error`} message={errors[`grades.${i}.name`]} />
                  </td>
                  <td>
                    <input name="gradeMin" aria-label={`等次${i + 1}分数下限`} defaultValue={g.min} disabled={disabled} size={6} inputMode="decimal" />
                    <FieldError id={`f-grade-${i}-min-error`} message={errors[`grades.${i}.min`]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <FieldError id="f-grades-error" message={errors.grades} />
        </fieldset>
        <fieldset className="field">
          <legend>加分门槛（留空沿用考核年度的加分门槛）</legend>
          <div className="grid">
            <div className="field">
              <label htmlFor="f-gatePart">门槛依据</label>
              <select id="f-gatePart" name="gatePart" defaultValue={state.gatePart} disabled={disabled}>
                <option value="">基础分</option>
                {baseParts.map((p) => (
                  <option key={p.code} value={p.code}>
                    “{p.code} {p.name}”部分得分
                  </option>
                ))}
              </select>
              <FieldError id="f-gatePart-error" message={errors.gatePart} />
            </div>
            <div className="field">
              <label htmlFor="f-gateComparison">门槛比较方式</label>
              <select id="f-gateComparison" name="gateComparison" defaultValue={state.gateComparison} disabled={disabled}>
                <option value="gt">高于</option>
                <option value="gte">不低于</option>
              </select>
              <FieldError id="f-gateComparison-error" message={errors.gateComparison} />
            </div>
            <Field name="gateValue" label="门槛分数" inputMode="decimal" defaultValue={state.gateValue} error={errors.gateValue} disabled={disabled} />
          </div>
        </fieldset>
        {canEdit && needsReason ? (
          <Field
            name="settingsReason"
            label="修改原因（必填）"
            maxLength={500}
            defaultValue={reason}
            error={errors.settingsReason}
            hint="考核已发布：修改记入修订记录，已计算的结果须重新计算后才按新设置计分"
          />
        ) : null}
        {canEdit ? (
          <div>
            <button type="submit" disabled={busy}>
              保存类别考核设置
            </button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}
