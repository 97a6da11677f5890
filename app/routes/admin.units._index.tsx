import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ActiveBadge, AdminListHeader, FilterBar, FilterSelect, ListTable } from "../components/AdminList";
import { UnitFormFields } from "../components/UnitFormFields";
import { listCategories } from "../services/categories.server";
import { createUnit, listParentOptions, listUnits, unitFormSchema } from "../services/units.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { formValues, parseForm } from "../utils/form.server";
import { UNIT_STATUS_FILTERS } from "../utils/unit-status-filters";
import { actionRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "单位管理 - 政务公开绩效考核平台" }];

const filterSchema = z.object({
  category: z.string().regex(/^[1-9][0-9]{0,15}$/).transform(Number).optional().catch(undefined),
  status: z.enum(["all", "active", "inactive"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const params = new URL(request.url).searchParams;
  const filter = filterSchema.parse({
    category: params.get("category") || undefined,
    status: params.get("status") || undefined,
    q: params.get("q") || undefined,
  });
  return {
    units: listUnits(getDb(), { categoryId: filter.category, status: filter.status ?? "all", q: filter.q }),
    filter: { category: filter.category ? String(filter.category) : "", status: filter.status ?? "all", q: filter.q ?? "" },
    categories: listCategories(getDb()).map(({ id, name }) => ({ id, name })),
    parents: listParentOptions(getDb()),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const formData = await request.formData();
  const form = parseForm(unitFormSchema, formData);
  if (!form.ok) return data({ ok: false as const, fieldErrors: form.fieldErrors, values: form.values, created: null }, { status: 400 });
  try {
    const id = createUnit(getDb(), actorOf(user), form.data);
    return { ok: true as const, fieldErrors: {}, values: {}, created: { id, code: form.data.code, name: form.data.name } };
  } catch (error) {
    const r = actionRefusal(error);
    return data({ ok: false as const, fieldErrors: r.fieldErrors, values: formValues(formData), created: null }, { status: r.status });
  }
}

export default function UnitsPage() {
  const { units, filter, categories, parents } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;

  return (
    <div>
      <AdminListHeader title="单位管理" base="/admin/units" />

      <FilterBar ariaLabel="筛选单位" searchLabel="搜索（编码或名称）" q={filter.q} clearTo="/admin/units">
        <FilterSelect name="category" label="单位类别" value={filter.category} allLabel="全部类别" options={categories.map((c) => ({ value: c.id, label: c.name }))} />
        <FilterSelect name="status" label="状态" value={filter.status} options={Object.entries(UNIT_STATUS_FILTERS).map(([value, label]) => ({ value, label }))} />
      </FilterBar>

      <ListTable
        caption={`共 ${units.length} 个单位`}
        headers={["单位编码", "单位名称", "单位类别", "上级单位", "状态", "操作"]}
        rows={units}
        empty="没有符合条件的单位。"
        row={(u) => (
          <tr key={u.id}>
            <td>{u.code}</td>
            <td>{u.name}</td>
            <td>{u.categoryName}</td>
            <td>{u.parentName ? `${u.parentCode} ${u.parentName}` : <span className="muted">—</span>}</td>
            <td>
              <ActiveBadge active={u.active} />
            </td>
            <td>
              <Link to={`/admin/units/${u.id}`} aria-label={`编辑 ${u.name}`}>
                编辑
              </Link>
            </td>
          </tr>
        )}
      />

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
