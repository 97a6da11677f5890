import { Form } from "@remix-run/react";
import { formatBeijingTime } from "../utils/beijing-time";
import type { CycleActionResult } from "./CycleSettingsForms";

export interface TransitionView {
  to: string;
  toLabel: string;
  label: string;
  confirm: string | null;
  /** Whether the signed-in user's role may make this step. */
  allowed: boolean;
  preconditions: { id: string; label: string; problems: string[] }[];
}

export interface HistoryView {
  id: number;
  fromLabel: string;
  toLabel: string;
  at: string;
  actorName: string;
  comment: string | null;
}

interface Props {
  statusLabel: string;
  statusHint: string;
  canEdit: boolean;
  transitions: TransitionView[];
  history: HistoryView[];
  result: CycleActionResult | undefined;
  busy: boolean;
}

/** The cycle's status, the steps the status machine offers from here, and the history of steps. */
export function CycleStatusPanel({ statusLabel, statusHint, canEdit, transitions, history, result, busy }: Props) {
  const mine = result?.intent === "transition" ? result : undefined;
  return (
    <section className="card" aria-labelledby="status-h">
      <h2 id="status-h">
        状态：<span className="badge">{statusLabel}</span>
      </h2>
      <p className="muted">{statusHint}</p>
      {mine?.ok && mine.message ? (
        <p className="notice" role="status">
          {mine.message}
        </p>
      ) : null}
      {mine && !mine.ok ? (
        <div className="form-error" role="alert">
          <p style={{ margin: 0 }}>{mine.message}</p>
          {mine.errors.length > 0 ? (
            <ul>
              {mine.errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {transitions.length === 0 ? <p className="muted">本状态之后没有可进行的操作。</p> : null}
      {transitions.map((t) => {
        const blocked = t.preconditions.some((p) => p.problems.length > 0);
        return (
          <div key={t.to} className="card">
            <h3 style={{ marginTop: 0 }}>
              {t.label}（变更为“{t.toLabel}”）
            </h3>
            {t.preconditions.length > 0 ? (
              <ul aria-label={`“${t.label}”的前提条件`}>
                {t.preconditions.map((p) => (
                  <li key={p.id}>
                    <span className={`badge ${p.problems.length === 0 ? "ok" : "error"}`}>{p.problems.length === 0 ? "已满足" : "未满足"}</span> {p.label}
                    {p.problems.length > 0 ? (
                      <details>
                        <summary>{p.problems.length} 个问题</summary>
                        <ul>
                          {p.problems.map((m, i) => (
                            <li key={i}>{m}</li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
            {canEdit && t.allowed ? (
              <Form
                method="post"
                className="inline-form"
                onSubmit={(e) => {
                  if (t.confirm && !confirm(t.confirm)) e.preventDefault();
                }}
              >
                <input type="hidden" name="intent" value="transition" />
                <input type="hidden" name="to" value={t.to} />
                <label htmlFor={`comment-${t.to}`} className="muted">
                  说明（可选）
                </label>
                <input id={`comment-${t.to}`} name="comment" maxLength={200} />
                <button type="submit" disabled={busy}>
                  {t.label}
                </button>
                {blocked ? <span className="muted">尚有前提条件未满足，提交后将列出原因。</span> : null}
              </Form>
            ) : null}
          </div>
        );
      })}

      <h3>状态变更记录</h3>
      {history.length === 0 ? (
        <p className="muted">尚无状态变更。</p>
      ) : (
        <ol className="timeline">
          {history.map((h) => (
            <li key={h.id}>
              <time dateTime={h.at}>{formatBeijingTime(h.at)}</time>　{h.actorName}：{h.fromLabel} → {h.toLabel}
              {h.comment ? `（${h.comment}）` : ""}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
