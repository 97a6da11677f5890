import type { LoaderFunctionArgs } from "@remix-run/node";
import { usersTemplate } from "../services/imports/users-import.server";
import { xlsxDownload } from "../services/imports/xlsx-template.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";

/** GET /admin/users/template.xlsx: the users import template with Chinese headers. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "administration");
  return xlsxDownload(await usersTemplate(getDb()), "用户导入模板.xlsx", "users-template.xlsx");
}
