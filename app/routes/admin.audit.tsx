import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { auditActions, auditEntityTypes, listAuditLog, parseAuditFilter, verifyAuditLog } from "../services/audit-log.server";
import { FieldError } from "../components/Field";
import { requireAccess } from "../utils/auth.server";
import { badRequest } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "审计日志 - 政务公开绩效考核平台" }];

const FILTER_KEYS = ["actor", "action", "entityType", "entityId", "from", "to"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const params = new URL(request.url).searchParams;
  const typed = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof FILTER_KEYS)[number], string>;
  const entityTypes = auditEntityTypes(getDb());
  const actions = auditActions();
  const parsed = parseAuditFilter(params);
  if (!parsed.ok) {
    return data({ typed, entityTypes, actions, fieldErrors: parsed.fieldErrors, log: null }, { status: 400 });
  }
  return { typed, entityTypes, actions, fieldErrors: {} as Record<string, string>, log: listAuditLog(getDb(), parsed.filter) };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAccess(request, "read", "administration");
  const formData = await request.formData();
  if (formData.get("intent") !== "verify") throw badRequest("未知的操作。");
  return verifyAuditLog(getDb());
}

function filterQuery(typed: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(typed)) if (v) params.set(k, v);
  return params;
}

function pageHref(typed: Record<string, string>, page: number): string {
  const params = filterQuery(typed);
  params.set("page", String(page));
  return `/admin/audit?${params}`;
}

function SelectFilter({ name, label, value, options, error }: { name: string; label: string; value: string; options: { value: string; label: string }[]; error?: string }) {
  const id = `audit-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">全部</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

type Diff = { field: string; label: string; before: string | null; after: string | null; long: boolean; summary: string | null };

function Change({ d }: { d: Diff }) {
  const value =
    d.before !== null && d.after !== null ? (
      <>
        <del>{d.before}</del> → <ins>{d.after}</ins>
      </>
    ) : d.after !== null ? (
      <ins>{d.after}</ins>
    ) : (
      <del>{d.before}</del>
    );
  const label = d.label ? <strong>{d.label}：</strong> : null;
  if (!d.long) {
    return (
      <li>
        {label}
        {value}
      </li>
    );
  }
  return (
    <li>
      <details>
        <summary>
          {label}
          {d.summary}（点击展开）
        </summary>
        <div className="audit-long">{value}</div>
      </details>
    </li>
  );
}

function FilterField({ name, label, type = "text", value, error }: { name: string; label: string; type?: string; value: string; error?: string }) {
  const id = `audit-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={value}
        maxLength={100}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export default function AuditLogPage() {
  const { typed, entityTypes, actions, fieldErrors, log } = useLoaderData<typeof loader>();
  const verified = useActionData<typeof action>();
  const navigation = useNavigation();
  const verifying = navigation.state === "submitting" && navigation.formData?.get("intent") === "verify";
  const errors = fieldErrors as Record<string, string | undefined>;

  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>审计日志</h1>
        <Form method="post">
          <input type="hidden" name="intent" value="verify" />
          <button type="submit" className="secondary" disabled={verifying}>
            {verifying ? "正在校验…" : "校验审计链"}
          </button>
        </Form>
      </div>
      <p className="muted">
        审计日志只能追加、不能修改：每条记录都带有前一条记录的哈希，任何事后改动都会被“校验审计链”发现。时间均为北京时间。
      </p>
      {verified ? (
        <p className={verified.ok ? "notice" : "form-error"} role={verified.ok ? "status" : "alert"}>
          {verified.message}
        </p>
      ) : null}

      <Form method="get" className="toolbar card" role="search" aria-label="筛选审计日志">
        <FilterField name="actor" label="操作人（姓名或用户名）" value={typed.actor} error={errors.actor} />
        <SelectFilter name="action" label="操作" value={typed.action} options={actions} error={errors.action} />
        <SelectFilter name="entityType" label="对象类型" value={typed.entityType} options={entityTypes} error={errors.entityType} />
        <FilterField name="entityId" label="对象编号" value={typed.entityId} error={errors.entityId} />
        <FilterField name="from" label="开始日期" type="date" value={typed.from} error={errors.from} />
        <FilterField name="to" label="结束日期" type="date" value={typed.to} error={errors.to} />
        <button type="submit">筛选</button>
        <Link to="/admin/audit">清除筛选</Link>
        <a href={`/admin/audit.xlsx${filterQuery(typed).size > 0 ? `?${filterQuery(typed)}` : ""}`} download>
          导出筛选结果（Excel）
        </a>
      </Form>

      {log === null ? (
        <p className="form-error" role="alert">
          筛选条件有误，请按提示修改后重新筛选。
        </p>
      ) : (
        <>
          <div className="table-wrap card">
            <table>
              <caption className="muted">
                共 {log.total} 条记录{log.pages > 1 ? `，第 ${log.page} / ${log.pages} 页` : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    编号
                  </th>
                  <th scope="col">时间</th>
                  <th scope="col">操作人</th>
                  <th scope="col">操作</th>
                  <th scope="col">对象</th>
                  <th scope="col">变更内容</th>
                </tr>
              </thead>
              <tbody>
                {log.rows.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="muted">
                      没有符合条件的记录。
                    </td>
                  </tr>
                ) : (
                  log.rows.map((r) => (
                    <tr key={r.id}>
                      <td className="num">{r.id}</td>
                      <td style={{ whiteSpace: "nowrap" }}>
                        <time dateTime={r.at}>{r.time}</time>
                      </td>
                      <td>{r.actorName}</td>
                      <td>{r.actionLabel}</td>
                      <td>
                        <div className="muted">{r.entityTypeLabel}</div>
                        {r.objectName ?? (r.entityId ? `编号 ${r.entityId}` : "—")}
                      </td>
                      <td className="audit-change">
                        {r.diff.length === 0 ? (
                          <span className="muted">—</span>
                        ) : (
                          <ul>
                            {r.diff.map((d, i) => (
                              <Change key={`${d.field}-${i}`} d={d} />
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          {log.pages > 1 ? (
            <nav aria-label="分页" className="toolbar">
              {log.page > 1 ? <Link to={pageHref(typed, log.page - 1)}>上一页</Link> : null}
              <span>
                第 {log.page} / {log.pages} 页
              </span>
              {log.page < log.pages ? <Link to={pageHref(typed, log.page + 1)}>下一页</Link> : null}
            </nav>
          ) : null}
        </>
      )}
    </div>
  );
}
