import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ActiveBadge } from "../components/AdminList";
import {
  createOrganization,
  listOrganizations,
  orgFormSchema,
  setOrganizationActive,
  updateOrganization,
} from "../services/organizations.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { actionRefusal, badRequest, parseId } from "../utils/http.server";
import { ORG_KINDS } from "../utils/org-kinds";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "评估机构 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return { orgs: listOrganizations(getDb()) };
}

const intentSchema = z.enum(["create", "update", "deactivate", "activate"]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const actor = actorOf(user);
  const formData = await request.formData();
  const intent = intentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw badRequest("未知的操作。");

  const id = intent.data === "create" ? null : parseId(String(formData.get("id") ?? ""));
  const refused = (fieldErrors: Record<string, string>, status: number) =>
    data({ intent: intent.data, id, fieldErrors, values: formValues(formData), message: null }, { status });
  try {
    if (intent.data === "create" || intent.data === "update") {
      const form = parseForm(orgFormSchema, formData);
      if (!form.ok) return refused(form.fieldErrors, 400);
      if (id === null) {
        const created = createOrganization(getDb(), actor, form.data);
        return { intent: intent.data, id: created, fieldErrors: {}, values: {}, message: `已添加评估机构“${form.data.name}”。` };
      }
      updateOrganization(getDb(), actor, id, form.data);
      return { intent: intent.data, id, fieldErrors: {}, values: {}, message: "已保存。" };
    }
    const active = intent.data === "activate";
    setOrganizationActive(getDb(), actor, id!, active);
    return { intent: intent.data, id, fieldErrors: {}, values: {}, message: active ? "评估机构已启用。" : "评估机构已停用，其评估员的历史记录保留。" };
  } catch (error) {
    const r = actionRefusal(error, ["forbidden", "notFound"]);
    return refused(r.fieldErrors, r.status);
  }
}

function OrgFields({
  prefix,
  values,
  errors,
}: {
  prefix: string;
  values: { name?: string; kind?: string };
  errors: Record<string, string | undefined>;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-name`}>机构名称</label>
        <input
          id={`${prefix}-name`}
          name="name"
          defaultValue={values.name}
          maxLength={100}
          required
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${prefix}-name-error` : undefined}
        />
        {errors.name ? (
          <span id={`${prefix}-name-error`} className="field-error" role="alert">
            {errors.name}
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-kind`}>机构类型</label>
        <select id={`${prefix}-kind`} name="kind" defaultValue={values.kind ?? ORG_KINDS[0]}>
          {ORG_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {errors.kind ? (
          <span className="field-error" role="alert">
            {errors.kind}
          </span>
        ) : null}
      </div>
    </>
  );
}

export default function OrganizationsPage() {
  const { orgs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const failed = (intent: string, id: number | null) => actionData?.intent === intent && actionData.id === id && Object.keys(errors).length > 0;

  return (
    <div>
      <h1>评估机构</h1>
      <p className="muted">评估员隶属于评估机构。机构不会被删除：停用后其评估员的历史评估记录完整保留。</p>
      {actionData?.message ? (
        <p className="notice" role="status">
          {actionData.message}
        </p>
      ) : null}

      <div className="table-wrap card">
        <table>
          <caption className="muted">共 {orgs.length} 个评估机构</caption>
          <thead>
            <tr>
              <th scope="col">机构名称与类型</th>
              <th scope="col" className="num">评估员人数</th>
              <th scope="col">状态</th>
              <th scope="col">启用/停用</th>
            </tr>
          </thead>
          <tbody>
            {orgs.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  还没有评估机构。
                </td>
              </tr>
            ) : (
              orgs.map((o) => {
                const rowFailed = failed("update", o.id);
                return (
                  <tr key={o.id}>
                    <td>
                      <Form method="post" className="inline-form" key={`${o.id}-${o.name}-${o.kind}`}>
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="id" value={o.id} />
                        <OrgFields prefix={`org-${o.id}`} values={rowFailed ? typed : o} errors={rowFailed ? errors : {}} />
                        <button type="submit" className="secondary" disabled={busy}>
                          保存
                        </button>
                      </Form>
                    </td>
                    <td className="num">{o.evaluatorCount}</td>
                    <td><ActiveBadge active={o.active} /></td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="id" value={o.id} />
                        {o.active ? (
                          <button type="submit" name="intent" value="deactivate" className="danger" disabled={busy} aria-label={`停用 ${o.name}`}>
                            停用
                          </button>
                        ) : (
                          <button type="submit" name="intent" value="activate" className="secondary" disabled={busy} aria-label={`启用 ${o.name}`}>
                            启用
                          </button>
                        )}
                      </Form>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>

      <div className="card">
        <h2>新增评估机构</h2>
        <Form method="post" className="stack" noValidate key={actionData?.intent === "create" && actionData.id ? actionData.id : "new"}>
          <input type="hidden" name="intent" value="create" />
          <OrgFields prefix="new-org" values={failed("create", null) ? typed : {}} errors={failed("create", null) ? errors : {}} />
          <div>
            <button type="submit" disabled={busy}>
              添加评估机构
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
