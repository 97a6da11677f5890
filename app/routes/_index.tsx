import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CycleStepper } from "../components/CycleStepper";
import { TodoList } from "../components/TodoList";
import { NAVIGATION } from "../navigation";
import { departmentHome, evaluatorHome, leaderHome, officeHome } from "../services/home.server";
import { getDb } from "../utils/db.server";
import { requireAccess, ROLE_LABELS } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "首页 - 政务公开绩效考核平台" }];

const INTRO: Record<string, string> = {
  office: "配置考核年度、指标体系、被考核单位与评估人员，发布考核结果。",
  department: "填报本单位年度政务公开自查情况并上传佐证材料。",
  evaluator: "对分配给您的单位进行评分，开展抽查。",
  leader: "查看考核排名、得分分析与报告。",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "account");
  const db = getDb();
  const now = new Date();
  const who = { roleLabel: ROLE_LABELS[user.role], displayName: user.displayName, unitName: user.unitName };
  switch (user.role) {
    case "office":
      return { ...who, role: "office" as const, office: officeHome(db, user, now) };
    case "department":
      return { ...who, role: "department" as const, department: departmentHome(db, user, now) };
    case "evaluator":
      return { ...who, role: "evaluator" as const, evaluator: evaluatorHome(db, user) };
    case "leader":
      return { ...who, role: "leader" as const, leader: leaderHome(db) };
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const links = NAVIGATION[data.role].filter((n) => n.to !== "/");
  return (
    <>
      <h1>{data.displayName}，您好</h1>
      <p className="muted">
        {data.roleLabel}
        {data.unitName ? ` · ${data.unitName}` : ""}：{INTRO[data.role]}
      </p>
      {data.role === "office" ? <OfficeHome home={data.office} /> : null}
      {data.role === "department" ? <DepartmentHome home={data.department} /> : null}
      {data.role === "evaluator" ? <EvaluatorHome home={data.evaluator} /> : null}
      {data.role === "leader" ? <LeaderHome home={data.leader} /> : null}
      <nav aria-label="常用功能">
        <h2>常用功能</h2>
        <div className="grid">
          {links.map((l) => (
            <Link key={l.to} to={l.to} className="card">
              {l.label}
            </Link>
          ))}
        </div>
      </nav>
    </>
  );
}

function OfficeHome({ home }: { home: Extract<Data, { role: "office" }>["office"] }) {
  if (!home.cycle) return <p className="card">尚无考核年度。请先在“考核年度”中新建。</p>;
  return (
    <section className="card" aria-labelledby="todo-heading">
      <h2 id="todo-heading">
        待办事项 · <Link to={`/cycles/${home.cycle.id}`}>{home.cycle.title}</Link>（{home.cycle.statusLabel}）
      </h2>
      <CycleStepper steps={home.steps} />
      <NextDeadline deadlines={home.deadlines} />
      {home.siteCheck ? (
        <p>
          <Link to={home.siteCheck.href}>{home.siteCheck.text}</Link>
        </p>
      ) : null}
      <TodoList items={home.todos} />
    </section>
  );
}

function NextDeadline({ deadlines }: { deadlines: { label: string; date: string; daysLeftText: string }[] }) {
  const next = deadlines[0];
  if (!next) return <p className="muted">本阶段没有待到期的时间节点。</p>;
  return (
    <p className="next-deadline">
      下一个时间节点：<strong>{next.label}</strong> {next.date}（{next.daysLeftText}）
    </p>
  );
}

function DepartmentHome({ home }: { home: Extract<Data, { role: "department" }>["department"] }) {
  return (
    <>
      {home.cycle && home.selfInspection ? (
        <section className="card" aria-labelledby="self-heading">
          <h2 id="self-heading">{home.cycle.title} · 年度自查</h2>
          <p>
            状态：<strong>{home.selfInspection.statusLabel}</strong>
            {home.selfInspection.daysLeftText ? (
              <>
                {" "}
                · 截止 {home.selfInspection.due}
                {home.selfInspection.extended ? "（已延期）" : ""}：<strong>{home.selfInspection.daysLeftText}</strong>
              </>
            ) : null}
            {home.selfInspection.returned ? " · 请按退回意见修改后重新提交（不受原截止时间限制）" : null}
          </p>
          {home.selfInspection.extensionRequest ? (
            <p>
              延期申请（至{home.selfInspection.extensionRequest.wantedUntil}）：<strong>{home.selfInspection.extensionRequest.statusLabel}</strong>
              {home.selfInspection.extensionRequest.decisionComment ? `，${home.selfInspection.extensionRequest.decisionComment}` : ""} · <Link to="/self/extension">查看</Link>
            </p>
          ) : null}
          {home.returned.length > 0 ? (
            <>
              <h3>退回修改的指标（{home.returned.length}项）</h3>
              <ul>
                {home.returned.map((r) => (
                  <li key={`${r.nodeId}-${r.comment}`}>
                    <Link to={`/self/${r.nodeId}`}>
                      {r.code} {r.name}
                    </Link>
                    ：{r.comment}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <p>
            <Link to="/self">进入年度自查</Link>
          </p>
        </section>
      ) : null}
      <section className="card" aria-labelledby="rect-heading">
        <h2 id="rect-heading">待整改（{home.rectifications.length}项）</h2>
        {home.rectifications.length === 0 ? (
          <p className="muted">没有待整改的问题。</p>
        ) : (
          <ul>
            {home.rectifications.map((r) => (
              <li key={r.id}>
                <Link to={`/rectifications/${r.id}`}>
                  {r.year}年度 · {r.nodeCode} {r.nodeName}
                </Link>
                {r.due ? `，整改期限 ${r.due}` : ""}
                {r.overdue ? <strong>（已逾期）</strong> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {home.results ? (
        <section className="card" aria-labelledby="results-heading">
          <h2 id="results-heading">考核结果</h2>
          <p>
            <Link to={home.results.href}>{home.results.title}：查看本单位得分与失分原因</Link>
          </p>
          {home.results.appealOpen ? (
            <p>
              复核申请期限至 {home.results.appealLastDay} 24:00（北京时间）。<Link to="/appeals">申请复核</Link>
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function EvaluatorHome({ home }: { home: Extract<Data, { role: "evaluator" }>["evaluator"] }) {
  return (
    <section className="card" aria-labelledby="eval-heading">
      <h2 id="eval-heading">评估任务</h2>
      {home.units.length === 0 ? (
        <p className="muted">当前没有分配给您的单位。</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>分配给您的单位</caption>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col">年度</th>
                <th scope="col">已录入</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {home.units.map((u) => (
                <tr key={`${u.year}-${u.unitId}`}>
                  <td>
                    <Link to={`/review/${u.unitId}?cycle=${u.year}`}>{u.unitName}</Link>
                  </td>
                  <td>{u.year}</td>
                  <td>
                    {u.entered}/{u.total}
                  </td>
                  <td>{u.signedOff ? "已签署" : u.entered >= u.total && u.total > 0 ? "待签署" : "评分中"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        待签署：<strong>{home.awaitingSignOff.length}</strong>个单位 · 抽查任务：<strong>{home.inspections.length}</strong>个单位 · 待仲裁：
        <strong>{home.arbitrations.length}</strong>项
      </p>
      {home.inspections.length > 0 ? (
        <ul>
          {home.inspections.map((i) => (
            <li key={`${i.batchId}-${i.unitName}`}>
              <Link to={`/spotchecks/${i.batchId}`}>
                {i.year}年度抽查 · {i.unitName}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {home.arbitrations.length > 0 ? (
        <ul>
          {home.arbitrations.map((a) => (
            <li key={`${a.unitId}-${a.code}`}>
              {/* The lead evaluator arbitrates on the unit's review page. */}
              <Link to={`/review/${a.unitId}?cycle=${a.year}`}>
                {a.unitName} · {a.code} {a.name}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function LeaderHome({ home }: { home: Extract<Data, { role: "leader" }>["leader"] }) {
  if (!home.cycle) return <p className="card">尚无已计算的考核结果。</p>;
  return (
    <section className="card" aria-labelledby="headline-heading">
      <h2 id="headline-heading">
        {home.cycle.title}（{home.cycle.kindLabel}）
      </h2>
      <p>
        参评单位 <strong>{home.unitCount}</strong> 个，平均分 <strong>{home.average === null ? "—" : home.average.toFixed(2)}</strong>
        {home.grades.length > 0 ? `；${home.grades.map((g) => `${g.name}${g.count}个`).join("、")}` : ""}
      </p>
      {home.top.length > 0 ? (
        <p>
          排名前列：
          {home.top.map((u) => `第${u.rank}名 ${u.name}（${u.total.toFixed(2)}分）`).join("；")}
        </p>
      ) : null}
      <p>
        <Link to="/dashboard">查看领导看板（排名图、维度分析、历年趋势）</Link> · <Link to="/results">查看考核结果</Link>
      </p>
    </section>
  );
}
