import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import {
  ChartFigure,
  ContributionBars,
  DimensionRadar,
  GradeCountBars,
  Histogram,
  RankingBars,
  SelfScatter,
  TrendLines,
} from "../components/DashboardCharts";
import { contributionData, gradeCounts, histogram, radarData, rankingByCategory, preliminaryNote, scoreAxis, selfVsEvaluated, trendData, trendYearLabel } from "../domain/dashboard";
import { fmt } from "../domain/results-view";
import { dashboardData } from "../services/dashboard.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { CategoryFilter } from "../components/CategoryFilter";

export const meta: MetaFunction = () => [{ title: "领导看板 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "dashboard");
  const url = new URL(request.url);
  const d = dashboardData(getDb(), url.searchParams.get("cycle"), url.searchParams.get("category"));
  const unitParam = Number(url.searchParams.get("unit"));
  return { ...d, focusId: Number.isInteger(unitParam) && unitParam > 0 ? unitParam : null };
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  if (!d.cycle) {
    return (
      <div>
        <h1>领导看板</h1>
        <p className="card">尚无已计算的考核结果。</p>
      </div>
    );
  }
  const units = d.units;
  const focus = units.find((u) => u.unitId === d.focusId) ?? units[0] ?? null;
  const radar = focus ? radarData(focus, units, d.dimensions) : [];
  const bins = histogram(units);
  const counts = gradeCounts(units, d.grades);
  const scatter = selfVsEvaluated(units);
  const trend = trendData(d.trend, d.category, focus?.id ?? null);
  const axis = scoreAxis(d.scale, [...units.flatMap((u) => [u.total, u.self ?? 0]), ...trend.flatMap((t) => [t.average ?? 0, t.unit ?? 0])]);
  const contribution = contributionData(units);
  const scope = d.category ?? "全部类别";

  return (
    <div className="dashboard">
      <h1>领导看板</h1>
      <Form method="get" className="toolbar">
        <label className="field">
          考核年度
          <select name="cycle" defaultValue={d.cycle.year}>
            {d.cycles
              .filter((c) => c.hasResults)
              .map((c) => (
                <option key={c.year} value={c.year}>
                  {c.label}
                </option>
              ))}
          </select>
        </label>
        <CategoryFilter categories={d.categories} current={d.category} />
        <label className="field">
          关注单位（雷达图、趋势）
          <select name="unit" defaultValue={focus?.unitId ?? ""}>
            {units.map((u) => (
              <option key={u.unitId} value={u.unitId}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">筛选</button>
      </Form>
      <p className="muted">
        {d.cycle.title}（{d.cycle.kindLabel}）· {scope} · {units.length} 个单位 · <Link to={`/results?cycle=${d.cycle.year}`}>排名与下载</Link>
      </p>

      {rankingByCategory(units).map((group) => (
        <ChartFigure
          key={group.category}
          id={`chart-ranking-${group.category}`}
          title={`${group.category}排名`}
          note={`按等次着色：${d.grades.map((g) => `${g.name}≥${g.min}`).join("，")}`}
          chart={() => <RankingBars units={group.units} axis={axis} />}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">名次</th>
                  <th scope="col">单位</th>
                  <th scope="col" className="num">总分</th>
                  <th scope="col">等次</th>
                </tr>
              </thead>
              <tbody>
                {group.units.map((u) => (
                  <tr key={u.id}>
                    <td className="num">{u.categoryRank}</td>
                    <td>{u.name}</td>
                    <td className="num">{fmt(u.total)}</td>
                    <td>{u.grade}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      ))}

      {focus ? (
        <ChartFigure
          id="chart-radar"
          title={`维度得分：${focus.name} 与${focus.category}平均`}
          chart={() => <DimensionRadar data={radar} unitName={focus.name} />}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col">维度</th>
                  <th scope="col" className="num">{focus.name}</th>
                  <th scope="col" className="num">类别平均</th>
                </tr>
              </thead>
              <tbody>
                {radar.map((r) => (
                  <tr key={r.key}>
                    <td>{r.label}</td>
                    <td className="num">{fmt(r.unit)}</td>
                    <td className="num">{fmt(r.average)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      ) : null}

      <div className="grid">
        <ChartFigure
          id="chart-histogram"
          title="总分分布"
          chart={() => <Histogram bins={bins} />}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col">分数段</th>
                  <th scope="col" className="num">单位数</th>
                </tr>
              </thead>
              <tbody>
                {bins.map((b) => (
                  <tr key={b.label}>
                    <td>{b.label}</td>
                    <td className="num">{b.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
        <ChartFigure
          id="chart-grades"
          title="等次分布"
          chart={() => <GradeCountBars counts={counts} />}
          table={
            <table>
              <thead>
                <tr>
                  <th scope="col">等次</th>
                  <th scope="col" className="num">单位数</th>
                </tr>
              </thead>
              <tbody>
                {counts.map((c) => (
                  <tr key={c.grade}>
                    <td>{c.grade}</td>
                    <td className="num">{c.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      </div>

      <ChartFigure
        id="chart-self"
        title="自评分与评估得分"
        note={
          scatter.overclaimers.length > 0 ? (
            <span className="warning-text">
              自评分高出评估得分最多的单位（需关注是否如实自查）：
              {scatter.overclaimers.map((o) => `${o.name}（高出 ${fmt(o.gap)} 分）`).join("、")}
            </span>
          ) : (
            "没有自评分高于评估得分的单位。"
          )
        }
        chart={() => <SelfScatter data={scatter} axis={axis} />}
        table={
          <table>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col" className="num">自评分</th>
                <th scope="col" className="num">评估得分</th>
                <th scope="col" className="num">差值</th>
              </tr>
            </thead>
            <tbody>
              {scatter.points.map((p) => (
                <tr key={p.unitId}>
                  <td>{p.name}</td>
                  <td className="num">{fmt(p.self)}</td>
                  <td className="num">{fmt(p.evaluated)}</td>
                  <td className="num">{fmt(p.gap)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />

      <ChartFigure
        id="chart-trend"
        title="历年趋势"
        note={[`${scope}各年度全部参评单位的平均分${focus ? `与${focus.name}的总分` : ""}（定稿结果）`, preliminaryNote(trend)].filter(Boolean).join("；")}
        chart={() => <TrendLines data={trend.filter((t) => !t.preliminary)} unitName={focus?.name ?? null} axis={axis} />}
        table={
          <table>
            <thead>
              <tr>
                <th scope="col">年度</th>
                <th scope="col" className="num">平均分</th>
                {focus ? <th scope="col" className="num">{focus.name}</th> : null}
              </tr>
            </thead>
            <tbody>
              {trend.map((t) => (
                <tr key={t.year} className={t.preliminary ? "muted" : undefined}>
                  <td>{trendYearLabel(t)}</td>
                  <td className="num">{t.average === null ? "—" : fmt(t.average)}</td>
                  {focus ? <td className="num">{t.unit === null ? "—" : fmt(t.unit)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />

      <ChartFigure
        id="chart-contribution"
        title={`年度绩效贡献（政务公开占 ${d.opennessWeightPct}%）`}
        note="各单位政务公开考核得分折算计入年度绩效考核的分值"
        chart={() => <ContributionBars data={contribution} />}
        table={
          <table>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col" className="num">总分</th>
                <th scope="col" className="num">绩效贡献</th>
              </tr>
            </thead>
            <tbody>
              {contribution.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td className="num">{fmt(c.total)}</td>
                  <td className="num">{fmt(c.contribution)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </div>
  );
}
