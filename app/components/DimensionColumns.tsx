import { fmt } from "../domain/results-view";

/** A dimension column of a ranking table (dimensionsUsed in app/domain/results-view.ts). */
export interface DimensionColumn {
  key: string;
  label: string;
}

/** The header cells of a ranking's dimension columns, in the given order. */
export function DimensionHeaders({ dimensions }: { dimensions: readonly DimensionColumn[] }) {
  return (
    <>
      {dimensions.map((dim) => (
        <th key={dim.key} scope="col" className="num">
          {dim.label}
        </th>
      ))}
    </>
  );
}

/** One unit's cells under DimensionHeaders: its dimension score, or "—" where it has none. */
export function DimensionCells({ dimensions, scores }: { dimensions: readonly DimensionColumn[]; scores: Readonly<Partial<Record<string, number>>> }) {
  return (
    <>
      {dimensions.map((dim) => {
        const score = scores[dim.key];
        return (
          <td key={dim.key} className="num">
            {score === undefined ? "—" : fmt(score)}
          </td>
        );
      })}
    </>
  );
}
