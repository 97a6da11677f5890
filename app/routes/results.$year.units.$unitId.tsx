import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { may } from "../policy.server";
import { Link, useLoaderData } from "@remix-run/react";
import { fmt, KIND_LABELS, selfLeafText } from "../domain/results-view";
import { cycleByYearOr404, scoreCard } from "../services/results-pages.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { orRefusalResponse, parseId } from "../utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.unit.name ?? ""} 得分明细 - 政务公开绩效考核平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "unitResults");
  const unitId = parseId(params.unitId);
  const db = getDb();
  const { cycle, view } = orRefusalResponse(() => {
    const cycle = cycleByYearOr404(db, params.year);
    return { cycle, view: scoreCard(db, user, cycle, unitId) };
  });
  // A department appeals its preliminary results on the appeals page (复核申请), linked from here.
  const appealHref = may(user, "write", "appeal") && cycleAllows(cycle.status, "appeal") ? `/appeals?cycle=${cycle.year}` : null;
  return { ...view, canDownload: may(user, "read", "unitResults"), appealHref };
}

const PART_LABELS: Record<string, string> = { base: "基础分", bonus: "加分项", veto: "单项否决", penalty: "扣分项（倒扣）" };

function PrintButton() {
  return (
    <button type="button" className="no-print" onClick={() => window.print()}>
      打印
    </button>
  );
}

export default function ScoreCardPage() {
  const { cycle, unit, card, reason, canDownload, appealHref } = useLoaderData<typeof loader>();
  return (
    <article className="score-card">
      <h1>{unit.name} 得分明细</h1>
      <p className="muted">
        {cycle.title} · {unit.category} · 单位编码 {unit.code}
      </p>
      {!card ? (
        <p className="card">{reason}</p>
      ) : (
        <>
          <div className="toolbar no-print">
            <PrintButton />
            {canDownload ? (
              <a href={`/results/${cycle.year}/pdf/${unit.id}`} download>
                下载 PDF 得分明细
              </a>
            ) : null}
            {appealHref ? <Link to={appealHref}>对得分有异议？申请复核</Link> : null}
            <Link to="/results">返回考核结果</Link>
          </div>
          <section className="card" aria-label="得分概况">
            <p>
              <span className="badge">{KIND_LABELS[card.kind]}</span> 计算于 {formatBeijingTime(card.computedAt)}
            </p>
            <dl className="summary-grid">
              <dt>总分</dt>
              <dd data-testid="card-total">{fmt(card.total)}</dd>
              <dt>基础分 / 加分</dt>
              <dd>
                {fmt(card.base)} / {fmt(card.bonus)}
              </dd>
              {card.penalty !== null ? (
                <>
                  <dt>扣分项（倒扣）</dt>
                  <dd data-testid="card-penalty">{card.penalty > 0 ? `−${fmt(card.penalty)}` : fmt(0)}</dd>
                </>
              ) : null}
              <dt>等次</dt>
              <dd>
                {card.grade}
                {card.pass ? "" : "（不合格）"}
              </dd>
              <dt>排名</dt>
              <dd>
                总排名第 {card.rank} 名；{unit.category}第 {card.categoryRank} 名
              </dd>
              <dt>年度绩效贡献</dt>
              <dd>{fmt(card.contribution)} 分</dd>
              <dt>自评总分</dt>
              <dd>{card.selfTotal === null ? "未提交自查" : fmt(card.selfTotal)}</dd>
            </dl>
            {card.vetoReasons.length > 0 ? <p className="form-error">单项否决：{card.vetoReasons.join("；")}</p> : null}
            <p className="explain">{card.explain}</p>
          </section>

          <div className="table-wrap card">
            <table className="data-table score-table">
              <caption className="muted">每项指标的满分、自评分、最终得分与失分原因</caption>
              <thead>
                <tr>
                  <th scope="col">指标</th>
                  <th scope="col">类型</th>
                  <th scope="col" className="num">满分</th>
                  <th scope="col" className="num">自评</th>
                  <th scope="col" className="num">得分</th>
                  <th scope="col" className="num">失分</th>
                  <th scope="col">评分说明（失分原因）</th>
                  <th scope="col">佐证材料</th>
                </tr>
              </thead>
              <tbody>
                {card.leaves.map((l) => (
                  <tr key={l.code} className={l.lost > 0 ? "lost" : undefined}>
                    <td>
                      {l.code} {l.name}
                      {l.path ? <div className="muted small">{l.path}</div> : null}
                    </td>
                    <td className="nowrap">{PART_LABELS[l.part] ?? l.part}</td>
                    <td className="num">{fmt(l.max)}</td>
                    <td className="num">{selfLeafText(l.self)}</td>
                    <td className="num">{l.na ? "不适用" : fmt(l.score)}</td>
                    <td className="num">{l.lost > 0 ? fmt(l.lost) : ""}</td>
                    <td>
                      {l.explain}
                      {l.divergent ? <span className="badge">评估员分歧</span> : null}
                      {l.reasons.map((x) => (
                        <div key={`${x.by}-${x.text}`} className="muted small">
                          评估说明（{x.by}）：{x.text}
                        </div>
                      ))}
                    </td>
                    <td>
                      {l.files.map((f) => (
                        <div key={f.id}>
                          <a href={`/evidence/${f.id}`}>{f.name}</a>
                        </div>
                      ))}
                      {l.links.map((x) => (
                        <div key={x.url}>
                          <a href={x.url} rel="noreferrer noopener" target="_blank">
                            {x.title}
                          </a>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {card.findings.length > 0 ? (
            <section className="card">
              <h2>抽查发现</h2>
              <ul>
                {card.findings.map((f) => (
                  <li key={f.id}>
                    {f.source}（{f.foundOn}，{f.code} {f.name}，{f.kind}）：{f.description}
                    {f.files.map((x) => (
                      <a key={x.id} href={`/evidence/${x.id}`} className="evidence-link">
                        {x.name}
                      </a>
                    ))}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {card.appeals.length > 0 ? (
            <section className="card">
              <h2>复核申请</h2>
              <ul>
                {card.appeals.map((a) => (
                  <li key={a.id}>
                    {a.nodeCode} {a.nodeName}：{a.reason}（{a.statusLabel}
                    {a.decisionReason ? `：${a.decisionReason}` : ""}
                    {a.decisionValue !== null ? `，调整为 ${a.decisionValue} 分` : ""}）
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <p className="muted small">{card.packageSha256 ? `评估数据包 SHA-256：${card.packageSha256}` : "评估数据包 SHA-256 在导出时生成"}</p>
        </>
      )}
    </article>
  );
}
