import { Form } from "@remix-run/react";
import type { Divergence } from "../services/arbitration.server";

/** What the arbitration action answers; `key` = "unitId:nodeId" of the form that posted. */
export interface ArbitrationActionResult {
  ok: boolean;
  key: string;
  message?: string;
  fieldErrors: Record<string, string>;
}

/** A divergent leaf as the page shows it: the arbitration's time as Beijing text. */
export type DivergenceView = Omit<Divergence, "arbitration"> & {
  arbitration: (Omit<NonNullable<Divergence["arbitration"]>, "decidedAt"> & { decidedAtText: string }) | null;
};

/** The arbitration form of one divergent leaf (value + required reason). */
export function ArbitrationForm(props: { cycleId: number; unitId: number; nodeId: number; points: number; busy: boolean; actionData: ArbitrationActionResult | null }) {
  const key = `${props.unitId}:${props.nodeId}`;
  const errors = props.actionData && !props.actionData.ok && props.actionData.key === key ? props.actionData.fieldErrors : {};
  const id = (f: string) => `arb-${props.unitId}-${props.nodeId}-${f}`;
  return (
    <Form method="post" className="stack">
      <input type="hidden" name="intent" value="arbitrate" />
      <input type="hidden" name="cycleId" value={props.cycleId} />
      <input type="hidden" name="unitId" value={props.unitId} />
      <input type="hidden" name="nodeId" value={props.nodeId} />
      {errors._form ? (
        <span className="form-error" role="alert">
          {errors._form}
        </span>
      ) : null}
      <div className="field">
        <label htmlFor={id("value")}>仲裁分值（0–{props.points}）</label>
        <input id={id("value")} name="value" inputMode="decimal" aria-invalid={errors.value ? true : undefined} />
        {errors.value ? (
          <span className="field-error" role="alert">
            {errors.value}
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={id("reason")}>仲裁理由</label>
        <textarea id={id("reason")} name="reason" rows={2} maxLength={1000} aria-invalid={errors.reason ? true : undefined} />
        {errors.reason ? (
          <span className="field-error" role="alert">
            {errors.reason}
          </span>
        ) : null}
      </div>
      <button type="submit" disabled={props.busy}>
        记录仲裁
      </button>
    </Form>
  );
}

/** Divergent leaves with the scores behind them and their arbitration (or its form). */
export function DivergenceTable(props: {
  divergences: DivergenceView[];
  cycleId: number;
  editable: boolean;
  busy: boolean;
  actionData: ArbitrationActionResult | null;
}) {
  if (props.divergences.length === 0) return <p className="muted">暂无评分分歧。</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">单位</th>
            <th scope="col">指标</th>
            <th scope="col">各评估员评分</th>
            <th scope="col">差异 / 允许</th>
            <th scope="col">仲裁</th>
          </tr>
        </thead>
        <tbody>
          {props.divergences.map((x) => (
            <tr key={`${x.unitId}:${x.nodeId}`}>
              <td>
                {x.unitCode} {x.unitName}
              </td>
              <td>
                {x.code} {x.name}（{x.points}分）
                <br />
                <span className="muted">{x.explain}</span>
              </td>
              <td>{x.scores.map((s) => `${s.by || "评估员"}：${s.value}分`).join("；")}</td>
              <td>
                {x.spread} / {x.allowed}
              </td>
              <td>
                {x.arbitration ? (
                  <p>
                    <span className="badge ok">已仲裁 {x.arbitration.value}分</span> {x.arbitration.reason}
                    <br />
                    <span className="muted">
                      {x.arbitration.decidedBy} · {x.arbitration.decidedAtText}
                    </span>
                  </p>
                ) : (
                  <span className="badge warn">待仲裁</span>
                )}
                {props.editable ? <ArbitrationForm cycleId={props.cycleId} unitId={x.unitId} nodeId={x.nodeId} points={x.points} busy={props.busy} actionData={props.actionData} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
