import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ActiveBadge } from "../components/AdminList";
import { Field } from "../components/Field";
import { UserBindingFields } from "../components/UserFormFields";
import {
  bindingOptions,
  getUserDetail,
  resetPasswordSchema,
  resetUserPassword,
  roleOptions,
  setUserActive,
  updateUser,
  updateUserSchema,
  userIntentSchema,
} from "../services/users.server";
import { actorOf, ROLE_LABELS, requireAccess } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { actionRefusal, badRequest, parseId, throwAsResponse } from "../utils/http.server";
import { MIN_PASSWORD_LENGTH } from "../utils/password.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `用户 ${data?.user.displayName ?? ""} - 政务公开绩效考核平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireAccess(request, "read", "administration");
  try {
    const user = getUserDetail(getDb(), parseId(params.userId));
    return {
      user: { ...user, roleLabel: ROLE_LABELS[user.role] },
      isSelf: user.id === me.id,
      roles: roleOptions(),
      minPasswordLength: MIN_PASSWORD_LENGTH,
      ...bindingOptions(getDb()),
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

type Outcome = { intent: string; ok: boolean; message: string | null; fieldErrors: Record<string, string>; values: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const me = await requireAccess(request, "write", "administration");
  const actor = actorOf(me);
  const id = parseId(params.userId);
  const formData = await request.formData();
  const intent = userIntentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw badRequest("未知的操作。");
  const reply = (outcome: Omit<Outcome, "intent">, status = 200) => data<Outcome>({ intent: intent.data, ...outcome }, { status });
  try {
    getUserDetail(getDb(), id); // 404 for an unknown user, before anything else
    switch (intent.data) {
      case "update": {
        const form = parseForm(updateUserSchema, formData);
        if (!form.ok) return reply({ ok: false, message: null, fieldErrors: form.fieldErrors, values: form.values }, 400);
        updateUser(getDb(), actor, id, form.data);
        return reply({ ok: true, message: "已保存。", fieldErrors: {}, values: {} });
      }
      case "reset-password": {
        const form = parseForm(resetPasswordSchema, formData);
        if (!form.ok) return reply({ ok: false, message: null, fieldErrors: form.fieldErrors, values: {} }, 400);
        return reply({ ok: true, message: await resetUserPassword(getDb(), actor, id, form.data.password), fieldErrors: {}, values: {} });
      }
      case "deactivate":
      case "activate":
        return reply({ ok: true, message: setUserActive(getDb(), actor, id, intent.data === "activate"), fieldErrors: {}, values: {} });
    }
  } catch (error) {
    // A refusal about the whole form is the page's message; one about fields stands beside them.
    const r = actionRefusal(error, ["forbidden", "notFound"]);
    const { _form, ...fieldErrors } = r.fieldErrors;
    return reply({ ok: false, message: _form ?? null, fieldErrors, values: intent.data === "update" ? formValues(formData) : {} }, r.status);
  }
}

export default function UserPage() {
  const { user, isSelf, roles, units, orgs, minPasswordLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errorsFor = (intent: string) => (actionData?.intent === intent ? actionData.fieldErrors : {}) as Record<string, string | undefined>;
  const updateFailed = actionData?.intent === "update" && !actionData.ok;
  const typed = (updateFailed ? actionData.values : {}) as Record<string, string | undefined>;
  const values = updateFailed
    ? typed
    : { displayName: user.displayName, email: user.email ?? "", role: user.role, unitId: user.unitId ? String(user.unitId) : "", orgId: user.orgId ? String(user.orgId) : "" };
  const message = actionData?.message ? (
    <p className={actionData.ok ? "notice" : "form-error"} role={actionData.ok ? "status" : "alert"}>
      {actionData.message}
    </p>
  ) : null;

  return (
    <div>
      <p className="no-print">
        <Link to="/admin/users">← 返回用户列表</Link>
      </p>
      <h1>
        用户：{user.displayName}（{user.username}）
      </h1>
      <p>
        {user.roleLabel}
        {user.unitName ? ` · ${user.unitCode} ${user.unitName}` : ""}
        {user.orgName ? ` · ${user.orgName}` : ""} ·{" "}
        <ActiveBadge active={user.active} />
      </p>
      {message}

      <div className="card">
        <h2>基本信息</h2>
        <Form method="post" className="stack" noValidate key={`${user.id}-${user.updatedAt}`}>
          <input type="hidden" name="intent" value="update" />
          <div className="field">
            <span className="muted">用户名 {user.username}（创建后不可修改）</span>
          </div>
          <Field
            id="edit-displayName"
            name="displayName"
            label="姓名"
            maxLength={50}
            defaultValue={values.displayName}
            error={errorsFor("update").displayName}
            required
          />
          <Field
            id="edit-email"
            name="email"
            label="邮箱（接收消息提醒，可不填）"
            type="email"
            maxLength={200}
            defaultValue={values.email}
            error={errorsFor("update").email}
          />
          <UserBindingFields prefix="edit" options={{ roles, units, orgs }} values={values} errors={errorsFor("update")} />
          <div>
            <button type="submit" disabled={busy}>
              保存
            </button>
          </div>
        </Form>
      </div>

      <div className="card">
        <h2>重置密码</h2>
        {isSelf ? (
          <p className="muted">
            修改自己的密码请使用<Link to="/account/password">修改密码</Link>页面。
          </p>
        ) : (
          <>
            <p className="muted">重置后该用户所有已登录的设备立即退出。请通过安全渠道告知新密码，并提醒本人登录后修改。</p>
            <Form method="post" className="stack" noValidate key={actionData?.intent === "reset-password" && actionData.ok ? "done" : "reset"}>
              <input type="hidden" name="intent" value="reset-password" />
              <Field
                id="reset-password"
                name="password"
                label="新密码"
                type="password"
                autoComplete="new-password"
                hint={`至少${minPasswordLength}位`}
                error={errorsFor("reset-password").password}
                required
              />
              <Field
                id="reset-passwordConfirm"
                name="passwordConfirm"
                label="确认新密码"
                type="password"
                autoComplete="new-password"
                error={errorsFor("reset-password").passwordConfirm}
                required
              />
              <div>
                <button type="submit" disabled={busy}>
                  重置密码
                </button>
              </div>
            </Form>
          </>
        )}
      </div>

      <div className="card">
        <h2>账号状态</h2>
        {isSelf ? (
          <p className="muted">不能停用自己的账号。</p>
        ) : user.active ? (
          <Form method="post">
            <p className="muted">停用后该用户不能再登录，已登录的设备立即退出；其历史记录完整保留，可随时重新启用。</p>
            <button type="submit" name="intent" value="deactivate" className="danger" disabled={busy}>
              停用该用户
            </button>
          </Form>
        ) : (
          <Form method="post">
            <p className="muted">该用户已停用，不能登录。</p>
            <button type="submit" name="intent" value="activate" className="secondary" disabled={busy}>
              重新启用该用户
            </button>
          </Form>
        )}
      </div>
    </div>
  );
}
