import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { Field } from "../components/Field";
import { FormOutcome } from "../components/FormOutcome";
import {
  departmentExtensionPage,
  requestExtension,
} from "../services/extension-requests.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { formValues } from "../utils/form.server";
import { refusalErrors, throwAsResponse } from "../utils/http.server";

export const meta: MetaFunction = () => [
  { title: "申请延期 - 年度自查 - 政务公开绩效考核平台" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "extensionRequest");
  try {
    return departmentExtensionPage(getDb(), user, new Date());
  } catch (error) {
    throwAsResponse(error);
  }
}

interface ActionResult {
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "extensionRequest");
  const form = await request.formData();
  const values = formValues(form);
  try {
    const message = requestExtension(
      getDb(),
      actorOf(user),
      user,
      {
        until: form.get("until") ?? undefined,
        reason: form.get("reason") ?? undefined,
      },
      new Date()
    );
    return data<ActionResult>({
      ok: true,
      message,
      fieldErrors: {},
      values: {},
    });
  } catch (error) {
    const r = refusalErrors(error);
    if (r.status === 403) throwAsResponse(error);
    return data<ActionResult>(
      { ok: false, fieldErrors: r.fieldErrors, values },
      { status: r.status }
    );
  }
}

export default function ExtensionRequestPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (a && !a.ok ? a.fieldErrors : {}) as Record<
    string,
    string | undefined
  >;
  const values = (a && !a.ok ? a.values : {}) as Record<
    string,
    string | undefined
  >;
  return (
    <>
      <p>
        <Link to="/self">← 返回年度自查</Link>
      </p>
      <h1>申请延期</h1>
      {d.cycle ? (
        <p>
          {d.cycle.year}年度自查截止时间：<strong>{d.dueText}</strong>
          {d.due !== d.cycleDue ? (
            <span className="muted">（原截止日期 {d.cycleDue}，已延期）</span>
          ) : null}
        </p>
      ) : null}
      <FormOutcome notice={a?.ok ? a.message : null} error={errors._form} />
      {d.mayRequest ? (
        <Form method="post" className="card stack" noValidate>
          <p className="muted">
            确因特殊情况不能按期提交自查的，可向政务公开办申请延期；批准后以批准的日期为本单位的截止时间。
          </p>
          <Field
            name="until"
            type="date"
            label="希望延期至"
            min={d.due ?? undefined}
            defaultValue={values.until ?? ""}
            error={errors.until}
          />
          <div className="field">
            <label htmlFor="f-reason">申请理由</label>
            <textarea
              id="f-reason"
              name="reason"
              maxLength={500}
              defaultValue={values.reason ?? ""}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={errors.reason ? "f-reason-error" : undefined}
            />
            {errors.reason ? (
              <span id="f-reason-error" className="field-error" role="alert">
                {errors.reason}
              </span>
            ) : null}
          </div>
          <div>
            <button type="submit" disabled={busy}>
              提交延期申请
            </button>
          </div>
        </Form>
      ) : (
        <p className="muted">{d.blocked}</p>
      )}
      <h2>本单位的延期申请</h2>
      {d.requests.length === 0 ? (
        <p className="muted">暂无延期申请。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">申请时间</th>
                <th scope="col">希望延期至</th>
                <th scope="col">理由</th>
                <th scope="col">状态</th>
                <th scope="col">审批意见</th>
              </tr>
            </thead>
            <tbody>
              {d.requests.map((r) => (
                <tr key={r.id}>
                  <td>{r.requestedAtText}</td>
                  <td>{r.wantedUntil}</td>
                  <td>{r.reason}</td>
                  <td>
                    <span
                      className={`badge ${
                        r.status === "granted"
                          ? "ok"
                          : r.status === "refused"
                          ? "error"
                          : "warn"
                      }`}
                    >
                      {r.statusLabel}
                    </span>
                    {r.grantedUntil ? ` 延期至 ${r.grantedUntil}` : null}
                  </td>
                  <td>
                    {r.decisionComment ?? "—"}
                    {r.decidedAtText ? (
                      <div className="muted">{r.decidedAtText}</div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
