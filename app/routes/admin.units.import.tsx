import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { ImportForm } from "../components/ImportForm";
import { importUnits } from "../services/imports/units-import.server";
import { readXlsxUpload } from "../services/imports/xlsx-upload.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { valueOrRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "批量导入单位 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const read = await valueOrRefusal(() => readXlsxUpload(request));
  if (!read.ok) return data({ ok: false, message: read.message, errors: [], byCategory: [] }, { status: read.status });
  const upload = read.value;
  const result = await importUnits(getDb(), upload.buffer, actorOf(user), upload.fileName);
  if (!result.ok) return data({ ok: false, message: result.message, errors: result.errors, byCategory: [] }, { status: 400 });
  return { ok: true, message: `已从“${upload.fileName}”导入 ${result.created} 个单位。`, errors: [], byCategory: result.byCategory };
}

export default function ImportUnitsPage() {
  const outcome = useActionData<typeof action>();
  return (
    <div>
      <p className="no-print">
        <Link to="/admin/units">← 返回单位列表</Link>
      </p>
      <h1>批量导入单位</h1>
      <ImportForm templateHref="/admin/units/template.xlsx" outcome={outcome}>
        {outcome?.ok && outcome.byCategory.length ? (
          <ul>
            {outcome.byCategory.map((c) => (
              <li key={c.category}>
                {c.category}：{c.count} 个
              </li>
            ))}
          </ul>
        ) : null}
      </ImportForm>
    </div>
  );
}
