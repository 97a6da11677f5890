export interface TimelineEntryView {
  id: number;
  label: string;
  atText: string;
  actorName: string;
  comment: string | null;
  items: { nodeId: number; code: string; name: string; comment: string; resolved: boolean }[];
}

/** A submission's transitions (who, when, comment), oldest first. */
export function Timeline({ entries }: { entries: TimelineEntryView[] }) {
  if (entries.length === 0) return <p className="muted">暂无办理记录。</p>;
  return (
    <ol className="card" style={{ paddingLeft: "2rem" }}>
      {entries.map((e) => (
        <li key={e.id} style={{ marginBottom: ".5rem" }}>
          <strong>{e.label}</strong> <span className="muted">{e.atText}</span> · {e.actorName}
          {e.comment ? <div>{e.comment}</div> : null}
          {e.items.length > 0 ? (
            <ul>
              {e.items.map((i) => (
                <li key={i.nodeId}>
                  {i.code} {i.name}：{i.comment} {i.resolved ? <span className="badge ok">已重新提交</span> : <span className="badge warn">待修改</span>}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
