import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Field } from "../components/Field";
import { FormOutcome } from "../components/FormOutcome";
import {
  categoryFormSchema,
  createCategory,
  deleteCategory,
  listCategories,
  moveCategory,
  renameCategory,
} from "../services/categories.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { actionRefusal, badRequest, parseId } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "单位类别 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return { categories: listCategories(getDb()) };
}

const intentSchema = z.enum(["create", "rename", "move", "delete"]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const actor = actorOf(user);
  const db = getDb();
  const formData = await request.formData();
  const intent = intentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw badRequest("未知的操作。");
  const id = intent.data === "create" ? null : parseId(String(formData.get("id") ?? ""));
  const done = (message: string) => ({ intent: intent.data, id, fieldErrors: {}, values: {}, message });
  try {
    if (intent.data === "create" || intent.data === "rename") {
      const form = parseForm(categoryFormSchema, formData);
      if (!form.ok) return data({ intent: intent.data, id, fieldErrors: form.fieldErrors, values: form.values, message: null }, { status: 400 });
      if (id === null) {
        const created = createCategory(db, actor, form.data);
        return { ...done(`已添加类别“${form.data.name}”。`), id: created };
      }
      renameCategory(db, actor, id, form.data);
      return done(`类别名称已改为“${form.data.name}”。`);
    }
    if (intent.data === "move") {
      const direction = z.enum(["up", "down"]).safeParse(formData.get("direction"));
      if (!direction.success) throw badRequest("未知的排序方向。");
      moveCategory(db, actor, id!, direction.data);
      return done("排序已更新。");
    }
    deleteCategory(db, actor, id!);
    return done("类别已删除。");
  } catch (error) {
    const r = actionRefusal(error);
    return data({ intent: intent.data, id, fieldErrors: r.fieldErrors, values: formValues(formData), message: null }, { status: r.status });
  }
}

export default function CategoriesPage() {
  const { categories } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const errorFor = (intent: string, id: number | null) => (actionData?.intent === intent && actionData.id === id ? errors : {});

  return (
    <div>
      <h1>单位类别</h1>
      <p className="muted">类别决定单位适用的指标体系（如“街道办事处”“区级部门”）。已有单位使用的类别不能删除；排序决定各列表和报表中的显示顺序。</p>
      <FormOutcome notice={actionData?.message} error={errors._form} />

      <div className="table-wrap card">
        <table>
          <caption className="muted">共 {categories.length} 个类别</caption>
          <thead>
            <tr>
              <th scope="col">顺序</th>
              <th scope="col">类别名称</th>
              <th scope="col" className="num">单位数</th>
              <th scope="col">排序</th>
              <th scope="col">删除</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => {
              const rowErrors = errorFor("rename", c.id);
              return (
                <tr key={c.id}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <Form method="post" className="inline-form" key={`${c.id}-${c.name}`}>
                      <input type="hidden" name="intent" value="rename" />
                      <input type="hidden" name="id" value={c.id} />
                      <label className="muted" htmlFor={`cat-name-${c.id}`}>
                        名称
                      </label>
                      <input
                        id={`cat-name-${c.id}`}
                        name="name"
                        defaultValue={rowErrors.name ? values.name : c.name}
                        aria-invalid={rowErrors.name ? true : undefined}
                        aria-describedby={rowErrors.name ? `cat-name-${c.id}-error` : undefined}
                        maxLength={50}
                        required
                      />
                      <button type="submit" className="secondary" disabled={busy}>
                        改名
                      </button>
                      {rowErrors.name ? (
                        <span id={`cat-name-${c.id}-error`} className="field-error" role="alert">
                          {rowErrors.name}
                        </span>
                      ) : null}
                    </Form>
                  </td>
                  <td className="num">{c.unitCount}</td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="move" />
                      <input type="hidden" name="id" value={c.id} />
                      <button type="submit" name="direction" value="up" className="secondary" disabled={busy || i === 0} aria-label={`将“${c.name}”上移`}>
                        上移
                      </button>
                      <button
                        type="submit"
                        name="direction"
                        value="down"
                        className="secondary"
                        disabled={busy || i === categories.length - 1}
                        aria-label={`将“${c.name}”下移`}
                      >
                        下移
                      </button>
                    </Form>
                  </td>
                  <td>
                    {c.unitCount > 0 ? (
                      <span className="muted">使用中，不能删除</span>
                    ) : (
                      <Form
                        method="post"
                        onSubmit={(e) => {
                          if (!confirm(`确定删除类别“${c.name}”吗？`)) e.preventDefault();
                        }}
                      >
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="id" value={c.id} />
                        <button type="submit" className="danger" disabled={busy} aria-label={`删除类别“${c.name}”`}>
                          删除
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div className="card">
        <h2>新增类别</h2>
        <Form method="post" className="stack" noValidate key={actionData?.intent === "create" && actionData.id ? actionData.id : "new"}>
          <input type="hidden" name="intent" value="create" />
          <Field name="name" label="类别名称" maxLength={50} defaultValue={actionData?.intent === "create" ? values.name : undefined} error={errorFor("create", null).name} required />
          <div>
            <button type="submit" disabled={busy}>
              添加类别
            </button>
          </div>
        </Form>
      </div>
    </div>
  );
}
