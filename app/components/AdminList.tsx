import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * Building blocks of the office's list pages (单位管理, 用户管理): the title bar with the Excel
 * import links, the filter bar, and the list table.
 */

/** Title with the links to the batch import page (`<base>/import`) and its template (`<base>/template.xlsx`). */
export function AdminListHeader({ title, base }: { title: string; base: string }) {
  return (
    <div className="toolbar">
      <h1 style={{ margin: 0 }}>{title}</h1>
      <Link to={`${base}/import`} className="button secondary">
        从 Excel 批量导入
      </Link>
      <a href={`${base}/template.xlsx`} className="button secondary" download>
        下载导入模板
      </a>
    </div>
  );
}

export interface FilterOption {
  value: string | number;
  label: string;
}

/** One labelled select of a filter bar; `allLabel` adds the leading "all" option (empty value). */
export function FilterSelect(props: { name: string; label: string; value: string; options: FilterOption[]; allLabel?: string }) {
  const id = `filter-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} defaultValue={props.value}>
        {props.allLabel ? <option value="">{props.allLabel}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A GET filter form: the selects given as children, then a search box (`q`), 筛选 and 清除筛选 (back to `clearTo`). */
export function FilterBar(props: { ariaLabel: string; searchLabel: string; q: string; clearTo: string; children: ReactNode }) {
  return (
    <Form method="get" className="toolbar card" role="search" aria-label={props.ariaLabel}>
      {props.children}
      <div className="field">
        <label htmlFor="filter-q">{props.searchLabel}</label>
        <input id="filter-q" name="q" type="search" defaultValue={props.q} maxLength={100} />
      </div>
      <button type="submit">筛选</button>
      <Link to={props.clearTo}>清除筛选</Link>
    </Form>
  );
}

/** The list table: a caption, column headers, and one row per item (or the empty message across all columns). */
export function ListTable<T>(props: { caption: string; headers: string[]; rows: T[]; empty: string; row: (item: T) => ReactNode }) {
  return (
    <div className="table-wrap card">
      <table>
        <caption className="muted">{props.caption}</caption>
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.headers.length} className="muted">
                {props.empty}
              </td>
            </tr>
          ) : (
            props.rows.map(props.row)
          )}
        </tbody>
      </table>
    </div>
  );
}

export function ActiveBadge({ active }: { active: boolean }) {
  return active ? <span className="badge ok">启用</span> : <span className="badge warn">已停用</span>;
}
