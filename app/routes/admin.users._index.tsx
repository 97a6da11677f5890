import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ActiveBadge, AdminListHeader, FilterBar, FilterSelect, ListTable } from "../components/AdminList";
import { Field } from "../components/Field";
import { UserBindingFields } from "../components/UserFormFields";
import { bindingOptions, createUser, createUserSchema, listUsers, roleOptions, userFilterSchema, USER_STATUS_FILTERS } from "../services/users.server";
import { actorOf, ROLE_LABELS, requireAccess } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { MIN_PASSWORD_LENGTH } from "../utils/password.server";
import { getDb } from "../utils/db.server";
import { actionRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "用户管理 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const params = new URL(request.url).searchParams;
  const filter = userFilterSchema.parse({
    role: params.get("role") || undefined,
    unit: params.get("unit") || undefined,
    status: params.get("status") || undefined,
    q: params.get("q") || undefined,
  });
  const status = filter.status ?? "all";
  return {
    users: listUsers(getDb(), { role: filter.role, unitId: filter.unit, status, q: filter.q }).map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role] })),
    filter: { role: filter.role ?? "", unit: filter.unit ? String(filter.unit) : "", status, q: filter.q ?? "" },
    roles: roleOptions(),
    statuses: Object.entries(USER_STATUS_FILTERS).map(([value, label]) => ({ value, label })),
    minPasswordLength: MIN_PASSWORD_LENGTH,
    ...bindingOptions(getDb()),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const formData = await request.formData();
  const form = parseForm(createUserSchema, formData);
  if (!form.ok) return data({ ok: false as const, fieldErrors: form.fieldErrors, values: form.values, created: null }, { status: 400 });
  try {
    const id = await createUser(getDb(), actorOf(user), form.data);
    return { ok: true as const, fieldErrors: {}, values: {}, created: { id, username: form.data.username, displayName: form.data.displayName } };
  } catch (error) {
    const r = actionRefusal(error);
    return data({ ok: false as const, fieldErrors: r.fieldErrors, values: formValues(formData), created: null }, { status: r.status });
  }
}

export default function UsersPage() {
  const { users, filter, roles, statuses, minPasswordLength, units, orgs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const values = (actionData?.ok === false ? actionData.values : {}) as Record<string, string | undefined>;

  return (
    <div>
      <AdminListHeader title="用户管理" base="/admin/users" />

      <FilterBar ariaLabel="筛选用户" searchLabel="搜索（用户名或姓名）" q={filter.q} clearTo="/admin/users">
        <FilterSelect name="role" label="角色" value={filter.role} allLabel="全部角色" options={roles} />
        <FilterSelect name="unit" label="所属单位" value={filter.unit} allLabel="全部单位" options={units.map((u) => ({ value: u.id, label: `${u.code} ${u.name}` }))} />
        <FilterSelect name="status" label="状态" value={filter.status} options={statuses} />
      </FilterBar>

      <ListTable
        caption={`共 ${users.length} 个用户`}
        headers={["用户名", "姓名", "角色", "所属单位", "评估机构", "状态", "操作"]}
        rows={users}
        empty="没有符合条件的用户。"
        row={(u) => (
          <tr key={u.id}>
            <td>{u.username}</td>
            <td>{u.displayName}</td>
            <td>{u.roleLabel}</td>
            <td>{u.unitName ? `${u.unitCode} ${u.unitName}` : <span className="muted">—</span>}</td>
            <td>{u.orgName ?? <span className="muted">—</span>}</td>
            <td>
              <ActiveBadge active={u.active} />
            </td>
            <td>
              <Link to={`/admin/users/${u.id}`} aria-label={`管理 ${u.displayName}（${u.username}）`}>
                管理
              </Link>
            </td>
          </tr>
        )}
      />

      <div className="card">
        <h2>新增用户</h2>
        {actionData?.created ? (
          <p className="notice" role="status">
            已添加用户 {actionData.created.displayName}（{actionData.created.username}）。请通过安全渠道告知初始密码，并提醒本人首次登录后修改。
          </p>
        ) : null}
        <Form method="post" className="stack" noValidate key={actionData?.created?.id ?? "new"}>
          <Field
            name="username"
            label="用户名"
            maxLength={32}
            autoComplete="off"
            defaultValue={values.username}
            error={errors.username}
            hint="登录用的账号：2-32位字母、数字、点、下划线或短横线，不区分大小写且不能与已有用户重复；创建后不可修改"
            required
          />
          <Field name="displayName" label="姓名" maxLength={50} defaultValue={values.displayName} error={errors.displayName} required />
          <UserBindingFields prefix="new-user" options={{ roles, units, orgs }} values={values} errors={errors} />
          <Field
            name="password"
            label="初始密码"
            type="password"
            autoComplete="new-password"
            hint={`至少${minPasswordLength}位`}
            error={errors.password}
            required
          />
          <Field name="passwordConfirm" label="确认初始密码" type="password" autoComplete="new-password" error={errors.passwordConfirm} required />
          <div>
            <button type="submit" disabled={busy}>
              添加用户
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
