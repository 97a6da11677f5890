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
import { FormOutcome } from "../components/FormOutcome";
import { ReviewSheetRow } from "../components/ReviewSheetRow";
import {
  loadReviewSheet,
  saveReviewSheet,
} from "../services/review-batch.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import {
  badRequest,
  parseId,
  refusalErrors,
  throwAsResponse,
} from "../utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: `${
      data ? data.unit.name : "单位"
    } - 一页评分 - 政务公开绩效考核平台`,
  },
];

/**
 * The one-page scoring sheet: every leaf of the unit in one form, in indicator order (Tab moves
 * through a row's inputs, then to the next row); 保存本行 saves one row, 全部保存 every row — each
 * with the single-leaf page's validation; a refused save keeps what was typed and marks the rows.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "review");
  const unitId = parseId(params.unitId);
  try {
    return loadReviewSheet(
      getDb(),
      user,
      unitId,
      new URL(request.url).searchParams.get("cycle")
    );
  } catch (error) {
    throwAsResponse(error);
  }
}

interface ActionResult {
  ok: boolean;
  message?: string;
  fieldErrors: Record<string, string>;
  rowErrors: Record<string, Record<string, string>>;
  /** What was typed, so a refused save shows it again. */
  values: Record<string, string[]>;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "review");
  const unitId = parseId(params.unitId);
  const form = await request.formData();
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const row = form.get("row");
  const nodeIds =
    row !== null
      ? [parseId(String(row))]
      : form.get("intent") === "saveAll"
      ? form.getAll("nodeId").map((v) => parseId(String(v)))
      : null;
  if (!nodeIds) throw badRequest("未知的操作。");
  const values: Record<string, string[]> = {};
  for (const k of new Set(form.keys())) values[k] = form.getAll(k).map(String);
  try {
    const r = saveReviewSheet(
      getDb(),
      actorOf(user),
      user,
      unitId,
      cycleId,
      nodeIds,
      form
    );
    if (!r.ok) {
      const n = Object.keys(r.rowErrors).length;
      return data<ActionResult>(
        {
          ok: false,
          fieldErrors: {
            _form: `${n}项指标的录入有误，均未保存，请按提示修改。`,
          },
          rowErrors: r.rowErrors,
          values,
        },
        { status: 400 }
      );
    }
    return data<ActionResult>({
      ok: true,
      message: row !== null ? "已保存该项。" : `已保存全部${r.saved}项。`,
      fieldErrors: {},
      rowErrors: {},
      values: {},
    });
  } catch (error) {
    const r = refusalErrors(error);
    if (r.status === 403 || r.status === 404) throwAsResponse(error);
    return data<ActionResult>(
      { ok: false, fieldErrors: r.fieldErrors, rowErrors: {}, values },
      { status: r.status }
    );
  }
}

export default function ReviewSheet() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const editable = d.readOnly === null;
  const typed = a && !a.ok ? a.values : null;
  const base = `/review/${d.unit.id}`;
  return (
    <>
      <p className="no-print">
        <Link to={`${base}?cycle=${d.cycle.year}`}>← 返回{d.unit.name}</Link>
      </p>
      <h1>
        {d.unit.code} {d.unit.name} · {d.cycle.year}年度 · 一页评分
      </h1>
      <p className="muted">
        每行按单位自评（或您已保存的录入）预填。Tab
        键依次经过本行各项后进入下一行；“保存本行”只保存该行，“全部保存”保存全部
        {d.rows.length}项。校验与单项页面相同。
      </p>
      {d.readOnly ? <p className="warning">{d.readOnly}</p> : null}
      <FormOutcome
        notice={a?.ok && !busy ? a.message : null}
        error={a && !a.ok ? a.fieldErrors._form : null}
      />
      {/* A new key after each save resets the inputs to the saved values and versions. */}
      <Form
        method="post"
        noValidate
        key={JSON.stringify(d.rows.map((r) => r.version))}
      >
        <input type="hidden" name="cycleId" value={d.cycle.id} />
        {editable ? (
          // First in the form, so Enter in any input saves every row.
          <p>
            <button type="submit" name="intent" value="saveAll" disabled={busy}>
              全部保存
            </button>
          </p>
        ) : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">指标</th>
                <th scope="col">单位自评</th>
                <th scope="col">评估录入</th>
                <th scope="col">理由</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => {
                const p = `n${r.nodeId}.`;
                const form = typed
                  ? {
                      ...r.form,
                      values: Object.fromEntries(
                        Object.entries(typed)
                          .filter(([k]) => k.startsWith(p))
                          .map(([k, v]) => [k.slice(p.length), v[0] ?? ""])
                      ),
                    }
                  : r.form;
                return (
                  <ReviewSheetRow
                    key={r.nodeId}
                    row={{ ...r, form }}
                    leafHref={`${base}/${r.nodeId}`}
                    errors={
                      (a && !a.ok
                        ? a.rowErrors[String(r.nodeId)] ?? {}
                        : {}) as Record<string, string | undefined>
                    }
                    disabled={!editable}
                    busy={busy}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
        {d.rows.map((r) => (
          <input key={r.nodeId} type="hidden" name="nodeId" value={r.nodeId} />
        ))}
        {editable ? (
          <p>
            <button type="submit" name="intent" value="saveAll" disabled={busy}>
              全部保存
            </button>
          </p>
        ) : null}
      </Form>
    </>
  );
}
