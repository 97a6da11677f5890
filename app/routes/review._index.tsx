import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { reviewQueue } from "../services/reviews.server";
import { requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "评估任务 - 政务公开绩效考核平台" }];

/** The evaluator's queue: only the units assigned to them (with progress), and their spot-check duties. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "review");
  const q = reviewQueue(getDb(), user.id);
  return {
    assignments: q.assignments.map((a) => ({ ...a, signedOffText: a.signedOffAt ? formatBeijingTime(a.signedOffAt) : null })),
    inspections: q.inspections,
  };
}

export default function ReviewQueue() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>评估任务</h1>
      <section aria-labelledby="queue-h">
        <h2 id="queue-h">分配给我的单位</h2>
        {d.assignments.length === 0 ? (
          <p className="muted">暂无分配给您的单位。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">年度</th>
                  <th scope="col">单位</th>
                  <th scope="col">进度</th>
                  <th scope="col">状态</th>
                </tr>
              </thead>
              <tbody>
                {d.assignments.map((a) => (
                  <tr key={a.assignmentId}>
                    <td>
                      {a.cycleYear}年度 <span className="muted">{CYCLE_STATUS_LABELS[a.cycleStatus]}</span>
                    </td>
                    <td>
                      <Link to={`/review/${a.unitId}?cycle=${a.cycleYear}`}>
                        {a.unitCode} {a.unitName}
                      </Link>{" "}
                      {a.lead ? <span className="badge ok">牵头</span> : null}
                    </td>
                    <td>
                      <progress max={a.total} value={a.entered} aria-label={`${a.unitName}已录入${a.entered}/${a.total}项`} /> {a.entered}/{a.total}项
                    </td>
                    <td>{a.signedOffText ? <span className="badge ok">已签署 {a.signedOffText}</span> : <span className="badge">未签署</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="insp-h">
        <h2 id="insp-h">抽查任务</h2>
        {d.inspections.length === 0 ? (
          <p className="muted">暂无抽查任务。</p>
        ) : (
          <ul>
            {d.inspections.map((i) => (
              <li key={`${i.batchId}:${i.unitId}`}>
                {i.cycleYear}年度 · <Link to={`/spotchecks/${i.batchId}`}>抽查批次#{i.batchId}</Link>（随机种子 <code>{i.seed}</code>）· {i.unitCode} {i.unitName}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
