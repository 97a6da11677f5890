import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listRectifications } from "../services/rectifications.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "整改 - 政务公开绩效考核平台" }];

/**
 * Rectifications (整改): the office sees every open one (or all), an inspector those of the units
 * drawn for them, a department its own unit's. Overdue items are highlighted.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "rectification");
  const all = new URL(request.url).searchParams.get("all") === "1";
  return { role: user.role, all, rows: listRectifications(getDb(), user, { openOnly: !all }) };
}

export default function Rectifications() {
  const d = useLoaderData<typeof loader>();
  const overdue = d.rows.filter((r) => r.overdue).length;
  return (
    <>
      <h1>{d.role === "department" ? "本单位整改事项" : d.all ? "全部整改事项" : "未完成的整改事项"}</h1>
      <Form method="get" className="inline-form no-print">
        <label>
          <input type="checkbox" name="all" value="1" defaultChecked={d.all} /> 包括已通过的
        </label>
        <button type="submit" className="secondary">
          筛选
        </button>
      </Form>
      {overdue > 0 ? (
        <p className="warning" role="status">
          有{overdue}项整改已逾期。
        </p>
      ) : null}
      {d.rows.length === 0 ? (
        <p className="muted">没有整改事项。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col">指标</th>
                <th scope="col">问题</th>
                <th scope="col">整改期限</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id} className={r.overdue ? "overdue" : undefined} style={r.overdue ? { background: "#ffebe9" } : undefined}>
                  <td>
                    {r.year}年度 · {r.unitCode} {r.unitName}
                  </td>
                  <td>
                    {r.nodeCode} {r.nodeName}
                  </td>
                  <td>
                    <Link to={`/rectifications/${r.id}`}>{r.description}</Link>
                  </td>
                  <td>
                    {r.due}
                    {r.overdue ? <span className="badge error">已逾期</span> : null}
                  </td>
                  <td>{r.statusLabel}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
