import type { LeafRule } from "../../scoring";
import type { ReviewFormState } from "../domain/review-input";
import { RULE_TYPE_LABELS } from "../domain/evaluation-labels";
import { Field, NumberField, SelectField } from "./Field";

/**
 * One leaf of the one-page scoring sheet (评估录入 · 一页评分): the department's answer and the
 * evaluator's inputs, named `n<nodeId>.<field>` — the names app/domain/review-input.ts parses, under
 * the row's prefix. Event rows and ad-hoc deductions are carried as they stand (edited on the leaf's
 * own page, linked), so saving the row keeps them.
 */

interface Row {
  nodeId: number;
  code: string;
  name: string;
  points: number;
  part: string;
  rule: LeafRule;
  self: string[];
  claimsNa: boolean;
  entered: boolean;
  version: number;
  form: ReviewFormState;
}

interface Props {
  row: Row;
  leafHref: string;
  errors: Record<string, string | undefined>;
  disabled: boolean;
  busy: boolean;
}

export function ReviewSheetRow({
  row,
  leafHref,
  errors,
  disabled,
  busy,
}: Props) {
  const p = `n${row.nodeId}.`;
  const v = row.form.values;
  const rule = row.rule;
  const otherErrors = Object.entries(errors).filter(
    ([k]) =>
      ![
        "score",
        "value",
        "numerator",
        "denominator",
        "naDecision",
        "vetoTriggered",
        "vetoReason",
        "reason",
      ].includes(k) && !k.startsWith("fault.")
  );
  return (
    <tr id={`leaf-${row.nodeId}`}>
      <th
        scope="row"
        style={{ minWidth: "10rem", textAlign: "left", fontWeight: "normal" }}
      >
        <a href={leafHref}>
          {row.code} {row.name}
        </a>
        <div className="muted">
          {RULE_TYPE_LABELS[rule.type]} ·{" "}
          {row.part === "veto" ? "否决项" : `${row.points}分`}
        </div>
        {row.entered ? (
          <span className="badge ok">已录入</span>
        ) : (
          <span className="badge warn">未录入</span>
        )}
      </th>
      <td>{row.self.join("；")}</td>
      <td>
        <input type="hidden" name={`${p}version`} value={row.version} />
        {row.claimsNa ? (
          <SelectField
            name={`${p}naDecision`}
            label="单位申报不适用"
            defaultValue={v.naDecision ?? ""}
            error={errors.naDecision}
          >
            <option value="">请选择</option>
            <option value="accept">认可不适用</option>
            <option value="reject">不认可，按实际情况评估</option>
          </SelectField>
        ) : null}
        {rule.type === "score" ? (
          <NumberField
            name={`${p}score`}
            label={`评分（0–${row.points}分）`}
            value={v.score}
            error={errors.score}
            disabled={disabled}
          />
        ) : null}
        {rule.type === "deduction" ? (
          <>
            {rule.faults.map((f, i) => (
              <NumberField
                key={f.code}
                name={`${p}fault.${i}`}
                label={`${f.label}（次）`}
                value={v[`fault.${i}`]}
                error={errors[`fault.${i}`]}
                disabled={disabled}
                inputMode="numeric"
              />
            ))}
            {row.form.adhoc.map((a, i) => (
              <span key={i}>
                <input
                  type="hidden"
                  name={`${p}adhocPoints`}
                  value={a.points}
                />
                <input
                  type="hidden"
                  name={`${p}adhocReason`}
                  value={a.reason}
                />
              </span>
            ))}
            {row.form.adhoc.length > 0 ? (
              <p className="muted">
                另有{row.form.adhoc.length}条临时扣分，在单项页面修改。
              </p>
            ) : null}
          </>
        ) : null}
        {rule.type === "ratio" ? (
          <>
            <input
              type="hidden"
              name={`${p}ratioMode`}
              value={v.ratioMode ?? "value"}
            />
            {v.ratioMode === "fraction" ? (
              <>
                <NumberField
                  name={`${p}numerator`}
                  label="分子"
                  value={v.numerator}
                  error={errors.numerator}
                  disabled={disabled}
                />
                <NumberField
                  name={`${p}denominator`}
                  label="分母"
                  value={v.denominator}
                  error={errors.denominator}
                  disabled={disabled}
                />
              </>
            ) : (
              <NumberField
                name={`${p}value`}
                label="核实比率"
                value={v.value}
                error={errors.value}
                disabled={disabled}
              />
            )}
          </>
        ) : null}
        {rule.type === "tiers" ? (
          <NumberField
            name={`${p}value`}
            label="核实数量"
            value={v.value}
            error={errors.value}
            disabled={disabled}
          />
        ) : null}
        {rule.type === "timeliness" ? (
          <>
            {row.form.events.map((e, i) => (
              <span key={i}>
                <input type="hidden" name={`${p}eventClaim`} value={e.claim} />
                <input type="hidden" name={`${p}eventLabel`} value={e.label} />
                <input type="hidden" name={`${p}eventStart`} value={e.start} />
                <input type="hidden" name={`${p}eventEnd`} value={e.end} />
              </span>
            ))}
            <p className="muted">
              {row.form.events.length}件事项按
              {row.entered ? "已录入" : "单位申报"}的时间保存；核实时间请在
              <a href={leafHref}>单项页面</a>修改。
            </p>
          </>
        ) : null}
        {rule.type === "veto" ? (
          <>
            <SelectField
              name={`${p}vetoTriggered`}
              label="单项否决"
              defaultValue={v.vetoTriggered ?? ""}
              error={errors.vetoTriggered}
            >
              <option value="">请选择</option>
              <option value="no">不存在否决情形</option>
              <option value="yes">存在否决情形</option>
            </SelectField>
            <Field
              name={`${p}vetoReason`}
              label="否决理由"
              defaultValue={v.vetoReason ?? ""}
              error={errors.vetoReason}
              maxLength={500}
              disabled={disabled}
            />
          </>
        ) : null}
      </td>
      <td>
        <Field
          name={`${p}reason`}
          label="与自评不一致的理由"
          defaultValue={v.reason ?? ""}
          error={errors.reason}
          maxLength={1000}
          disabled={disabled}
        />
        {otherErrors.map(([k, m]) => (
          <span key={k} className="field-error" role="alert">
            {m}
          </span>
        ))}
      </td>
      <td>
        {!disabled ? (
          <button
            type="submit"
            name="row"
            value={row.nodeId}
            className="secondary"
            disabled={busy}
            aria-label={`保存${row.code} ${row.name}`}
          >
            保存本行
          </button>
        ) : null}
      </td>
    </tr>
  );
}
