import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { UnitFormFields } from "../components/UnitFormFields";
import { listCategories } from "../services/categories.server";
import { createUnit, listParentOptions, listUnits, unitFormSchema } from "../services/units.server";
import { actorOf, requireRole } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { UNIT_STATUS_FILTERS } from "../utils/unit-status-filters";

export const meta: MetaFunction = () => [{ title: "单位管理 - 政务公开绩效考核平台" }];

const filterSchema = z.object({
  category: z.string().regex(/^[1-9][0-9]{0,15}$/).transform(Number).optional().catch(undefined),
  status: z.enum(["all", "active", "inactive"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "office");
  const params = new URL(request.url).searchParams;
  const filter = filterSchema.parse({
    category: params.get("category") || undefined,
    status: params.get("status") || undefined,
    q: params.get("q") || undefined,
  });
  return {
    units: listUnits({ categoryId: filter.category, status: filter.status ?? "all", q: filter.q }),
    filter: { category: filter.category ? String(filter.category) : "", status: filter.status ?? "all", q: filter.q ?? "" },
    categories: listCategories().map(({ id, name }) => ({ id, name })),
    parents: listParentOptions(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "office");
  const formData = await request.formData();
  const form = parseForm(unitFormSchema, formData);
  if (!form.ok) return data({ ok: false as const, fieldErrors: form.fieldErrors, values: form.values, created: null }, { status: 400 });
  const result = createUnit(actorOf(user), form.data);
  if (!result.ok) return data({ ok: false as const, fieldErrors: result.fieldErrors, values: formValues(formData), created: null }, { status: 400 });
  return { ok: true as const, fieldErrors: {}, values: {}, created: { id: result.id, code: form.data.code, name: form.data.name } };
}

export default function UnitsPage() {
  const { units, filter, categories, parents } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;

  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>单位管理</h1>
        <Link to="/admin/units/import" className="button secondary">
          从 Excel 批量导入
        </Link>
        <a href="/admin/units/template.xlsx" className="button secondary" download>
          下载导入模板
        </a>
      </div>

      <Form method="get" className="toolbar card" role="search" aria-label="筛选单位">
        <div className="field">
          <label htmlFor="filter-category">单位类别</label>
          <select id="filter-category" name="category" defaultValue={filter.category}>
            <option value="">全部类别</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">状态</label>
          <select id="filter-status" name="status" defaultValue={filter.status}>
            {Object.entries(UNIT_STATUS_FILTERS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-q">搜索（编码或名称）</label>
          <input id="filter-q" name="q" type="search" defaultValue={filter.q} maxLength={100} />
        </div>
        <button type="submit">筛选</button>
        <Link to="/admin/units">清除筛选</Link>
      </Form>

      <div className="table-wrap card">
        <table>
          <caption className="muted">共 {units.length} 个单位</caption>
          <thead>
            <tr>
              <th scope="col">单位编码</th>
              <th scope="col">单位名称</th>
              <th scope="col">单位类别</th>
              <th scope="col">上级单位</th>
              <th scope="col">状态</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {units.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  没有符合条件的单位。
                </td>
              </tr>
            ) : (
              units.map((u) => (
                <tr key={u.id}>
                  <td>{u.code}</td>
                  <td>{u.name}</td>
                  <td>{u.categoryName}</td>
                  <td>{u.parentName ? `${u.parentCode} ${u.parentName}` : <span className="muted">—</span>}</td>
                  <td>{u.active ? <span className="badge ok">启用</span> : <span className="badge warn">已停用</span>}</td>
                  <td>
                    <Link to={`/admin/units/${u.id}`} aria-label={`编辑 ${u.name}`}>
                      编辑
                    </Link>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      <div className="card">
        <h2>新增单位</h2>
        {actionData?.created ? (
          <p className="notice" role="status">
            已添加单位 {actionData.created.code} {actionData.created.name}。
          </p>
        ) : null}
        <Form method="post" className="stack" noValidate key={actionData?.created?.id ?? "new"}>
          <UnitFormFields
            categories={categories}
            parents={parents}
            values={actionData?.ok === false ? { ...values, active: values.active !== undefined } : {}}
            errors={errors}
          />
          <div>
            <button type="submit" disabled={busy}>
              添加单位
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
