import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field } from "../components/Field";
import { FormOutcome } from "../components/FormOutcome";
import { deliveryProblems } from "../services/notification-delivery.server";
import { notificationSettingsOf, saveNotificationSettings } from "../services/notifications.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { actionRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "消息提醒设置 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const db = getDb();
  const s = notificationSettingsOf(db);
  return {
    settings: { emailEnabled: s.emailEnabled, emailFrom: s.emailFrom ?? "", webhookEnabled: s.webhookEnabled, webhookUrl: s.webhookUrl ?? "", reminderDays: s.reminderDays },
    smtpConfigured: Boolean(process.env.SMTP_URL),
    problems: deliveryProblems(db),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const form = await request.formData();
  try {
    saveNotificationSettings(getDb(), actorOf(user), Object.fromEntries(form), new Date());
  } catch (error) {
    const r = actionRefusal(error);
    return data({ ok: false as const, fieldErrors: r.fieldErrors }, { status: r.status });
  }
  return { ok: true as const, fieldErrors: {} as Record<string, string> };
}

export default function NotificationSettings() {
  const { settings, smtpConfigured, problems } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (result?.fieldErrors ?? {}) as Record<string, string | undefined>;
  return (
    <>
      <h1>消息提醒设置</h1>
      <p className="muted">
        站内消息始终发送。另可通过邮件（各账号须填写邮箱）和政务微信/钉钉群机器人（Webhook）推送。截止前提醒、逾期提醒和整改到期提醒由系统定时发送，每项只发送一次。
      </p>
      <FormOutcome notice={result?.ok ? "消息提醒设置已保存。" : null} error={errors._form} />
      <Form method="post" className="card stack" noValidate>
        <h2>邮件</h2>
        <p className="muted">{smtpConfigured ? "邮件服务器已配置（SMTP_URL）。" : "尚未配置邮件服务器：请由系统管理员设置环境变量 SMTP_URL 后启用邮件提醒。"}</p>
        <label>
          <input type="checkbox" name="emailEnabled" value="1" defaultChecked={settings.emailEnabled} /> 启用邮件提醒
        </label>
        <Field name="emailFrom" label="发件人" defaultValue={settings.emailFrom} error={errors.emailFrom} hint="如：明湖区政务公开办 <zwgk@example.gov.cn>" />
        <h2>群机器人（Webhook）</h2>
        <label>
          <input type="checkbox" name="webhookEnabled" value="1" defaultChecked={settings.webhookEnabled} /> 启用群机器人推送
        </label>
        <Field name="webhookUrl" label="Webhook地址" defaultValue={settings.webhookUrl} error={errors.webhookUrl} hint="政务微信或钉钉群机器人的地址，消息以文本形式推送" />
        <h2>定时提醒</h2>
        <Field name="reminderDays" label="截止前提前提醒天数" inputMode="numeric" defaultValue={String(settings.reminderDays)} error={errors.reminderDays} required />
        <div>
          <button type="submit" disabled={busy}>
            保存设置
          </button>
        </div>
      </Form>
      <section className="card" aria-labelledby="problems-h">
        <h2 id="problems-h">发送失败与重试</h2>
        {problems.length === 0 ? (
          <p className="muted">没有发送失败的消息。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">消息</th>
                  <th scope="col">方式</th>
                  <th scope="col">接收方</th>
                  <th scope="col">状态</th>
                  <th scope="col">尝试次数</th>
                  <th scope="col">错误</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p) => (
                  <tr key={p.id}>
                    <td>{p.title}</td>
                    <td>{p.channel === "email" ? "邮件" : "Webhook"}</td>
                    <td>{p.target}</td>
                    <td>{p.status === "sent" ? "已发送" : p.status === "failed" ? "已放弃" : "等待重试"}</td>
                    <td>{p.attempts}</td>
                    <td>{p.lastError}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
