import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DimensionCells, DimensionHeaders } from "../components/DimensionColumns";
import { fmt } from "../domain/results-view";
import { publicResults } from "../services/public-results.server";
import { beijingToday, formatBeijingTime } from "../utils/beijing-time";
import { notFound } from "../utils/http.server";
import { getDb } from "../utils/db.server";

/** GET /public/results/<year>: the public 通报 of a finalised cycle, when the office enabled it. No login. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "考核结果"} 公开通报` }];

export async function loader({ params }: LoaderFunctionArgs) {
  const year = params.year && /^\d{4}$/.test(params.year) ? Number(params.year) : null;
  const view = year === null ? null : publicResults(getDb(), year);
  if (!view) throw notFound("本年度考核结果尚未公开。");
  return view;
}

/** "2026-03-05" → "2026年3月5日". */
function chineseDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

export default function PublicResultsPage() {
  const d = useLoaderData<typeof loader>();
  const publishedOn = chineseDate(beijingToday(new Date(d.publishedAt)));
  return (
    <article>
      <h1>{d.title} 结果通报</h1>
      <dl className="summary-grid card" aria-label="通报信息">
        <dt>发布机关</dt>
        <dd data-testid="issuer">{d.issuer}</dd>
        <dt>发布日期</dt>
        <dd data-testid="published-on">
          <time dateTime={d.publishedAt}>{publishedOn}</time>
        </dd>
        <dt>结果状态</dt>
        <dd>定稿结果（计算于 {formatBeijingTime(d.computedAt)}，北京时间）</dd>
        <dt>等次标准</dt>
        <dd>{d.grades.map((g) => `${g.name}（${g.min}分及以上）`).join("，")}</dd>
      </dl>
      <div className="table-wrap card">
        <table className="data-table">
          <caption className="muted">共 {d.rows.length} 个被考核单位</caption>
          <thead>
            <tr>
              <th scope="col" className="num">排名</th>
              <th scope="col">单位</th>
              <th scope="col">类别</th>
              <th scope="col" className="num">类别内排名</th>
              <th scope="col" className="num">总分</th>
              <th scope="col">等次</th>
              <DimensionHeaders dimensions={d.dimensions} />
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={r.id}>
                <td className="num">{r.rank}</td>
                <td>{r.name}</td>
                <td className="nowrap">{r.category}</td>
                <td className="num">{r.categoryRank}</td>
                <td className="num">{fmt(r.total)}</td>
                <td className="nowrap">
                  {r.grade}
                  {r.vetoed ? "（单项否决）" : ""}
                </td>
                <DimensionCells dimensions={d.dimensions} scores={r.dimensions} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card" aria-labelledby="verify-heading">
        <h2 id="verify-heading">下载与核对</h2>
        <p>
          本通报的全部结果由评分程序根据“评估数据包”计算得出。任何人都可以下载下面两个文件：评估数据包包含计算所需的全部数据（指标体系、评分规则和各单位的评估记录），用公开的评分程序重新计算，得到的结果与“考核结果数据”完全一致。文件的 SHA-256 校验值用于确认下载的文件与本通报公布的完全相同、没有被改动。
        </p>
        <div className="table-wrap">
          <table>
            <caption className="muted">可下载的文件</caption>
            <thead>
              <tr>
                <th scope="col">文件</th>
                <th scope="col">SHA-256 校验值</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>
                  <a href={`/public/results/${d.year}/package`} download>
                    评估数据包（JSON）
                  </a>
                </td>
                <td>
                  <code className="hash" data-testid="package-sha">
                    {d.packageSha256}
                  </code>
                </td>
              </tr>
              <tr>
                <td>
                  <a href={`/public/results/${d.year}/results`} download>
                    考核结果数据（JSON）
                  </a>
                </td>
                <td>
                  <code className="hash" data-testid="results-sha">
                    {d.resultsSha256}
                  </code>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          <Link to="/public/results/method">评分方法与复算核对说明</Link>
        </p>
        <h3>抽查随机种子（双随机一公开）</h3>
        {d.spotChecks.length === 0 ? (
          <p className="muted">本年度没有公开的抽查批次。</p>
        ) : (
          <div className="table-wrap">
          <table>
            <caption className="muted">公开的抽查批次</caption>
            <thead>
              <tr>
                <th scope="col">随机种子</th>
                <th scope="col">抽取数量</th>
                <th scope="col">范围</th>
                <th scope="col">抽取时间</th>
              </tr>
            </thead>
            <tbody>
              {d.spotChecks.map((s) => (
                <tr key={`${s.seed}-${s.createdAt}`}>
                  <td>
                    <code>{s.seed}</code>
                  </td>
                  <td>{s.size}</td>
                  <td>{s.category}</td>
                  <td>{formatBeijingTime(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
        <p className="muted">抽查单位由公开的随机种子按固定算法抽取，任何人用同一种子可重现同样的抽取结果（方法见上方说明）。</p>
      </section>
    </article>
  );
}
