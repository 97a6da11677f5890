import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { Field } from "../components/Field";
import { changeOwnPassword } from "../services/auth.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { parseForm } from "../utils/form.server";
import { MIN_PASSWORD_LENGTH } from "../domain/password-policy";
import { destroyUserSessions } from "../utils/session.server";
import { getDb } from "../utils/db.server";
import { actionRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "修改密码 - 政务公开绩效考核平台" }];

const schema = z
  .object({
    currentPassword: z.string({ required_error: "请输入当前密码" }).min(1, "请输入当前密码"),
    newPassword: z
      .string({ required_error: "请输入新密码" })
      .min(MIN_PASSWORD_LENGTH, `新密码至少${MIN_PASSWORD_LENGTH}位`)
      .max(128, "新密码不能超过128位"),
    confirmPassword: z.string({ required_error: "请再次输入新密码" }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "两次输入的新密码不一致" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "account");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "account");
  const form = parseForm(schema, await request.formData());
  if (!form.ok) return data({ ok: false as const, fieldErrors: form.fieldErrors }, { status: 400 });
  try {
    await changeOwnPassword(getDb(), user.id, actorOf(user).name, form.data.currentPassword, form.data.newPassword);
  } catch (error) {
    const r = actionRefusal(error);
    return data({ ok: false as const, fieldErrors: r.fieldErrors }, { status: r.status });
  }
  // Other sessions of this account end; this one stays.
  destroyUserSessions(user.id, user.sessionId);
  return { ok: true as const, fieldErrors: {} };
}

export default function ChangePassword() {
  const actionData = useActionData<typeof action>();
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  return (
    <div className="card">
      <h1>修改密码</h1>
      {actionData?.ok ? (
        <p className="notice" role="status">
          密码已修改。其他设备上的登录已失效。
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <Field name="currentPassword" label="当前密码" type="password" autoComplete="current-password" error={errors.currentPassword} required />
        <Field name="newPassword" label="新密码" type="password" autoComplete="new-password" hint={`至少${MIN_PASSWORD_LENGTH}位`} error={errors.newPassword} required />
        <Field name="confirmPassword" label="确认新密码" type="password" autoComplete="new-password" error={errors.confirmPassword} required />
        <div>
          <button type="submit">保存新密码</button>
        </div>
      </Form>
    </div>
  );
}
