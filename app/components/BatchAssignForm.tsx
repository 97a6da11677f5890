import { Form, Link } from "@remix-run/react";

/**
 * 批量分配 on 评估分配: tick units and choose one evaluator (a GET to the confirmation), then the
 * confirmation listing the units it will be assigned to and those it cannot (why).
 */

interface Props {
  cycleId: number;
  cycleYear: number;
  units: { id: number; code: string; name: string; assigned: number }[];
  evaluators: { id: number; name: string; username: string; load: number }[];
  preview: {
    evaluator: { id: number; name: string; username: string };
    units: { id: number; name: string }[];
    skipped: { id: number; name: string; why: string }[];
  } | null;
  busy: boolean;
  error?: string;
}

export function BatchAssignForm({
  cycleId,
  cycleYear,
  units,
  evaluators,
  preview,
  busy,
  error,
}: Props) {
  if (preview) {
    return (
      <section className="card" aria-labelledby="batch-assign-h">
        <h2 id="batch-assign-h">确认批量分配</h2>
        {preview.units.length > 0 ? (
          <>
            <p>
              将{preview.evaluator.name}（{preview.evaluator.username}
              ）分配到以下{preview.units.length}个单位：
            </p>
            <ul aria-label="将分配的单位">
              {preview.units.map((u) => (
                <li key={u.id}>{u.name}</li>
              ))}
            </ul>
          </>
        ) : (
          <p className="field-error">所选单位都不能分配给该评估员。</p>
        )}
        {preview.skipped.length > 0 ? (
          <>
            <p className="muted">以下单位不能分配，不会处理：</p>
            <ul aria-label="不处理的单位">
              {preview.skipped.map((u) => (
                <li key={u.id}>{u.why}</li>
              ))}
            </ul>
          </>
        ) : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <Form method="post" className="toolbar">
          <input type="hidden" name="intent" value="assignMany" />
          <input type="hidden" name="cycleId" value={cycleId} />
          <input
            type="hidden"
            name="evaluatorId"
            value={preview.evaluator.id}
          />
          {preview.units.map((u) => (
            <input key={u.id} type="hidden" name="unitId" value={u.id} />
          ))}
          {preview.units.length > 0 ? (
            <button type="submit" disabled={busy}>
              确认分配（{preview.units.length}个单位）
            </button>
          ) : null}
          <Link to={`?cycle=${cycleYear}`} className="button secondary">
            取消
          </Link>
        </Form>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="batch-assign-h">
      <h2 id="batch-assign-h">批量分配</h2>
      <p className="muted">
        勾选已提交自查的单位，选择一名评估员，确认后一次分配（每个单位单独记入审计日志）。
      </p>
      <Form method="get" className="stack">
        <input type="hidden" name="cycle" value={cycleYear} />
        <fieldset>
          <legend>单位</legend>
          <div className="checkbox-grid">
            {units.map((u) => (
              <label key={u.id}>
                <input type="checkbox" name="unit" value={u.id} /> {u.code}{" "}
                {u.name}（已分配{u.assigned}人）
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="batch-evaluator">评估员</label>
          <select id="batch-evaluator" name="evaluator" defaultValue="">
            <option value="">请选择</option>
            {evaluators.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}（{e.username}，已分配{e.load}个单位）
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" className="secondary">
            下一步：确认
          </button>
        </div>
      </Form>
    </section>
  );
}
