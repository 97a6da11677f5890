import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field } from "../components/Field";
import { authenticate } from "../services/auth.server";
import { clientIp, getUser } from "../utils/auth.server";
import { parseForm } from "../utils/form.server";
import { createUserSession } from "../utils/session.server";
import { getDb } from "../utils/db.server";
import { refusalErrors } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "登录 - 政务公开绩效考核平台" }];

const loginSchema = z.object({
  username: z.string({ required_error: "请输入用户名" }).trim().min(1, "请输入用户名").max(64, "用户名过长"),
  password: z.string({ required_error: "请输入密码" }).min(1, "请输入密码").max(256, "密码过长"),
  redirectTo: z.string().optional(),
});

/** Only same-site relative paths are followed after login. */
function safeRedirect(to: string | undefined | null): string {
  if (!to || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return "/";
  return to;
}

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(loginSchema, await request.formData());
  if (!form.ok) return data({ fieldErrors: form.fieldErrors, formError: null, username: form.values.username ?? "" }, { status: 400 });
  const { username, password, redirectTo } = form.data;
  const ip = clientIp(request, context);
  let userId: number;
  try {
    userId = await authenticate(getDb(), username, password, ip);
  } catch (error) {
    const r = refusalErrors(error);
    return data({ fieldErrors: {}, formError: r.fieldErrors._form, username }, { status: r.status });
  }
  const cookie = await createUserSession(userId, ip);
  throw redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": cookie } });
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  return (
    <div className="card login-box">
      <h1>政务公开绩效考核平台</h1>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        {actionData?.formError ? (
          <p className="form-error" role="alert">
            {actionData.formError}
          </p>
        ) : null}
        <Field name="username" label="用户名" autoComplete="username" defaultValue={actionData?.username} error={errors.username} required autoFocus />
        <Field name="password" label="密码" type="password" autoComplete="current-password" error={errors.password} required />
        <button type="submit" disabled={busy}>
          登录
        </button>
      </Form>
    </div>
  );
}
