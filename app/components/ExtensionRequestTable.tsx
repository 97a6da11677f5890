import { Form } from "@remix-run/react";

/** The extension requests waiting for the office (自查审核): grant with a date, or refuse with a reason. */

interface Request {
  id: number;
  unitName: string;
  wantedUntil: string;
  reason: string;
  requestedBy: string;
  requestedAtText: string;
}

interface Props {
  requests: Request[];
  minDate: string;
  busy: boolean;
  /** The failed decision, if any: its request and field messages. */
  failed: {
    requestId: string;
    fieldErrors: Record<string, string | undefined>;
    values: Record<string, string | undefined>;
  } | null;
}

export function ExtensionRequestTable({
  requests,
  minDate,
  busy,
  failed,
}: Props) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">单位</th>
            <th scope="col">希望延期至</th>
            <th scope="col">申请理由</th>
            <th scope="col">申请人</th>
            <th scope="col">审批</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => {
            const errors =
              failed?.requestId === String(r.id) ? failed.fieldErrors : {};
            const values =
              failed?.requestId === String(r.id) ? failed.values : {};
            return (
              <tr key={r.id}>
                <td>{r.unitName}</td>
                <td>{r.wantedUntil}</td>
                <td>{r.reason}</td>
                <td>
                  {r.requestedBy}
                  <div className="muted">{r.requestedAtText}</div>
                </td>
                <td>
                  {errors._form ? (
                    <p className="field-error" role="alert">
                      {errors._form}
                    </p>
                  ) : null}
                  <Form method="post" className="inline-form" noValidate>
                    <input
                      type="hidden"
                      name="intent"
                      value="decideExtension"
                    />
                    <input type="hidden" name="decision" value="grant" />
                    <input type="hidden" name="requestId" value={r.id} />
                    <label htmlFor={`grant-until-${r.id}`}>批准延期至</label>
                    <input
                      id={`grant-until-${r.id}`}
                      name="until"
                      type="date"
                      min={minDate}
                      defaultValue={values.until ?? r.wantedUntil}
                      aria-invalid={errors.until ? true : undefined}
                      aria-describedby={
                        errors.until ? `grant-until-${r.id}-error` : undefined
                      }
                    />
                    <button
                      type="submit"
                      disabled={busy}
                      aria-label={`批准${r.unitName}的延期申请`}
                    >
                      批准
                    </button>
                    {errors.until ? (
                      <span
                        id={`grant-until-${r.id}-error`}
                        className="field-error"
                        role="alert"
                      >
                        {errors.until}
                      </span>
                    ) : null}
                  </Form>
                  <Form method="post" className="inline-form" noValidate>
                    <input
                      type="hidden"
                      name="intent"
                      value="decideExtension"
                    />
                    <input type="hidden" name="decision" value="refuse" />
                    <input type="hidden" name="requestId" value={r.id} />
                    <label htmlFor={`refuse-comment-${r.id}`}>
                      不予批准的理由
                    </label>
                    <input
                      id={`refuse-comment-${r.id}`}
                      name="comment"
                      maxLength={500}
                      defaultValue={values.comment ?? ""}
                      aria-invalid={errors.comment ? true : undefined}
                      aria-describedby={
                        errors.comment
                          ? `refuse-comment-${r.id}-error`
                          : undefined
                      }
                    />
                    <button
                      type="submit"
                      className="secondary"
                      disabled={busy}
                      aria-label={`不予批准${r.unitName}的延期申请`}
                    >
                      不予批准
                    </button>
                    {errors.comment ? (
                      <span
                        id={`refuse-comment-${r.id}-error`}
                        className="field-error"
                        role="alert"
                      >
                        {errors.comment}
                      </span>
                    ) : null}
                  </Form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
