import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { UnitFormFields } from "../components/UnitFormFields";
import { listCategories } from "../services/categories.server";
import { unitOr404, listParentOptions, unitFormSchema, updateUnit } from "../services/units.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { formValues, parseForm } from "../utils/form.server";
import { actionRefusal, parseId, throwAsResponse } from "../utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `编辑单位 ${data?.unit.name ?? ""} - 政务公开绩效考核平台` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  try {
    const unit = unitOr404(getDb(), parseId(params.unitId));
    return {
      unit,
      categories: listCategories(getDb()).map(({ id, name }) => ({ id, name })),
      parents: listParentOptions(getDb(), unit.id),
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const id = parseId(params.unitId);
  const formData = await request.formData();
  const form = parseForm(unitFormSchema, formData);
  if (!form.ok) return data({ ok: false as const, fieldErrors: form.fieldErrors, values: form.values }, { status: 400 });
  try {
    updateUnit(getDb(), actorOf(user), id, form.data);
    return { ok: true as const, fieldErrors: {}, values: {} };
  } catch (error) {
    const r = actionRefusal(error, ["forbidden", "notFound"]);
    return data({ ok: false as const, fieldErrors: r.fieldErrors, values: formValues(formData) }, { status: r.status });
  }
}

export default function EditUnitPage() {
  const { unit, categories, parents } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const values =
    actionData?.ok === false
      ? { ...typed, active: typed.active !== undefined }
      : { code: unit.code, name: unit.name, categoryId: String(unit.categoryId), parentId: unit.parentId ? String(unit.parentId) : "", active: unit.active };

  return (
    <div>
      <p className="no-print">
        <Link to="/admin/units">← 返回单位列表</Link>
      </p>
      <h1>
        编辑单位：{unit.code} {unit.name}
      </h1>
      {actionData?.ok ? (
        <p className="notice" role="status">
          已保存。
        </p>
      ) : null}
      <div className="card">
        <p className="muted">单位一经使用即不能删除；不再参加考核的单位请取消“启用”，其历史数据将完整保留。</p>
        <Form method="post" className="stack" noValidate key={`${unit.id}-${unit.updatedAt}`}>
          <UnitFormFields categories={categories} parents={parents} values={values} errors={errors} />
          <div>
            <button type="submit" disabled={busy}>
              保存
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
