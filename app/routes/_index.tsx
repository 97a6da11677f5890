import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { NAVIGATION } from "../navigation";
import { requireAccess, ROLE_LABELS } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "首页 - 政务公开绩效考核平台" }];

const INTRO: Record<string, string> = {
  office: "配置考核年度、指标体系、被考核单位与评估人员，发布考核结果。",
  department: "填报本单位年度政务公开自查情况并上传佐证材料。",
  evaluator: "对分配给您的单位进行评分，开展抽查。",
  leader: "查看考核排名、得分分析与报告。",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "account");
  return { role: user.role, roleLabel: ROLE_LABELS[user.role], displayName: user.displayName, unitName: user.unitName };
}

export default function Home() {
  const { role, roleLabel, displayName, unitName } = useLoaderData<typeof loader>();
  const links = NAVIGATION[role].filter((n) => n.to !== "/");
  return (
    <>
      <h1>
        {displayName}，您好
      </h1>
      <p className="muted">
        {roleLabel}
        {unitName ? ` · ${unitName}` : ""}：{INTRO[role]}
      </p>
      {links.length > 0 ? (
        <div className="grid">
          {links.map((l) => (
            <Link key={l.to} to={l.to} className="card">
              {l.label}
            </Link>
          ))}
        </div>
      ) : null}
    </>
  );
}
