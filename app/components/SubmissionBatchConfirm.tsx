import { Form, Link } from "@remix-run/react";

/** The confirmation of an office batch action on 自查审核: the units it applies to, then its one date/reason or comment. */

interface Props {
  cycleId: number;
  cycleDue: string;
  batch: {
    kind: "extend" | "return";
    label: string;
    units: {
      unitId: number;
      unitName: string;
      statusLabel: string;
      due: string;
    }[];
    skipped: { unitId: number; unitName: string; why: string }[];
  };
  cancelTo: string;
  busy: boolean;
  errors: Record<string, string | undefined>;
  values: Record<string, string | undefined>;
}

function FieldMessage({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

export function SubmissionBatchConfirm({
  cycleId,
  cycleDue,
  batch,
  cancelTo,
  busy,
  errors,
  values,
}: Props) {
  const extend = batch.kind === "extend";
  return (
    <section className="card" aria-labelledby="batch-h">
      <h2 id="batch-h">确认{batch.label}</h2>
      {batch.units.length > 0 ? (
        <>
          <p>
            将对以下{batch.units.length}个单位{extend ? "批准延期" : "退回自查"}
            ：
          </p>
          <ul aria-label="将处理的单位">
            {batch.units.map((u) => (
              <li key={u.unitId}>
                {u.unitName}（{u.statusLabel}，截止{u.due}）
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="field-error">所选单位都不适用此操作。</p>
      )}
      {batch.skipped.length > 0 ? (
        <>
          <p className="muted">以下单位不适用，不会处理：</p>
          <ul aria-label="不处理的单位">
            {batch.skipped.map((u) => (
              <li key={u.unitId}>
                {u.unitName}：{u.why}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {batch.units.length > 0 ? (
        <Form method="post" className="stack" noValidate>
          <input
            type="hidden"
            name="intent"
            value={extend ? "batchExtend" : "batchReturn"}
          />
          <input type="hidden" name="cycleId" value={cycleId} />
          {batch.units.map((u) => (
            <input
              key={u.unitId}
              type="hidden"
              name="unitId"
              value={u.unitId}
            />
          ))}
          {extend ? (
            <>
              <div className="field">
                <label htmlFor="batch-until">延期至</label>
                <input
                  id="batch-until"
                  name="until"
                  type="date"
                  min={cycleDue}
                  defaultValue={values.until ?? ""}
                  aria-invalid={errors.until ? true : undefined}
                  aria-describedby={
                    errors.until ? "batch-until-error" : undefined
                  }
                />
                <FieldMessage id="batch-until-error" message={errors.until} />
              </div>
              <div className="field">
                <label htmlFor="batch-reason">延期理由</label>
                <textarea
                  id="batch-reason"
                  name="reason"
                  maxLength={500}
                  defaultValue={values.reason ?? ""}
                  aria-invalid={errors.reason ? true : undefined}
                  aria-describedby={
                    errors.reason ? "batch-reason-error" : undefined
                  }
                />
                <FieldMessage id="batch-reason-error" message={errors.reason} />
              </div>
            </>
          ) : (
            <>
              <div className="field">
                <label htmlFor="batch-comment">
                  退回意见（每个单位、每项退回的指标均附此意见）
                </label>
                <textarea
                  id="batch-comment"
                  name="comment"
                  maxLength={1000}
                  defaultValue={values.comment ?? ""}
                  aria-invalid={errors.comment ? true : undefined}
                  aria-describedby={
                    errors.comment ? "batch-comment-error" : undefined
                  }
                />
                <FieldMessage
                  id="batch-comment-error"
                  message={errors.comment}
                />
              </div>
              <div className="field">
                <label htmlFor="batch-codes">
                  退回的指标编号（可选，用顿号或空格分隔；不填则退回全部指标）
                </label>
                <input
                  id="batch-codes"
                  name="codes"
                  defaultValue={values.codes ?? ""}
                />
              </div>
            </>
          )}
          {errors.unitIds ? (
            <FieldMessage id="batch-units-error" message={errors.unitIds} />
          ) : null}
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              确认{batch.label}（{batch.units.length}个单位）
            </button>
            <Link to={cancelTo} className="button secondary">
              取消
            </Link>
          </div>
        </Form>
      ) : (
        <Link to={cancelTo}>返回</Link>
      )}
    </section>
  );
}
