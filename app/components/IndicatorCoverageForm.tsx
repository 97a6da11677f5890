import { Form } from "@remix-run/react";

export interface CoverageView {
  /** Names of the mandated dimensions the set leaves uncovered. */
  missing: string[];
  /** The recorded reason, when it covers every missing dimension. */
  reason: string | null;
}

/**
 * A set lacking one of the four mandated dimensions: the recorded reason (shown to everyone), and
 * for the office a form to record or change it — publishing needs it.
 */
export function IndicatorCoverageForm({ coverage, canEdit, busy, error }: { coverage: CoverageView; canEdit: boolean; busy: boolean; error?: string }) {
  if (coverage.missing.length === 0) return null;
  const names = coverage.missing.map((d) => `“${d}”`).join("、");
  return (
    <section className="card" aria-labelledby="coverage-h">
      <h2 id="coverage-h">维度覆盖</h2>
      <p>
        本指标体系未覆盖{names}维度（政策要求信息公开、政策解读、回应关切、媒体参与四项均须设置指标）。
        {coverage.reason === null ? "本地考核细则确未设置的，记录原因后方可发布。" : null}
      </p>
      {coverage.reason !== null ? (
        <p data-testid="coverage-reason">
          <strong>已记录的原因：</strong>
          {coverage.reason}
        </p>
      ) : null}
      {canEdit ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="coverage" />
          <div className="field">
            <label htmlFor="f-coverage-reason">{coverage.reason === null ? "未覆盖的原因" : "修改原因"}</label>
            <textarea
              id="f-coverage-reason"
              name="coverageReason"
              rows={2}
              maxLength={500}
              defaultValue={coverage.reason ?? ""}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "f-coverage-reason-error" : undefined}
            />
            {error ? (
              <span id="f-coverage-reason-error" className="field-error" role="alert">
                {error}
              </span>
            ) : null}
          </div>
          <div>
            <button type="submit" disabled={busy}>
              记录原因
            </button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}
