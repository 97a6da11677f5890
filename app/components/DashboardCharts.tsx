import { useEffect, useState, type ReactElement, type ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  PolarAngleAxis,
  PolarGrid,
  PolarRadiusAxis,
  Radar,
  RadarChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { contributionData, DashboardUnit, gradeCounts, histogram, radarData, scoreAxis, selfVsEvaluated, trendData } from "../domain/dashboard";
import { fmt } from "../domain/results-view";

/**
 * The dashboard's charts (recharts). Each sits in a <figure> beside an accessible table holding the
 * same figures; the SVG is drawn in the browser only (recharts measures text), the table is
 * rendered on the server, so the numbers are there without JavaScript. Every chart is laid out
 * for the width its card gives it (recharts' ResponsiveContainer), up to its natural width: on a
 * phone it is redrawn narrower with labels at their own size, never scaled down.
 */

function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

export function ChartFigure(props: { id: string; title: string; note?: ReactNode; chart: () => ReactNode; table: ReactNode }) {
  const mounted = useMounted();
  return (
    <figure className="chart-figure card" data-testid={props.id} aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>
        <h3>{props.title}</h3>
        {props.note ? <p className="muted small">{props.note}</p> : null}
      </figcaption>
      <div className="chart-pair">
        <div className="chart" role="img" aria-label={`${props.title}（图表，数据见所附表格）`}>
          {/* The drawing itself is hidden from assistive technology: the figure is named above and its data is the table beside it. */}
          <div aria-hidden="true">{mounted ? props.chart() : <p className="muted">图表加载中…</p>}</div>
        </div>
        <div className="chart-table table-wrap">{props.table}</div>
      </div>
    </figure>
  );
}

const NO_ANIM = { isAnimationActive: false } as const;

/** Lays `render(width)` out at the width of its box (at most `maxWidth`), at a fixed height. */
function Fit({ maxWidth, height, render }: { maxWidth: number; height: number; render: (width: number) => ReactElement }) {
  const [width, setWidth] = useState(maxWidth);
  return (
    <div className="chart-fit" style={{ maxWidth }}>
      <ResponsiveContainer width="100%" height={height} onResize={(w) => setWidth(w)}>
        {render(width)}
      </ResponsiveContainer>
    </div>
  );
}

/** Room for category names on a bar chart: 150 px on a desktop, about a third of a narrow chart. */
function nameWidth(width: number): number {
  return Math.min(150, Math.max(90, Math.round(width * 0.34)));
}

/** The dashboard's one score axis (scoreAxis): every score chart runs from 0 to the same end. */
type Axis = ReturnType<typeof scoreAxis>;

export function RankingBars({ units, axis }: { units: DashboardUnit[]; axis: Axis }) {
  return (
    <Fit
      maxWidth={520}
      height={Math.max(160, 26 * units.length + 50)}
      render={(width) => (
        <BarChart layout="vertical" data={units} margin={{ left: 10, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[0, axis.max]} ticks={axis.ticks} />
          <YAxis type="category" dataKey="name" width={nameWidth(width)} interval={0} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v: number) => fmt(v)} />
          <Bar dataKey="total" name="总分" {...NO_ANIM}>
            {units.map((u) => (
              <Cell key={u.id} fill={u.colour} />
            ))}
          </Bar>
        </BarChart>
      )}
    />
  );
}

export function DimensionRadar({ data, unitName }: { data: ReturnType<typeof radarData>; unitName: string }) {
  return (
    <Fit
      maxWidth={460}
      height={340}
      render={() => (
        <RadarChart data={data} outerRadius={110}>
          <PolarGrid />
          <PolarAngleAxis dataKey="label" tick={{ fontSize: 12 }} />
          <PolarRadiusAxis tick={{ fontSize: 10 }} domain={[0, 100]} tickCount={6} />
          <Radar name={unitName} dataKey="unit" stroke="#0969da" fill="#0969da" fillOpacity={0.35} {...NO_ANIM} />
          <Radar name="类别平均" dataKey="average" stroke="#9a6700" fill="#9a6700" fillOpacity={0.2} {...NO_ANIM} />
          <Legend />
          <Tooltip />
        </RadarChart>
      )}
    />
  );
}

export function Histogram({ bins }: { bins: ReturnType<typeof histogram> }) {
  return (
    <Fit
      maxWidth={440}
      height={260}
      render={() => (
        <BarChart data={bins}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" name="单位数" fill="#0969da" {...NO_ANIM} />
        </BarChart>
      )}
    />
  );
}

export function GradeCountBars({ counts }: { counts: ReturnType<typeof gradeCounts> }) {
  return (
    <Fit
      maxWidth={360}
      height={220}
      render={() => (
        <BarChart data={counts}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="grade" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" name="单位数" {...NO_ANIM}>
            {counts.map((c) => (
              <Cell key={c.grade} fill={c.colour} />
            ))}
          </Bar>
        </BarChart>
      )}
    />
  );
}

export function SelfScatter({ data, axis }: { data: ReturnType<typeof selfVsEvaluated>; axis: Axis }) {
  const max = axis.max;
  return (
    <Fit
      maxWidth={440}
      height={320}
      render={() => (
        <ScatterChart margin={{ top: 10, right: 20, bottom: 20, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="evaluated"
            name="评估得分"
            domain={[0, max]}
            ticks={axis.ticks}
            label={{ value: "评估得分", position: "insideBottom", offset: -10 }}
          />
          <YAxis
            type="number"
            dataKey="self"
            name="自评分"
            domain={[0, max]}
            ticks={axis.ticks}
            label={{ value: "自评分", angle: -90, position: "insideLeft" }}
          />
          <ReferenceLine
            segment={[
              { x: 0, y: 0 },
              { x: max, y: max },
            ]}
            stroke="#6e7781"
            strokeDasharray="4 4"
            ifOverflow="extendDomain"
          />
          <Tooltip cursor={{ strokeDasharray: "3 3" }} />
          <Scatter name="单位" data={data.points} fill="#cf222e" {...NO_ANIM} />
        </ScatterChart>
      )}
    />
  );
}

export function TrendLines({ data, unitName, axis }: { data: ReturnType<typeof trendData>; unitName: string | null; axis: Axis }) {
  return (
    <Fit
      maxWidth={440}
      height={260}
      render={() => (
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="year" />
          <YAxis domain={[0, axis.max]} ticks={axis.ticks} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="average" name="平均分" stroke="#0969da" connectNulls {...NO_ANIM} />
          {unitName ? <Line type="monotone" dataKey="unit" name={unitName} stroke="#cf222e" connectNulls {...NO_ANIM} /> : null}
        </LineChart>
      )}
    />
  );
}

export function ContributionBars({ data }: { data: ReturnType<typeof contributionData> }) {
  return (
    <Fit
      maxWidth={520}
      height={Math.max(160, 24 * data.length + 50)}
      render={(width) => (
        <BarChart layout="vertical" data={data} margin={{ left: 10, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[0, "auto"]} />
          <YAxis type="category" dataKey="name" width={nameWidth(width)} interval={0} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v: number) => fmt(v)} />
          <Bar dataKey="contribution" name="绩效贡献（分）" {...NO_ANIM}>
            {data.map((d) => (
              <Cell key={d.name} fill={d.colour} />
            ))}
          </Bar>
        </BarChart>
      )}
    />
  );
}
