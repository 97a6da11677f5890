import { Form, Link } from "@remix-run/react";

export interface TreeRowView {
  nodeId: number;
  level: number;
  code: string;
  name: string;
  dimension: string;
  part: string;
  points: number;
  rule: string;
  /** 必须 / empty. */
  evidence: string;
  /** Allowed kinds, for the tooltip. */
  evidenceKinds: string;
  isLeaf: boolean;
  first: boolean;
  last: boolean;
  problems: number;
}

export interface ReportView {
  errors: { message: string; nodeId: number | null }[];
  warnings: { message: string; nodeId: number | null }[];
}

/** The validation panel: errors block publishing, warnings are shown but allowed. */
export function ValidationPanel({ report, nodeHref }: { report: ReportView; nodeHref: (id: number) => string }) {
  const item = (e: { message: string; nodeId: number | null }, i: number) => (
    <li key={i}>
      {e.message}
      {e.nodeId !== null ? (
        <>
          {" "}
          <Link to={nodeHref(e.nodeId)}>定位</Link>
        </>
      ) : null}
    </li>
  );
  return (
    <section className="card" aria-labelledby="check-h" id="validation">
      <h2 id="check-h">
        校验结果：
        {report.errors.length === 0 ? <span className="badge ok">没有错误</span> : <span className="badge error">{report.errors.length} 个错误</span>}{" "}
        {report.warnings.length > 0 ? <span className="badge warn">{report.warnings.length} 个提示</span> : null}
      </h2>
      <p className="muted">
        每次修改后重新校验（评分引擎的指标校验，加上政策要求：覆盖信息公开、政策解读、回应关切、媒体参与四个维度，最多三级）。有错误时不能发布；提示不影响发布。
      </p>
      {report.errors.length > 0 ? (
        <div className="form-error" role="alert">
          <strong>错误（须全部消除才能发布）</strong>
          <ul>{report.errors.map(item)}</ul>
        </div>
      ) : null}
      {report.warnings.length > 0 ? (
        <div className="warning">
          <strong>提示</strong>
          <ul>{report.warnings.map(item)}</ul>
        </div>
      ) : null}
    </section>
  );
}

/** The tree as a table; in a draft, quick up/down buttons and “add child” links. */
export function IndicatorTreeTable({
  rows,
  selectedId,
  nodeHref,
  addHref,
  canEdit,
  quickEdit,
  busy,
}: {
  rows: TreeRowView[];
  selectedId: number | null;
  nodeHref: (id: number) => string;
  addHref: (spec: string) => string;
  /** Links read 编辑 (or 查看 for read-only users). */
  canEdit: boolean;
  /** Draft only: up/down buttons and “add child” links in the rows. */
  quickEdit: boolean;
  busy: boolean;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="指标树">
        <thead>
          <tr>
            <th scope="col">编码</th>
            <th scope="col">名称</th>
            <th scope="col">维度</th>
            <th scope="col">类别</th>
            <th scope="col" className="num">
              分值
            </th>
            <th scope="col">评分规则</th>
            <th scope="col">佐证</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                还没有指标。
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.nodeId} aria-current={r.nodeId === selectedId ? "true" : undefined} style={r.nodeId === selectedId ? { background: "#fff8e1" } : undefined}>
                <td style={{ paddingLeft: `${0.6 + (r.level - 1) * 1.2}rem`, whiteSpace: "nowrap" }}>{r.code}</td>
                <td style={{ fontWeight: r.level === 1 ? 600 : undefined }}>
                  {r.name} {r.problems > 0 ? <span className="badge error">{r.problems} 个问题</span> : null}
                </td>
                <td style={{ whiteSpace: "nowrap" }}>{r.dimension}</td>
                <td style={{ whiteSpace: "nowrap" }}>{r.part}</td>
                <td className="num">{r.points}</td>
                <td>{r.rule}</td>
                <td style={{ whiteSpace: "nowrap" }} title={r.evidenceKinds || undefined}>
                  {r.evidence}
                </td>
                <td style={{ whiteSpace: "nowrap" }}>
                  <Link to={nodeHref(r.nodeId)} aria-label={`${canEdit ? "编辑" : "查看"}${r.code} ${r.name}`}>
                    {canEdit ? "编辑" : "查看"}
                  </Link>
                  {quickEdit ? (
                    <>
                      {" "}
                      {r.level < 3 ? (
                        <Link to={addHref(`child-${r.nodeId}`)} aria-label={`在${r.code}下添加下级指标`}>
                          添加下级
                        </Link>
                      ) : null}{" "}
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="reorder" />
                        <input type="hidden" name="nodeId" value={r.nodeId} />
                        <button type="submit" name="direction" value="up" className="secondary" disabled={busy || r.first} aria-label={`上移${r.code}`}>
                          ↑
                        </button>
                        <button type="submit" name="direction" value="down" className="secondary" disabled={busy || r.last} aria-label={`下移${r.code}`}>
                          ↓
                        </button>
                      </Form>
                    </>
                  ) : null}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
