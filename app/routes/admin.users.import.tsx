import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { ImportForm } from "../components/ImportForm";
import { importUsers } from "../services/imports/users-import.server";
import { readXlsxUpload } from "../services/imports/xlsx-upload.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { valueOrRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "批量导入用户 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const read = await valueOrRefusal(() => readXlsxUpload(request));
  if (!read.ok) return data({ ok: false, message: read.message, errors: [], byRole: [] }, { status: read.status });
  const upload = read.value;
  const result = await importUsers(getDb(), upload.buffer, actorOf(user), upload.fileName);
  if (!result.ok) return data({ ok: false, message: result.message, errors: result.errors, byRole: [] }, { status: 400 });
  return { ok: true, message: `已从“${upload.fileName}”导入 ${result.created} 个用户。请通过安全渠道告知初始密码，并提醒本人首次登录后修改。`, errors: [], byRole: result.byRole };
}

export default function ImportUsersPage() {
  const outcome = useActionData<typeof action>();
  return (
    <div>
      <p className="no-print">
        <Link to="/admin/users">← 返回用户管理</Link>
      </p>
      <h1>批量导入用户</h1>
      <ImportForm templateHref="/admin/users/template.xlsx" outcome={outcome}>
        {outcome?.ok && outcome.byRole.length ? (
          <ul>
            {outcome.byRole.map((r) => (
              <li key={r.role}>
                {r.role}：{r.count} 个
              </li>
            ))}
          </ul>
        ) : null}
      </ImportForm>
    </div>
  );
}
