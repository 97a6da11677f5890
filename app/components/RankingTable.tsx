import { fmt } from "../domain/results-view";
import { DimensionCells, DimensionHeaders, type DimensionColumn } from "./DimensionColumns";
import { useDelegatedLinkClicks } from "./delegated-links";

/** One row of the ranking page (rankingPage in app/services/results-pages.server.ts). */
export interface RankingRow {
  unitId: number;
  id: string;
  name: string;
  category: string;
  rank: number;
  categoryRank: number;
  total: number;
  base: number;
  bonus: number;
  /** What the 扣分项 part subtracted (0 without one). */
  penalty: number;
  grade: string;
  vetoed: boolean;
  contribution: number;
  dimensions: Partial<Record<string, number>>;
  colour: string;
}

export interface RankingTableProps {
  year: number;
  rows: readonly RankingRow[];
  dimensions: readonly DimensionColumn[];
  grades: readonly { name: string; min: number }[];
  category: string | null;
  q: string;
  total: number;
  page: number;
  pages: number;
  notEvaluated: number;
  /** The cycle has a 扣分项 part: show the 扣分项 column. */
  penalty: boolean;
}

/**
 * One page of the ranking. The unit names are plain links navigated by one delegated handler
 * (useDelegatedLinkClicks): the table is most of what the page renders on every request.
 */
export function RankingTable({ year, rows, dimensions, grades, category, q, total, page, pages, notEvaluated, penalty }: RankingTableProps) {
  const onClick = useDelegatedLinkClicks();
  return (
    <table className="data-table">
      <caption className="muted">
        {category ?? "全部类别"}
        {q ? `中名称或编码含“${q}”的` : "共"} {total} 个单位{pages > 1 ? `，第 ${page}/${pages} 页` : ""}
        {notEvaluated > 0 ? `（另有 ${notEvaluated} 个单位计算时尚未评估完成，未计入）` : ""}。等次：{grades.map((g) => `${g.name}≥${g.min}`).join("，")}
      </caption>
      <thead>
        <tr>
          <th scope="col" className="num">排名</th>
          <th scope="col" className="num">类别内</th>
          <th scope="col">单位</th>
          <th scope="col">类别</th>
          <th scope="col" className="num">总分</th>
          <th scope="col" className="num">基础分</th>
          <th scope="col" className="num">加分</th>
          {penalty ? (
            <th scope="col" className="num">
              扣分项
            </th>
          ) : null}
          <th scope="col">等次</th>
          <DimensionHeaders dimensions={dimensions} />
          <th scope="col" className="num">绩效贡献</th>
        </tr>
      </thead>
      <tbody onClick={onClick}>
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="num">{r.rank}</td>
            <td className="num">{r.categoryRank}</td>
            <td>
              <a href={`/results/${year}/units/${r.unitId}`} data-discover="true">
                {r.name}
              </a>
            </td>
            <td className="nowrap">{r.category}</td>
            <td className="num">{fmt(r.total)}</td>
            <td className="num">{fmt(r.base)}</td>
            <td className="num">{fmt(r.bonus)}</td>
            {penalty ? <td className="num">{r.penalty > 0 ? `−${fmt(r.penalty)}` : fmt(0)}</td> : null}
            <td>
              <span className="badge" style={{ borderColor: r.colour, color: r.colour }}>
                {r.grade}
                {r.vetoed ? "（否决）" : ""}
              </span>
            </td>
            <DimensionCells dimensions={dimensions} scores={r.dimensions} />
            <td className="num">{fmt(r.contribution)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
