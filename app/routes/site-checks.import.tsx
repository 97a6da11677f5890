import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { ImportForm } from "../components/ImportForm";
import { readXlsxUpload } from "../services/imports/xlsx-upload.server";
import { importWebsites } from "../services/site-check/websites-xlsx.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { valueOrRefusal } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "批量导入单位网站 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "administration");
  const read = await valueOrRefusal(() => readXlsxUpload(request));
  if (!read.ok) return data({ ok: false, message: read.message, errors: [] }, { status: read.status });
  const upload = read.value;
  const result = await importWebsites(getDb(), upload.buffer, actorOf(user), upload.fileName);
  if (!result.ok) return data({ ok: false, message: result.message, errors: result.errors }, { status: 400 });
  return { ok: true, message: `已从“${upload.fileName}”新增 ${result.websites} 个网站、${result.columns} 个栏目。`, errors: [] };
}

export default function ImportWebsitesPage() {
  const outcome = useActionData<typeof action>();
  return (
    <div>
      <p className="no-print">
        <Link to="/site-checks">← 返回网站检查</Link>
      </p>
      <h1>批量导入单位网站和栏目</h1>
      <ImportForm templateHref="/site-checks/websites.xlsx?template=1" outcome={outcome} />
    </div>
  );
}
