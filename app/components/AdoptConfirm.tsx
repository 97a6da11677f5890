import { Form, Link } from "@remix-run/react";

/** The confirmation of 采纳单位自评: the leaves whose department answers become this evaluator's entries. */

interface Props {
  cycleId: number;
  cancelTo: string;
  preview: {
    leaves: {
      nodeId: number;
      code: string;
      name: string;
      self: string[];
      replaces: string[] | null;
    }[];
    unanswered: string[];
  };
  busy: boolean;
}

export function AdoptConfirm({ cycleId, cancelTo, preview, busy }: Props) {
  return (
    <section className="card" aria-labelledby="adopt-h">
      <h2 id="adopt-h">确认采纳单位自评</h2>
      {preview.leaves.length > 0 ? (
        <>
          <p>
            以下{preview.leaves.length}
            项指标将按单位自评录入为您的评估结果（每项单独保存并记入审计日志）：
          </p>
          <ul aria-label="将采纳的指标">
            {preview.leaves.map((l) => (
              <li key={l.nodeId}>
                {l.code} {l.name}：{l.self.join("；")}
                {l.replaces ? (
                  <span className="badge warn">
                    将替换已录入的“{l.replaces.join("；")}”
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="field-error">所选指标单位均未填报，无法采纳。</p>
      )}
      {preview.unanswered.length > 0 ? (
        <p className="muted">
          单位未填报、不能采纳：{preview.unanswered.join("、")}
        </p>
      ) : null}
      <Form method="post" className="toolbar">
        <input type="hidden" name="intent" value="adopt" />
        <input type="hidden" name="cycleId" value={cycleId} />
        {preview.leaves.map((l) => (
          <input key={l.nodeId} type="hidden" name="nodeId" value={l.nodeId} />
        ))}
        {preview.leaves.length > 0 ? (
          <button type="submit" disabled={busy}>
            确认采纳（{preview.leaves.length}项）
          </button>
        ) : null}
        <Link to={cancelTo} className="button secondary">
          取消
        </Link>
      </Form>
    </section>
  );
}
