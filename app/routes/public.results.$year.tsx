import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DimensionCells, DimensionHeaders } from "../components/DimensionColumns";
import { fmt } from "../domain/results-view";
import { publicResults } from "../services/public-results.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { notFound } from "../utils/http.server";

/** GET /public/results/<year>: the public 通报 of a finalised cycle, when the office enabled it. No login. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "考核结果"} 公开通报` }];

export async function loader({ params }: LoaderFunctionArgs) {
  const year = params.year && /^\d{4}$/.test(params.year) ? Number(params.year) : null;
  const view = year === null ? null : publicResults(year);
  if (!view) throw notFound("本年度考核结果尚未公开。");
  return view;
}

export default function PublicResultsPage() {
  const d = useLoaderData<typeof loader>();
  return (
    <article>
      <h1>{d.title} 结果通报</h1>
      <p className="muted">定稿结果，计算于 {formatBeijingTime(d.computedAt)}。等次：{d.grades.map((g) => `${g.name}（${g.min}分及以上）`).join("，")}。</p>
      <div className="table-wrap card">
        <table>
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
                <td>{r.category}</td>
                <td className="num">{r.categoryRank}</td>
                <td className="num">{fmt(r.total)}</td>
                <td>
                  {r.grade}
                  {r.vetoed ? "（单项否决）" : ""}
                </td>
                <DimensionCells dimensions={d.dimensions} scores={r.dimensions} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card">
        <h2>复核与验证</h2>
        <p>
          评估数据包 SHA-256：<code data-testid="package-sha">{d.packageSha256}</code>
        </p>
        <p>
          考核结果 SHA-256：<code>{d.resultsSha256}</code>
        </p>
        <p className="muted">
          任何人取得评估数据包后，可用开源评分程序 <code>npm run score -- 数据包.json --out 结果.json</code> 复算，所得结果文件的 SHA-256 应与上列一致。
        </p>
        <h3>抽查随机种子（双随机一公开）</h3>
        {d.spotChecks.length === 0 ? (
          <p className="muted">本年度没有公开的抽查批次。</p>
        ) : (
          <table>
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
        )}
        <p className="muted">
          用 <code>npm run spotcheck:draw -- --cycle {d.year} --seed 种子 --size 数量</code> 可重现抽取结果。
        </p>
      </section>
    </article>
  );
}
