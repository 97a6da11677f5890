import { Form, Link } from "@remix-run/react";

type Errors = Record<string, string | undefined>;

function Reason({ amend, id, error }: { amend: boolean; id: string; error?: string }) {
  if (!amend) return null;
  return (
    <div className="field">
      <label htmlFor={id}>修订原因（必填）</label>
      <input id={id} name="reason" maxLength={500} aria-invalid={error ? true : undefined} />
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Structure changes of the selected node: order among its siblings, moving under another parent,
 * deleting it with its subtree, adding a sibling after it. Published sets ask for a reason.
 */
export function IndicatorStructureForms({
  node,
  targets,
  amend,
  busy,
  errors,
  intent,
  addAfterHref,
}: {
  node: { nodeId: number; code: string; name: string; level: number; first: boolean; last: boolean; parentId: number | null };
  targets: { id: number | null; label: string }[];
  amend: boolean;
  busy: boolean;
  /** Errors of the last structure action (by intent). */
  errors: Errors;
  intent: string | undefined;
  addAfterHref: string;
}) {
  const mine = (i: string) => (intent === i ? errors : {});
  const currentParent = node.parentId === null ? "" : String(node.parentId);
  return (
    <section className="card" aria-labelledby="structure-h">
      <h3 id="structure-h">调整位置</h3>
      <p>
        <Link to={addAfterHref}>在“{node.code}”之后添加同级指标</Link>
      </p>
      <Form method="post" className="toolbar">
        <input type="hidden" name="intent" value="reorder" />
        <input type="hidden" name="nodeId" value={node.nodeId} />
        <Reason amend={amend} id="f-reorder-reason" error={mine("reorder").reason} />
        <button type="submit" name="direction" value="up" className="secondary" disabled={busy || node.first}>
          上移
        </button>
        <button type="submit" name="direction" value="down" className="secondary" disabled={busy || node.last}>
          下移
        </button>
        {mine("reorder")._form ? (
          <span className="field-error" role="alert">
            {mine("reorder")._form}
          </span>
        ) : null}
      </Form>
      <Form method="post" className="toolbar">
        <input type="hidden" name="intent" value="move" />
        <input type="hidden" name="nodeId" value={node.nodeId} />
        <div className="field">
          <label htmlFor="f-move-parent">移动到（连同下级指标，排在最后）</label>
          <select id="f-move-parent" name="parentId" defaultValue={currentParent} aria-invalid={mine("move").parentId ? true : undefined}>
            {targets.map((t) => (
              <option key={t.id ?? "top"} value={t.id === null ? "" : String(t.id)}>
                {t.label}
              </option>
            ))}
          </select>
          {mine("move").parentId ? (
            <span className="field-error" role="alert">
              {mine("move").parentId}
            </span>
          ) : null}
        </div>
        <Reason amend={amend} id="f-move-reason" error={mine("move").reason} />
        <button type="submit" className="secondary" disabled={busy}>
          移动
        </button>
      </Form>
      <Form
        method="post"
        className="toolbar"
        onSubmit={(e) => {
          if (!window.confirm(`确定删除“${node.code} ${node.name}”及其全部下级指标吗？`)) e.preventDefault();
        }}
      >
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="nodeId" value={node.nodeId} />
        <Reason amend={amend} id="f-delete-reason" error={mine("delete").reason} />
        <button type="submit" className="danger" disabled={busy}>
          删除该指标
        </button>
        {mine("delete")._form ? (
          <span className="field-error" role="alert">
            {mine("delete")._form}
          </span>
        ) : null}
      </Form>
    </section>
  );
}
