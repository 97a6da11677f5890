import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { topLosses, type CategoryLoss, type IndicatorLoss } from "../domain/loss-analysis";
import { fmt } from "../domain/results-view";

/** How many indicators the chart shows (the widest losses); the table below lists every one. */
const CHART_INDICATORS = 10;

const pct = (n: number | null) => (n === null ? "—" : `${fmt(n)}%`);
const score = (n: number | null) => (n === null ? "—" : fmt(n));

function problemsText(i: IndicatorLoss): string {
  return i.problems.map((p) => `${p.label}（${p.units}个单位${p.fromFindings > 0 ? `，其中抽查发现${p.fromFindings}个` : ""}）`).join("；");
}

/** Bars labelled by indicator code (the names are in the table beside it and in the tooltip); laid out for the width its card gives it, at most 480 px. */
function LossBars({ rows }: { rows: IndicatorLoss[] }) {
  const data = rows.map((i) => ({ code: i.id, name: i.name, share: i.sharePct ?? 0 }));
  return (
    <div className="chart-fit" style={{ maxWidth: 480 }}>
      <ResponsiveContainer width="100%" height={Math.max(160, 28 * data.length + 50)}>
        <BarChart layout="vertical" data={data} margin={{ left: 4, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" />
          <YAxis type="category" dataKey="code" width={56} interval={0} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v: number) => `${fmt(v)}%`} labelFormatter={(code: string) => `${code} ${data.find((d) => d.code === code)?.name ?? ""}`} />
          <Bar dataKey="share" name="失分单位占比" fill="#cf222e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * The chart of the widest losses beside its table (the same figures). The SVG is drawn in the
 * browser only (recharts measures text); the table is rendered on the server and its box, which
 * scrolls when long, can be reached and scrolled from the keyboard.
 */
function LossFigure({ id, loss, rows }: { id: string; loss: CategoryLoss; rows: IndicatorLoss[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const title = `${loss.category}：失分单位最多的指标`;
  return (
    <figure className="chart-figure card" data-testid={id} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <h3>{title}</h3>
        <p className="muted small">按失分单位数排序；占比 = 失分单位数 ÷ 参评单位数（不适用的单位不计）。</p>
      </figcaption>
      <div className="chart-pair">
        <div className="chart" role="img" aria-label={`${title}（图表，数据见所附表格）`}>
          <div aria-hidden="true">{mounted ? <LossBars rows={rows} /> : <p className="muted">图表加载中…</p>}</div>
        </div>
        <div className="chart-table table-wrap" tabIndex={0} role="region" aria-label={`${title}（表格）`}>
          <table>
            <thead>
              <tr>
                <th scope="col">指标</th>
                <th scope="col">失分单位</th>
                <th scope="col">占比</th>
                <th scope="col">平均失分</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    {i.id} {i.name}
                  </th>
                  <td className="num">
                    {i.losing}/{i.applicable}
                  </td>
                  <td className="num">{pct(i.sharePct)}</td>
                  <td className="num">{score(i.averageLost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </figure>
  );
}

/** One category's loss analysis: a chart of the widest losses (with its table) and the table of every indicator. */
export function LossAnalysisSection({ loss }: { loss: CategoryLoss }) {
  const top = topLosses(loss, CHART_INDICATORS);
  const id = `loss-${loss.category}`;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {loss.category}（{loss.units}个单位）
      </h2>
      {top.length === 0 ? (
        <p className="card">本类别各单位均未失分。</p>
      ) : (
        <LossFigure id={id} loss={loss} rows={top} />
      )}
      <div className="table-wrap card" tabIndex={0} role="region" aria-label={`${loss.category}各指标失分情况`}>
        <table>
          <caption>{loss.category}各指标失分情况</caption>
          <thead>
            <tr>
              <th scope="col">指标编码</th>
              <th scope="col">指标名称</th>
              <th scope="col">分值</th>
              <th scope="col">参评单位数</th>
              <th scope="col">失分单位数</th>
              <th scope="col">失分单位占比</th>
              <th scope="col">失分合计</th>
              <th scope="col">平均失分</th>
              <th scope="col">主要问题（单位数）</th>
              <th scope="col">抽查发现数</th>
            </tr>
          </thead>
          <tbody>
            {loss.indicators.map((i) => (
              <tr key={i.id}>
                <td>{i.id}</td>
                <th scope="row">{i.name}</th>
                <td className="num">{fmt(i.points)}</td>
                <td className="num">{i.applicable}</td>
                <td className="num">{i.losing}</td>
                <td className="num">{pct(i.sharePct)}</td>
                <td className="num">{fmt(i.totalLost)}</td>
                <td className="num">{score(i.averageLost)}</td>
                <td>{problemsText(i)}</td>
                <td className="num">{i.findings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
