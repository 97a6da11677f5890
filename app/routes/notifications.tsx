import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { listNotifications, markRead } from "../services/notifications.server";
import { requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { getDb } from "../utils/db.server";
import { badRequest } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "消息 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "account");
  const items = listNotifications(getDb(), user.id).map((n) => ({
    id: n.id,
    kindLabel: n.kindLabel,
    title: n.title,
    body: n.body,
    link: n.link,
    atText: formatBeijingTime(n.createdAt),
    read: n.readAt !== null,
  }));
  return { items, unread: items.filter((i) => !i.read).length };
}

const actionSchema = z.union([
  z.object({ intent: z.literal("read"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("readAll") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "read", "account");
  const form = await request.formData();
  const parsed = actionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw badRequest("未知的操作。");
  // Only the user's own notifications change; another user's id changes nothing.
  const changed = markRead(getDb(), user.id, parsed.data.intent === "readAll" ? "all" : parsed.data.id, new Date());
  return { ok: true, changed };
}

export default function Notifications() {
  const { items, unread } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <h1>消息</h1>
      <p className="muted">
        共{items.length}条，其中未读{unread}条。截止提醒、退回修改、催办、待仲裁、整改到期、结果发布和复核结果都会在这里通知您。
      </p>
      {unread > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="readAll" />
          <button type="submit" className="secondary" disabled={busy}>
            全部标为已读
          </button>
        </Form>
      ) : null}
      {items.length === 0 ? <p className="card muted">暂无消息。</p> : null}
      <ul className="notification-list">
        {items.map((n) => (
          <li key={n.id} className={n.read ? "notification" : "notification unread"} data-notification={n.id}>
            <div>
              <span className="badge">{n.kindLabel}</span> <strong>{n.title}</strong>
              {n.read ? null : <span className="badge warn">未读</span>} <span className="muted">{n.atText}</span>
            </div>
            <p>{n.body}</p>
            <div className="notification-actions">
              {n.link ? <Link to={n.link}>去处理</Link> : null}
              {n.read ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="read" />
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" className="link-button" disabled={busy} aria-label={`将“${n.title}”标为已读`}>
                    标为已读
                  </button>
                </Form>
              )}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
